// query-events: a table of spans, errors or logs (any fields and functions Sentry's Explore answers), filtered
// with Sentry's search syntax and checked before sending; with --interval, one time-series line: baseline, start
// of the spike, peak.

import { UsageError } from "./lib/errors.js";
import { checkField, checkLogsQuery, checkSort, cellText, cellValue, MAX_FIELDS, spikeOf, type SpikeSummary } from "./lib/event-queries.js";
import { choice, duration, environments, int, parseSearchPeriod, repeated, text, value } from "./lib/flags.js";
import { alignColumns, commandLine, plural, truncate } from "./lib/output.js";
import { PROJECT_SCOPE_FLAGS, projectScopeOf, resolveProjectScope, type ProjectFlags } from "./lib/projects.js";
import { eventsPage, eventsSeries, EXPLORE_SCOPE, projectSender, type ExploreDataset, type ExploreQuery, type ExploreWindow } from "./lib/sentry/explore.js";
import { itemTool, runIfMain } from "./lib/tool.js";
import { isShortId, parseCursor, quoteInput, toStatsPeriod } from "./lib/validate.js";

const DATASETS = ["spans", "errors", "logs"] as const;
const DEFAULT_PERIOD = "24h";
/** The endpoint's page size is at most 100 (docs/sentry-api.md §14). */
const MAX_ROWS = 100;
/** Longer series are more than one line can summarize; Sentry itself refuses past 10,000 buckets. */
const MAX_POINTS = 1000;
const CELL_WIDTH = 60;

const fieldFlag = repeated(
  { placeholder: "FIELD", help: "A column or function, repeatable: span.op, transaction, count(), p95(span.duration), count_unique(user)" },
  (field) => field,
);

function isoTime(raw: string, flag: string): string {
  const t = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(raw) && /(Z|[+-]\d{2}:?\d{2})$/.test(raw.trim()) ? Date.parse(raw.trim()) : Number.NaN;
  if (Number.isNaN(t)) throw new UsageError(`invalid ${flag} ${quoteInput(raw)}: use ISO 8601 with a zone, e.g. 2026-03-15T09:00:00Z`);
  return new Date(t).toISOString();
}

