// list-transactions: the endpoints and tasks a project serves, one line each with throughput, latency
// percentiles, failure rate and apdex over a period, so an agent can find the slow or failing ones.

import {
  APDEX_THRESHOLD_MS,
  EventsClient,
  EVENTS_SCOPES,
  numberOrNull,
  stringOrNull,
  TRANSACTION_FIELDS,
  type Dataset,
  type EventsRow,
  type TransactionFields,
} from "./lib/sentry/events.js";
import { compactNumber, percent, plural } from "./lib/output.js";
import { choice, text } from "./lib/flags.js";
import { ENVIRONMENT_FLAG, msNumber, PERIOD_FLAG, requireValues, roundFraction, roundMs, scopePhrase, score, summaryCommand, type Period } from "./lib/performance.js";
import { cleanText } from "./lib/text.js";
import { PROJECT_SCOPE_FLAGS, projectScopeOf, resolveProjectScope, type ProjectFlags, type ProjectScope } from "./lib/projects.js";
import { listTool, runIfMain, type ListSummary } from "./lib/tool.js";

const SORTS = ["tpm", "p95", "p50", "failure_rate", "count"] as const;
type Sort = (typeof SORTS)[number];
/** The field each --sort orders by, descending: the top of the list is the interesting end. */
const SORT_FIELD: Record<Sort, keyof TransactionFields> = { tpm: "tpm", p95: "p95", p50: "p50", failure_rate: "failureRate", count: "count" };
const SORT_LABEL: Record<Sort, string> = { tpm: "throughput", p95: "p95", p50: "p50", failure_rate: "failure rate", count: "count" };
/** The next-step hint names what the sort put on top: a failing transaction is not (necessarily) a slow one. */
const SORT_HINT: Record<Sort, string> = {
  tpm: "Where the busiest one spends its time",
  count: "Where the busiest one spends its time",
  p95: "Why the slowest one is slow",
  p50: "Why the slowest one is slow",
  failure_rate: "The most failing one against the previous period",
};

interface Input {
  period: Period;
  projects: ProjectFlags;
  environment?: string;
  query?: string;
  sort: Sort;
}

interface Summary extends ListSummary {
  scope: ProjectScope;
  environment?: string;
  period: Period;
  sort: Sort;
  dataset?: Dataset;
  query?: string;
}

