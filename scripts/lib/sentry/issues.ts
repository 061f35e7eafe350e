// Sentry's issues: the issue object and the issue endpoints (docs/sentry-api.md §1–4). Reads need any of
// event:read|write|admin; status changes event:write. An issue reference is a numeric ID or a qualified short
// ID: the organization issue endpoints resolve either (src/sentry/issues/endpoints/bases/group.py).

import type { Page, SentryApi } from "../api.js";
import { apiPath, type Query } from "../urls.js";
import { getChecked, pages, withScopeHint, writeChecked, type Checked } from "./client.js";
import { rawRelease } from "./releases.js";
import { arrayOf, bool, nullable, num, numeric, object, optional, pair, record, str, unknownValue, type Infer } from "./schema.js";

export const READ_SCOPE = "event:read";
export const WRITE_SCOPE = "event:write";

const rawAssignee = object({ type: str, id: str, name: str, email: optional(str) });
export type RawAssignee = Infer<typeof rawAssignee>;

/** The fields of Sentry's issue object the tools read (GET /organizations/{org}/issues/…). */
export const rawIssue = object({
  id: str,
  shortId: str,
  title: str,
  culprit: optional(nullable(str)),
  permalink: str,
  level: str,
  status: str,
  substatus: optional(nullable(str)),
  statusDetails: optional(record(unknownValue)),
  priority: optional(nullable(str)),
  platform: optional(nullable(str)),
  project: object({ id: str, slug: str, name: optional(str) }),
  type: optional(str),
  issueType: optional(str),
  issueCategory: optional(str),
  metadata: optional(record(unknownValue)),
  /** A string in Sentry's API (it may exceed 2^53 in theory). */
  count: numeric,
  userCount: num,
  firstSeen: nullable(str),
  lastSeen: nullable(str),
  assignedTo: optional(nullable(rawAssignee)),
  isUnhandled: optional(bool),
  stats: optional(record(arrayOf(pair(num, num)))),
  firstRelease: optional(nullable(rawRelease)),
  lastRelease: optional(nullable(rawRelease)),
});
export type RawIssue = Infer<typeof rawIssue>;

/** An issue search (GET /organizations/{org}/issues/): what the issue list sends besides paging. */
export interface IssueSearch {
  query: string;
  environment: readonly string[];
  statsPeriod: string;
  /** The stats timeline attached to each issue: 24h (hourly) or 14d (daily). */
  groupStatsPeriod: "24h" | "14d";
  sort: string;
  /** Slugs, numeric IDs, or -1 for every accessible project. */
  project: readonly string[];
}

function searchContext(org: string) {
  return { scopes: READ_SCOPE, notFoundHint: `check the organization slug ${JSON.stringify(org)} (SENTRY_ORG or --org)` };
}

/** The issues a search finds, page by page (X-Hits gives the total). */
export function searchIssues(api: SentryApi, org: string, search: IssueSearch, paging: { limit: number; cursor?: string; all?: boolean }): AsyncGenerator<Page<RawIssue>> {
  return pages(api, apiPath`/organizations/${org}/issues/`, rawIssue, { query: { ...search }, sizeParam: "limit", ...paging, context: searchContext(org) });
}

/** The cheapest request of a search (one issue), to tell a missing scope from an unseen project after a 403. */
export async function probeIssueSearch(api: SentryApi, org: string, search: IssueSearch): Promise<void> {
  await api.get(apiPath`/organizations/${org}/issues/`, { ...search, limit: 1 }, searchContext(org));
}

/** One issue, by numeric ID or short ID; `scopes` names what the calling tool needs, for a 403's hint. */
export function getIssue(api: SentryApi, org: string, pathId: string, scopes: string, notFoundHint: string): Promise<Checked<RawIssue>> {
  return withScopeHint(getChecked(api, apiPath`/organizations/${org}/issues/${pathId}/`, rawIssue, undefined, { scopes, notFoundHint }), scopes);
}

/** A body for the issue update endpoints: only the keys sent change. */
export interface StatusBody {
  status: "resolved" | "unresolved" | "ignored";
  substatus?: string;
  statusDetails?: Record<string, unknown>;
}

/** What a status PUT answers: the issue (one ID), the applied changes (bulk), or nothing (bulk, 204: no issue matched). */
const statusAnswer = nullable(object({ status: optional(str), substatus: optional(nullable(str)), statusDetails: optional(record(unknownValue)) }));
export type StatusAnswer = Infer<typeof statusAnswer>;

/** Where a status update for these issues goes: one issue's own endpoint, or the bulk one with IDs and projects. */
export function statusUpdateTarget(org: string, issues: ReadonlyArray<{ id: string; project: { id: string } }>): { path: string; query?: Query } {
  if (issues.length === 1) return { path: apiPath`/organizations/${org}/issues/${issues[0]!.id}/` };
  // Without `project` the bulk endpoint only touches the caller's member projects (OrganizationEndpoint.get_projects),
  // which would silently skip issues of other teams.
  const projects = [...new Set(issues.map((i) => i.project.id))];
  return { path: apiPath`/organizations/${org}/issues/`, query: { id: issues.map((i) => i.id), project: projects } };
}

