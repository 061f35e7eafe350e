// Sentry's releases: the one release shape every tool reads (list, detail, an issue's first and last release),
// and the release endpoints (docs/sentry-api.md §8–9). Reads accept project:read as well as the release scopes.

import type { Page, SentryApi } from "../api.js";
import { apiPath } from "../urls.js";
import { NotFoundError } from "../errors.js";
import { getChecked, pages, tryGet, writeChecked, type Checked, type ReadContext } from "./client.js";
import { arrayOf, bool, num, nullable, object, optional, str, type Infer } from "./schema.js";

export const RELEASE_READ_SCOPE = "project:read";
/**
 * Every release endpoint the tools call (list, create, update, previous-with-commits, repos) accepts either
 * scope, so an organization token (org:ci only) can do everything the tools do (docs/sentry-api.md §8-10, §18).
 */
export const RELEASE_SCOPES = "project:releases or org:ci";

/** Release health of one project (health=1), as Sentry sends it: rates in percent, counts over summaryStatsPeriod. */
const rawHealth = object({
  crashFreeSessions: optional(nullable(num)),
  crashFreeUsers: optional(nullable(num)),
  /** Percent of the project's users (over the last 24h) on this release. */
  adoption: optional(nullable(num)),
  sessionsAdoption: optional(nullable(num)),
  totalSessions: optional(nullable(num)),
  totalUsers: optional(nullable(num)),
  hasHealthData: optional(bool),
});
export type RawHealth = Infer<typeof rawHealth>;

const releaseProject = object({ slug: str, id: optional(num), name: optional(str), hasHealthData: optional(bool), healthData: optional(nullable(rawHealth)) });

/**
 * A release as Sentry serializes it. Only `version` is always there: an issue's firstRelease/lastRelease is a
 * summary, and older servers leave fields out, so the rest is optional and each tool says what it needs.
 */
export const rawRelease = object({
  id: optional(num),
  version: str,
  shortVersion: optional(str),
  ref: optional(nullable(str)),
  url: optional(nullable(str)),
  dateCreated: optional(str),
  dateReleased: optional(nullable(str)),
  status: optional(str),
  newGroups: optional(num),
  commitCount: optional(num),
  deployCount: optional(num),
  lastDeploy: optional(nullable(object({ environment: str, dateFinished: str }))),
  /** The newest commit attached to the release (set-commits --auto sends nothing when HEAD is this one). */
  lastCommit: optional(nullable(object({ id: str }))),
  projects: optional(arrayOf(releaseProject)),
});
export type RawRelease = Infer<typeof rawRelease>;

/** One release of the organization, by version. */
export function getRelease(api: SentryApi, org: string, version: string, context: ReadContext): Promise<Checked<RawRelease>> {
  return getChecked(api, apiPath`/organizations/${org}/releases/${version}/`, rawRelease, undefined, { scopes: RELEASE_READ_SCOPE, ...context });
}

/** The project's newest release (the list is newest first by default), or undefined when it has none. */
export async function newestRelease(api: SentryApi, org: string, projectId: string): Promise<RawRelease | undefined> {
  const res = await getChecked(api, apiPath`/organizations/${org}/releases/`, arrayOf(rawRelease), { project: projectId, per_page: 1 }, { scopes: RELEASE_READ_SCOPE });
  return res.body[0];
}

export interface ReleaseListOptions {
  /** Sentry's release search: a version substring, or release.stage:adopted, finalized:false, … */
  query?: string;
  projects?: readonly string[];
  environments?: readonly string[];
  /** With health: the window of the crash-free rates, totals and session sorts (summaryStatsPeriod). */
  health?: { summaryStatsPeriod: string };
  /** A health sort (sessions, users, crash_free_*): Sentry refuses those unless rows are flattened per project. */
  flattenedSort?: string;
  limit: number;
  cursor?: string;
  all?: boolean;
}

/** The organization's releases, newest first (or by a health sort, one row per release and project). */
export function listReleases(api: SentryApi, org: string, opts: ReleaseListOptions): AsyncGenerator<Page<RawRelease>> {
  return pages(api, apiPath`/organizations/${org}/releases/`, rawRelease, {
    query: {
      // Sentry compares these to the string "1" (organization_releases.py); true/yes are ignored.
      health: opts.health ? "1" : undefined,
      flatten: opts.flattenedSort ? "1" : undefined,
      sort: opts.flattenedSort,
      // healthStatsPeriod only shapes the chart series the tools do not show, so it keeps Sentry's 24h default.
      summaryStatsPeriod: opts.health?.summaryStatsPeriod,
      project: opts.projects,
      environment: opts.environments,
      query: opts.query,
    },
    sizeParam: "per_page",
    limit: opts.limit,
    cursor: opts.cursor,
    all: opts.all,
    context: { scopes: RELEASE_SCOPES, notFoundHint: "check the organization slug (SENTRY_ORG or --org)" },
  });
}

