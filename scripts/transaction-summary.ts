// transaction-summary: one transaction (endpoint, page, task) over a period: latency percentiles, throughput,
// failures and apdex, how p95 moved against the previous period, where the time goes by span operation,
// and the slowest samples' trace IDs, all fetched in one parallel round trip.

import {
  APDEX_THRESHOLD_MS,
  EventsClient,
  EVENTS_MAX_PAGE_SIZE,
  EVENTS_SCOPES,
  numberOrNull,
  searchValue,
  stringOrNull,
  type Dataset,
  type EventsRow,
  TRANSACTION_FIELDS,
  type TransactionFields,
} from "./lib/sentry/events.js";
import { NotFoundError, UsageError } from "./lib/errors.js";
import { alignColumns, isFlatChange, millis, percent, plural, shellQuote } from "./lib/output.js";
import {
  ENVIRONMENT_FLAG,
  PERIOD_FLAG,
  perMinute,
  roundFraction,
  roundMs,
  scopeFlags,
  scopePhrase,
  score,
  type Period,
} from "./lib/performance.js";
import { PROJECT_SCOPE_FLAGS, projectScopeOf, resolveProjectScope, type ProjectFlags } from "./lib/projects.js";
import { itemTool, runIfMain } from "./lib/tool.js";

/** Slowest transactions listed, each with the trace ID to open. */
const SAMPLES_SHOWN = 5;
/** Span operations listed in text; JSON has all of them. */
const OPS_SHOWN = 8;
/** Transaction names are free text but bounded in Sentry (the event's `transaction` tag is capped at 200). */
const MAX_TRANSACTION_NAME = 200;

interface Input {
  transaction: string;
  period: Period;
  projects: ProjectFlags;
  environment?: string;
}

interface Percentiles {
  p50: number | null;
  p75: number | null;
  p95: number | null;
  p99: number | null;
}

interface CurrentPeriod extends Percentiles {
  count: number;
  avg: number | null;
  tpm: number | null;
  failureRate: number | null;
  apdex: number | null;
  userMisery: number | null;
}

interface PreviousPeriod extends Percentiles {
  start: string;
  end: string;
  count: number;
  avg: number | null;
  failureRate: number | null;
  apdex: number | null;
}

interface OpTime {
  op: string;
  selfTimeMs: number;
  /** Of all self time in this transaction, the transaction's own code included. */
  share: number;
  spansPerTransaction: number;
}

interface Breakdown {
  /** Time in the transaction's own code: the root span's self time. */
  ownTimeMs: number;
  ownShare: number;
  ops: OpTime[];
}

interface Sample {
  trace: string | null;
  durationMs: number | null;
  timestamp: string | null;
  project: string | null;
}

interface Result {
  transaction: string;
  /** The projects searched; empty for every project the token can access. */
  projects: string[];
  environment: string | null;
  period: string;
  dataset: Dataset;
  current: CurrentPeriod;
  previous: PreviousPeriod;
  /** (current p95 − previous p95) ÷ previous p95; null when either is missing. */
  p95Change: number | null;
  /** Null on the legacy transactions dataset, which has no individual spans. */
  breakdown: Breakdown | null;
  samples: Sample[];
}

