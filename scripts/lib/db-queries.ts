// slow-queries' reading of the events endpoint: the database-spans filter and fields Sentry's Queries page uses,
// one statement's record (with the N+1 flag), the check that an answer really holds database statements, the
// denser statement start the text prints, and the naming of the endpoint that repeats an N+1 query.

import { mapLimit } from "./concurrency.js";
import { UnexpectedAnswerError } from "./errors.js";
import { requireValues, roundFraction, roundMs } from "./performance.js";
import { searchValue, numberOrNull, stringOrNull, type EventsClient, type EventsRequest, type EventsRow } from "./sentry/events.js";

/**
 * The Queries page's base filter (static/app/views/insights/database/settings.ts BASE_FILTERS): database spans
 * with a normalized statement, minus Android Room and Redis, which Sentry shows on other pages.
 */
export const DB_SPANS = "span.category:db !span.op:[db.sql.room,db.redis] has:sentry.normalized_description";

export const QUERY = "sentry.normalized_description";
/** The table a statement reads or writes (Sentry derives it from the statement). */
export const TABLE = "span.domain";
export const TOTAL = "sum(span.self_time)";
export const AVG = "avg(span.self_time)";
export const P95 = "p95(span.self_time)";
export const COUNT = "count()";
export const RATE = "epm()";
/** Distinct transaction events (segments) the query ran in: stored spans ÷ this = runs per transaction. */
export const SEGMENTS = "count_unique(transaction.id)";
/**
 * Spans actually stored. count() is extrapolated by the sample rate but count_unique() is not (EAP extrapolates
 * counts, never uniques), so runs per transaction must divide stored spans by stored transactions.
 */
export const SAMPLED = "count_sample()";

/**
 * A query that runs this many times per transaction on average is almost always issued once per row of an
 * earlier result (the N+1 pattern): one-off lookups run once, and small fixed fan-outs (a few inserts per
 * request, a cache refill) stay at two or three.
 */
export const N_PLUS_ONE_MIN_PER_TRANSACTION = 5;
export interface QueryRecord {
  query: string | null;
  group: string | null;
  table: string | null;
  project: string | null;
  totalMs: number | null;
  avgMs: number | null;
  p95Ms: number | null;
  /** count(): the spans the stored sample stands for, extrapolated by the sample rate. */
  estimatedCount: number | null;
  perMinute: number | null;
  share: number | null;
  /** count_unique(transaction.id): distinct transactions in the stored sample, not extrapolated. */
  sampledTransactions: number | null;
  perTransaction: number | null;
  nPlusOne: boolean;
  nPlusOneTransaction: string | null;
}

/**
 * A statement's start, denser: identifier quotes dropped, and the qualifier of the statement's own table
 * (`"orders"."id"` → `id`; a joined `"products"."id"` stays `products.id`), so 60 characters reach the FROM and
 * WHERE that tell statements apart. --full prints the statement verbatim.
 */
export function compactStatement(statement: string, table: string | null): string {
  const own = table && /^\w+$/.test(table) ? new RegExp(`"?\\b${table}"?\\.(?="?[A-Za-z_])`, "g") : null;
  return (own ? statement.replace(own, "") : statement).replace(/"(\w+)"/g, "$1");
}

/**
 * Rows of a database-queries page, checked before they are read: totals and counts computed, and a statement on
 * every row. The filter keeps spans with one (has:sentry.normalized_description); a row without it means the
 * server ignored the filter and answered other spans (http.server…), which must not be listed as queries.
 */
export function checkQueryRows(rows: readonly EventsRow[]): void {
  requireValues(rows, [TOTAL, COUNT], "the database queries table");
  if (rows.some((row) => stringOrNull(row[QUERY]) === null)) {
    throw new UnexpectedAnswerError(`rows without a statement (${QUERY}): the server did not apply the database-spans filter`);
  }
}

/**
 * One statement, rounded as transaction-summary rounds (ms to 0.1; shares, rates and runs per transaction to 4
 * decimals) so that no float noise reaches the JSON. The share and the N+1 flag are computed before rounding;
 * counts stay as sent (whole numbers).
 */
export function queryRecord(row: EventsRow, totalMs: number): QueryRecord {
  const count = numberOrNull(row[COUNT]);
  const segments = numberOrNull(row[SEGMENTS]);
  const sampled = numberOrNull(row[SAMPLED]);
  const total = numberOrNull(row[TOTAL]);
  const perTransaction = sampled !== null && segments ? sampled / segments : null;
  return {
    query: stringOrNull(row[QUERY]),
    group: stringOrNull(row["span.group"]),
    table: stringOrNull(row[TABLE]),
    project: stringOrNull(row.project),
    totalMs: roundMs(total),
    avgMs: roundMs(numberOrNull(row[AVG])),
    p95Ms: roundMs(numberOrNull(row[P95])),
    estimatedCount: count,
    perMinute: roundFraction(numberOrNull(row[RATE])),
    share: roundFraction(total !== null && totalMs > 0 ? total / totalMs : null),
    sampledTransactions: segments,
    perTransaction: roundFraction(perTransaction),
    nPlusOne: perTransaction !== null && perTransaction >= N_PLUS_ONE_MIN_PER_TRANSACTION,
    nPlusOneTransaction: null,
  };
}

/** Naming requests in flight at once: one per flagged query, few enough not to trip Sentry's concurrency limit. */
const NAMING_CONCURRENCY = 4;

/**
 * Names, for each flagged query, the transaction that runs it the most: one small request per flagged query
 * (its span group in its own project, grouped by transaction, the top row only), in parallel. A grouped
 * request for all of them would have to page through every (query, transaction) pair to be sure to reach
 * each one. Optional: without a name the flag still stands, so a failure leaves that name absent.
 */
export async function nameNPlusOneTransactions(
  events: EventsClient,
  base: Omit<EventsRequest, "fields">,
  records: QueryRecord[],
  transaction: string | undefined,
  /** Where a failed naming is reported (under --verbose): the flag stands without a name. */
  warn: (message: string) => void,
): Promise<void> {
  const flagged = records.filter((r) => r.nPlusOne && r.group);
  if (transaction) {
    for (const r of flagged) r.nPlusOneTransaction = transaction;
    return;
  }
  await mapLimit(flagged, NAMING_CONCURRENCY, async (r) => {
    const project = r.project;
    try {
      const table = await events.spansTable({
        ...base,
        query: `${base.query} span.group:${searchValue(String(r.group))}`,
        projects: project ? [project] : base.projects,
        fields: ["transaction", COUNT],
        sort: `-${COUNT}`,
        perPage: 1,
      });
      r.nPlusOneTransaction = stringOrNull(table?.rows[0]?.transaction);
    } catch (err) {
      warn(`could not name the transaction repeating ${String(r.group)}: ${(err as Error).message}`);
    }
  });
}