/** Sets the status of one or several issues of one organization (PUT). */
export async function updateIssueStatus(
  api: SentryApi,
  org: string,
  issues: ReadonlyArray<{ id: string; shortId: string; project: { id: string } }>,
  body: StatusBody,
): Promise<{ status: number; answer: StatusAnswer }> {
  const { path, query } = statusUpdateTarget(org, issues);
  // Idempotent: the PUT sets a state (status, substatus, details) rather than adding to one, so sending it
  // twice after a lost answer leaves the issue exactly as sending it once would.
  const res = await withScopeHint(
    writeChecked(api, "PUT", path, body, statusAnswer, {
      idempotent: true,
      query,
      context: { scopes: WRITE_SCOPE, notFoundHint: `issue ${issues.map((i) => i.shortId).join(", ")} is gone (deleted or merged meanwhile)` },
    }),
    WRITE_SCOPE,
  );
  return { status: res.status, answer: res.body };
}

// ---- One event of an issue, and the issue's tags (read by issue-details, event-details and tag-values).

/** Sentry's named events besides an event ID (getOrganizationIssueEvent, docs/sentry-api.md §3). */
export const NAMED_EVENTS = ["latest", "oldest", "recommended"] as const;

export const isNamedEvent = (event: string): boolean => (NAMED_EVENTS as readonly string[]).includes(event);

/**
 * An event's user (full or listed). Relay sends its fields as strings, but SDKs have sent numeric IDs: each
 * field is read by lib/event-parts.ts, so an odd one costs that field, not the event.
 */
export const rawEventUser = nullable(record(unknownValue));
export type RawEventUser = Infer<typeof rawEventUser>;

/** One of an event's tags; Sentry sends a null value for a tag set without one. */
export const rawEventTag = object({ key: str, value: nullable(str) });

/**
 * A full event (GET /organizations/{org}/issues/{id}/events/{event}/, and `event` of the event ID lookup), with
 * every field issue-details and event-details read. Entries and contexts stay unchecked here: lib/event-parts.ts
 * reads each kind field by field, so an odd entry costs that part of the output, not the event.
 */
export const rawEvent = object({
  id: str,
  eventID: optional(str),
  groupID: optional(nullable(str)),
  projectID: optional(str),
  type: optional(nullable(str)),
  title: optional(nullable(str)),
  message: optional(nullable(str)),
  dateCreated: optional(nullable(str)),
  platform: optional(nullable(str)),
  entries: optional(nullable(arrayOf(object({ type: str, data: unknownValue })))),
  tags: optional(nullable(arrayOf(rawEventTag))),
  contexts: optional(nullable(unknownValue)),
  user: optional(rawEventUser),
  release: optional(nullable(object({ version: str }))),
  /** Issue-platform occurrences (performance issues such as N+1 queries) carry their evidence here. */
  occurrence: optional(
    nullable(
      object({
        evidenceDisplay: optional(nullable(arrayOf(object({ name: str, value: unknownValue, important: optional(nullable(bool)) })))),
        evidenceData: optional(nullable(record(unknownValue))),
      }),
    ),
  ),
});
export type RawEvent = Infer<typeof rawEvent>;

/** One event of an issue: a named one (latest, oldest, recommended) or a 32-hex event ID. */
export function getIssueEvent(api: SentryApi, org: string, pathId: string, event: string, notFoundHint: string): Promise<Checked<RawEvent>> {
  const path = apiPath`/organizations/${org}/issues/${pathId}/events/${event}/`;
  return withScopeHint(getChecked(api, path, rawEvent, undefined, { scopes: READ_SCOPE, notFoundHint }), READ_SCOPE);
}

const rawTagValue = object({ value: nullable(str), name: optional(nullable(str)), count: nullable(num), lastSeen: optional(nullable(str)) });

/**
 * A tag key of an issue with its top values: every key (GroupTagsEndpoint; the issue body's own `tags` lack the
 * values) or one (GroupTagKeyDetailsEndpoint). `totalValues` counts the events that carry the key.
 */
export const rawIssueTag = object({
  key: str,
  name: optional(str),
  totalValues: nullable(num),
  uniqueValues: optional(nullable(num)),
  topValues: optional(nullable(arrayOf(rawTagValue))),
});
export type RawIssueTag = Infer<typeof rawIssueTag>;

export function getIssueTags(api: SentryApi, org: string, pathId: string): Promise<Checked<RawIssueTag[]>> {
  return getChecked(api, apiPath`/organizations/${org}/issues/${pathId}/tags/`, arrayOf(rawIssueTag), undefined, { scopes: READ_SCOPE });
}

/** One tag key of an issue with its most common values, in these environments (all when none). */
export function getIssueTag(api: SentryApi, org: string, pathId: string, key: string, environment: readonly string[], notFoundHint: string): Promise<Checked<RawIssueTag>> {
  const path = apiPath`/organizations/${org}/issues/${pathId}/tags/${key}/`;
  return withScopeHint(getChecked(api, path, rawIssueTag, { environment }, { scopes: READ_SCOPE, notFoundHint }), READ_SCOPE);
}
