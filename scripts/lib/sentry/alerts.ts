// Sentry's alert APIs as list-alerts reads them (docs/sentry-api.md §13): the current one (workflows, detectors)
// and the legacy one (project rules, organization alert-rules), plus the teams and members their targets name.
// Every answer is checked here; a wrong shape is exit 7, never a TypeError in the wording code (lib/alerts.ts).
// A 404 or 410 from an alert endpoint is a value ("this server has no such API"), so the caller can fall back.

import type { SentryApi } from "../api.js";
import { AuthError, NotFoundError } from "../errors.js";
import { apiPath, type Query } from "../urls.js";
import { pages, tryGet, type ReadContext } from "./client.js";
import { arrayOf, bool, nullable, num, object, optional, record, str, unknownValue, type Infer, type Schema } from "./schema.js";
import { UnexpectedAnswerError } from "../errors.js";

export const ALERT_SCOPES = "alerts:read or org:read";
export const LEGACY_RULE_SCOPES = "alerts:read or project:read";

/** IDs Sentry sends as strings; older servers (and some fields) send numbers. */
const idLike: Schema<string | number> = (v, at) => {
  if (typeof v === "string" || (typeof v === "number" && Number.isFinite(v))) return v;
  throw new UnexpectedAnswerError(`expected an ID at ${at}, got ${v === null ? "null" : Array.isArray(v) ? "a list" : typeof v}`);
};

const condition = object({ type: str, comparison: optional(unknownValue), conditionResult: optional(unknownValue) });
const action = object({
  type: str,
  data: optional(nullable(record(unknownValue))),
  config: optional(
    nullable(object({ targetType: optional(nullable(str)), targetIdentifier: optional(nullable(idLike)), targetDisplay: optional(nullable(str)) })),
  ),
});
const conditionGroup = object({
  logicType: optional(nullable(str)),
  conditions: optional(nullable(arrayOf(condition))),
  actions: optional(nullable(arrayOf(action))),
});

/** GET /organizations/{org}/workflows/ (listOrganizationWorkflows): an issue alert, or how a metric alert notifies. */
export const rawWorkflow = object({
  id: str,
  name: str,
  triggers: optional(nullable(conditionGroup)),
  actionFilters: optional(nullable(arrayOf(conditionGroup))),
  environment: optional(nullable(str)),
  config: optional(nullable(object({ frequency: optional(nullable(num)) }))),
  detectorIds: optional(nullable(arrayOf(idLike))),
  enabled: bool,
  lastTriggered: optional(nullable(str)),
});

const snubaQuery = object({
  aggregate: str,
  query: optional(nullable(str)),
  /** Seconds. */
  timeWindow: num,
  environment: optional(nullable(str)),
});

/** GET /organizations/{org}/detectors/ (listOrganizationDetectors): metric_issue ones are metric alerts. */
export const rawDetector = object({
  id: str,
  projectId: optional(nullable(idLike)),
  name: str,
  type: str,
  workflowIds: optional(nullable(arrayOf(idLike))),
  dataSources: optional(nullable(arrayOf(object({ queryObj: optional(nullable(object({ snubaQuery: optional(nullable(snubaQuery)) }))) })))),
  conditionGroup: optional(nullable(conditionGroup)),
  config: optional(nullable(object({ detectionType: optional(nullable(str)), comparisonDelta: optional(nullable(num)) }))),
  enabled: bool,
  latestGroup: optional(nullable(object({ shortId: optional(nullable(str)), status: optional(nullable(str)) }))),
});

/** One condition, filter or action of a legacy issue rule: a class path in `id`, its settings beside it. */
const legacyRuleItem = object({ id: str, name: optional(nullable(str)) });

/** GET /projects/{org}/{project}/rules/ (legacy, deprecated). */
export const rawLegacyRule = object({
  id: str,
  name: str,
  conditions: arrayOf(legacyRuleItem),
  filters: optional(nullable(arrayOf(legacyRuleItem))),
  actions: arrayOf(legacyRuleItem),
  actionMatch: optional(nullable(str)),
  filterMatch: optional(nullable(str)),
  frequency: optional(nullable(num)),
  environment: optional(nullable(str)),
  projects: optional(nullable(arrayOf(str))),
  status: optional(nullable(str)),
  snooze: optional(nullable(bool)),
  lastTriggered: optional(nullable(str)),
});

const legacyMetricAction = object({
  type: str,
  targetType: optional(nullable(str)),
  targetIdentifier: optional(nullable(idLike)),
  inputChannelId: optional(nullable(str)),
  desc: optional(nullable(str)),
  priority: optional(nullable(str)),
});

/** GET /organizations/{org}/alert-rules/ (legacy, deprecated). */
export const rawLegacyMetricRule = object({
  id: str,
  name: str,
  aggregate: str,
  query: optional(nullable(str)),
  /** Minutes. */
  timeWindow: num,
  /** 0 above, 1 below. */
  thresholdType: optional(nullable(num)),
  environment: optional(nullable(str)),
  projects: optional(nullable(arrayOf(str))),
  triggers: optional(nullable(arrayOf(object({ label: str, alertThreshold: optional(nullable(num)), actions: optional(nullable(arrayOf(legacyMetricAction))) })))),
  /** Minutes; set for percent-change alerts. */
  comparisonDelta: optional(nullable(num)),
  detectionType: optional(nullable(str)),
  sensitivity: optional(nullable(str)),
  snooze: optional(nullable(bool)),
  /** AlertRuleStatus; 5 is disabled. */
  status: optional(nullable(num)),
});

