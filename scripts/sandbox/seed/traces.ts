// Traces of the seeded world, built on first use from what the world already holds, so every trace ID a client
// can see resolves to a trace that contains what pointed at it:
// - every stored issue event (seed/issue-events.ts) and every errors-dataset row (seed/error-rows.ts) carries
//   contexts.trace {trace_id, span_id}; its trace is a small transaction of the issue's project whose segment
//   span has that span ID, with the error (or a performance issue's occurrence) attached to it;
// - the latest event of one escalating backend issue (`showcaseOf`) sits in a ~1,000-span trace across two
//   projects: a browser page load calling the backend, whose request runs one query per order item (N+1)
//   before it fails;
// - every transaction of the spans world (seed/spans.ts) is a trace of its own, served as stored.
// Times derive from the events' own times, which derive from world.now; nothing here reads the clock.

import type { Project, World } from "../types.js";
import type { Issue } from "./issues.js";
import { issueEvents, projectOf, type StoredEvent } from "./issue-events.js";
import { exclusiveMs, type SpanRecord, type SpanStatus } from "./spans.js";
import { findErrorRow } from "./error-rows.js";
import { rngFor, type Rng } from "./rng.js";
import { SECOND } from "../time.js";

/** One span of a trace, in the sandbox's terms (routes/investigate.ts serializes it as Sentry's trace endpoint does). */
export interface TraceSpan {
  spanId: string;
  /** null for the trace's root; a segment root below another project's span names that span. */
  parentSpanId: string | null;
  /** Event ID of the segment (transaction) this span belongs to. */
  transactionId: string;
  /** Segment root (`is_transaction`). */
  isTransaction: boolean;
  /** Name of the enclosing segment (`transaction`). */
  transaction: string;
  op: string;
  description: string;
  /** Epoch milliseconds. */
  start: number;
  end: number;
  projectId: string;
  projectSlug: string;
  sdkName: string;
  status: SpanStatus;
  /** Exclusive time: the duration minus the union of the children's intervals (as seed/spans.ts defines it). */
  selfTimeMs: number;
  /** `db.system` of database spans, else null. */
  dbSystem: string | null;
}

/** An error or performance-issue occurrence linked to a trace. */
export interface TraceIssueEvent {
  eventId: string;
  issue: Issue;
  /** Epoch milliseconds. */
  at: number;
  /** The span that was active when it happened (contexts.trace.span_id). */
  spanId: string;
  kind: "error" | "occurrence";
}

export interface Trace {
  traceId: string;
  /** Parents before children. */
  spans: TraceSpan[];
  events: TraceIssueEvent[];
}

/** What an error event tells about its trace; stored events and errors-dataset rows both provide it. */
export interface ErrorTraceRef {
  eventId: string;
  issue: Issue;
  at: number;
  traceId: string;
  spanId: string;
}

/** Order items the showcase request loads one by one: with the rest of the page it makes a ~1,000-span trace. */
const SHOWCASE_N_PLUS_ONE = 940;
/** Every so many items the serializer also reads the product from the cache. */
const SHOWCASE_CACHE_EVERY = 24;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** Hex IDs from a stream (bytes through a table: the showcase alone needs a thousand span IDs). */
export function hexFrom(rng: Rng, chars: number): string {
  let out = "";
  while (out.length < chars) out += HEX[Math.floor(rng.next() * 256)]!;
  return out.slice(0, chars);
}

export function sdkNameOf(platform: string): string {
  if (platform.startsWith("python")) return platform === "python-celery" ? "sentry.python.celery" : "sentry.python.django";
  if (platform.startsWith("node")) return "sentry.javascript.node";
  if (platform.startsWith("apple") || platform.startsWith("cocoa")) return "sentry.cocoa";
  if (platform === "javascript-nextjs") return "sentry.javascript.nextjs";
  if (platform.startsWith("javascript")) return "sentry.javascript.react";
  return `sentry.${platform.split("-")[0]}`;
}

// ------------------------------------------------------------------------------------------------
// Stored events by ID and by trace
// ------------------------------------------------------------------------------------------------

export interface IndexedEvent {
  issue: Issue;
  event: StoredEvent;
  traceId: string;
  spanId: string;
}

interface EventIndex {
  byId: Map<string, IndexedEvent>;
  byTrace: Map<string, IndexedEvent[]>;
}

const eventIndexes = new WeakMap<World, EventIndex>();

function traceContextOf(event: StoredEvent): { traceId: string; spanId: string } {
  const trace = (event.body.contexts as Record<string, Record<string, unknown>> | undefined)?.trace;
  return { traceId: String(trace?.trace_id ?? ""), spanId: String(trace?.span_id ?? "") };
}

