// Sentry's traces: one trace's metadata (counts) and its span tree with the errors and performance-issue
// occurrences hung on its spans (docs/sentry-api.md §19). Scopes: org:read for both.

import type { SentryApi } from "../api.js";
import { UnexpectedAnswerError } from "../errors.js";
import { apiPath, type Query } from "../urls.js";
import { getChecked, type Checked } from "./client.js";
import { arrayOf, nullable, num, object, optional, record, str, unknownValue, type Infer, type Schema } from "./schema.js";

export const TRACE_SCOPE = "org:read";

/** GET /organizations/{org}/trace-meta/{id}/: counts over the whole trace (the schema marks these required). */
export const rawTraceMeta = object({
  errorsCount: num,
  performanceIssuesCount: num,
  spansCount: num,
  logsCount: optional(num),
  /** Spans per operation. */
  spansCountMap: record(num),
});
export type RawTraceMeta = Infer<typeof rawTraceMeta>;

/** An error or a performance issue's occurrence as the trace lists it (on a span, or alone at the top). */
export const rawTraceIssueEvent = object({
  event_id: str,
  event_type: str,
  issue_id: num,
  /** The issue's short ID; null for some occurrence types (the schema marks it nullable). */
  short_id: nullable(str),
  description: optional(str),
  level: optional(str),
  project_slug: str,
  transaction: optional(str),
  start_timestamp: optional(num),
});
export type RawTraceIssueEvent = Infer<typeof rawTraceIssueEvent>;

export interface RawTraceSpan {
  event_id: string;
  event_type?: string;
  parent_span_id?: string | null;
  project_slug: string;
  op?: string | null;
  description?: string | null;
  transaction?: string;
  is_transaction?: boolean;
  /** Seconds since the epoch. */
  start_timestamp: number;
  end_timestamp: number;
  children: RawTraceSpan[];
  errors: RawTraceIssueEvent[];
  occurrences: RawTraceIssueEvent[];
  additional_attributes?: Record<string, unknown>;
}

/** What the trace endpoint answers: its spans (with their subtrees) and the errors no span of it holds. */
export interface RawTrace {
  roots: RawTraceSpan[];
  orphanErrors: RawTraceIssueEvent[];
}

const spanFields = object({
  event_id: str,
  parent_span_id: optional(nullable(str)),
  project_slug: str,
  op: optional(nullable(str)),
  description: optional(nullable(str)),
  transaction: optional(str),
  start_timestamp: num,
  end_timestamp: num,
  children: optional(arrayOf(unknownValue)),
  errors: optional(arrayOf(rawTraceIssueEvent)),
  occurrences: optional(arrayOf(rawTraceIssueEvent)),
  additional_attributes: optional(record(unknownValue)),
});

/**
 * A trace is a few levels deep (page load → request → handler → query); a deeper answer is no trace we can
 * show, and recursing into it without a bound would let a hostile server overflow the stack.
 */
const MAX_TRACE_DEPTH = 200;

function span(v: unknown, at: string, depth: number): RawTraceSpan {
  if (depth > MAX_TRACE_DEPTH) throw new UnexpectedAnswerError(`spans nested deeper than ${MAX_TRACE_DEPTH} levels at ${at}`);
  const s = spanFields(v, at);
  const children = (s.children ?? []).map((c, i) => span(c, `${at}.children[${i}]`, depth + 1));
  return { ...(s as Omit<RawTraceSpan, "children" | "errors" | "occurrences">), children, errors: s.errors ?? [], occurrences: s.occurrences ?? [] };
}

/** Top-level items: spans, and errors or occurrences that no span of the trace holds (event_type says which). */
const rawTrace: Schema<RawTrace> = (v, at) => {
  const items = arrayOf(object({ event_type: optional(str) }))(v, at);
  const out: RawTrace = { roots: [], orphanErrors: [] };
  items.forEach((item, i) => {
    const where = `${at}[${i}]`;
    if (item.event_type === "error" || item.event_type === "occurrence") out.orphanErrors.push(rawTraceIssueEvent(item, where));
    // Uptime checks come only with include_uptime=1, which is not asked for; anything else is a span.
    else if (item.event_type !== "uptime_check") out.roots.push(span(item, where, 0));
  });
  return out;
};

/** How far back to look: the trace endpoints search a time window (their default is short, so it is always sent). */
export type TraceWindow = { statsPeriod: string };

function notFoundHint(org: string): string {
  return `check the organization slug ${JSON.stringify(org)} (SENTRY_ORG or --org)`;
}

export function getTraceMeta(api: SentryApi, org: string, traceId: string, window: TraceWindow): Promise<Checked<RawTraceMeta>> {
  return getChecked(api, apiPath`/organizations/${org}/trace-meta/${traceId}/`, rawTraceMeta, { ...window }, { scopes: TRACE_SCOPE, notFoundHint: notFoundHint(org) });
}

/**
 * The span tree. `span.self_time` is asked for as an additional attribute (the trace answers durations only);
 * where a server leaves it out, the caller computes it from the children.
 */
export function getTrace(api: SentryApi, org: string, traceId: string, window: TraceWindow): Promise<Checked<RawTrace>> {
  const query: Query = { ...window, additional_attributes: ["span.self_time"] };
  return getChecked(api, apiPath`/organizations/${org}/trace/${traceId}/`, rawTrace, query, { scopes: TRACE_SCOPE, notFoundHint: notFoundHint(org) });
}