export const tool = listTool({
  name: "list-transactions",
  category: "performance",
  summary: "List transactions with tpm, p50, p95, failure rate, apdex",
  flags: {
    period: PERIOD_FLAG,
    sort: choice(SORTS, "tpm", { placeholder: "KEY", help: `Order, highest first: ${SORTS.join("|")}` }),
    ...PROJECT_SCOPE_FLAGS,
    environment: ENVIRONMENT_FLAG,
    query: text({ placeholder: "SEARCH", help: "Extra Sentry search terms, e.g. 'transaction:*checkout*' or 'transaction.op:http.server'" }),
  },
  defaultLimit: 20,
  fields: ["transaction", "project", "tpm", "p50Ms", "p95Ms", "failureRate", "count", "apdex"],
  examples: [
    { args: "", about: "the busiest transactions over the last 24h" },
    { args: "--sort p95 --period 7d --limit 10", about: "the slowest endpoints this week" },
    { args: "--sort failure_rate --project api-backend --environment production", about: "where requests fail" },
    { args: "--query 'transaction:*checkout*' --json", about: "checkout endpoints as JSON" },
  ],
  scopes: EVENTS_SCOPES,
  api: [
    "GET /api/0/organizations/{org}/events/?dataset=spans&query=is_transaction:true&field=transaction&field=project&field=tpm()&field=p50(span.duration)&field=p95(span.duration)&field=failure_rate()&field=count()&field=apdex(span.duration,300)&sort=-tpm()&statsPeriod=24h",
    "GET /api/0/organizations/{org}/events/?dataset=transactions&query=event.type:transaction&field=…p50(),p95(),apdex(300)… (servers without spans)",
  ],
  parse: ({ flags }): Input => ({
    period: flags.period,
    projects: projectScopeOf(flags),
    environment: flags.environment,
    query: flags.query?.trim() || undefined,
    sort: flags.sort,
  }),
  async run(input, ctx): Promise<Summary> {
    const org = await ctx.api.org();
    const scope = resolveProjectScope(input.projects, ctx.config);
    const events = new EventsClient(ctx.api, org, { verbose: ctx.verbose, warn: ctx.warn });
    let nextCursor: string | null = null;
    let fetched = 0;
    const build = (f: TransactionFields) => ({
      fields: ["transaction", "project", f.tpm, f.p50, f.p95, f.failureRate, f.count, f.apdex],
      // Parenthesized, so an OR in the user's terms cannot escape the transactions-only filter.
      query: input.query ? `${f.isTransaction} (${input.query})` : f.isTransaction,
      sort: `-${f[SORT_FIELD[input.sort]]}`,
      window: { statsPeriod: input.period.statsPeriod },
      projects: scope.projects,
      environments: input.environment ? [input.environment] : undefined,
    });
    for await (const page of events.pages(build, ctx.list)) {
      const f = TRANSACTION_FIELDS[page.dataset];
      requireValues(page.rows, [f.count, f.p50, f.p95], "the transactions table");
      ctx.emit(page.rows.map((row) => ({ ...transactionRecord(row, f) })));
      fetched += page.rows.length;
      nextCursor = page.nextCursor;
      ctx.progress(`fetched ${fetched} transactions…`);
    }
    return {
      nextCursor,
      scope,
      environment: input.environment,
      period: input.period,
      sort: input.sort,
      dataset: events.settledDataset,
      query: input.query,
    };
  },
  render(rawRecords, summary) {
    const records = rawRecords as unknown as TransactionRecord[];
    const where = `${scopePhrase(summary.scope, summary.environment, summary.period)}${summary.query ? ` matching ${JSON.stringify(cleanText(summary.query))}` : ""}`;
    if (records.length === 0) {
      return summary.query
        ? `No transactions in ${where}. Try without --query, or a longer --period.`
        : `No transactions in ${where}. Either nothing was traced (tracing off or tracesSampleRate 0) or try a longer --period or another --project.`;
    }
    const legacy = summary.dataset === "transactions" ? "; legacy transactions dataset" : "";
    // One project in scope: the header names it, so rows do not repeat it.
    const perRowProject = summary.scope.projects.length !== 1;
    const lines = [
      `${plural(records.length, "transaction")} in ${where} by ${SORT_LABEL[summary.sort]}${legacy}: ` +
        `count p50/p95ms [failed if >0] [apdex if <1, T=${APDEX_THRESHOLD_MS}ms]${perRowProject ? " project" : ""} name`,
    ];
    for (const r of records) {
      const notable = [r.failureRate ? `failed ${percent(r.failureRate)}` : "", r.apdex !== null && r.apdex < 1 ? `apdex ${score(r.apdex)}` : ""];
      const cells = [compactNumber(r.count), `${msNumber(r.p50Ms)}/${msNumber(r.p95Ms)}`, ...notable, perRowProject ? (r.project ?? "-") : "", cleanText(r.transaction ?? "(unnamed)")];
      lines.push(cells.filter(Boolean).join(" "));
    }
    if (summary.nextCursor) lines.push(`More: --cursor ${summary.nextCursor}`);
    const top = records[0]!;
    // The top row's own project: the summary of one transaction is clearest in the project that served it.
    const next = summaryCommand(top.transaction, top.project ? [top.project] : summary.scope.projects, summary.environment, summary.period);
    if (next) lines.push(`${SORT_HINT[summary.sort]}: ${next}`);
    return lines.join("\n");
  },
});

interface TransactionRecord {
  transaction: string | null;
  project: string | null;
  tpm: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  failureRate: number | null;
  count: number | null;
  apdex: number | null;
}

/**
 * One transaction, rounded as transaction-summary rounds: aggregates come back as raw floats (873.1579999999999),
 * so ms keep 0.1 and rates and scores 4 decimals. count stays as sent: it is a (sample-weighted) whole number.
 */
function transactionRecord(row: EventsRow, f: TransactionFields): TransactionRecord {
  return {
    transaction: stringOrNull(row.transaction),
    project: stringOrNull(row.project),
    tpm: roundFraction(numberOrNull(row[f.tpm])),
    p50Ms: roundMs(numberOrNull(row[f.p50])),
    p95Ms: roundMs(numberOrNull(row[f.p95])),
    failureRate: roundFraction(numberOrNull(row[f.failureRate])),
    count: numberOrNull(row[f.count]),
    apdex: roundFraction(numberOrNull(row[f.apdex])),
  };
}

runIfMain(tool, import.meta.url);
