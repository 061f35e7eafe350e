// slow-queries: database queries grouped by normalized statement, as Sentry's Queries page groups them: total,
// average and p95 self time, count, rate and share of all database time, with likely N+1 queries flagged.

import { mapLimit } from "./lib/concurrency.js";
import {
  EventsClient,
  EVENTS_SCOPES,
  numberOrNull,
  searchValue,
  stringOrNull,
  type EventsRequest,
  type EventsRow,
  type EventsTable,
} from "./lib/sentry/events.js";
import { UnexpectedAnswerError, UsageError } from "./lib/errors.js";
import { compactNumber, percent, plural, truncate } from "./lib/output.js";
import { bool, choice, text } from "./lib/flags.js";
import { duration, ENVIRONMENT_FLAG, isTransactionName, MAX_TRANSACTION_NAME, msNumber, PERIOD_FLAG, requireValues, roundFraction, roundMs, scopePhrase, summaryCommand, type Period } from "./lib/performance.js";
import { cleanText } from "./lib/text.js";
import { PROJECT_SCOPE_FLAGS, projectScopeOf, resolveProjectScope, type ProjectFlags, type ProjectScope } from "./lib/projects.js";
import { listTool, runIfMain, type ListSummary, type ToolContext } from "./lib/tool.js";

/**
 * The Queries page's base filter (static/app/views/insights/database/settings.ts BASE_FILTERS): database spans
 * with a normalized statement, minus Android Room and Redis, which Sentry shows on other pages.
 */
const DB_SPANS = "span.category:db !span.op:[db.sql.room,db.redis] has:sentry.normalized_description";

const QUERY = "sentry.normalized_description";
/** The table a statement reads or writes (Sentry derives it from the statement). */
const TABLE = "span.domain";
const TOTAL = "sum(span.self_time)";
const AVG = "avg(span.self_time)";
const P95 = "p95(span.self_time)";
const COUNT = "count()";
const RATE = "epm()";
/** Distinct transaction events (segments) the query ran in: stored spans ÷ this = runs per transaction. */
const SEGMENTS = "count_unique(transaction.id)";
/**
 * Spans actually stored. count() is extrapolated by the sample rate but count_unique() is not (EAP extrapolates
 * counts, never uniques), so runs per transaction must divide stored spans by stored transactions.
 */
const SAMPLED = "count_sample()";

const SORTS = ["total", "avg", "p95", "count"] as const;
type Sort = (typeof SORTS)[number];
const SORT_FIELD: Record<Sort, string> = { total: TOTAL, avg: AVG, p95: P95, count: COUNT };
const SORT_LABEL: Record<Sort, string> = { total: "total self time", avg: "average self time", p95: "p95 self time", count: "count" };

/**
 * A query that runs this many times per transaction on average is almost always issued once per row of an
 * earlier result (the N+1 pattern): one-off lookups run once, and small fixed fan-outs (a few inserts per
 * request, a cache refill) stay at two or three.
 */
const N_PLUS_ONE_MIN_PER_TRANSACTION = 5;
/** Statements are long; text output keeps their start (verb, columns, table), where they differ most. */
const QUERY_WIDTH = 60;

interface Input {
  period: Period;
  projects: ProjectFlags;
  environment?: string;
  transaction?: string;
  sort: Sort;
  full: boolean;
}

interface Summary extends ListSummary {
  scope: ProjectScope;
  environment?: string;
  period: Period;
  transaction?: string;
  sort: Sort;
  full: boolean;
  /** Self time of every database span in scope, for the header. */
  totalMs: number;
  totalSpans: number;
}

