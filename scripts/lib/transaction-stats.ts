// transaction-summary's numbers: one transaction's current and previous period read from the events rows, the
// time per span operation, and the wording of how the periods compare. Kept apart from the tool file so that
// the declaration, the requests and the text stay readable in one screen each.

import { isFlatChange, percent } from "./output.js";
import { roundFraction, roundMs } from "./performance.js";
import { numberOrNull, stringOrNull, type EventsRow, type TransactionFields } from "./sentry/events.js";

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
