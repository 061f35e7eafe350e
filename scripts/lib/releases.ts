// What the release tools share: the hint for a release that does not exist yet, the flags they read (--ref,
// --url, --commit), the scope flags their suggestions carry, create-release's plan of requests, and matching
// local git remotes with the repositories Sentry knows.

import type { SentryApi } from "./api.js";
import type { Config } from "./config.js";
import { AuthError, NotFoundError, UsageError } from "./errors.js";
import { repeated, type Flag } from "./flags.js";
import { normalizeHost, parseRemoteUrl, type Remote } from "./git.js";
import { commandLine, listWithMore } from "./output.js";
import { stripUrlCredentials } from "./redact.js";
import { listRepos, releasesStartingWith, type CreateReleaseBody, type RawRelease, type RawRepo, type UpdateReleaseBody } from "./sentry/releases.js";
import { cleanText } from "./text.js";
import { MAX_VERSION_LENGTH } from "./validate.js";

export { RELEASE_SCOPES } from "./sentry/releases.js";
export type SentryRepo = RawRepo;

/**
 * The scope flags a suggested command carries: --org when this run was given one (an organization from the
 * environment or .sentryclirc applies to the suggested run as well).
 */
export function orgArgs(config: Pick<Config, "org" | "orgSource">): string[] {
  return config.orgSource === "--org" && config.org ? ["--org", config.org] : [];
}

export function releaseNotFoundHint(version: string, config: Pick<Config, "org" | "orgSource">): string {
  const create = commandLine("create-release", [version, "--project", "SLUG", ...orgArgs(config)]);
  return `no release ${JSON.stringify(version)} in this organization: create it first (preview, then --yes): ${create}`;
}

/** --ref: a tag, branch or SHA as Sentry stores it (no spaces, at most MAX_VERSION_LENGTH). */
export function parseRef(value: string): string {
  const ref = value.trim();
  if (ref === "" || ref.length > MAX_VERSION_LENGTH || /\s/.test(ref)) {
    throw new UsageError(`invalid --ref ${JSON.stringify(ref)}: a tag, branch or SHA without spaces, at most ${MAX_VERSION_LENGTH} characters`);
  }
  return ref;
}

