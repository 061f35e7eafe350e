// trace-details: a whole trace in one answer: its root transaction, duration, span/error/log counts and projects,
// the slowest spans by self time with repeats collapsed (N+1), and its errors and performance issues by short ID.

import { NotFoundError } from "./lib/errors.js";
import { period } from "./lib/flags.js";
import { alignColumns, commandLine, listWithMore, millis, plural, truncate } from "./lib/output.js";
import { roundMs } from "./lib/performance.js";
import { getTrace, getTraceMeta, TRACE_SCOPE } from "./lib/sentry/traces.js";
import { cleanText } from "./lib/text.js";
import { itemTool, runIfMain } from "./lib/tool.js";
import { groupRecord, parseTraceId, REPEAT_MIN, SLOWEST_SHOWN, summarizeTrace, type SpanGroup, type TraceIssue } from "./lib/traces.js";

/** Sentry's trace view looks this far back by default; older traces need --period. */
const DEFAULT_TRACE_PERIOD = "14d";
const DESCRIPTION_WIDTH = 64;
const TITLE_WIDTH = 70;
const ISSUES_SHOWN = 5;
const REPEATS_SHOWN = 3;

interface Input {
  traceId: string;
  period: { statsPeriod: string; label: string };
}

export interface TraceDetails {
  traceId: string;
  root: { transaction: string | null; op: string | null; project: string; durationMs: number | null } | null;
  durationMs: number | null;
  /** Spans in the trace (trace-meta), and how many the trace answer held. */
  spanCount: number;
  spansRead: number;
  errorCount: number;
  performanceIssueCount: number;
  logCount: number | null;
  projects: string[];
  /** The slowest span groups by self time (a group is one span, or repeats under one parent). */
  slowest: Array<Record<string, unknown>>;
  /** Groups of at least REPEAT_MIN identical spans under one parent: the N+1 shape. */
  repeated: Array<Record<string, unknown>>;
  issues: TraceIssue[];
}

