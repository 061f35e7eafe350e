// The issues endpoints (docs/sentry-api.md §1–3): list and bulk-update an organization's issues, read one issue by
// numeric or short ID (a merged-away ID answers with its successor's body), its events and tag summaries,
// resolve short IDs, and update one issue. Scopes as Sentry checks them: event:read|write|admin to read,
// event:write|admin to change; organization tokens (org:ci) get 403.

import { NOT_FOUND, requireOrg, selectedProjects } from "../lookup.js";
import { paginate } from "../paginate.js";
import { issueEvents, issueTags, TOP_TAG_VALUES, type TagSummary } from "../seed/issue-events.js";
import { errorRowEvent, type ErrorRow } from "../seed/error-rows.js";
import { selectIssueEvents } from "./issue-event-search.js";
import type { Issue } from "../seed/issues.js";
import type { Org, Reply, RequestContext, RouteDef } from "../types.js";
import { SandboxHttpError } from "../types.js";
import { GROUP_STATS_PERIODS, serializeBase, serializeDetails, serializeStreamItem, type GroupStatsPeriod } from "./issue-serializers.js";
import { readSearch, runSearch } from "./issue-search.js";
import { iso } from "../time.js";
import { applyUpdate, BULK_MUTATION_LIMIT, validateUpdate } from "./issue-update.js";

const EVENT_READ = ["event:read", "event:write", "event:admin"];
const EVENT_WRITE = ["event:write", "event:admin"];
/** Issues per page of the organization list: 100 by default and at most (docs/sentry-api.md §1). */
const MAX_ISSUES_PAGE = 100;
const MAX_EVENTS_PAGE = 100;
const MAX_TAG_VALUES_PAGE = 100;
const ERR_INVALID_STATS_PERIOD = "Invalid stats_period. Valid choices are '', '24h', '14d', and 'auto'";

/**
 * The issue a path names, by numeric ID or short ID (case-insensitive), following merge redirects
 * (GroupRedirect) and hiding issues that wait for deletion, as get_group_with_redirect does.
 */
export function findIssue(ctx: RequestContext, org: Org, ref: string): Issue {
  const issues = ctx.world.issues;
  const key = /^\d+$/.test(ref) ? ref : ref.toUpperCase();
  const redirected = issues.redirects.get(key);
  const issue = redirected ? issues.byId.get(redirected) : /^\d+$/.test(ref) ? issues.byId.get(ref) : issues.byShortId.get(key);
  if (!issue || issue.orgSlug !== org.slug || issue.status === "pending_deletion") throw new SandboxHttpError(404, NOT_FOUND);
  return issue;
}

function requireIssue(ctx: RequestContext): { org: Org; issue: Issue } {
  const org = requireOrg(ctx);
  return { org, issue: findIssue(ctx, org, ctx.params.issue ?? "") };
}

function listIssues(ctx: RequestContext): Reply {
  const org = requireOrg(ctx);
  const statsRaw = ctx.query.get("groupStatsPeriod");
  const statsPeriod = (statsRaw ?? "24h") as GroupStatsPeriod;
  if (!(GROUP_STATS_PERIODS as readonly string[]).includes(statsPeriod)) throw new SandboxHttpError(400, { detail: ERR_INVALID_STATS_PERIOD });
  const search = readSearch(ctx, org);
  // shortIdLookup=1 with a short ID as the whole query answers that issue directly, whatever the other filters.
  if (ctx.query.get("shortIdLookup") === "1" && /^[A-Za-z0-9-]+-[0-9A-Za-z]+$/.test(search.query)) {
    const hit = ctx.world.issues.byShortId.get(search.query.toUpperCase());
    if (hit && hit.orgSlug === org.slug && hit.status !== "pending_deletion") {
      const body = [serializeStreamItem(ctx, hit, { statsPeriod, window: search.window, environments: search.environments, collapse: new Set() })];
      return paginate(ctx, body, { sizeParam: "limit", defaultSize: MAX_ISSUES_PAGE, maxSize: MAX_ISSUES_PAGE, headers: { "X-Sentry-Direct-Hit": "1" } });
    }
  }
  const found = runSearch(ctx, search);
  const collapse = new Set([...ctx.query.getAll("collapse"), ...ctx.query.getAll("collapse[]")]);
  // Page first, serialize after: only the issues on this page are turned into JSON.
  const reply = paginate(ctx, found, { sizeParam: "limit", defaultSize: MAX_ISSUES_PAGE, maxSize: MAX_ISSUES_PAGE });
  const page = reply.body as Issue[];
  return { ...reply, body: page.map((issue) => serializeStreamItem(ctx, issue, { statsPeriod, window: search.window, environments: search.environments, collapse })) };
}