export const tool = itemTool({
  name: "transaction-summary",
  category: "performance",
  summary: "One transaction: percentiles, failures, apdex, p95 vs the previous period, time per span op, slowest traces",
  positionals: [{ name: "transaction", help: "Transaction name exactly as listed, e.g. 'GET /api/checkout'", required: true }],
  flags: {
    period: PERIOD_FLAG,
    ...PROJECT_SCOPE_FLAGS,
    environment: ENVIRONMENT_FLAG,
  },
  fields: ["transaction", "projects", "environment", "period", "dataset", "current", "previous", "p95Change", "breakdown", "samples"],
  examples: [
    { args: "'GET /api/checkout' --project api-backend", about: "why checkout is slow, and whether it got slower than the day before" },
    { args: "'GET /api/checkout' --period 7d", about: "this week against the week before" },
    { args: "/products/:id --project web-frontend --json", about: "a page load, as JSON" },
  ],
  scopes: EVENTS_SCOPES,
  api: [
    "GET /api/0/organizations/{org}/events/?dataset=spans&query=is_transaction:true transaction:\"…\"&field=p50(span.duration)…p99(span.duration),avg(span.duration),count(),tpm(),failure_rate(),apdex(span.duration,300),user_misery(span.duration,300),sum(span.self_time)&statsPeriod=24h",
    "the same percentiles, avg, count, failure rate and apdex with start/end for the previous period of equal length",
    "GET /api/0/organizations/{org}/events/?dataset=spans&query=transaction:\"…\" !is_transaction:true&field=span.op&field=sum(span.self_time)&field=count()&sort=-sum(span.self_time)",
    "GET /api/0/organizations/{org}/events/?dataset=spans&query=is_transaction:true transaction:\"…\"&field=trace,span.duration,timestamp,project&sort=-span.duration&per_page=5",
    "dataset=transactions with event.type:transaction and transaction.duration on servers without spans (no span breakdown there)",
  ],
  parse({ flags, positionals }): Input {
    const transaction = positionals[0]!.trim();
    if (!transaction || transaction.length > MAX_TRANSACTION_NAME || /[\r\n]/.test(transaction)) {
      throw new UsageError(
        `invalid transaction name ${JSON.stringify(positionals[0])}: one line, 1 to ${MAX_TRANSACTION_NAME} characters`,
        "copy it from: node dist/list-transactions.mjs",
      );
    }
    return { transaction, period: flags.period, projects: projectScopeOf(flags), environment: flags.environment };
  },
  async run(input, ctx): Promise<Result> {
    const org = await ctx.api.org();
    const scope = resolveProjectScope(input.projects, ctx.config);
    const events = new EventsClient(ctx.api, org, { verbose: ctx.verbose, warn: ctx.warn });
    const name = `transaction:${searchValue(input.transaction)}`;
    const filters = { projects: scope.projects, environments: input.environment ? [input.environment] : undefined };
    const current = { statsPeriod: input.period.statsPeriod };
    // The previous period ends where the current one starts; to the second, as Sentry reads start/end.
    const previous = {
      start: isoSeconds(ctx.now - 2 * input.period.seconds * 1000),
      end: isoSeconds(ctx.now - input.period.seconds * 1000),
    };

    const [now, before, ops, slowest] = await Promise.all([
      events.table((f, dataset) => ({
        // Root self time (spans only) is the transaction's own code, the last slice of the breakdown.
        fields: [f.p50, f.p75, f.p95, f.p99, f.avg, f.count, f.tpm, f.failureRate, f.apdex, f.userMisery, ...(dataset === "spans" ? [SELF_TIME_SUM] : [])],
        query: `${f.isTransaction} ${name}`,
        window: current,
        ...filters,
      })),
      events.table((f) => ({
        fields: [f.p50, f.p75, f.p95, f.p99, f.avg, f.count, f.failureRate, f.apdex],
        query: `${f.isTransaction} ${name}`,
        window: previous,
        ...filters,
      })),
      events.spansTable({
        fields: ["span.op", SELF_TIME_SUM, "count()"],
        query: `${name} !is_transaction:true`,
        sort: `-${SELF_TIME_SUM}`,
        window: current,
        perPage: EVENTS_MAX_PAGE_SIZE,
        ...filters,
      }),
      events.table((f) => ({
        fields: ["trace", f.duration, "timestamp", "project"],
        query: `${f.isTransaction} ${name}`,
        sort: `-${f.duration}`,
        window: current,
        perPage: SAMPLES_SHOWN,
        ...filters,
      })),
    ]);

    const fNow = TRANSACTION_FIELDS[now.dataset];
    const row = now.rows[0] ?? {};
    const currentStats: CurrentPeriod = {
      ...percentiles(row, fNow),
      count: numberOrNull(row[fNow.count]) ?? 0,
      avg: roundMs(numberOrNull(row[fNow.avg])),
      tpm: roundFraction(numberOrNull(row[fNow.tpm])),
      failureRate: roundFraction(numberOrNull(row[fNow.failureRate])),
      apdex: roundFraction(numberOrNull(row[fNow.apdex])),
      userMisery: roundFraction(numberOrNull(row[fNow.userMisery])),
    };
    const fBefore = TRANSACTION_FIELDS[before.dataset];
    const beforeRow = before.rows[0] ?? {};
    const previousStats: PreviousPeriod = {
      ...previous,
      ...percentiles(beforeRow, fBefore),
      count: numberOrNull(beforeRow[fBefore.count]) ?? 0,
      avg: roundMs(numberOrNull(beforeRow[fBefore.avg])),
      failureRate: roundFraction(numberOrNull(beforeRow[fBefore.failureRate])),
      apdex: roundFraction(numberOrNull(beforeRow[fBefore.apdex])),
    };
    const where = scopePhrase(scope, input.environment, input.period);

    if (currentStats.count === 0) {
      throw new NotFoundError(
        `no transaction named ${JSON.stringify(input.transaction)} in ${where}`,
        previousStats.count > 0
          ? `it ran ${plural(previousStats.count, "time")} in the ${input.period.label} before; try a longer --period`
          : "names are exact and case-sensitive; find them with: node dist/list-transactions.mjs --query 'transaction:*part*'",
      );
    }

    const fSamples = TRANSACTION_FIELDS[slowest.dataset];
    return {
      transaction: input.transaction,
      projects: scope.projects,
      environment: input.environment ?? null,
      period: input.period.label,
      dataset: now.dataset,
      current: currentStats,
      previous: previousStats,
      p95Change: roundFraction(relativeChange(previousStats.p95, currentStats.p95)),
      breakdown: ops ? breakdownOf(ops.rows, numberOrNull(row[SELF_TIME_SUM]) ?? 0, currentStats.count) : null,
      samples: slowest.rows.map((r) => ({
        trace: stringOrNull(r.trace),
        durationMs: roundMs(numberOrNull(r[fSamples.duration])),
        timestamp: stringOrNull(r.timestamp),
        project: stringOrNull(r.project),
      })),
    };
  },
  render(r) {
    const period = PERIOD_FLAG.read(r.period, "period");
    const c = r.current;
    const where = scopePhrase({ projects: r.projects }, r.environment ?? undefined, period);
    const lines = [
      `${r.transaction} in ${where}: ${plural(c.count, "transaction")}${r.dataset === "transactions" ? " (legacy transactions dataset)" : ""}`,
      `latency  p50 ${millis(c.p50)}  p75 ${millis(c.p75)}  p95 ${millis(c.p95)}  p99 ${millis(c.p99)}  avg ${millis(c.avg)}`,
      `traffic  ${perMinute(c.tpm)}  failed ${percent(c.failureRate)}  apdex ${score(c.apdex)}  user misery ${score(c.userMisery)} (T=${APDEX_THRESHOLD_MS}ms)`,
      comparisonLine(r),
    ];
    if (r.breakdown) {
      lines.push("Where the time goes (self time by span op, share of all self time, per transaction):");
      const b = r.breakdown;
      const rows = b.ops.slice(0, OPS_SHOWN).map((o) => [o.op, percent(o.share), millis(o.selfTimeMs / c.count), `${o.spansPerTransaction.toFixed(1)} spans`]);
      rows.push(["(own code)", percent(b.ownShare), millis(b.ownTimeMs / c.count), ""]);
      const hidden = b.ops.slice(OPS_SHOWN);
      if (hidden.length) {
        const share = hidden.reduce((sum, o) => sum + o.share, 0);
        rows.push([`+${plural(hidden.length, "more op")}`, percent(share), "", ""]);
      }
      lines.push(...alignColumns(rows, [1, 2, 3]).map((l) => `  ${l}`));
    } else {
      lines.push("Where the time goes: not available (the legacy transactions dataset has no individual spans).");
    }
    if (r.samples.length) {
      lines.push("Slowest:");
      const rows = r.samples.map((s) => [millis(s.durationMs), isoSecondsText(s.timestamp), `trace ${s.trace ?? "-"}`, s.project ?? "-"]);
      lines.push(...alignColumns(rows, [0]).map((l) => `  ${l}`));
      const projects = new Set(r.samples.map((s) => s.project).filter(Boolean));
      if (r.projects.length !== 1 && projects.size > 1) lines.push(`Mixes ${projects.size} projects (${[...projects].join(", ")}); add --project for one.`);
    }
    if (r.breakdown && r.breakdown.ops.some((o) => o.op.startsWith("db"))) {
      lines.push(`Queries inside: node dist/slow-queries.mjs --transaction ${shellQuote(r.transaction)}${scopeFlags(r.projects, r.environment ?? undefined, period)}`);
    }
    return lines.join("\n");
  },
});

