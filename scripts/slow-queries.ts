// slow-queries: database queries grouped by normalized statement, as Sentry's Queries page groups them: total,
// average and p95 self time, count, rate and share of all database time, with likely N+1 queries flagged.

import {
  AVG,
  checkQueryRows,
  compactStatement,
  COUNT,
  DB_SPANS,
  nameNPlusOneTransactions,
  P95,
  QUERY,
  queryRecord,
  RATE,
  SAMPLED,
  SEGMENTS,
  TABLE,
  TOTAL,
  type QueryRecord,
} from "./lib/db-queries.js";
import { EventsClient, EVENTS_SCOPES, numberOrNull, searchValue, type EventsRequest, type EventsTable } from "./lib/sentry/events.js";
import { UsageError } from "./lib/errors.js";
import { compactNumber, percent, plural, truncate } from "./lib/output.js";
import { bool, choice, text } from "./lib/flags.js";
import { duration, ENVIRONMENT_FLAG, isTransactionName, MAX_TRANSACTION_NAME, msNumber, PERIOD_FLAG, scopePhrase, summaryCommand, type Period } from "./lib/performance.js";
import { cleanText } from "./lib/text.js";
import { PROJECT_SCOPE_FLAGS, projectScopeOf, resolveProjectScope, type ProjectFlags, type ProjectScope } from "./lib/projects.js";
import { listTool, runIfMain, type ListSummary } from "./lib/tool.js";

const SORTS = ["total", "avg", "p95", "count"] as const;
type Sort = (typeof SORTS)[number];
const SORT_FIELD: Record<Sort, string> = { total: TOTAL, avg: AVG, p95: P95, count: COUNT };
const SORT_LABEL: Record<Sort, string> = { total: "total self time", avg: "average self time", p95: "p95 self time", count: "count" };

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
  summary: "List database queries by time spent, with p95, count, share and N+1 flags",
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
      checkQueryRows(page.rows);
      const records = page.rows.map((row) => queryRecord(row, totals!.totalMs));
      await nameNPlusOneTransactions(events, base, records, input.transaction, (m) => ctx.verbose && ctx.warn(m));
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

runIfMain(tool, import.meta.url);