/** Bulk PUT: the issues named by `id`, or (status changes only) those the search selects. */
function bulkUpdate(ctx: RequestContext): Reply {
  const org = requireOrg(ctx);
  const ids = [...ctx.query.getAll("id"), ...ctx.query.getAll("id[]")].filter((v) => v !== "");
  if (ids.some((id) => !/^\d+$/.test(id))) throw new SandboxHttpError(400, { detail: "Invalid id parameter: issue IDs must be numbers." });
  if (ids.length > BULK_MUTATION_LIMIT) throw new SandboxHttpError(400, { detail: `Too many issues: at most ${BULK_MUTATION_LIMIT} may be changed at once.` });
  const projects = selectedProjects(ctx, org);
  const projectIds = new Set(projects.map((p) => p.id));
  let issues: Issue[];
  if (ids.length > 0) {
    const wanted = new Set(ids);
    issues = ctx.world.issues.issues.filter((i) => wanted.has(i.id) && i.orgSlug === org.slug && projectIds.has(i.projectId) && i.status !== "pending_deletion");
  } else {
    const body = ctx.body as Record<string, unknown> | undefined;
    const onlyStatus = body && typeof body === "object" && Object.keys(body).every((k) => ["status", "statusDetails", "substatus", "ignoreDuration", "ignoreCount", "ignoreWindow", "ignoreUserCount", "ignoreUserWindow"].includes(k));
    if (!onlyStatus) throw new SandboxHttpError(400, { detail: "You must specify a list of IDs for this operation" });
    issues = runSearch(ctx, readSearch(ctx, org)).slice(0, BULK_MUTATION_LIMIT);
  }
  // update_groups answers 204 when nothing matched, before it validates anything.
  if (issues.length === 0) return { status: 204 };
  const affected = ctx.world.projects.filter((p) => issues.some((i) => i.projectId === p.id));
  const validated = validateUpdate(ctx, ctx.body, affected);
  const result = applyUpdate(ctx, issues, validated);
  if (result === null) return { status: 204 };
  return { status: 200, body: result };
}

function getIssue(ctx: RequestContext): Reply {
  const { issue } = requireIssue(ctx);
  return { status: 200, body: serializeDetails(ctx, issue) };
}

/** Single PUT: the same update as the bulk endpoint, answered with the whole updated issue. */
function updateIssue(ctx: RequestContext): Reply {
  const { issue } = requireIssue(ctx);
  const project = ctx.world.projects.find((p) => p.id === issue.projectId)!;
  const validated = validateUpdate(ctx, ctx.body, [project]);
  const result = applyUpdate(ctx, [issue], validated);
  if (result === null) return { status: 204 };
  return { status: 200, body: serializeBase(ctx, issue) };
}

function resolveShortId(ctx: RequestContext): Reply {
  const org = requireOrg(ctx);
  const issue = findIssue(ctx, org, ctx.params.shortId ?? "");
  const project = ctx.world.projects.find((p) => p.id === issue.projectId)!;
  return {
    status: 200,
    body: { organizationSlug: org.slug, projectId: project.id, projectSlug: project.slug, groupId: issue.id, group: serializeBase(ctx, issue), shortId: issue.shortId },
  };
}