/**
 * Exclusive time summed per group (spans only: the legacy dataset has no self time). Over the root spans it is
 * the transaction's own code; over the other spans, grouped by span.op, the time each operation took itself.
 */
const SELF_TIME_SUM = "sum(span.self_time)";

function percentiles(row: EventsRow, f: TransactionFields): Percentiles {
  const ms = (field: string) => roundMs(numberOrNull(row[field]));
  return { p50: ms(f.p50), p75: ms(f.p75), p95: ms(f.p95), p99: ms(f.p99) };
}

function breakdownOf(rows: EventsRow[], ownTimeMs: number, transactions: number): Breakdown {
  const ops = rows.map((row) => ({ op: stringOrNull(row["span.op"]) ?? "(no op)", selfTimeMs: numberOrNull(row[SELF_TIME_SUM]) ?? 0, spans: numberOrNull(row["count()"]) ?? 0 }));
  const total = ownTimeMs + ops.reduce((sum, o) => sum + o.selfTimeMs, 0);
  const shareOf = (ms: number): number => (total > 0 ? ms / total : 0);
  // Shares are computed from the raw sums, then every number is rounded for output.
  return {
    ownTimeMs: roundMs(ownTimeMs) ?? 0,
    ownShare: roundFraction(shareOf(ownTimeMs)) ?? 0,
    ops: ops.map((o) => ({
      op: o.op,
      selfTimeMs: roundMs(o.selfTimeMs) ?? 0,
      share: roundFraction(shareOf(o.selfTimeMs)) ?? 0,
      spansPerTransaction: roundFraction(o.spans / transactions) ?? 0,
    })),
  };
}