export const tool = listTool({
  name: "slow-queries",
  category: "performance",
  summary: "List database queries by time spent, with p95, count, share of DB time and N+1 flags",
  flags: {
    transaction: text({ placeholder: "NAME", help: "Only queries inside this transaction, e.g. 'GET /api/orders'" }),
    period: PERIOD_FLAG,
    sort: choice(SORTS, "total", { placeholder: "KEY", help: `Order, highest first: ${SORTS.join("|")}` }),
    ...PROJECT_SCOPE_FLAGS,
    environment: ENVIRONMENT_FLAG,
    full: bool("Print each query's full text (shortened to its start by default)"),
  },
  defaultLimit: 10,
  fields: ["query", "group", "table", "project", "totalMs", "avgMs", "p95Ms", "estimatedCount", "perMinute", "share", "sampledTransactions", "perTransaction", "nPlusOne", "nPlusOneTransaction"],
  examples: [
    { args: "", about: "the queries that take the most database time over 24h" },
    { args: "--transaction 'GET /api/checkout' --project api-backend", about: "the heaviest queries inside one endpoint" },
    { args: "--sort p95 --period 7d --full", about: "the slowest statements this week, untruncated" },
  ],
  scopes: EVENTS_SCOPES,
  api: [
    `GET /api/0/organizations/{org}/events/?dataset=spans&query=${DB_SPANS}&field=project&field=span.group&field=${TABLE}&field=${QUERY}&field=${TOTAL}&field=${AVG}&field=${P95}&field=${COUNT}&field=${RATE}&field=${SEGMENTS}&field=${SAMPLED}&sort=-${TOTAL}&statsPeriod=24h`,
    `the same query with only ${TOTAL} and ${COUNT}, for the share of all database time`,
    "for each flagged N+1 query: its span.group:\"…\" grouped by transaction, per_page=1, to name the endpoint that repeats it most",
  ],
  parse({ flags }): Input {
    const transaction = flags.transaction?.trim();
    if (transaction !== undefined && !isTransactionName(transaction)) {
      throw new UsageError(`--transaction needs a transaction name on one line, 1 to ${MAX_TRANSACTION_NAME} characters`, "copy one from: node dist/list-transactions.mjs");
    }
    return { period: flags.period, projects: projectScopeOf(flags), environment: flags.environment, transaction, sort: flags.sort, full: flags.full };
  },
  async run(input, ctx): Promise<Summary> {
    const org = await ctx.api.org();
    const scope = resolveProjectScope(input.projects, ctx.config);
    const events = new EventsClient(ctx.api, org, { verbose: ctx.verbose, warn: ctx.warn });
    const base: Omit<EventsRequest, "fields"> = {
      query: input.transaction ? `${DB_SPANS} transaction:${searchValue(input.transaction)}` : DB_SPANS,
      window: { statsPeriod: input.period.statsPeriod },
      projects: scope.projects,
      environments: input.environment ? [input.environment] : undefined,
    };

    // The total has its own query so that shares stay right on every page; it runs beside the first page.
    // Settled into a value here so that an early failure is not an unhandled rejection before it is awaited.
    const totalsSettled = events.spanRows({ ...base, fields: [TOTAL, COUNT] }, NEEDS).then(
      (table) => ({ table }),
      (error: unknown) => ({ error }),
    );
    let totals: Totals | undefined;
    let nextCursor: string | null = null;
    let fetched = 0;
    const build = () => ({ ...base, fields: ["project", "span.group", TABLE, QUERY, TOTAL, AVG, P95, COUNT, RATE, SEGMENTS, SAMPLED], sort: `-${SORT_FIELD[input.sort]}` });
    for await (const page of events.pages(build, { ...ctx.list, spansOnlyFor: NEEDS })) {
      totals ??= totalsOf(await totalsSettled);
      requireValues(page.rows, [TOTAL, COUNT], "the database queries table");
      // The filter keeps spans with a statement (has:sentry.normalized_description); a row without one means
      // the server ignored it and answered other spans (http.server…), which must not be listed as queries.
      if (page.rows.some((row) => stringOrNull(row[QUERY]) === null)) {
        throw new UnexpectedAnswerError(`rows without a statement (${QUERY}): the server did not apply the database-spans filter`);
      }
      const records = page.rows.map((row) => queryRecord(row, totals!.totalMs));
      await nameNPlusOneTransactions(events, base, records, input.transaction, ctx);
      ctx.emit(records.map((r) => ({ ...r })));
      fetched += records.length;
      nextCursor = page.nextCursor;
      ctx.progress(`fetched ${fetched} queries…`);
    }
    totals ??= totalsOf(await totalsSettled);
    return {
      nextCursor,
      scope,
      environment: input.environment,
      period: input.period,
      transaction: input.transaction,
      sort: input.sort,
      full: input.full,
      totalMs: totals?.totalMs ?? 0,
      totalSpans: totals?.totalSpans ?? 0,
    };
  },
  render(rawRecords, s) {
    const records = rawRecords as unknown as QueryRecord[];
    const where = `${s.transaction ? `${cleanText(s.transaction)} in ` : ""}${scopePhrase(s.scope, s.environment, s.period)}`;
    if (records.length === 0) {
      const check = s.transaction ? summaryCommand(s.transaction, s.scope.projects, s.environment, s.period) : null;
      return check
        ? `No database queries in ${where}. Check the name with: ${check}`
        : `No database queries in ${where}. Either the SDK records no db spans (tracing off, or no database integration) or try a longer --period.`;
    }
    const perRowProject = s.scope.projects.length !== 1;
    const lines = [
      `${plural(records.length, "database query", "database queries")} in ${where} by ${SORT_LABEL[s.sort]} (all database time ${duration(s.totalMs)}, ${compactNumber(s.totalSpans)} spans): ` +
        `total share avg/p95ms count [runs/txn if not 1]${perRowProject ? " project" : ""} [table] ${s.full ? "statement" : "statement start (--full: verbatim)"}`,
    ];
    for (const r of records) {
      const statement = cleanText(r.query ?? "");
      const shown = s.full ? statement : truncate(compactStatement(statement, r.table), QUERY_WIDTH);
      const table = r.table && !shown.includes(r.table) ? cleanText(r.table) : "";
      const runs = r.perTransaction === null || Math.abs(r.perTransaction - 1) < 0.05 ? "" : `×${r.perTransaction.toFixed(1)}${r.nPlusOne ? " N+1" : ""}`;
      const cells = [duration(r.totalMs), percent(r.share), `${msNumber(r.avgMs)}/${msNumber(r.p95Ms)}`, compactNumber(r.estimatedCount), runs, perRowProject ? (r.project ?? "-") : "", table, shown];
      lines.push(cells.filter(Boolean).join(" "));
    }
    if (s.nextCursor) lines.push(`More: --cursor ${s.nextCursor}`);
    const flagged = records.filter((r) => r.nPlusOne);
    // One next step per flagged query: each may be repeated by another endpoint, in another project.
    const shown = new Set<string>();
    for (const r of flagged) {
      const name = r.nPlusOneTransaction ?? s.transaction;
      // With --transaction the endpoint is the one just filtered on: pointing back at it says nothing new.
      if (!name || name === s.transaction) continue;
      const command = summaryCommand(name, r.project ? [r.project] : s.scope.projects, s.environment, s.period);
      const what = `${cleanText(r.table ?? "the flagged query")}${r.project ? ` (${r.project})` : ""}`;
      if (!command || shown.has(`${what} ${command}`)) continue;
      shown.add(`${what} ${command}`);
      lines.push(`N+1 on ${what}, see its endpoint: ${command}`);
    }
    return lines.join("\n");
  },
});

