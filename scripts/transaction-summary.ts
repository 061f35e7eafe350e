// transaction-summary: one transaction (endpoint, page, task) over a period: latency percentiles, throughput,
// failures and apdex, how they moved against the previous period, where the time goes by span operation,
// and the slowest samples' trace IDs, all fetched in one parallel round trip.

import { UsageError } from "./lib/errors.js";
import { percent, plural, relativeTime } from "./lib/output.js";
import {
  duration,
  ENVIRONMENT_FLAG,
  isTransactionName,
  MAX_TRANSACTION_NAME,
  msNumber,
  PERIOD_FLAG,
  perMinute,
  queriesCommand,
  requireValues,
  roundFraction,
  roundMs,
  scopePhrase,
  score,
  type Period,
} from "./lib/performance.js";
import { PROJECT_SCOPE_FLAGS, projectScopeOf, resolveProjectScope, type ProjectFlags } from "./lib/projects.js";
import {
  APDEX_THRESHOLD_MS,
  EventsClient,
  EVENTS_MAX_PAGE_SIZE,
  EVENTS_SCOPES,
  numberOrNull,
  searchValue,
  stringOrNull,
  TRANSACTION_FIELDS,
  type Dataset,
} from "./lib/sentry/events.js";
import { cleanText } from "./lib/text.js";
import { itemTool, runIfMain } from "./lib/tool.js";
import {
  breakdownOf,
  describeChanges,
  isoSeconds,
  noTransactionError,
  periodStats,
  relativeChange,
  SELF_TIME_SUM,
  type Breakdown,
  type CurrentPeriod,
  type PreviousPeriod,
} from "./lib/transaction-stats.js";

/** Slowest transactions listed, each with the trace ID to open. */
const SAMPLES_SHOWN = 5;
/** Span operations listed in text; JSON has all of them. */
const OPS_SHOWN = 8;

