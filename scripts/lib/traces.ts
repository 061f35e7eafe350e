// One trace in a few lines (trace-details): the span tree flattened, each span's self time, repeated spans under
// one parent collapsed into one entry (the N+1 shape), the slowest entries by self time, and the trace's errors
// and performance issues grouped by issue.

import { UsageError } from "./errors.js";
import { roundMs } from "./performance.js";
import type { RawTrace, RawTraceIssueEvent, RawTraceSpan } from "./sentry/traces.js";
import { isShortId, quoteInput } from "./validate.js";

/** Trace IDs are 32 hex characters; Sentry also prints them as UUIDs (with dashes). */
const TRACE_ID = /^[0-9a-f]{32}$/;

export function parseTraceId(value: string): string {
  const id = value.trim().replaceAll("-", "").toLowerCase();
  if (!TRACE_ID.test(id)) {
    throw new UsageError(`invalid trace ID ${quoteInput(value)}: a trace ID is 32 hex characters`, "copy it from an event's trace context, or from query-events --field trace");
  }
  return id;
}

/** Entries shown in the slowest list. */
export const SLOWEST_SHOWN = 10;
/** Sentry's N+1 detectors want at least this many repeats of one statement before they call it a pattern. */
export const REPEAT_MIN = 5;

/** Spans with the same operation and description under one parent, or one span alone (count 1). */
export interface SpanGroup {
  op: string | null;
  description: string | null;
  project: string;
  transaction: string | null;
  count: number;
  /** Self time summed over the group. */
  selfMs: number;
  /** Duration summed over the group. */
  durationMs: number;
  parentOp: string | null;
  parentDescription: string | null;
}

export interface TraceIssue {
  shortId: string | null;
  issueId: number;
  title: string | null;
  /** error, or occurrence (a performance issue). */
  type: string;
  level: string | null;
  project: string;
  transaction: string | null;
  events: number;
}

export interface TraceSummary {
  spans: number;
  root: { transaction: string | null; op: string | null; project: string; durationMs: number } | null;
  durationMs: number;
  projects: string[];
  groups: SpanGroup[];
  issues: TraceIssue[];
}

const durationOf = (s: RawTraceSpan): number => Math.max(0, (s.end_timestamp - s.start_timestamp) * 1000);

/**
 * Exclusive time: the span's duration minus the union of its children's intervals (clipped to the span), the
 * way Sentry defines span.self_time. Used when the server did not send the attribute.
 */
function computedSelfMs(s: RawTraceSpan): number {
  const intervals = s.children
    .map((c) => [Math.max(c.start_timestamp, s.start_timestamp), Math.min(c.end_timestamp, s.end_timestamp)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let covered = 0;
  let runStart = Number.NEGATIVE_INFINITY;
  let runEnd = Number.NEGATIVE_INFINITY;
  for (const [a, b] of intervals) {
    if (a > runEnd) {
      covered += Math.max(0, runEnd - runStart);
      [runStart, runEnd] = [a, b];
    } else runEnd = Math.max(runEnd, b);
  }
  covered += Math.max(0, runEnd - runStart);
  return Math.max(0, durationOf(s) - covered * 1000);
}

function selfMsOf(s: RawTraceSpan): number {
  const sent = s.additional_attributes?.["span.self_time"];
  return typeof sent === "number" && Number.isFinite(sent) && sent >= 0 ? sent : computedSelfMs(s);
}

function text(value: string | null | undefined): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

/** Walks the tree without recursion (the schema bounds its depth, but a wide trace is thousands of spans). */
function* walk(roots: readonly RawTraceSpan[]): Generator<{ span: RawTraceSpan; parent: RawTraceSpan | null }> {
  const stack = roots.map((span) => ({ span, parent: null as RawTraceSpan | null })).reverse();
  while (stack.length) {
    const item = stack.pop()!;
    yield item;
    for (let i = item.span.children.length - 1; i >= 0; i--) stack.push({ span: item.span.children[i]!, parent: item.span });
  }
}

export function summarizeTrace(trace: RawTrace): TraceSummary {
  const groups = new Map<string, SpanGroup>();
  const projects = new Set<string>();
  const issues = new Map<string, TraceIssue>();
  const seenEvents = new Set<string>();
  let spans = 0;
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  const addIssueEvent = (e: RawTraceIssueEvent) => {
    // An occurrence hangs on each of its offender spans: one event, counted once.
    const eventKey = `${e.issue_id} ${e.event_id}`;
    if (seenEvents.has(eventKey)) return;
    seenEvents.add(eventKey);
    const key = String(e.issue_id);
    const known = issues.get(key);
    if (known) known.events += 1;
    else
      issues.set(key, {
        // Printed in a suggested command: only a value with a short ID's shape.
        shortId: isShortId(e.short_id) ? e.short_id : null,
        issueId: e.issue_id,
        title: text(e.description),
        type: e.event_type,
        level: text(e.level),
        project: e.project_slug,
        transaction: text(e.transaction),
        events: 1,
      });
  };
  for (const { span, parent } of walk(trace.roots)) {
    spans += 1;
    projects.add(span.project_slug);
    start = Math.min(start, span.start_timestamp);
    end = Math.max(end, span.end_timestamp);
    span.errors.forEach(addIssueEvent);
    span.occurrences.forEach(addIssueEvent);
    // Repeats are siblings with the same operation and description: one parent issuing the same call again and again.
    const key = JSON.stringify([parent?.event_id ?? null, span.op ?? null, span.description ?? null]);
    const group = groups.get(key) ?? {
      op: text(span.op),
      description: text(span.description),
      project: span.project_slug,
      transaction: text(span.transaction),
      count: 0,
      selfMs: 0,
      durationMs: 0,
      parentOp: text(parent?.op),
      parentDescription: text(parent?.description),
    };
    group.count += 1;
    group.selfMs += selfMsOf(span);
    group.durationMs += durationOf(span);
    groups.set(key, group);
  }
  trace.orphanErrors.forEach(addIssueEvent);
  for (const e of trace.orphanErrors) projects.add(e.project_slug);
  const first = [...trace.roots].sort((a, b) => a.start_timestamp - b.start_timestamp)[0];
  return {
    spans,
    root: first ? { transaction: text(first.transaction), op: text(first.op), project: first.project_slug, durationMs: durationOf(first) } : null,
    durationMs: spans ? (end - start) * 1000 : 0,
    projects: [...projects].sort(),
    groups: [...groups.values()].sort((a, b) => b.selfMs - a.selfMs),
    // Errors first, then performance issues; the busiest issue first within each.
    issues: [...issues.values()].sort((a, b) => Number(b.type === "error") - Number(a.type === "error") || b.events - a.events),
  };
}

/** A span group for JSON: milliseconds to 0.1 ms. */
export function groupRecord(g: SpanGroup): Record<string, unknown> {
  return { ...g, selfMs: roundMs(g.selfMs), durationMs: roundMs(g.durationMs) };
}
