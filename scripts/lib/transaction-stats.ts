// transaction-summary's numbers: one transaction's current and previous period read from the events rows, the
// time per span operation, the wording of how the periods compare, and why a name had no transactions. Kept apart from the tool file so that
// the declaration, the requests and the text stay readable in one screen each.

import { NotFoundError } from "./errors.js";
import { commandLine, isFlatChange, percent, plural } from "./output.js";
import { isProjectSlug, PERIOD_FLAG, roundFraction, roundMs, runScopeArgs, scopePhrase, type Period } from "./performance.js";
import type { ProjectScope } from "./projects.js";
import { numberOrNull, searchValue, stringOrNull, TRANSACTION_FIELDS, type EventsClient, type EventsRow, type TransactionFields } from "./sentry/events.js";
import { cleanText } from "./text.js";

/**
 * Exclusive time summed per group (spans only: the legacy dataset has no self time). Over the root spans it is
 * the transaction's own code; over the other spans, grouped by span.op, the time each operation took itself.
 */
export const SELF_TIME_SUM = "sum(span.self_time)";

export interface Percentiles {
  p50Ms: number | null;
  p75Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

export interface PeriodStats extends Percentiles {
  count: number;
  avgMs: number | null;
  failureRate: number | null;
  apdex: number | null;
}

export interface CurrentPeriod extends PeriodStats {
  tpm: number | null;
  userMisery: number | null;
}

export interface PreviousPeriod extends PeriodStats {
  start: string;
  end: string;
}

export interface OpTime {
  op: string;
  selfTimeMs: number;
  /** Of all self time in this transaction, the transaction's own code included. */
  share: number;
  spansPerTransaction: number;
}

export interface Breakdown {
  /** Time in the transaction's own code: the root span's self time. */
  ownTimeMs: number;
  ownShare: number;
  ops: OpTime[];
}

export function periodStats(row: EventsRow, f: TransactionFields): PeriodStats {
  const ms = (field: string) => roundMs(numberOrNull(row[field]));
  return {
    p50Ms: ms(f.p50),
    p75Ms: ms(f.p75),
    p95Ms: ms(f.p95),
    p99Ms: ms(f.p99),
    count: numberOrNull(row[f.count]) ?? 0,
    avgMs: ms(f.avg),
    failureRate: roundFraction(numberOrNull(row[f.failureRate])),
    apdex: roundFraction(numberOrNull(row[f.apdex])),
  };
}

export function breakdownOf(rows: EventsRow[], ownTimeMs: number, transactions: number): Breakdown {
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

export function relativeChange(before: number | null, after: number | null): number | null {
  if (before === null || after === null || before === 0) return null;
  return (after - before) / before;
}

/** How one number moved between the periods: "+12%", "-30%", "+ from 0", or "=" within the flat band; null when unknown. */
export function movement(before: number | null, after: number | null): string | null {
  if (before === null || after === null) return null;
  // From zero (a failure rate that was 0%) any rise is a move, but has no percentage.
  if (before === 0) return after > 0 ? "up from 0" : "=";
  const change = relativeChange(before, after)!;
  // The same flat band as list-issues' trend: a move of a few percent is run-to-run noise, not a change.
  return isFlatChange(change) ? "=" : `${change > 0 ? "+" : "-"}${percent(Math.abs(change), 0)}`;
}

/** ISO-8601 to the second with Z, the form Sentry's start/end parse everywhere. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** What transaction-summary looked for: the name in its scope, environment and period. */
export interface TransactionLookup {
  transaction: string;
  period: Period;
  environment?: string;
}

/** How far back the "is this name anywhere?" check looks when the period has none: Sentry keeps spans 90 days. */
const LOOKUP_PERIOD = "90d";

/** "p95 +120%, p50 +155%, apdex -40%" or "p95 and p50 about the same": what moved beyond the flat band. */
export function describeChanges(before: PreviousPeriod, after: CurrentPeriod): string {
  const moves: Array<[string, number | null, number | null]> = [
    ["p95", before.p95Ms, after.p95Ms],
    ["p50", before.p50Ms, after.p50Ms],
    ["avg", before.avgMs, after.avgMs],
    ["failed", before.failureRate, after.failureRate],
    ["apdex", before.apdex, after.apdex],
  ];
  const moved = moves.map(([label, b, a]) => [label, movement(b, a)]).filter(([, m]) => m !== null && m !== "=");
  return moved.length ? moved.map(([label, m]) => `${label} ${m}`).join(", ") : "no change beyond 5%";
}

/**
 * Why a name had no transactions in scope, from one look over the whole retention in every project: it ran
 * elsewhere (name those projects), or here but not in this period, or nowhere (names are exact).
 */
export async function noTransactionError(events: EventsClient, input: TransactionLookup, scope: ProjectScope, before: number): Promise<NotFoundError> {
  const message = `no transaction named ${JSON.stringify(cleanText(input.transaction))} in ${scopePhrase(scope, input.environment, input.period)}`;
  const seen = await events.table((f) => ({
    fields: ["project", f.count],
    query: `${f.isTransaction} transaction:${searchValue(input.transaction)}`,
    sort: `-${f.count}`,
    window: { statsPeriod: LOOKUP_PERIOD },
    environments: input.environment ? [input.environment] : undefined,
    perPage: 10,
  }));
  const f = TRANSACTION_FIELDS[seen.dataset];
  const found = seen.rows.map((row) => ({ project: stringOrNull(row.project), count: numberOrNull(row[f.count]) ?? 0 })).filter((x) => x.count > 0);
  const inScope = found.filter((x) => !scope.projects.length || (x.project !== null && scope.projects.includes(x.project)));
  const env = input.environment ? ["--environment", input.environment] : [];
  if (inScope.length) {
    const ran = before > 0 ? `it ran ${plural(before, "time")} in the ${input.period.label} before` : `it ran ${plural(inScope.reduce((n, x) => n + x.count, 0), "time")} in the last ${LOOKUP_PERIOD}`;
    const wider = commandLine("transaction-summary", [input.transaction, ...runScopeArgs(scope.projects, input.environment, PERIOD_FLAG.read(LOOKUP_PERIOD, "period"))]);
    return new NotFoundError(`${message}: no traffic in this period`, `${ran}; try a longer --period: ${wider}`);
  }
  const elsewhere = found.filter((x) => isProjectSlug(x.project));
  if (elsewhere.length) {
    const names = elsewhere.map((x) => `${x.project} (${x.count})`).join(", ");
    const there = commandLine("transaction-summary", [input.transaction, ...elsewhere.flatMap((x) => ["--project", x.project!]), ...env]);
    return new NotFoundError(`${message}; it ran in other projects over the last ${LOOKUP_PERIOD}: ${names}`, `look there: ${there}`);
  }
  return new NotFoundError(message, "names are exact and case-sensitive; find them with: node dist/list-transactions.mjs --query 'transaction:*part*'");
}