/** --url must be an absolute http(s) URL; credentials in it would be stored in Sentry for everyone to see. */
export function parseReleaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new UsageError(`invalid --url ${JSON.stringify(value)}: expected an absolute http(s) URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new UsageError(`invalid --url ${JSON.stringify(value)}: expected http or https`);
  if (url.username || url.password) {
    throw new UsageError(`--url contains credentials: ${stripUrlCredentials(value)}`, "remove user:password@ from the URL; Sentry shows it to every member");
  }
  return value.trim();
}

/** --commit, repeatable: each REPO@SHA or REPO@PREVIOUS..SHA (parseCommitFlag). */
export function commitRefs(help: string): Flag<ExplicitRef[]> {
  return repeated({ placeholder: "REPO@[PREV..]SHA", help }, parseCommitFlag);
}

/** What create-release wants the release to look like. */
export interface WantedRelease {
  version: string;
  projects: string[];
  ref?: string;
  url?: string;
  /** Fixed once, before the first attempt, so a retried write sends the same date. */
  dateReleased?: string;
}

/** One request of create-release's plan: a POST (create, or add projects) or a PUT (fields). */
export type ReleaseStep = { method: "POST"; body: CreateReleaseBody } | { method: "PUT"; body: UpdateReleaseBody };

/**
 * The fields of an existing release a PUT must change to reach `wanted`. An earlier release date is kept:
 * re-running CI must not move it.
 */
export function fieldChanges(wanted: WantedRelease, existing: RawRelease): UpdateReleaseBody {
  const changes: UpdateReleaseBody = {};
  if (wanted.dateReleased && !existing.dateReleased) changes.dateReleased = wanted.dateReleased;
  if (wanted.ref !== undefined && wanted.ref !== (existing.ref ?? null)) changes.ref = wanted.ref;
  if (wanted.url !== undefined && wanted.url !== (existing.url ?? null)) changes.url = wanted.url;
  return changes;
}

export const projectSlugs = (release: RawRelease): string[] => (release.projects ?? []).map((p) => p.slug);

/**
 * The requests that reach `wanted`: one POST that creates the release with every field, or, for an existing
 * one, a POST with the projects it lacks and a PUT with the fields that differ (Sentry ignores ref, url and
 * dateReleased in a POST for an existing version: organization_releases.py).
 */
export function planReleaseSteps(wanted: WantedRelease, existing: RawRelease | null): ReleaseStep[] {
  if (!existing) {
    const body: CreateReleaseBody = { version: wanted.version, projects: wanted.projects };
    for (const key of ["ref", "url", "dateReleased"] as const) if (wanted[key] !== undefined) body[key] = wanted[key];
    return [{ method: "POST", body }];
  }
  const steps: ReleaseStep[] = [];
  const has = projectSlugs(existing);
  const missing = wanted.projects.filter((slug) => !has.includes(slug));
  if (missing.length) steps.push({ method: "POST", body: { version: wanted.version, projects: missing } });
  const changes = fieldChanges(wanted, existing);
  if (Object.keys(changes).length) steps.push({ method: "PUT", body: changes });
  return steps;
}

/** A PUT's fields as the output names them: dateReleased is "finalized". */
export function updatedFields(body: UpdateReleaseBody): string[] {
  return Object.keys(body).map((k) => (k === "dateReleased" ? "finalized" : k));
}

/**
 * Sentry answers 400 {"projects": ["Invalid project ids or slugs"]} when a slug names no project of the
 * organization (ReleaseWithVersionSerializer / organization_releases.py); the generic 400 hint says nothing.
 */
export function explainProjectRejection(err: unknown, projects: string[]): unknown {
  if (err instanceof UsageError && err.status === 400 && /\bprojects\b/.test(err.detail ?? "")) {
    return new UsageError(
      projects.length === 1
        ? `unknown project ${projects[0]} in this organization (Sentry: ${err.detail})`
        : `one of the projects ${projects.join(", ")} is unknown in this organization (Sentry: ${err.detail})`,
      "check the slug: node dist/list-projects.mjs lists the projects",
      400,
      err.detail,
    );
  }
  return err;
}

export interface RepoMatch {
  repo: SentryRepo;
  remote: Remote;
}

/** Remote names tried first when several remotes match different repositories. */
const PREFERRED_REMOTES = ["origin", "upstream"];

/**
 * Pairs local remotes with the organization's repositories. A remote matches a repository when host and
 * path equal those of the repository's URL, or when its path equals the repository's name (repositories
 * added without a URL); both compared without case, `.git` suffix, credentials, port or `www.`.
 * The best match comes first: origin, then upstream, then the remotes in git's order.
 */
export function matchRemotes(remotes: readonly Remote[], repos: readonly SentryRepo[]): RepoMatch[] {
  const matches: RepoMatch[] = [];
  for (const remote of remotes) {
    const remotePath = remote.path.toLowerCase();
    const remoteHost = normalizeHost(remote.host);
    const repo = repos.find((r) => {
      const fromUrl = r.url ? parseRemoteUrl(r.url) : undefined;
      if (fromUrl && remoteHost && normalizeHost(fromUrl.host) === remoteHost && fromUrl.path.toLowerCase() === remotePath) return true;
      return r.name.toLowerCase() === remotePath;
    });
    if (repo) matches.push({ repo, remote });
  }
  const rank = (m: RepoMatch) => {
    const i = PREFERRED_REMOTES.indexOf(m.remote.name);
    return i < 0 ? PREFERRED_REMOTES.length : i;
  };
  return matches.sort((a, b) => rank(a) - rank(b));
}

/** The remote whose path names the repository in --local mode: origin, then upstream, then the first. */
export function preferredRemote(remotes: readonly Remote[]): Remote | undefined {
  for (const name of PREFERRED_REMOTES) {
    const found = remotes.find((r) => r.name === name);
    if (found) return found;
  }
  return remotes[0];
}

/** A --commit value: REPO@SHA or REPO@PREVIOUS..SHA, as sentry-cli spells it. */
export interface ExplicitRef {
  repository: string;
  commit: string;
  previousCommit?: string;
}

/** Sentry's limits on refs (ReleaseHeadCommitSerializer: repository ≤ 200, previousCommit ≤ 64). */
const MAX_REF_REPOSITORY_LENGTH = 200;
const SHA = /^[0-9a-f]{4,64}$/i;

export function parseCommitFlag(value: string): ExplicitRef {
  const at = value.lastIndexOf("@");
  const usage = `invalid --commit ${JSON.stringify(value)}: expected REPO@SHA or REPO@PREVIOUS..SHA, e.g. acme/web@1a2b3c4..5d6e7f8`;
  if (at <= 0) throw new UsageError(usage);
  const repository = value.slice(0, at).trim();
  const range = value.slice(at + 1).trim();
  if (!repository || repository.length > MAX_REF_REPOSITORY_LENGTH || /\s/.test(repository)) throw new UsageError(usage);
  const [previous, commit, extra] = range.includes("..") ? range.split("..") : [undefined, range];
  if (extra !== undefined || !commit || !SHA.test(commit) || (previous !== undefined && !SHA.test(previous))) throw new UsageError(usage);
  return previous !== undefined ? { repository, commit, previousCommit: previous } : { repository, commit };
}

/**
 * The organization's repositories, or undefined when this token may not list them (said on stderr): without
 * them auto cannot match and --commit cannot be checked, but the local history can still be sent. A wrong
 * shape still ends the run (exit 7).
 */
export async function tryListRepos(api: SentryApi, org: string, warn: (message: string) => void): Promise<SentryRepo[] | undefined> {
  try {
    return await listRepos(api, org);
  } catch (err) {
    if (!(err instanceof AuthError || err instanceof NotFoundError)) throw err;
    warn(`cannot list the organization's repositories (${err.message})`);
    return undefined;
  }
}