function getIssueEvent(ctx: RequestContext): Reply {
  const { issue } = requireIssue(ctx);
  const rows = selectIssueEvents(ctx, issue);
  const ref = ctx.params.event ?? "";
  let index: number;
  if (ref === "latest" || ref === "recommended") index = 0;
  else if (ref === "oldest") index = rows.length - 1;
  else if (/^[0-9a-fA-F]{32}$/.test(ref) || /^[0-9a-fA-F-]{36}$/.test(ref)) index = rows.findIndex((r) => r.eventId === ref.replaceAll("-", "").toLowerCase());
  else throw new SandboxHttpError(400, { detail: "Invalid event ID: expected a 32-character hex ID, latest, oldest or recommended." });
  const row = rows[index];
  const event = row ? errorRowEvent(ctx.world, row) : undefined;
  if (!event) throw new SandboxHttpError(404, { detail: "Event not found" });
  return {
    status: 200,
    // Events are listed newest first: the "next" event is the newer one.
    body: { ...event.body, nextEventID: rows[index - 1]?.eventId ?? null, previousEventID: rows[index + 1]?.eventId ?? null },
  };
}

function listIssueEvents(ctx: RequestContext): Reply {
  const { issue } = requireIssue(ctx);
  const full = ctx.query.get("full") === "true" || ctx.query.get("full") === "1";
  // Page first, build the events after: a busy issue has thousands of them.
  const reply = paginate(ctx, selectIssueEvents(ctx, issue), { sizeParam: "per_page", defaultSize: MAX_EVENTS_PAGE, maxSize: MAX_EVENTS_PAGE });
  const items = (reply.body as ErrorRow[]).map((row) => {
    const b = errorRowEvent(ctx.world, row)!.body;
    if (full) return b;
    return {
      id: b.id,
      "event.type": b.type,
      groupID: b.groupID,
      eventID: b.eventID,
      projectID: b.projectID,
      message: b.message ?? "",
      title: b.title,
      location: b.location,
      culprit: b.culprit,
      user: b.user,
      tags: b.tags,
      platform: b.platform,
      dateCreated: b.dateCreated,
      crashFile: null,
      metadata: b.metadata,
    };
  });
  return { ...reply, body: items };
}

function tagValueOf(ctx: RequestContext, issue: Issue, summary: TagSummary, v: TagSummary["values"][number]): Record<string, unknown> {
  // The user tag's display name is the person behind the ID (their email), as tagstore resolves it.
  let name = v.value;
  if (summary.key === "user") {
    const event = issueEvents(ctx.world, issue).find((e) => (e.body.user as { id?: string } | null)?.id === v.value.replace(/^id:/, ""));
    name = ((event?.body.user as { email?: string } | null)?.email ?? v.value) as string;
  }
  return { key: summary.key, name, value: v.value, count: v.count, lastSeen: iso(v.lastSeen), firstSeen: iso(v.firstSeen) };
}

function topValuesLimit(ctx: RequestContext): number {
  const raw = ctx.query.get("limit");
  if (raw === null || raw === "") return TOP_TAG_VALUES;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new SandboxHttpError(400, { detail: "Invalid limit parameter." });
  return Number(raw);
}

function listIssueTags(ctx: RequestContext): Reply {
  const { issue } = requireIssue(ctx);
  const keys = [...ctx.query.getAll("key"), ...ctx.query.getAll("key[]")].filter((k) => k !== "");
  const limit = topValuesLimit(ctx);
  const summaries = issueTags(ctx.world, issue).filter((t) => keys.length === 0 || keys.includes(t.key));
  return {
    status: 200,
    body: summaries.map((t) => ({ key: t.key, name: t.name, totalValues: t.totalValues, topValues: t.values.slice(0, limit).map((v) => tagValueOf(ctx, issue, t, v)) })),
  };
}

