// Investigation endpoints (issue 17): the org-wide event ID lookup, an event's suspect commits, and traces.
// - GET /organizations/{org}/eventids/{event_id}/ (schema resolveOrganizationEventId; Sentry's
//   EventIdLookupEndpoint): {organizationSlug, projectSlug, groupId, eventId, event}; 400 for an ID that is not
//   32 hex characters, 404 when no event of the org has it. Scopes: org:read (OrganizationPermission).
// - GET /projects/{org}/{project}/events/{event_id}/committers/ (Sentry's EventFileCommittersEndpoint and
//   utils/committers.py, the release-based path taken without an SCM integration): {committers: [{author,
//   commits}]}, authors by total score, from the commits of the issue's FIRST release and the four releases
//   before it (get_previous_releases) whose changed files match the event's last 25 in-app frames (frameLimit);
//   score = path components that match from the end, only the best per frame, a bare file-name match only for
//   a one-component path; commits carry score and suspectCommitType "via commit in release". 404 "Event not
//   found", "Release not found" (the issue has no first release Sentry knows), "No Commits found for Release"
//   (none of those releases has commits). Scopes: project:read (ProjectPermission).
// - GET /organizations/{org}/trace-meta/{trace_id}/ (schema getOrganizationTraceMeta) and
//   GET /organizations/{org}/trace/{trace_id}/ (schema getOrganizationTrace: the current EAP shape, a list of
//   root spans with nested `children`, each span's `errors` and `occurrences`; errors without a span of the
//   trace are top-level items; a performance issue's occurrence hangs on each offender span, as
//   snuba/trace.py query_trace_data links them). `additional_attributes` adds the span attributes it names
//   (span.self_time, span.status, db.system …) under `additional_attributes`, leaving out those a span lacks. A trace outside the time window (statsPeriod/start/end, 14d by
//   default) or unknown answers [] / zero counts, not 404. Scopes: org:read.
// The data: seed/traces.ts, seed/error-rows.ts, seed/logs.ts, seed/releases.ts.

import { NOT_FOUND, requireOrg, requireProject, timeWindow } from "../lookup.js";
import { errorRowEvent, findErrorRow } from "../seed/error-rows.js";
import { eventIndex, findTrace, type Trace, type TraceIssueEvent, type TraceSpan } from "../seed/traces.js";
import { logsWorld } from "../seed/logs.js";
import type { StoredEvent } from "../seed/issue-events.js";
import type { Issue } from "../seed/issues.js";
import type { CommitRecord } from "../seed/releases.js";
import type { Org, Reply, RequestContext, RouteDef, World } from "../types.js";
import { SandboxHttpError } from "../types.js";
import { SECOND } from "../time.js";

const ORG_READ = ["org:read", "org:write", "org:admin"];
const PROJECT_READ = ["project:read", "project:write", "project:admin"];
/** Frames a committers lookup reads by default (the endpoint's frameLimit). */
const DEFAULT_FRAME_LIMIT = 25;
/** The issue's first release and the releases before it whose commits may hold the suspect (get_previous_releases). */
const RELEASES_SEARCHED = 5;
/** Trace lookups without a time range read this far back (the events endpoints' default window). */
const DEFAULT_TRACE_PERIOD = "14d";
/** Sentry's issue type ID of error issues (ErrorGroupType.type_id); performance issues carry their own. */
const ERROR_GROUP_TYPE = 1;

const HEX32 = /^[0-9a-f]{32}$/;

/** An org's event by ID: a stored event, or any other row of the errors dataset (built as its full event). */
export function findOrgEvent(world: World, org: Org, eventId: string): { issue: Issue; event: StoredEvent } | undefined {
  const stored = eventIndex(world).byId.get(eventId);
  if (stored) return stored.issue.orgSlug === org.slug && stored.issue.status !== "pending_deletion" ? { issue: stored.issue, event: stored.event } : undefined;
  const row = findErrorRow(world, "eventId", eventId);
  if (!row || row.issue.orgSlug !== org.slug) return undefined;
  const event = errorRowEvent(world, row);
  return event ? { issue: row.issue, event } : undefined;
}

function normalizeEventId(raw: string): string {
  return raw.replaceAll("-", "").toLowerCase();
}

function lookupEventId(ctx: RequestContext): Reply {
  const org = requireOrg(ctx);
  const raw = ctx.params.eventId ?? "";
  if (raw.length !== 32) throw new SandboxHttpError(400, { detail: "Event ID must be 32 characters." });
  const found = HEX32.test(raw.toLowerCase()) ? findOrgEvent(ctx.world, org, raw.toLowerCase()) : undefined;
  if (!found) throw new SandboxHttpError(404, NOT_FOUND);
  const project = ctx.world.projects.find((p) => p.id === found.issue.projectId)!;
  return {
    status: 200,
    body: { organizationSlug: org.slug, projectSlug: project.slug, groupId: found.issue.id, eventId: found.event.eventID, event: found.event.body },
  };
}