export const tool = itemTool({
  name: "trace-details",
  category: "performance",
  summary: "Show a trace: root, duration, slowest spans, N+1 repeats, errors",
  positionals: [{ name: "trace-id", help: "The trace's ID: 32 hex characters (dashes allowed)", required: true }],
  flags: {
    period: period(DEFAULT_TRACE_PERIOD, "How far back the trace may have started: 24h, 14d, 30d (max 90d)"),
  },
  fields: ["traceId", "root", "durationMs", "spanCount", "spansRead", "errorCount", "performanceIssueCount", "logCount", "projects", "slowest", "repeated", "issues"],
  examples: [
    { args: "4bf92f3577b34da6a3ce929d0e0e4736", about: "where the trace spends its time, and its errors" },
    { args: "4bf92f3577b34da6a3ce929d0e0e4736 --period 30d", about: "a trace older than two weeks" },
    { args: "4bf92f3577b34da6a3ce929d0e0e4736 --json --fields repeated,issues", about: "only the N+1 repeats and issues, as JSON" },
  ],
  scopes: TRACE_SCOPE,
  api: ["GET /api/0/organizations/{org}/trace-meta/{trace_id}/?statsPeriod=14d", "GET /api/0/organizations/{org}/trace/{trace_id}/?statsPeriod=14d&additional_attributes=span.self_time"],
  parse: ({ flags, positionals }): Input => ({ traceId: parseTraceId(positionals[0]!), period: flags.period }),
  async run(input, ctx): Promise<TraceDetails> {
    const org = await ctx.api.org();
    const window = { statsPeriod: input.period.statsPeriod };
    // Independent reads: one round trip of wall time.
    const [meta, trace] = await Promise.all([getTraceMeta(ctx.api, org, input.traceId, window), getTrace(ctx.api, org, input.traceId, window)]);
    const summary = summarizeTrace(trace.body);
    const m = meta.body;
    // Both endpoints answer an empty trace, not a 404, for an ID they do not know (or one outside the window).
    if (summary.spans === 0 && summary.issues.length === 0 && m.spansCount === 0 && m.errorsCount === 0) {
      throw new NotFoundError(
        `no trace ${input.traceId} in ${org} over the last ${input.period.label}`,
        "check the ID (an event's trace context, or query-events --field trace), or look further back with --period 30d",
      );
    }
    return {
      traceId: input.traceId,
      root: summary.root ? { ...summary.root, durationMs: roundMs(summary.root.durationMs) } : null,
      durationMs: summary.spans ? roundMs(summary.durationMs) : null,
      spanCount: m.spansCount,
      spansRead: summary.spans,
      errorCount: m.errorsCount,
      performanceIssueCount: m.performanceIssuesCount,
      logCount: m.logsCount ?? null,
      projects: summary.projects,
      slowest: summary.groups.slice(0, SLOWEST_SHOWN).map(groupRecord),
      repeated: summary.groups.filter((g) => g.count >= REPEAT_MIN).map(groupRecord),
      issues: summary.issues,
    };
  },
  render(r) {
    const lines = [headline(r)];
    if (r.spansRead < r.spanCount) lines.push(`(the trace answer held ${r.spansRead} of its ${r.spanCount} spans; figures below cover those)`);
    if (r.slowest.length) {
      lines.push("Slowest by self time (identical spans under one parent collapsed):");
      const rows = (r.slowest as unknown as SpanGroup[]).map((g) => [
        millis(g.selfMs),
        millis(g.durationMs),
        g.count > 1 ? `${g.count}×` : "",
        g.project,
        g.op ?? "",
        truncate(g.description ?? "", DESCRIPTION_WIDTH),
      ]);
      lines.push(...alignColumns([["self", "total", "count", "project", "op", "description"], ...rows], [0, 1, 2]).map((l) => `  ${l}`));
    }
    const repeated = r.repeated as unknown as SpanGroup[];
    for (const g of repeated.slice(0, REPEATS_SHOWN)) {
      const parent = [g.parentOp, g.parentDescription].filter(Boolean).join(" ");
      lines.push(
        `N+1: ${g.count} × ${cleanText(g.op ?? "span")} ${truncate(g.description ?? "", DESCRIPTION_WIDTH)}${parent ? ` under ${truncate(parent, DESCRIPTION_WIDTH)}` : ""}: ${millis(g.durationMs)} in all (${cleanText(g.project)})`,
      );
    }
    if (repeated.length > REPEATS_SHOWN) lines.push(`(${repeated.length - REPEATS_SHOWN} more repeated groups; --json shows all)`);
    if (r.issues.length) {
      lines.push(`Issues (${r.issues.length}):`);
      for (const i of r.issues.slice(0, ISSUES_SHOWN)) {
        const id = i.shortId ?? `#${i.issueId}`;
        const events = i.events > 1 ? `, ${i.events} events` : "";
        lines.push(`  ${cleanText(id)}  ${i.type === "error" ? (i.level ?? "error") : "performance"}  ${truncate(i.title ?? "(no title)", TITLE_WIDTH)}  (${cleanText(i.project)}${events})`);
      }
      if (r.issues.length > ISSUES_SHOWN) lines.push(`  +${r.issues.length - ISSUES_SHOWN} more; --json shows all`);
    }
    lines.push(...nextSteps(r));
    return lines.join("\n");
  },
});

function headline(r: TraceDetails): string {
  const root = r.root ? `${cleanText(r.root.op ?? "span")} ${truncate(r.root.transaction ?? "(unnamed)", TITLE_WIDTH)} (${cleanText(r.root.project)})` : "no root span";
  const counts = [
    plural(r.spanCount, "span"),
    plural(r.errorCount, "error"),
    plural(r.performanceIssueCount, "performance issue"),
    ...(r.logCount !== null ? [plural(r.logCount, "log")] : []),
  ].join(", ");
  return `Trace ${r.traceId}: ${root}, ${millis(r.durationMs)}; ${counts}; projects ${listWithMore(r.projects, 6) || "none"}`;
}

/** Where to look next: the first error's issue, then the worst N+1's queries in the project that runs them. */
function nextSteps(r: TraceDetails): string[] {
  const out: string[] = [];
  const issue = r.issues.find((i) => i.type === "error") ?? r.issues[0];
  if (issue) out.push(`Next: ${commandLine("issue-details", [issue.shortId ?? String(issue.issueId)])}`);
  const repeat = (r.repeated as unknown as SpanGroup[]).find((g) => g.op?.startsWith("db") && g.transaction);
  if (repeat) out.push(`Next: ${commandLine("slow-queries", ["--transaction", repeat.transaction!, "--project", repeat.project])}`);
  return out;
}

runIfMain(tool, import.meta.url);