/** Every stored event of every issue, by event ID and trace ID (built once, on the first lookup). */
export function eventIndex(world: World): EventIndex {
  let index = eventIndexes.get(world);
  if (index) return index;
  index = { byId: new Map(), byTrace: new Map() };
  for (const issue of world.issues.issues) {
    for (const event of issueEvents(world, issue)) {
      const { traceId, spanId } = traceContextOf(event);
      const entry: IndexedEvent = { issue, event, traceId, spanId };
      index.byId.set(event.eventID, entry);
      const list = index.byTrace.get(traceId) ?? [];
      list.push(entry);
      index.byTrace.set(traceId, list);
    }
  }
  eventIndexes.set(world, index);
  return index;
}

// ------------------------------------------------------------------------------------------------
// The showcase: an escalating backend issue whose latest event ends a ~1,000-span N+1 trace
// ------------------------------------------------------------------------------------------------

const BACKEND_FAMILIES = new Set(["python", "node"]);

/**
 * The issue the big trace belongs to: in the first organization, the unresolved escalating error of a backend
 * project with the most events (ties by ID), else the busiest unresolved backend error. A function of the seed.
 */
export function showcaseIssue(world: World): Issue | undefined {
  const org = world.orgs[0]?.slug;
  const candidates = world.issues.issues.filter(
    (i) => i.orgSlug === org && i.status === "unresolved" && (i.spec.kind === "error" || i.spec.kind === "chained") && BACKEND_FAMILIES.has(i.spec.family),
  );
  const rank = (list: Issue[]): Issue | undefined => [...list].sort((a, b) => b.count - a.count || a.id.localeCompare(b.id))[0];
  return rank(candidates.filter((i) => i.substatus === "escalating")) ?? rank(candidates);
}

/** The showcase issue's latest event and its trace ID (undefined in a world without a backend error). */
export function showcaseEvent(world: World): IndexedEvent | undefined {
  const issue = showcaseIssue(world);
  const event = issue ? issueEvents(world, issue)[0] : undefined;
  if (!issue || !event) return undefined;
  return { issue, event, ...traceContextOf(event) };
}

// ------------------------------------------------------------------------------------------------
// Building spans: a small tree builder that computes exclusive times when the tree is complete
// ------------------------------------------------------------------------------------------------

interface Draft {
  span: TraceSpan;
  children: Draft[];
}

class TraceBuilder {
  readonly drafts: Draft[] = [];
  private readonly byId = new Map<string, Draft>();
  constructor(readonly rng: Rng) {}

  add(fields: Omit<TraceSpan, "selfTimeMs" | "spanId" | "status" | "dbSystem"> & { spanId?: string; status?: SpanStatus; dbSystem?: string | null }): TraceSpan {
    const span: TraceSpan = {
      ...fields,
      spanId: fields.spanId ?? hexFrom(this.rng, 16),
      status: fields.status ?? "ok",
      dbSystem: fields.dbSystem ?? null,
      selfTimeMs: 0,
    };
    const draft: Draft = { span, children: [] };
    this.drafts.push(draft);
    this.byId.set(span.spanId, draft);
    if (span.parentSpanId) this.byId.get(span.parentSpanId)?.children.push(draft);
    return span;
  }

  finish(): TraceSpan[] {
    for (const d of this.drafts) d.span.selfTimeMs = exclusiveMs(d.span.start, d.span.end - d.span.start, d.children.map((c) => [c.span.start, c.span.end] as const));
    return this.drafts.map((d) => d.span);
  }
}

function frontendProjectOf(world: World, orgSlug: string): Project | undefined {
  return world.projects.find((p) => p.orgSlug === orgSlug && p.hasPerformance && p.platform.startsWith("javascript"));
}