// ------------------------------------------------------------------------------------------------
// Suspect commits
// ------------------------------------------------------------------------------------------------

function pathTokens(path: string): string[] {
  return path
    .replace(/^(\.\/|\/)+/, "")
    .split(/[\\/]/)
    .filter((t) => t !== "" && t !== ".");
}

/** How many path components match from the end (utils/committers.py score_path_match_length). */
function matchScore(a: string, b: string): number {
  const x = pathTokens(a);
  const y = pathTokens(b);
  let score = 0;
  while (score < x.length && score < y.length && x[x.length - 1 - score] === y[y.length - 1 - score]) score++;
  return score;
}

interface InAppFrame {
  filename: string;
}

/** The last `limit` in-app frames of every exception (all frames when none is in-app), as get_frame_paths reads them. */
function appFrames(event: StoredEvent, limit: number): InAppFrame[] {
  const entries = event.body.entries as Array<{ type: string; data: { values?: Array<{ stacktrace?: { frames?: Array<Record<string, unknown>> } | null }> } }>;
  const frames = entries
    .filter((e) => e.type === "exception")
    .flatMap((e) => e.data.values ?? [])
    .flatMap((exception) => exception.stacktrace?.frames ?? []);
  const inApp = frames.filter((f) => f.inApp === true);
  return (inApp.length > 0 ? inApp : frames)
    .slice(-limit)
    .map((f) => ({ filename: (f.filename ?? f.absPath ?? "") as string }))
    .filter((f) => f.filename !== "");
}

function serializeAuthor(world: World, orgSlug: string, author: CommitRecord["author"]): Record<string, unknown> {
  if (!author) return { name: "unknown", email: "" };
  const member = world.members.find((m) => m.orgSlug === orgSlug && m.email.toLowerCase() === author.email.toLowerCase());
  // An author Sentry maps to a member is serialized as that user; anyone else by name and email only.
  return member ? { id: member.id, name: member.name, username: member.username, email: member.email, avatarUrl: null, isActive: true } : { name: author.name, email: author.email };
}

function committers(ctx: RequestContext): Reply {
  const { org, project } = requireProject(ctx);
  const found = findOrgEvent(ctx.world, org, normalizeEventId(ctx.params.eventId ?? ""));
  if (!found || found.issue.projectId !== project.id) throw new SandboxHttpError(404, { detail: "Event not found" });
  const version = found.issue.firstRelease;
  // Releases in the order get_previous_releases reads them: by release date (creation when unreleased), newest first.
  const releasedAt = (r: { dateReleased: string | null; dateCreated: string }): number => Date.parse(r.dateReleased ?? r.dateCreated);
  const releases = ctx.world.releases.releases
    .filter((r) => r.orgSlug === org.slug && r.projectIds.includes(project.id))
    .sort((a, b) => releasedAt(b) - releasedAt(a));
  const at = releases.findIndex((r) => r.version === version);
  if (version === null || at < 0) throw new SandboxHttpError(404, { detail: "Release not found" });
  const searched = releases.slice(at, at + RELEASES_SEARCHED);
  if (searched.every((r) => r.commits.length === 0)) throw new SandboxHttpError(404, { detail: "No Commits found for Release" });
  const rawLimit = Number(ctx.query.get("frameLimit") ?? DEFAULT_FRAME_LIMIT);
  const frames = appFrames(found.event, Number.isInteger(rawLimit) && rawLimit > 0 ? rawLimit : DEFAULT_FRAME_LIMIT);
  const scored = new Map<string, { commit: CommitRecord; score: number }>();
  for (const frame of frames) {
    // Per frame, only the best-matching changes count; a one-component match needs a one-component path.
    let best = 1;
    let matches: CommitRecord[] = [];
    for (const release of searched) {
      for (const commit of release.commits) {
        for (const change of commit.patchSet) {
          const score = matchScore(change.path, frame.filename);
          if (score < best || score === 0) continue;
          if (score === 1 && pathTokens(frame.filename).length > 1) continue;
          if (score > best) {
            best = score;
            matches = [];
          }
          if (!matches.includes(commit)) matches.push(commit);
        }
      }
    }
    for (const commit of matches) {
      const entry = scored.get(commit.id) ?? { commit, score: 0 };
      entry.score += best;
      scored.set(commit.id, entry);
    }
  }
  const byAuthor = new Map<string, { author: CommitRecord["author"]; score: number; commits: Array<{ commit: CommitRecord; score: number }> }>();
  for (const entry of scored.values()) {
    const key = entry.commit.author?.email.toLowerCase() ?? "";
    const group = byAuthor.get(key) ?? { author: entry.commit.author, score: 0, commits: [] };
    group.score += entry.score;
    group.commits.push(entry);
    byAuthor.set(key, group);
  }
  const body = [...byAuthor.values()]
    .sort((a, b) => b.score - a.score || (a.author?.name ?? "").localeCompare(b.author?.name ?? ""))
    .map((group) => ({
      author: serializeAuthor(ctx.world, org.slug, group.author),
      commits: group.commits
        .sort((a, b) => b.score - a.score || Date.parse(b.commit.dateCreated) - Date.parse(a.commit.dateCreated))
        .map(({ commit, score }) => {
          const repo = ctx.world.repos.find((r) => r.orgSlug === org.slug && r.name === commit.repository);
          return {
            id: commit.id,
            message: commit.message,
            dateCreated: commit.dateCreated,
            pullRequest: null,
            suspectCommitType: "via commit in release",
            score,
            repository: repo ? { id: repo.id, name: repo.name, url: repo.url, provider: repo.provider, status: repo.status, dateCreated: repo.dateCreated, integrationId: null, externalSlug: repo.externalSlug } : { name: commit.repository },
          };
        }),
    }));
  return { status: 200, body: { committers: body } };
}

