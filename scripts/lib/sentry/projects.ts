// Sentry's projects: the project object (list and detail), its client keys (DSNs), and the endpoints that
// return them (docs/sentry-api.md §12). Scopes: the organization's list needs org:read, one project project:read.

import type { Page, SentryApi } from "../api.js";
import { NotFoundError } from "../errors.js";
import { commandLine } from "../output.js";
import { apiPath, parseLinkHeader } from "../urls.js";
import { getChecked, pages, type Checked } from "./client.js";
import { arrayOf, bool, nullable, num, object, optional, pair, str, type Infer } from "./schema.js";

export const ORG_READ_SCOPE = "org:read";
export const PROJECT_READ_SCOPE = "project:read";

const team = object({ slug: str });

/** The project fields the tools read; the detail endpoint adds its settings, kept as unknown keys. */
export const rawProject = object({
  id: str,
  slug: str,
  name: str,
  platform: nullable(str),
  /** Platforms of the events the project received (e.g. ["python"] for a python-django project). */
  platforms: optional(arrayOf(str)),
  dateCreated: str,
  firstEvent: nullable(str),
  teams: optional(arrayOf(team)),
  /** [[unix seconds, events], …] over the statsPeriod sent. */
  stats: optional(arrayOf(pair(num, num))),
  latestRelease: optional(nullable(object({ version: str }))),
});
export type RawProject = Infer<typeof rawProject>;

/** A client key (GET /projects/{org}/{project}/keys/). */
export const rawKey = object({
  name: str,
  isActive: optional(bool),
  dsn: optional(nullable(object({ public: optional(nullable(str)) }))),
  /** Events per window (seconds); null when the key has no limit. */
  rateLimit: optional(nullable(object({ count: nullable(num), window: num }))),
});
export type RawKey = Infer<typeof rawKey>;

export interface ListOptions {
  /** Sentry's project search (name, slug, team:…). */
  query?: string;
  /** With per-project event stats over this period (24h, 14d, 30d). */
  statsPeriod?: string;
  limit: number;
  cursor?: string;
  all?: boolean;
}

/** The organization's projects, page by page. */
export function listProjects(api: SentryApi, org: string, opts: ListOptions): AsyncGenerator<Page<RawProject>> {
  return pages(api, apiPath`/organizations/${org}/projects/`, rawProject, {
    query: { query: opts.query, statsPeriod: opts.statsPeriod },
    sizeParam: "per_page",
    limit: opts.limit,
    cursor: opts.cursor,
    all: opts.all,
    context: { scopes: ORG_READ_SCOPE },
  });
}

/** The one answer for a project that does not exist, or that the token cannot see (Sentry does not say which). */
export function noSuchProject(org: string, slugs: readonly string[], answer?: string): NotFoundError {
  return new NotFoundError(`no project ${slugs.join(", ")} in ${org}${answer ? `: ${answer}` : ""}`, `list the projects the token can see with: ${commandLine("list-projects", [])}`);
}

/** A 404 for a project path: the project does not exist (or the token cannot see it), said as every tool says it. */
async function orNoSuchProject<T>(read: Promise<T>, org: string, project: string): Promise<T> {
  try {
    return await read;
  } catch (err) {
    // A 410 is not about the project (Sentry's brownout of an endpoint): it keeps its own message.
    throw err instanceof NotFoundError && err.status !== 410 ? noSuchProject(org, [project], "not found (404)") : err;
  }
}

/** One project with its settings. */
export async function getProject(api: SentryApi, org: string, project: string): Promise<Checked<RawProject>> {
  return orNoSuchProject(getChecked(api, apiPath`/projects/${org}/${project}/`, rawProject, undefined, { scopes: PROJECT_READ_SCOPE }), org, project);
}

/** One page of keys covers every real project; more than this is reported, not fetched. */
const KEYS_PAGE_SIZE = 100;

/** The project's client keys (first page), and whether Sentry has more. */
export async function getProjectKeys(api: SentryApi, org: string, project: string): Promise<{ keys: RawKey[]; more: boolean }> {
  const read = getChecked(api, apiPath`/projects/${org}/${project}/keys/`, arrayOf(rawKey), { per_page: KEYS_PAGE_SIZE }, { scopes: PROJECT_READ_SCOPE });
  const res = await orNoSuchProject(read, org, project);
  return { keys: res.body, more: parseLinkHeader(res.headers.link).next?.results === true };
}