/** Sentry's interval syntax: whole hours, minutes or seconds (1h, 5m, 30s). */
function intervalText(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

interface Input {
  dataset: ExploreDataset;
  fields: string[];
  query?: string;
  sort?: string;
  window: ExploreWindow;
  windowSeconds: number;
  label: string;
  projects: ProjectFlags;
  environments: string[];
  limit: number;
  cursor?: string;
  interval?: number;
}

export interface QueryEventsResult {
  dataset: ExploreDataset;
  window: ExploreWindow;
  query: string | null;
  sort: string | null;
  columns: Array<{ field: string; type: string | null; unit: string | null }>;
  rows: Array<Record<string, string | number | boolean | null>>;
  nextCursor: string | null;
  series: ({ yAxis: string; interval: string } & SpikeSummary) | null;
}

export const tool = itemTool({
  name: "query-events",
  category: "performance",
  summary: "Query spans, errors or logs as a table; --interval for a spike line",
  flags: {
    dataset: choice(DATASETS, "spans", { placeholder: "NAME", help: `What to query: ${DATASETS.join("|")}` }),
    field: fieldFlag,
    query: text({ placeholder: "SEARCH", help: "Sentry search syntax, e.g. 'span.op:db span.duration:>100ms' (logs: no timestamp here)" }),
    sort: text({ placeholder: "FIELD", help: "One of the fields, - for descending (default: the first function, descending)" }),
    period: value({ placeholder: "DURATION", help: `Time window ending now: 1h, 24h, 7d (default ${DEFAULT_PERIOD}; max 90d)` }, (v, flag) => parseSearchPeriod(v, flag)),
    start: value({ placeholder: "ISO", help: "Window start instead of --period, with --end (ISO 8601 with a zone)" }, isoTime),
    end: value({ placeholder: "ISO", help: "Window end, with --start" }, isoTime),
    ...PROJECT_SCOPE_FLAGS,
    environment: environments("Only this environment (repeatable)"),
    interval: duration({ help: "Also one time series of the first function (or count()) in buckets of this size: 5m, 1h" }),
    limit: int({ min: 1, max: MAX_ROWS, default: 20, help: `Rows to show (max ${MAX_ROWS})` }),
    cursor: value({ placeholder: "CURSOR", help: "Continue from a previous page (the footer prints it)" }, (v) => parseCursor(v)),
  },
  fields: ["dataset", "window", "query", "sort", "columns", "rows", "nextCursor", "series"],
  examples: [
    { args: "--field span.op --field 'p95(span.duration)' --field 'count()' --query 'transaction:\"GET /api/orders\"'", about: "where an endpoint spends time" },
    { args: "--dataset errors --field issue --field title --field 'count()' --period 7d", about: "the week's errors by issue" },
    { args: "--dataset errors --field 'count()' --query 'level:error' --interval 1h", about: "when the errors spiked" },
    { args: "--dataset logs --field timestamp --field severity --field message --query 'severity:error'", about: "recent error logs" },
  ],
  scopes: EXPLORE_SCOPE,
  api: [
    "GET /api/0/organizations/{org}/events/?dataset=spans&field=…&query=…&sort=…&statsPeriod=24h&project=…&per_page=20",
    "GET /api/0/organizations/{org}/events-stats/?dataset=…&yAxis=count()&interval=1h&query=…&statsPeriod=24h (with --interval)",
  ],
  parse({ flags }): Input {
    const dataset = flags.dataset;
    if (flags.field.length === 0) throw new UsageError("give at least one --field", "e.g. --field span.op --field 'count()'; see --help");
    if (flags.field.length > MAX_FIELDS) throw new UsageError(`at most ${MAX_FIELDS} --field values (Sentry's limit), got ${flags.field.length}`);
    const fields = flags.field.map((f) => checkField(f, dataset));
    const names = [...new Set(fields.map((f) => f.text))];
    const query = flags.query?.trim() || undefined;
    if (dataset === "logs") checkLogsQuery(query);
    const firstFunction = fields.find((f) => f.aggregate)?.text;
    const sort = flags.sort !== undefined ? checkSort(flags.sort, fields, dataset) : firstFunction ? `-${firstFunction}` : names.includes("timestamp") ? "-timestamp" : undefined;
    if ((flags.start === undefined) !== (flags.end === undefined)) throw new UsageError("--start and --end go together");
    if (flags.start !== undefined && flags.period !== undefined) throw new UsageError("--period and --start/--end do not go together");
    let window: ExploreWindow;
    let windowSeconds: number;
    let label: string;
    if (flags.start !== undefined && flags.end !== undefined) {
      windowSeconds = (Date.parse(flags.end) - Date.parse(flags.start)) / 1000;
      if (windowSeconds <= 0) throw new UsageError("--start must be before --end");
      window = { start: flags.start, end: flags.end };
      label = `${flags.start} to ${flags.end}`;
    } else {
      windowSeconds = flags.period ?? parseSearchPeriod(DEFAULT_PERIOD);
      window = { statsPeriod: toStatsPeriod(windowSeconds) };
      label = `the last ${window.statsPeriod}`;
    }
    if (flags.interval !== undefined && windowSeconds / flags.interval > MAX_POINTS) {
      throw new UsageError(`--interval ${intervalText(flags.interval)} makes more than ${MAX_POINTS} points over this window`, "use a larger --interval or a shorter window");
    }
    return { dataset, fields: names, query, sort, window, windowSeconds, label, projects: projectScopeOf(flags), environments: flags.environment, limit: flags.limit, cursor: flags.cursor, interval: flags.interval };
  },
  async run(input, ctx): Promise<QueryEventsResult> {
    const org = await ctx.api.org();
    const scope = resolveProjectScope(input.projects, ctx.config);
    const selector = projectSender(ctx.api, org, ctx.warn);
    const q: ExploreQuery = { dataset: input.dataset, fields: input.fields, query: input.query, sort: input.sort, window: input.window, projects: scope.projects, environments: input.environments };
    const yAxis = input.fields.find((f) => f.endsWith(")")) ?? "count()";
    const interval = input.interval !== undefined ? intervalText(input.interval) : undefined;
    // The table and the series are independent reads: one round trip of wall time.
    const [page, points] = await Promise.all([
      explained(eventsPage(ctx.api, org, selector, q, { limit: input.limit, cursor: input.cursor }), input),
      interval ? explained(eventsSeries(ctx.api, org, selector, q, yAxis, interval), input) : Promise.resolve(null),
    ]);
    const spike = points ? spikeOf(points) : null;
    return {
      dataset: input.dataset,
      window: input.window,
      query: input.query ?? null,
      sort: input.sort ?? null,
      columns: input.fields.map((field) => ({ field, type: page.types[field] ?? null, unit: page.units[field] ?? null })),
      rows: page.rows.map((row) => Object.fromEntries(input.fields.map((f) => [f, cellValue(row[f]!, page.types[f])]))),
      nextCursor: page.nextCursor,
      series: spike && interval ? { yAxis, interval, ...spike } : null,
    };
  },
  render(r) {
    const where = `${r.dataset} over ${"statsPeriod" in r.window ? `the last ${r.window.statsPeriod}` : `${r.window.start} to ${r.window.end}`}${r.query ? ` matching ${JSON.stringify(truncate(r.query, CELL_WIDTH))}` : ""}`;
    const lines: string[] = [];
    if (r.rows.length === 0) lines.push(`No ${r.dataset} rows in ${where}. Try a longer --period, fewer --query terms, or --all-projects.`);
    else {
      lines.push(`${plural(r.rows.length, "row")} from ${where}${r.sort ? `, by ${r.sort}` : ""}:`);
      const numericCols = r.columns.map((c, i) => (r.rows.some((row) => typeof row[c.field] === "number") ? i : -1)).filter((i) => i >= 0);
      const rows = r.rows.map((row) => r.columns.map((c) => truncate(cellText(row[c.field], c.type ?? undefined, c.unit), CELL_WIDTH)));
      lines.push(...alignColumns([r.columns.map((c) => c.field), ...rows], numericCols));
    }
    if (r.series) {
      const s = r.series;
      const spike = s.spikeStart ? `spike from ${s.spikeStart}, peak ${s.peak} at ${s.peakAt}` : `no spike (peak ${s.peak} at ${s.peakAt})`;
      lines.push(`${s.yAxis} per ${s.interval}: baseline ${s.baseline}, ${spike}, last ${s.last} (${s.points} buckets)`);
    }
    if (r.nextCursor) lines.push(`More: --cursor ${r.nextCursor}`);
    const first = r.rows[0];
    const trace = typeof first?.trace === "string" && /^[0-9a-f]{32}$/.test(first.trace) ? first.trace : undefined;
    if (trace) lines.push(`Next: ${commandLine("trace-details", [trace])}`);
    else if (isShortId(first?.issue)) lines.push(`Next: ${commandLine("issue-details", [first.issue])}`);
    return lines.join("\n");
  },
});

/** A 400 from Sentry about the query: said as such, naming the field it mentions when it names one. */
async function explained<T>(call: Promise<T>, input: Input): Promise<T> {
  try {
    return await call;
  } catch (err) {
    if (!(err instanceof UsageError) || err.status !== 400) throw err;
    // Sentry names the bad column itself, also when it is a function's argument (p95(span.duraton)).
    const parts = (f: string) => [f, ...(/\((.*)\)$/.exec(f)?.[1]?.split(",").filter((a) => a && !/^\d/.test(a)) ?? [])];
    const named = input.fields.find((f) => parts(f).some((p) => err.detail?.includes(p)));
    const hint = named
      ? `Sentry does not accept --field ${named} on the ${input.dataset} dataset; check its name (see --help)`
      : /\bdataset\b/i.test(err.detail ?? "")
        ? `this Sentry has no ${input.dataset} dataset (older self-hosted servers lack spans and logs); try --dataset errors`
        : `check --query's search syntax and the field names of the ${input.dataset} dataset`;
    throw new UsageError(err.message.replace("the request", "the query"), hint, 400, err.detail);
  }
}

runIfMain(tool, import.meta.url);