// ------------------------------------------------------------------------------------------------
// Traces
// ------------------------------------------------------------------------------------------------

function requireTraceId(ctx: RequestContext): string {
  const id = normalizeEventId(ctx.params.traceId ?? "");
  if (!HEX32.test(id)) throw new SandboxHttpError(400, { detail: "Invalid trace id." });
  return id;
}

/** The trace, when any of it falls inside the request's window and belongs to the org. */
function traceInScope(ctx: RequestContext, org: Org, traceId: string): Trace | undefined {
  const trace = findTrace(ctx.world, traceId);
  if (!trace) return undefined;
  const window = timeWindow(ctx, DEFAULT_TRACE_PERIOD);
  const orgProjects = new Set(ctx.world.projects.filter((p) => p.orgSlug === org.slug).map((p) => p.id));
  const spans = trace.spans.filter((s) => orgProjects.has(s.projectId));
  const events = trace.events.filter((e) => e.issue.orgSlug === org.slug && e.issue.status !== "pending_deletion");
  const inWindow = spans.some((s) => s.end >= window.start && s.start <= window.end) || events.some((e) => e.at >= window.start && e.at <= window.end);
  if (!inWindow || (spans.length === 0 && events.length === 0)) return undefined;
  return { traceId, spans, events };
}

/**
 * An error or occurrence as the trace lists it (snuba/trace.py): an error by its own time, an occurrence by the
 * time of the offender span it hangs on.
 */
function serializeIssueEvent(world: World, event: TraceIssueEvent, transaction: string, span?: TraceSpan): Record<string, unknown> {
  const project = world.projects.find((p) => p.id === event.issue.projectId)!;
  const perf = event.kind === "occurrence" ? event.issue.spec.perf : null;
  const times = perf && span ? { start_timestamp: span.start / SECOND, end_timestamp: span.end / SECOND } : { start_timestamp: event.at / SECOND };
  return {
    event_id: event.eventId,
    issue_id: Number(event.issue.id),
    issue_type: perf ? perf.typeId : ERROR_GROUP_TYPE,
    level: event.kind === "occurrence" ? "info" : event.issue.level,
    ...times,
    culprit: event.issue.spec.culprit,
    description: perf ? perf.title : event.issue.spec.title,
    short_id: event.issue.shortId,
    project_id: Number(project.id),
    project_slug: project.slug,
    transaction,
    event_type: event.kind,
  };
}

const round3 = (n: number): number => Math.round(n * 1000) / 1000;

/** The requested attributes the span has; others are left out, as the trace endpoint leaves them out. */
function spanAttributes(span: TraceSpan, wanted: readonly string[]): Record<string, unknown> {
  const known: Record<string, unknown> = { "span.self_time": span.selfTimeMs, "span.status": span.status, "span.op": span.op, "span.description": span.description };
  if (span.dbSystem) known["db.system"] = span.dbSystem;
  return Object.fromEntries(wanted.filter((k) => Object.hasOwn(known, k)).map((k) => [k, known[k]]));
}