function buildShowcase(world: World, shown: IndexedEvent): Trace {
  const rng = rngFor(world.seed, `traces:showcase:${shown.event.eventID}`);
  const b = new TraceBuilder(rng);
  const backend = projectOf(world, shown.issue);
  const frontend = frontendProjectOf(world, backend.orgSlug);
  const apiPath = shown.issue.spec.transaction.replace(/\{(\w+)\}|:(\w+)/g, "48213");
  // The backend fails at the event's time, after loading every item; the page load starts a little earlier.
  const itemMs = Array.from({ length: SHOWCASE_N_PLUS_ONE }, () => rng.logNormal(2.4, 0.35));
  const backendMs = 45 + itemMs.reduce((s, ms) => s + ms + 0.15, 0) + (SHOWCASE_N_PLUS_ONE / SHOWCASE_CACHE_EVERY) * 1.4 + 30;
  const backendEnd = shown.event.at;
  const backendStart = backendEnd - backendMs;
  let parentForBackend: string | null = null;
  if (frontend) {
    const pageStart = backendStart - 620;
    const pageEnd = backendEnd + 180;
    const page = "/account/orders/:id";
    const pageId = hexFrom(rng, 32);
    const common = { transactionId: pageId, transaction: page, projectId: frontend.id, projectSlug: frontend.slug, sdkName: sdkNameOf(frontend.platform) };
    const root = b.add({ ...common, parentSpanId: null, isTransaction: true, op: "pageload", description: page, start: pageStart, end: pageEnd, status: "internal_error" });
    b.add({ ...common, parentSpanId: root.spanId, isTransaction: false, op: "resource.script", description: "https://cdn.acme.test/assets/main.4f1c9a2e.js", start: pageStart + 12, end: pageStart + 231 });
    b.add({ ...common, parentSpanId: root.spanId, isTransaction: false, op: "resource.css", description: "https://cdn.acme.test/assets/main.9b02d7c1.css", start: pageStart + 12, end: pageStart + 88 });
    b.add({ ...common, parentSpanId: root.spanId, isTransaction: false, op: "browser", description: "domContentLoadedEvent", start: pageStart + 240, end: pageStart + 281 });
    const render = b.add({ ...common, parentSpanId: root.spanId, isTransaction: false, op: "ui.react.render", description: "<OrderDetails>", start: pageStart + 290, end: pageEnd - 20 });
    b.add({ ...common, parentSpanId: render.spanId, isTransaction: false, op: "http.client", description: "GET https://api.acme.test/api/users/me", start: pageStart + 300, end: pageStart + 371 });
    const call = b.add({ ...common, parentSpanId: render.spanId, isTransaction: false, op: "http.client", description: `GET https://api.acme.test${apiPath}`, start: backendStart - 8, end: backendEnd + 6, status: "internal_error" });
    parentForBackend = call.spanId;
  }
  const txId = hexFrom(rng, 32);
  const name = shown.issue.spec.transaction;
  const common = { transactionId: txId, transaction: name, projectId: backend.id, projectSlug: backend.slug, sdkName: sdkNameOf(backend.platform) };
  const root = b.add({ ...common, spanId: shown.spanId, parentSpanId: parentForBackend, isTransaction: true, op: "http.server", description: `GET ${name}`, start: backendStart, end: backendEnd + 3, status: "internal_error" });
  let cursor = backendStart + 2;
  const leaf = (parent: string, op: string, description: string, ms: number, dbSystem: string | null = null): TraceSpan => {
    const span = b.add({ ...common, parentSpanId: parent, isTransaction: false, op, description, start: cursor, end: cursor + ms, dbSystem });
    cursor += ms + 0.15;
    return span;
  };
  leaf(root.spanId, "middleware.django", "django.contrib.sessions.middleware.SessionMiddleware.__call__", 1.1);
  leaf(root.spanId, "middleware.django", "authenticate", 1.6);
  leaf(root.spanId, "db", 'SELECT "orders"."id", "orders"."status", "orders"."total_cents", "orders"."user_id" FROM "orders" WHERE "orders"."id" = %s LIMIT 21', 6.8, "postgresql");
  const serializeStart = cursor;
  const serializer = b.add({ ...common, parentSpanId: root.spanId, isTransaction: false, op: "function", description: "OrderDetailSerializer.to_representation", start: serializeStart, end: backendEnd - 4 });
  cursor += 0.4;
  itemMs.forEach((ms, i) => {
    // The spans world's N+1 query (slow-queries finds it there too), as the Django driver writes it: %s placeholders.
    leaf(serializer.spanId, "db", world.spans.nPlusOneQuery, ms, "postgresql");
    if ((i + 1) % SHOWCASE_CACHE_EVERY === 0) leaf(serializer.spanId, "cache.get", `product:${40_000 + i}`, 1.2);
  });
  const events: TraceIssueEvent[] = [{ eventId: shown.event.eventID, issue: shown.issue, at: shown.event.at, spanId: shown.spanId, kind: "error" }];
  return { traceId: shown.traceId, spans: b.finish(), events };
}

// ------------------------------------------------------------------------------------------------
// Small traces around one issue event
// ------------------------------------------------------------------------------------------------