function relativeChange(before: number | null, after: number | null): number | null {
  if (before === null || after === null || before === 0) return null;
  return (after - before) / before;
}

/** How one number moved between the periods: "rose 12%", "fell 30%", or null within the flat band or when unknown. */
function movement(before: number | null, after: number | null): string | null {
  if (before === null || after === null) return null;
  // From zero (a failure rate that was 0%) any rise is a move, but has no percentage.
  if (before === 0) return after > 0 ? "rose from 0" : null;
  const change = relativeChange(before, after)!;
  // The same flat band as list-issues' trend: a move of a few percent is run-to-run noise, not a change.
  return isFlatChange(change) ? null : `${change > 0 ? "rose" : "fell"} ${percent(Math.abs(change), 0)}`;
}

/**
 * "vs the previous 24h (1200 transactions): p95 rose 35% (420ms → 567ms), p50 about the same (…); also moved:
 * failed rose 50% (1.0% → 1.5%); about the same: avg, apdex". p95 and p50 are always said; the other
 * numbers only by name unless they moved.
 */
function comparisonLine(r: Result): string {
  const against = `the previous ${r.period}`;
  const { previous: before, current: after } = r;
  if (before.count === 0) return `vs ${against}: no transactions then, nothing to compare`;
  const headline = (label: string, b: number | null, a: number | null): string =>
    b === null || a === null ? `${label} -` : `${label} ${movement(b, a) ?? "about the same"} (${millis(b)} → ${millis(a)})`;
  const others: Array<[string, number | null, number | null, (v: number | null) => string]> = [
    ["avg", before.avg, after.avg, millis],
    ["failed", before.failureRate, after.failureRate, (v) => percent(v)],
    ["apdex", before.apdex, after.apdex, score],
  ];
  const moved: string[] = [];
  const steady: string[] = [];
  for (const [label, b, a, format] of others) {
    const m = movement(b, a);
    if (m) moved.push(`${label} ${m} (${format(b)} → ${format(a)})`);
    else if (b !== null && a !== null) steady.push(label);
  }
  const tail = [moved.length ? `also moved: ${moved.join(", ")}` : "", steady.length ? `about the same: ${steady.join(", ")}` : ""].filter(Boolean);
  const head = `vs ${against} (${plural(before.count, "transaction")}): ${headline("p95", before.p95, after.p95)}, ${headline("p50", before.p50, after.p50)}`;
  return [head, ...tail].join("; ");
}

/** ISO-8601 to the second with Z, the form Sentry's start/end parse everywhere. */
function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** Sentry answers timestamps as "2026-03-15T10:02:03+00:00"; shown as "2026-03-15 10:02:03Z". */
function isoSecondsText(value: string | null): string {
  if (!value) return "-";
  const t = Date.parse(value);
  return Number.isNaN(t) ? value : new Date(t).toISOString().slice(0, 19).replace("T", " ") + "Z";
}

runIfMain(tool, import.meta.url);