function getTrace(ctx: RequestContext): Reply {
  const org = requireOrg(ctx);
  const traceId = requireTraceId(ctx);
  const trace = traceInScope(ctx, org, traceId);
  if (!trace) return { status: 200, body: [] };
  const wanted = [...ctx.query.getAll("additional_attributes"), ...ctx.query.getAll("additional_attributes[]")].filter((a) => a !== "");
  const children = new Map<string, TraceSpan[]>();
  const ids = new Set(trace.spans.map((s) => s.spanId));
  for (const span of trace.spans) {
    if (!span.parentSpanId || !ids.has(span.parentSpanId)) continue;
    const list = children.get(span.parentSpanId) ?? [];
    list.push(span);
    children.set(span.parentSpanId, list);
  }
  const eventsBySpan = new Map<string, TraceIssueEvent[]>();
  const orphans: TraceIssueEvent[] = [];
  for (const event of trace.events) {
    if (ids.has(event.spanId)) eventsBySpan.set(event.spanId, [...(eventsBySpan.get(event.spanId) ?? []), event]);
    else orphans.push(event);
  }
  const serialize = (span: TraceSpan): Record<string, unknown> => {
    const own = eventsBySpan.get(span.spanId) ?? [];
    const body: Record<string, unknown> = {
      children: (children.get(span.spanId) ?? []).sort((a, b) => a.start - b.start).map(serialize),
      errors: own.filter((e) => e.kind === "error").map((e) => serializeIssueEvent(ctx.world, e, span.transaction)),
      occurrences: own.filter((e) => e.kind === "occurrence").map((e) => serializeIssueEvent(ctx.world, e, span.transaction, span)),
      event_id: span.spanId,
      transaction_id: span.transactionId,
      project_id: Number(span.projectId),
      project_slug: span.projectSlug,
      profile_id: "",
      profiler_id: "",
      parent_span_id: span.parentSpanId,
      start_timestamp: span.start / SECOND,
      end_timestamp: span.end / SECOND,
      measurements: {},
      browser_web_vital: {},
      mobile_app_vital: {},
      duration: round3(span.end - span.start),
      op: span.op,
      // Sentry names every span by its op, segments too (api/docs examples: "name": "http.server").
      name: span.op,
      description: span.description,
      is_transaction: span.isTransaction,
      transaction: span.transaction,
      sdk_name: span.sdkName,
      event_type: "span",
    };
    body.additional_attributes = spanAttributes(span, wanted);
    return body;
  };
  const roots = trace.spans.filter((s) => !s.parentSpanId || !ids.has(s.parentSpanId)).sort((a, b) => a.start - b.start);
  const body: Array<Record<string, unknown>> = roots.map(serialize);
  for (const orphan of orphans) body.push(serializeIssueEvent(ctx.world, orphan, orphan.issue.spec.transaction));
  return { status: 200, body };
}

function getTraceMeta(ctx: RequestContext): Reply {
  const org = requireOrg(ctx);
  const traceId = requireTraceId(ctx);
  const trace = traceInScope(ctx, org, traceId);
  const spans = trace?.spans ?? [];
  const spansCountMap: Record<string, number> = {};
  const perTransaction = new Map<string, number>();
  for (const s of spans) {
    spansCountMap[s.op] = (spansCountMap[s.op] ?? 0) + 1;
    perTransaction.set(s.transactionId, (perTransaction.get(s.transactionId) ?? 0) + 1);
  }
  const body: Record<string, unknown> = {
    errorsCount: trace?.events.filter((e) => e.kind === "error").length ?? 0,
    performanceIssuesCount: new Set(trace?.events.filter((e) => e.kind === "occurrence").map((e) => e.eventId)).size,
    spansCount: spans.length,
    spansCountMap,
    transactionChildCountMap: [...perTransaction].map(([id, n]) => ({ "transaction.event_id": id, "count()": n })),
    logsCount: trace ? (logsWorld(ctx.world).byTrace.get(traceId)?.length ?? 0) : 0,
    metricsCount: 0,
  };
  if (ctx.query.get("include_uptime") === "1") body.uptimeCount = 0;
  return { status: 200, body };
}

export const investigateRoutes: RouteDef[] = [
  { method: "GET", pattern: "/organizations/:org/eventids/:eventId/", scopes: ORG_READ, handler: lookupEventId },
  { method: "GET", pattern: "/projects/:org/:project/events/:eventId/committers/", scopes: PROJECT_READ, handler: committers },
  { method: "GET", pattern: "/organizations/:org/trace-meta/:traceId/", scopes: ORG_READ, handler: getTraceMeta },
  { method: "GET", pattern: "/organizations/:org/trace/:traceId/", scopes: ORG_READ, handler: getTrace },
];
