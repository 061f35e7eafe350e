// Sentry's releases: the one release shape every tool reads (list, detail, an issue's first and last release),
// and the release endpoints (ENDPOINTS.md §8–9). Reads accept project:read as well as the release scopes.

import type { SentryApi } from "../api.js";
import { apiPath } from "../urls.js";
import { getChecked, type Checked, type ReadContext } from "./client.js";
import { arrayOf, num, nullable, object, optional, str, type Infer } from "./schema.js";

export const RELEASE_READ_SCOPE = "project:read";

const releaseProject = object({ slug: str, id: optional(num), name: optional(str) });

/**
 * A release as Sentry serializes it. Only `version` is always there: an issue's firstRelease/lastRelease is a
 * summary, and older servers leave fields out, so the rest is optional and each tool says what it needs.
 */
export const rawRelease = object({
  version: str,
  shortVersion: optional(str),
  ref: optional(nullable(str)),
  url: optional(nullable(str)),
  dateCreated: optional(str),
  dateReleased: optional(nullable(str)),
  commitCount: optional(num),
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