/**
 * --commit refs name repositories as Sentry does; one it does not know is refused (400, InvalidRepository)
 * only when --yes sends it, so the preview checks the names against the organization's list (without case,
 * as matchRemotes compares them).
 */
export function checkRefRepositories(refs: readonly ExplicitRef[], repos: readonly SentryRepo[], org: string): void {
  const known = new Set(repos.map((r) => r.name.toLowerCase()));
  const unknown = refs.filter((r) => !known.has(r.repository.toLowerCase()));
  if (unknown.length === 0) return;
  const names = repos.map((r) => cleanText(r.name));
  throw new UsageError(
    `no repository ${JSON.stringify(unknown[0]!.repository)} in ${org}${names.length ? ` (it has ${listWithMore(names, MAX_REPOS_SHOWN)})` : " (it has none)"}`,
    "connect the repository integration in Sentry (or check REPO's spelling), or send the local history with --local",
  );
}

const MAX_REPOS_SHOWN = 5;

/** Sentry answers 400 {"refs": ["…"]} when a ref names a repository it does not know (InvalidRepository). */
export function explainRefRejection(err: unknown): unknown {
  if (err instanceof UsageError && err.status === 400 && /\brefs\b/.test(err.detail ?? "")) {
    return new UsageError(err.message, "connect the repository integration in Sentry (or check REPO's spelling), or send the local history with --local");
  }
  return err;
}

/**
 * A release that is not found may be a shortened version (list output, a 12-character hash): when it is the
 * start of exactly one release's version, the error names that version and the command with it, instead of
 * suggesting to create a release that differs from an existing one only by length. Any other error, and a
 * lookup that fails, leave the original error as it was.
 */
export async function explainMissingRelease(err: unknown, api: SentryApi, org: string, version: string, retry: (full: string) => string): Promise<unknown> {
  if (!(err instanceof NotFoundError && err.status === 404)) return err;
  const matches = await releasesStartingWith(api, org, version).catch(() => []);
  if (matches.length === 0) return err;
  if (matches.length > 1) return new NotFoundError(`no release ${JSON.stringify(version)} in ${org}; several versions start with it (${matches.map(cleanText).join(", ")}, …)`, "give the whole version (node dist/list-releases.mjs prints them)", 404);
  const full = matches[0]!;
  return new NotFoundError(`no release ${JSON.stringify(version)} in ${org}; it is the start of release ${cleanText(full)}`, `use the whole version: ${retry(full)}`, 404);
}