const rawTeam = object({ id: idLike, slug: str });
const rawMember = object({
  email: optional(nullable(str)),
  name: optional(nullable(str)),
  user: optional(nullable(object({ id: idLike, email: optional(nullable(str)), name: optional(nullable(str)) }))),
});

export type RawCondition = Infer<typeof condition>;
export type RawAction = Infer<typeof action>;
export type RawConditionGroup = Infer<typeof conditionGroup>;
export type RawWorkflow = Infer<typeof rawWorkflow>;
export type RawDetector = Infer<typeof rawDetector>;
export type RawSnubaQuery = Infer<typeof snubaQuery>;
export type LegacyRuleItem = Infer<typeof legacyRuleItem>;
export type RawLegacyRule = Infer<typeof rawLegacyRule>;
export type RawLegacyMetricAction = Infer<typeof legacyMetricAction>;
export type RawLegacyMetricRule = Infer<typeof rawLegacyMetricRule>;

/** A list read in full, or the 404/410 that says this server lacks the endpoint. */
export type Fetched<T> = { ok: true; items: T[]; complete: boolean } | { ok: false; gone: boolean; error: NotFoundError };

/** Every page (up to the pager's cap); a 404 or 410 becomes a value so the caller can fall back. */
async function readAll<T>(api: SentryApi, path: string, item: Schema<T>, query: Query, context: ReadContext): Promise<Fetched<T>> {
  try {
    const items: T[] = [];
    let nextCursor: string | null = null;
    for await (const page of pages(api, path, item, { query, sizeParam: "per_page", limit: 0, all: true, context })) {
      items.push(...page.items);
      nextCursor = page.nextCursor;
    }
    return { ok: true, items, complete: !nextCursor };
  } catch (err) {
    // The HTTP layer maps 404 and 410 both to NotFoundError; a 410 is Sentry's brownout of a deprecated endpoint.
    if (err instanceof NotFoundError) return { ok: false, gone: err.status === 410, error: err };
    throw err;
  }
}

/** Issue alerts (and the notifiers of metric alerts); `projects` empty for the whole organization. */
export function listWorkflows(api: SentryApi, org: string, projects: readonly string[], context: ReadContext): Promise<Fetched<RawWorkflow>> {
  return readAll(api, apiPath`/organizations/${org}/workflows/`, rawWorkflow, { project: [...projects] }, context);
}

/** Detectors of the projects (or the organization), or the ones with these IDs. */
export function listDetectors(api: SentryApi, org: string, filter: { projects: readonly string[] } | { ids: string[] }, context: ReadContext): Promise<Fetched<RawDetector>> {
  const query: Query = "ids" in filter ? { id: filter.ids } : { project: [...filter.projects] };
  return readAll(api, apiPath`/organizations/${org}/detectors/`, rawDetector, query, context);
}

/** One project's legacy issue alert rules. */
export function listLegacyRules(api: SentryApi, org: string, project: string, context: ReadContext): Promise<Fetched<RawLegacyRule>> {
  return readAll(api, apiPath`/projects/${org}/${project}/rules/`, rawLegacyRule, {}, context);
}

/** The organization's legacy metric alert rules. */
export function listLegacyMetricRules(api: SentryApi, org: string, context: ReadContext): Promise<Fetched<RawLegacyMetricRule>> {
  return readAll(api, apiPath`/organizations/${org}/alert-rules/`, rawLegacyMetricRule, {}, context);
}

/** An optional read: absent when the token may not make it (403) or the server has no such endpoint (404). */
const absentWhenDenied = (err: unknown): boolean => err instanceof AuthError || err instanceof NotFoundError;

/** Team IDs to slugs, for "email team #backend"; null when they cannot be read (the IDs are shown). */
export async function tryListTeams(api: SentryApi, org: string): Promise<Map<string, string> | null> {
  const teams = await tryGet(readAll(api, apiPath`/organizations/${org}/teams/`, rawTeam, { detailed: 0 }, { scopes: "org:read" }), absentWhenDenied);
  return teams?.ok ? new Map(teams.items.map((t) => [String(t.id), t.slug])) : null;
}

/**
 * User IDs to emails (or names): an email action's targetIdentifier is the user ID, which is members[].user.id
 * (members[].id is the membership's own ID). Pending invitations have no user, so nothing targets them.
 * A string says why the members could not be read (a token without member:read answers 403).
 */
export async function tryListMembers(api: SentryApi, org: string): Promise<Map<string, string> | string> {
  try {
    const members = await readAll(api, apiPath`/organizations/${org}/members/`, rawMember, {}, { scopes: "member:read" });
    if (!members.ok) return `the members endpoint answered ${members.error.status ?? 404}`;
    const users = new Map<string, string>();
    for (const m of members.items) {
      const label = m.user?.email || m.email || m.user?.name || m.name;
      if (m.user && label) users.set(String(m.user.id), label);
    }
    return users;
  } catch (err) {
    if (err instanceof AuthError) return "the token lacks member:read";
    throw err;
  }
}