const orgHint = "check the organization slug (SENTRY_ORG or --org)";

/** One release, or null when the organization has no such version (404): "does it exist yet?". */
export function findRelease(api: SentryApi, org: string, version: string): Promise<RawRelease | null> {
  const read = getChecked(api, apiPath`/organizations/${org}/releases/${version}/`, rawRelease, undefined, { scopes: RELEASE_SCOPES });
  return tryGet(
    read.then((r) => r.body),
    (err) => err instanceof NotFoundError && err.status === 404,
  );
}

/** The body of POST /organizations/{org}/releases/ (docs/sentry-api.md §9). */
export interface CreateReleaseBody {
  version: string;
  projects: string[];
  ref?: string;
  url?: string;
  dateReleased?: string;
}

/**
 * Creates the release, or adds the projects it lacks (Sentry's get_or_create by version). Idempotent: Sentry
 * answers 201 when it created or added something and 208 when the version already had these projects, so a
 * retry after a lost answer cannot make a second release (the retry's 208 may then be our own first attempt).
 */
export function createRelease(api: SentryApi, org: string, body: CreateReleaseBody): Promise<Checked<RawRelease> & { status: number }> {
  return writeChecked(api, "POST", apiPath`/organizations/${org}/releases/`, body, rawRelease, {
    idempotent: true,
    context: { scopes: RELEASE_SCOPES, notFoundHint: orgHint },
  });
}

/** The body of PUT /organizations/{org}/releases/{version}/: fields, or the commits/refs that replace the release's. */
export interface UpdateReleaseBody {
  ref?: string;
  url?: string;
  dateReleased?: string;
  refs?: Array<{ repository: string; commit: string; previousCommit?: string }>;
  commits?: unknown[];
}

/**
 * Sets fields or replaces the commits of a release. Idempotent: the same values set twice (the date is fixed
 * before the first attempt), and a commit list replaces the old one (Release.set_commits / set_refs).
 */
export function updateRelease(api: SentryApi, org: string, version: string, body: UpdateReleaseBody, notFoundHint?: string): Promise<Checked<RawRelease>> {
  return writeChecked(api, "PUT", apiPath`/organizations/${org}/releases/${version}/`, body, rawRelease, {
    idempotent: true,
    context: { scopes: RELEASE_SCOPES, notFoundHint },
  });
}

/** The path a release write goes to, as the preview prints it ("Would send: PUT /api/0/…"). */
export function releaseRequestPath(org: string, version?: string): string {
  return `/api/0${version === undefined ? apiPath`/organizations/${org}/releases/` : apiPath`/organizations/${org}/releases/${version}/`}`;
}

const rawRepo = object({
  id: str,
  /** How Sentry names the repository: "owner/name" for GitHub, the group path for GitLab. */
  name: str,
  url: optional(nullable(str)),
  status: optional(str),
});
export type RawRepo = Infer<typeof rawRepo>;

/** The organization's repositories (active ones, as Sentry lists them by default), every page. */
export async function listRepos(api: SentryApi, org: string): Promise<RawRepo[]> {
  const repos: RawRepo[] = [];
  for await (const page of pages(api, apiPath`/organizations/${org}/repos/`, rawRepo, { sizeParam: "per_page", limit: 0, all: true, context: { scopes: RELEASE_SCOPES } })) {
    repos.push(...page.items);
  }
  return repos;
}

/** Sentry's previous release with commits: `{}` when there is none. */
const previousRelease = nullable(object({ version: optional(str), lastCommit: optional(nullable(object({ id: str }))) }));
export type PreviousRelease = NonNullable<Infer<typeof previousRelease>>;

/**
 * The newest release of the same projects that has commits (undocumented, used by sentry-cli: docs/sentry-api.md §10).
 * It includes the release itself once that has commits.
 */
export async function previousWithCommits(api: SentryApi, org: string, version: string, notFoundHint: string): Promise<PreviousRelease> {
  const res = await getChecked(api, apiPath`/organizations/${org}/releases/${version}/previous-with-commits/`, previousRelease, undefined, {
    scopes: RELEASE_SCOPES,
    notFoundHint,
  });
  return res.body ?? {};
}

/**
 * Releases whose version starts with `prefix` (Sentry's release search matches substrings; the prefix test is
 * ours), at most `max`: to tell a shortened version (a 12-character hash) from a release that does not exist.
 */
export async function releasesStartingWith(api: SentryApi, org: string, prefix: string, max = 2): Promise<string[]> {
  const res = await getChecked(api, apiPath`/organizations/${org}/releases/`, arrayOf(rawRelease), { query: prefix, per_page: 25 }, { scopes: RELEASE_READ_SCOPE });
  return res.body.map((r) => r.version).filter((v) => v.startsWith(prefix) && v !== prefix).slice(0, max);
}