/** A few child operations per family, named as each SDK names them. */
function childOps(issue: Issue, rng: Rng): Array<{ op: string; description: string; ms: number; dbSystem?: string }> {
  switch (issue.spec.family) {
    case "javascript":
      return [
        { op: "resource.script", description: `https://cdn.acme.test/assets/main.${hexFrom(rng, 8)}.js`, ms: rng.logNormal(180, 0.4) },
        { op: "browser", description: "domContentLoadedEvent", ms: rng.logNormal(40, 0.3) },
        { op: "http.client", description: "GET https://api.acme.test/api/session", ms: rng.logNormal(90, 0.4) },
        { op: "ui.react.render", description: "<App>", ms: rng.logNormal(30, 0.4) },
      ];
    case "cocoa":
      return [
        { op: "app.start.warm", description: "Warm Start", ms: rng.logNormal(420, 0.3) },
        { op: "http.client", description: "GET https://api.acme.test/api/session/", ms: rng.logNormal(140, 0.4) },
        { op: "file.read", description: "cart.plist", ms: rng.logNormal(3, 0.4) },
        { op: "ui.load.initial_display", description: `${issue.spec.transaction} initial display`, ms: rng.logNormal(260, 0.4) },
      ];
    default:
      return [
        { op: issue.spec.family === "python" ? "middleware.django" : "middleware.express", description: "authenticate", ms: rng.logNormal(1.2, 0.3) },
        { op: "cache.get", description: `session:${hexFrom(rng, 10)}`, ms: rng.logNormal(1.1, 0.3) },
        { op: "db", description: 'SELECT "users"."id", "users"."email" FROM "users" WHERE "users"."id" = %s LIMIT 21', ms: rng.logNormal(3, 0.4), dbSystem: "postgresql" },
        { op: "http.client", description: "POST https://payments.acme.test/v1/payment_intents", ms: rng.logNormal(160, 0.4) },
      ];
  }
}

function rootOpOf(issue: Issue): string {
  const spec = issue.spec;
  if (spec.kind === "performance" && spec.perf) return spec.perf.parentOp;
  if (spec.family === "javascript") return "pageload";
  if (spec.family === "cocoa") return "ui.load";
  return spec.transaction.includes(".tasks.") ? "queue.task.celery" : "http.server";
}

/** The transaction an error happened in, with the error on its segment span (the span in contexts.trace). */
export function errorTrace(world: World, ref: ErrorTraceRef): Trace {
  const rng = rngFor(world.seed, `traces:error:${ref.eventId}`);
  const b = new TraceBuilder(rng);
  const project = projectOf(world, ref.issue);
  const name = ref.issue.spec.transaction;
  const ops = childOps(ref.issue, rng);
  const total = ops.reduce((s, o) => s + o.ms + 0.4, 0) + rng.logNormal(12, 0.4);
  const start = ref.at - total;
  const common = { transactionId: hexFrom(rng, 32), transaction: name, projectId: project.id, projectSlug: project.slug, sdkName: sdkNameOf(project.platform) };
  const root = b.add({ ...common, spanId: ref.spanId, parentSpanId: null, isTransaction: true, op: rootOpOf(ref.issue), description: name, start, end: ref.at + 2, status: "internal_error" });
  let cursor = start + 1;
  for (const o of ops) {
    b.add({ ...common, parentSpanId: root.spanId, isTransaction: false, op: o.op, description: o.description, start: cursor, end: cursor + o.ms, dbSystem: o.dbSystem ?? null });
    cursor += o.ms + 0.4;
  }
  return { traceId: ref.traceId, spans: b.finish(), events: [{ eventId: ref.eventId, issue: ref.issue, at: ref.at, spanId: ref.spanId, kind: "error" }] };
}

