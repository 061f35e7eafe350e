// An issue's events and what hangs off one event (docs/sentry-api.md §21): the event list, an event by ID
// anywhere in the organization, its suspect commits, and the trace IDs of listed events. The full event itself,
// and an issue's tags, are read through sentry/issues.ts (one schema for every tool that reads them). Reads need
// event:read, except the org-wide event ID lookup and the errors table (org:read) and the suspect commits
// (project:read).

import type { Page, SentryApi } from "../api.js";
import { apiPath } from "../urls.js";
import { getChecked, pages, withScopeHint, type Checked } from "./client.js";
import { rawEvent, rawEventTag, rawEventUser, READ_SCOPE } from "./issues.js";
import { ORG_READ_SCOPE, PROJECT_READ_SCOPE } from "./projects.js";
import { arrayOf, nullable, num, object, optional, str, type Infer } from "./schema.js";

export { ORG_READ_SCOPE, PROJECT_READ_SCOPE, READ_SCOPE };

/** An event as the issue's event list sends it with full=false (SimpleEventSerializer): no entries, no contexts. */
export const rawListedEvent = object({
  id: str,
  eventID: str,
  projectID: str,
  title: str,
  message: optional(nullable(str)),
  dateCreated: str,
  user: optional(rawEventUser),
  tags: arrayOf(rawEventTag),
});
export type RawListedEvent = Infer<typeof rawListedEvent>;

const rawEventLookup = object({ organizationSlug: str, projectSlug: str, groupId: str, eventId: str, event: rawEvent });
export type RawEventLookup = Infer<typeof rawEventLookup>;

const rawCommit = object({
  id: str,
  message: optional(nullable(str)),
  dateCreated: optional(nullable(str)),
  score: optional(nullable(num)),
  repository: optional(nullable(object({ name: str }))),
});
const rawCommitters = object({
  committers: arrayOf(object({ author: nullable(object({ name: optional(nullable(str)), email: optional(nullable(str)) })), commits: arrayOf(rawCommit) })),
});
export type RawCommitters = Infer<typeof rawCommitters>;

const rawTraceRows = object({ data: arrayOf(object({ id: str, trace: optional(nullable(str)) })) });

export interface IssueEventSearch {
  query?: string;
  statsPeriod?: string;
  environment: readonly string[];
}

/** The issue's events, newest first, page by page (per_page, at most 100). */
export function listIssueEvents(
  api: SentryApi,
  org: string,
  issue: string,
  search: IssueEventSearch,
  paging: { limit: number; cursor?: string; all?: boolean },
  notFoundHint: string,
): AsyncGenerator<Page<RawListedEvent>> {
  // full=false: the short form (no entries, contexts or breadcrumbs), a tenth of the bytes per event.
  const query = { full: "false", query: search.query || undefined, statsPeriod: search.statsPeriod, environment: search.environment };
  return pages(api, apiPath`/organizations/${org}/issues/${issue}/events/`, rawListedEvent, { query, sizeParam: "per_page", ...paging, context: { scopes: READ_SCOPE, notFoundHint } });
}

/** An event by ID in any project of the organization (EventIdLookupEndpoint; org:read). */
export function lookupEventId(api: SentryApi, org: string, eventId: string): Promise<Checked<RawEventLookup>> {
  const context = { scopes: ORG_READ_SCOPE, notFoundHint: `no event ${eventId} in organization ${org} (events are kept 30 to 90 days)` };
  return withScopeHint(getChecked(api, apiPath`/organizations/${org}/eventids/${eventId}/`, rawEventLookup, undefined, context), ORG_READ_SCOPE);
}

/**
 * The event's suspect commits (EventFileCommittersEndpoint; project:read). `project` may be the numeric ID the
 * event carries. Without an SCM integration Sentry matches the event's in-app file names against the commits of
 * the issue's first release and the releases before it; 404 when it has no release or no commits to match.
 */
export function getEventCommitters(api: SentryApi, org: string, project: string, eventId: string): Promise<Checked<RawCommitters>> {
  return withScopeHint(getChecked(api, apiPath`/projects/${org}/${project}/events/${eventId}/committers/`, rawCommitters, undefined, { scopes: PROJECT_READ_SCOPE }), PROJECT_READ_SCOPE);
}

/**
 * The trace IDs of listed events, from the errors table of the events endpoint (org:read): the event list's short
 * form carries no contexts, and current Sentry no longer copies the trace ID into a tag (contexts.py maps no trace
 * tag). One request per page of events, by ID, over the page's own time span: the narrower the window, the less
 * the errors table has to scan.
 */
export async function traceIdsOf(
  api: SentryApi,
  org: string,
  projectIds: readonly string[],
  eventIds: readonly string[],
  window: { start: string; end: string },
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (eventIds.length === 0) return out;
  const query = {
    dataset: "errors",
    field: ["id", "trace"],
    query: `id:[${eventIds.join(",")}]`,
    project: [...new Set(projectIds)],
    ...window,
    per_page: eventIds.length,
  };
  const res = await getChecked(api, apiPath`/organizations/${org}/events/`, rawTraceRows, query, { scopes: ORG_READ_SCOPE });
  for (const row of res.body.data) if (row.trace) out.set(row.id, row.trace);
  return out;
}