function tagSummary(ctx: RequestContext, issue: Issue): TagSummary {
  const summary = issueTags(ctx.world, issue).find((t) => t.key === ctx.params.key);
  if (!summary) throw new SandboxHttpError(404, { detail: "Tag key not found" });
  return summary;
}

/**
 * The summary over the events of the `environment`s asked for (GroupTagKeyDetailsEndpoint passes them to tagstore).
 * The seed keeps no per-environment split of other keys, so their counts scale by the environments' share of the
 * issue's events, as the issue search scales its counts (issue-search.ts). No event there: 404, like a missing key.
 */
function inEnvironments(ctx: RequestContext, issue: Issue, t: TagSummary): TagSummary {
  const wanted = [...ctx.query.getAll("environment"), ...ctx.query.getAll("environment[]")].filter((e) => e !== "");
  if (wanted.length === 0) return t;
  const envs = issueTags(ctx.world, issue).find((s) => s.key === "environment");
  const kept = (envs?.values ?? []).filter((v) => wanted.includes(v.value));
  const share = envs && envs.totalValues > 0 ? kept.reduce((sum, v) => sum + v.count, 0) / envs.totalValues : 0;
  const values = t.key === "environment" ? kept : t.values.map((v) => ({ ...v, count: Math.round(v.count * share) })).filter((v) => v.count > 0);
  if (values.length === 0) throw new SandboxHttpError(404, { detail: "Tag key not found" });
  return { ...t, values, totalValues: values.reduce((sum, v) => sum + v.count, 0), uniqueValues: Math.min(t.uniqueValues, t.key === "environment" ? values.length : t.uniqueValues) };
}

function getIssueTag(ctx: RequestContext): Reply {
  const { issue } = requireIssue(ctx);
  const t = inEnvironments(ctx, issue, tagSummary(ctx, issue));
  return {
    status: 200,
    body: { key: t.key, name: t.name, uniqueValues: t.uniqueValues, totalValues: t.totalValues, topValues: t.values.slice(0, topValuesLimit(ctx)).map((v) => tagValueOf(ctx, issue, t, v)) },
  };
}

function listIssueTagValues(ctx: RequestContext): Reply {
  const { issue } = requireIssue(ctx);
  const t = tagSummary(ctx, issue);
  const values = t.values.map((v) => tagValueOf(ctx, issue, t, v));
  return paginate(ctx, values, { sizeParam: "per_page", defaultSize: MAX_TAG_VALUES_PAGE, maxSize: MAX_TAG_VALUES_PAGE });
}

export const issueRoutes: RouteDef[] = [
  { method: "GET", pattern: "/organizations/:org/issues/", scopes: EVENT_READ, handler: listIssues },
  { method: "PUT", pattern: "/organizations/:org/issues/", scopes: EVENT_WRITE, handler: bulkUpdate },
  { method: "GET", pattern: "/organizations/:org/issues/:issue/", scopes: EVENT_READ, handler: getIssue },
  { method: "PUT", pattern: "/organizations/:org/issues/:issue/", scopes: EVENT_WRITE, handler: updateIssue },
  { method: "GET", pattern: "/organizations/:org/issues/:issue/events/", scopes: EVENT_READ, handler: listIssueEvents },
  { method: "GET", pattern: "/organizations/:org/issues/:issue/events/:event/", scopes: EVENT_READ, handler: getIssueEvent },
  { method: "GET", pattern: "/organizations/:org/issues/:issue/tags/", scopes: EVENT_READ, handler: listIssueTags },
  { method: "GET", pattern: "/organizations/:org/issues/:issue/tags/:key/", scopes: EVENT_READ, handler: getIssueTag },
  { method: "GET", pattern: "/organizations/:org/issues/:issue/tags/:key/values/", scopes: EVENT_READ, handler: listIssueTagValues },
  { method: "GET", pattern: "/organizations/:org/shortids/:shortId/", scopes: EVENT_READ, handler: resolveShortId },
];