/** A performance issue's transaction: the spans its event stored, the occurrence on the segment span. */
function occurrenceTrace(world: World, entry: IndexedEvent): Trace {
  const body = entry.event.body;
  const project = projectOf(world, entry.issue);
  const rng = rngFor(world.seed, `traces:occurrence:${entry.event.eventID}`);
  const b = new TraceBuilder(rng);
  const name = entry.issue.spec.transaction;
  const common = { transactionId: entry.event.eventID, transaction: name, projectId: project.id, projectSlug: project.slug, sdkName: sdkNameOf(project.platform) };
  const startS = Number(body.startTimestamp ?? entry.event.at / SECOND - 1);
  const endS = Number(body.endTimestamp ?? entry.event.at / SECOND);
  b.add({ ...common, spanId: entry.spanId, parentSpanId: null, isTransaction: true, op: rootOpOf(entry.issue), description: name, start: startS * SECOND, end: endS * SECOND });
  const spansEntry = (body.entries as Array<{ type: string; data: unknown }>).find((e) => e.type === "spans");
  const stored = (spansEntry?.data ?? []) as Array<Record<string, unknown>>;
  // Stored child spans may name a parent that precedes them in the list only; add parents first.
  const pending = [...stored];
  const known = new Set([entry.spanId]);
  for (let guard = 0; pending.length > 0 && guard < 4; guard++) {
    for (let i = 0; i < pending.length; ) {
      const s = pending[i]!;
      if (!known.has(String(s.parent_span_id))) {
        i++;
        continue;
      }
      const data = (s.data ?? {}) as Record<string, unknown>;
      b.add({
        ...common,
        spanId: String(s.span_id),
        parentSpanId: String(s.parent_span_id),
        isTransaction: false,
        op: String(s.op),
        description: String(s.description),
        start: Number(s.start_timestamp) * SECOND,
        end: Number(s.timestamp) * SECOND,
        dbSystem: typeof data["db.system"] === "string" ? data["db.system"] : null,
      });
      known.add(String(s.span_id));
      pending.splice(i, 1);
    }
  }
  // Sentry hangs an occurrence on each of its offender spans (evidenceData.offenderSpanIds), not on the segment.
  const evidence = ((body.occurrence as Record<string, unknown> | null)?.evidenceData ?? {}) as { offenderSpanIds?: string[] };
  const offenders = (evidence.offenderSpanIds ?? []).filter((id) => known.has(id));
  const events: TraceIssueEvent[] = (offenders.length > 0 ? offenders : [entry.spanId]).map((spanId) => ({ eventId: entry.event.eventID, issue: entry.issue, at: entry.event.at, spanId, kind: "occurrence" }));
  return { traceId: entry.traceId, spans: b.finish(), events };
}

// ------------------------------------------------------------------------------------------------
// Spans-world transactions
// ------------------------------------------------------------------------------------------------

const spanTraceIndexes = new WeakMap<World, Map<string, SpanRecord[]>>();

function spansByTrace(world: World): Map<string, SpanRecord[]> {
  let index = spanTraceIndexes.get(world);
  if (!index) {
    index = new Map();
    for (const r of world.spans.spans) {
      const list = index.get(r.traceId);
      if (list) list.push(r);
      else index.set(r.traceId, [r]);
    }
    spanTraceIndexes.set(world, index);
  }
  return index;
}

function platformOfProject(world: World, projectId: string): string {
  return world.projects.find((p) => p.id === projectId)?.platform ?? "other";
}

function storedTransactionTrace(world: World, traceId: string, records: readonly SpanRecord[]): Trace {
  const spans = records.map((r): TraceSpan => ({
    spanId: r.spanId,
    parentSpanId: r.parentSpanId,
    transactionId: r.transactionId,
    isTransaction: r.isTransaction,
    transaction: r.transaction,
    op: r.op,
    description: r.description,
    start: r.timestamp,
    end: r.timestamp + r.durationMs,
    projectId: r.projectId,
    projectSlug: r.projectSlug,
    sdkName: sdkNameOf(platformOfProject(world, r.projectId)),
    status: r.status,
    selfTimeMs: r.selfTimeMs,
    dbSystem: r.dbSystem,
  }));
  return { traceId, spans, events: [] };
}

// ------------------------------------------------------------------------------------------------
// Lookup
// ------------------------------------------------------------------------------------------------

const traceCaches = new WeakMap<World, Map<string, Trace | null>>();

/** The trace with this ID, or undefined when nothing in the world carries it. */
export function findTrace(world: World, traceId: string): Trace | undefined {
  let cache = traceCaches.get(world);
  if (!cache) traceCaches.set(world, (cache = new Map()));
  const hit = cache.get(traceId);
  if (hit !== undefined) return hit ?? undefined;
  const trace = buildTrace(world, traceId);
  cache.set(traceId, trace ?? null);
  return trace;
}

function buildTrace(world: World, traceId: string): Trace | undefined {
  const shown = showcaseEvent(world);
  if (shown && shown.traceId === traceId) return buildShowcase(world, shown);
  const stored = eventIndex(world).byTrace.get(traceId);
  if (stored && stored.length > 0) {
    const first = stored[0]!;
    if (first.issue.spec.kind === "performance") return occurrenceTrace(world, first);
    return errorTrace(world, { eventId: first.event.eventID, issue: first.issue, at: first.event.at, traceId, spanId: first.spanId });
  }
  const records = spansByTrace(world).get(traceId);
  if (records) return storedTransactionTrace(world, traceId, records);
  const row = findErrorRow(world, "traceId", traceId);
  if (row) return errorTrace(world, { eventId: row.eventId, issue: row.issue, at: row.timestamp, traceId, spanId: row.spanId });
  return undefined;
}