interface Input {
  transaction: string;
  period: Period;
  projects: ProjectFlags;
  environment?: string;
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
  summary: "One transaction: percentiles, failures, apdex, p95 change, time per span op, slow traces",
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
    if (!isTransactionName(transaction)) {
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
    const thisPeriod = { statsPeriod: input.period.statsPeriod };
    // The previous period ends where the current one starts; to the second, as Sentry reads start/end.
    const lastPeriod = {
      start: isoSeconds(ctx.now - 2 * input.period.seconds * 1000),
      end: isoSeconds(ctx.now - input.period.seconds * 1000),
    };

    const [now, before, ops, slowest] = await Promise.all([
      events.table((f, dataset) => ({
        // Root self time (spans only) is the transaction's own code, the last slice of the breakdown.
        fields: [f.p50, f.p75, f.p95, f.p99, f.avg, f.count, f.tpm, f.failureRate, f.apdex, f.userMisery, ...(dataset === "spans" ? [SELF_TIME_SUM] : [])],
        query: `${f.isTransaction} ${name}`,
        window: thisPeriod,
        ...filters,
      })),
      events.table((f) => ({
        fields: [f.p50, f.p75, f.p95, f.p99, f.avg, f.count, f.failureRate, f.apdex],
        query: `${f.isTransaction} ${name}`,
        window: lastPeriod,
        ...filters,
      })),
      events.spansTable({
        fields: ["span.op", SELF_TIME_SUM, "count()"],
        query: `${name} !is_transaction:true`,
        sort: `-${SELF_TIME_SUM}`,
        window: thisPeriod,
        perPage: EVENTS_MAX_PAGE_SIZE,
        ...filters,
      }),
      events.table((f) => ({
        fields: ["trace", f.duration, "timestamp", "project"],
        query: `${f.isTransaction} ${name}`,
        sort: `-${f.duration}`,
        window: thisPeriod,
        perPage: SAMPLES_SHOWN,
        ...filters,
      })),
    ]);

    const fNow = TRANSACTION_FIELDS[now.dataset];
    const row = now.rows[0] ?? {};
    const current: CurrentPeriod = {
      ...periodStats(row, fNow),
      tpm: roundFraction(numberOrNull(row[fNow.tpm])),
      userMisery: roundFraction(numberOrNull(row[fNow.userMisery])),
    };
    const previous: PreviousPeriod = { ...lastPeriod, ...periodStats(before.rows[0] ?? {}, TRANSACTION_FIELDS[before.dataset]) };
    if (current.count === 0) throw await noTransactionError(events, input, scope, previous.count);
    requireValues([row], [fNow.p50, fNow.p95], "the transaction's percentiles");

    const fSamples = TRANSACTION_FIELDS[slowest.dataset];
    return {
      transaction: input.transaction,
      projects: scope.projects,
      environment: input.environment ?? null,
      period: input.period.label,
      dataset: now.dataset,
      current,
      previous,
      p95Change: roundFraction(relativeChange(previous.p95Ms, current.p95Ms)),
      breakdown: ops ? breakdownOf(ops.rows, numberOrNull(row[SELF_TIME_SUM]) ?? 0, current.count) : null,
      samples: slowest.rows.map((r) => ({
        trace: stringOrNull(r.trace),
        durationMs: roundMs(numberOrNull(r[fSamples.duration])),
        timestamp: stringOrNull(r.timestamp),
        project: stringOrNull(r.project),
      })),
    };
  },
  render(r, { now }) {
    const period = PERIOD_FLAG.read(r.period, "period");
    const { current: c, previous: p } = r;
    const where = scopePhrase({ projects: r.projects }, r.environment ?? undefined, period);
    const stats = (s: CurrentPeriod | PreviousPeriod) =>
      `${[s.p50Ms, s.p75Ms, s.p95Ms, s.p99Ms, s.avgMs].map(msNumber).join("/")} failed ${percent(s.failureRate)} apdex ${score(s.apdex)}`;
    const lines = [
      `${cleanText(r.transaction)} in ${where}: ${plural(c.count, "transaction")}, ${perMinute(c.tpm)}${r.dataset === "transactions" ? " (legacy transactions dataset)" : ""}; ms p50/p75/p95/p99/avg, T=${APDEX_THRESHOLD_MS}ms`,
      `now ${stats(c)} user misery ${score(c.userMisery)}`,
      p.count === 0
        ? `previous ${r.period}: no transactions, nothing to compare`
        : `previous ${r.period} (${p.count}) ${stats(p)}; ${describeChanges(p, c)}`,
    ];
    if (r.breakdown) {
      const b = r.breakdown;
      // Per transaction: self time, share of all self time, spans when more than one.
      const op = (name: string, ms: number, share: number, spans = 1) =>
        `${cleanText(name)} ${duration(ms / c.count)} ${percent(share)}${Math.abs(spans - 1) >= 0.05 ? ` ×${spans.toFixed(1)}` : ""}`;
      const parts = b.ops.slice(0, OPS_SHOWN).map((o) => op(o.op, o.selfTimeMs, o.share, o.spansPerTransaction));
      const hidden = b.ops.slice(OPS_SHOWN);
      if (hidden.length) parts.push(`+${plural(hidden.length, "more op")} ${percent(hidden.reduce((sum, o) => sum + o.share, 0))}`);
      parts.push(op("own code", b.ownTimeMs, b.ownShare));
      lines.push(`Self time per transaction by span op (share, ×spans if not 1): ${parts.join(", ")}`);
    } else {
      lines.push("Time by span op: not available (the legacy transactions dataset has no individual spans).");
    }
    if (r.samples.length) {
      const mixed = r.projects.length !== 1 && new Set(r.samples.map((s) => s.project)).size > 1;
      lines.push(`Slowest (ms trace when${mixed ? " project" : ""}):`);
      for (const s of r.samples) lines.push([msNumber(s.durationMs), s.trace ?? "-", relativeTime(s.timestamp, now), mixed ? (s.project ?? "-") : ""].filter(Boolean).join(" "));
    }
    if (r.breakdown && r.breakdown.ops.some((o) => o.op.startsWith("db"))) {
      const next = queriesCommand(r.transaction, r.projects, r.environment ?? undefined, period);
      if (next) lines.push(`Queries inside: ${next}`);
    }
    return lines.join("\n");
  },
});

runIfMain(tool, import.meta.url);