interface QueryRecord {
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
function compactStatement(statement: string, table: string | null): string {
  const own = table && /^\w+$/.test(table) ? new RegExp(`"?\\b${table}"?\\.(?="?[A-Za-z_])`, "g") : null;
  return (own ? statement.replace(own, "") : statement).replace(/"(\w+)"/g, "$1");
}

/** What this tool names when the server has no spans dataset. */
const NEEDS = "slow-queries";

interface Totals {
  totalMs: number;
  totalSpans: number;
}

function totalsOf(settled: { table: EventsTable } | { error: unknown }): Totals {
  if ("error" in settled) throw settled.error;
  const row = settled.table.rows[0] ?? {};
  return { totalMs: numberOrNull(row[TOTAL]) ?? 0, totalSpans: numberOrNull(row[COUNT]) ?? 0 };
}

/**
 * One statement, rounded as transaction-summary rounds (ms to 0.1; shares, rates and runs per transaction to 4
 * decimals) so that no float noise reaches the JSON. The share and the N+1 flag are computed before rounding;
 * counts stay as sent (whole numbers).
 */
function queryRecord(row: EventsRow, totalMs: number): QueryRecord {
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
async function nameNPlusOneTransactions(
  events: EventsClient,
  base: Omit<EventsRequest, "fields">,
  records: QueryRecord[],
  transaction: string | undefined,
  ctx: ToolContext,
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
      if (ctx.verbose) ctx.warn(`could not name the transaction repeating ${String(r.group)}: ${(err as Error).message}`);
    }
  });
}

runIfMain(tool, import.meta.url);
