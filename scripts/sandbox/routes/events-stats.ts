// Time series over the same rows as GET /organizations/{org}/events/ (routes/events.ts): the legacy
// GET /organizations/{org}/events-stats/ (yAxis, interval such as 1h; answers {data: [[seconds, [{count}]]], start,
// end, meta}, or one such object per yAxis keyed by it when several are asked) and the current
// GET /organizations/{org}/events-timeseries/ (schema listOrganizationEventsTimeseries: {timeSeries: [{yAxis,
// values: [{timestamp, value, incomplete}], meta}], meta}). Buckets start at multiples of the interval, as
// Sentry's rollups do, and empty buckets answer 0 (zerofill). The escalating issues' spikes come from their
// hourly stats (seed/error-rows.ts), so `dataset=errors&yAxis=count()&interval=1h` shows where each began.

import { requireOrg, selectedProjects, timeWindow } from "../lookup.js";
import { DURATION_UNITS } from "../time.js";
import type { Reply, RequestContext, RouteDef } from "../types.js";
import {
  badRequest,
  baseRows,
  compileQuery,
  DEFAULT_EVENTS_PERIOD,
  parseFunctionCall,
  parseQuery,
  resolveDataset,
  resolveFunction,
  type Aggregator,
  type QueryScope,
  type Row,
} from "./events.js";

/** Sentry refuses a series with more buckets than this (the snuba rollup limit). */
const MAX_BUCKETS = 10_000;
const DEFAULT_INTERVAL = "1h";
const ORG_READ = ["org:read", "org:write", "org:admin"];

interface Series {
  yAxis: string;
  aggregator: Aggregator;
  /** One value per bucket. */
  values: number[];
}

interface SeriesResult {
  dataset: string;
  start: number;
  end: number;
  intervalMs: number;
  bucketStarts: number[];
  series: Series[];
}

function parseInterval(raw: string | null, numericMs: boolean): number {
  const text = raw === null || raw === "" ? DEFAULT_INTERVAL : raw;
  // events-timeseries takes an integer (milliseconds); events-stats a duration such as 5m or 1h.
  if (numericMs && /^\d+$/.test(text)) return Number(text);
  const m = /^(\d+)([smhdw])$/.exec(text);
  if (!m || Number(m[1]) === 0) throw badRequest(`Invalid interval: ${text}`);
  return Number(m[1]) * DURATION_UNITS[m[2]!]!;
}

function computeSeries(ctx: RequestContext, numericInterval: boolean): SeriesResult {
  const org = requireOrg(ctx);
  const { dataset, dialect } = resolveDataset(ctx);
  const axes = [...ctx.query.getAll("yAxis"), ...ctx.query.getAll("yAxis[]")].filter((y) => y !== "");
  if (axes.length === 0) axes.push("count()");
  const aggregators = axes.map((yAxis) => {
    const call = parseFunctionCall(yAxis);
    if (!call) throw badRequest(`${yAxis} is not an aggregate function; yAxis takes functions such as count().`);
    return { yAxis, aggregator: resolveFunction(dialect, call.name, call.args) };
  });
  const projects = selectedProjects(ctx, org);
  const scope: QueryScope = { dialect, selectedSlugs: new Set(projects.map((p) => p.slug)) };
  const { predicate, having } = compileQuery(parseQuery(ctx.query.get("query") ?? ""), scope, true);
  if (having.length > 0) throw badRequest("Aggregate conditions are not allowed in a time series query.");
  const window = timeWindow(ctx, DEFAULT_EVENTS_PERIOD);
  const intervalMs = parseInterval(ctx.query.get("interval"), numericInterval);
  const first = Math.floor(window.start / intervalMs) * intervalMs;
  const count = Math.ceil((window.end - first) / intervalMs);
  if (count > MAX_BUCKETS) throw badRequest("Your interval and date range would create too many results. Use a larger interval, or a smaller date range.");
  const bucketStarts = Array.from({ length: count }, (_, i) => first + i * intervalMs);
  const buckets: Row[][] = bucketStarts.map(() => []);
  const { rows } = baseRows(ctx, projects, dialect, { start: first, end: window.end }, predicate);
  for (const r of rows) buckets[Math.floor((r.timestamp - first) / intervalMs)]?.push(r);
  const env = { windowMinutes: intervalMs / 60_000, apdexThresholdMs: ctx.world.spans.apdexThresholdMs };
  const series = aggregators.map(({ yAxis, aggregator }) => ({
    yAxis,
    aggregator,
    // Sentry zero-fills buckets without data, whatever the function.
    values: buckets.map((b) => aggregator.compute(b, env) ?? 0),
  }));
  return { dataset, start: first, end: window.end, intervalMs, bucketStarts, series };
}

function eventsStats(ctx: RequestContext): Reply {
  const result = computeSeries(ctx, false);
  const shape = (s: Series, order: number): Record<string, unknown> => ({
    data: result.bucketStarts.map((t, i) => [Math.floor(t / 1000), [{ count: s.values[i]! }]]),
    start: Math.floor(result.start / 1000),
    end: Math.floor(result.end / 1000),
    isMetricsData: false,
    order,
    meta: {
      fields: { [s.yAxis]: s.aggregator.type, time: "date" },
      units: { [s.yAxis]: s.aggregator.unit, time: null },
      isMetricsData: false,
      isMetricsExtractedData: false,
      tips: {},
      datasetReason: "unchanged",
      dataset: result.dataset,
      dataScanned: "full",
    },
  });
  if (result.series.length === 1) {
    const { order: _order, ...single } = shape(result.series[0]!, 0);
    return { status: 200, body: single };
  }
  return { status: 200, body: Object.fromEntries(result.series.map((s, i) => [s.yAxis, shape(s, i)])) };
}

function eventsTimeseries(ctx: RequestContext): Reply {
  const result = computeSeries(ctx, true);
  const now = ctx.world.now;
  return {
    status: 200,
    body: {
      meta: { dataset: result.dataset, start: result.start, end: result.end },
      timeSeries: result.series.map((s, order) => ({
        yAxis: s.yAxis,
        values: result.bucketStarts.map((t, i) => ({ timestamp: t, value: s.values[i]!, incomplete: t + result.intervalMs > now })),
        meta: { order, valueType: s.aggregator.type, valueUnit: s.aggregator.unit, interval: result.intervalMs, dataScanned: "full" },
      })),
    },
  };
}

export const eventsStatsRoutes: RouteDef[] = [
  { method: "GET", pattern: "/organizations/:org/events-stats/", scopes: ORG_READ, handler: eventsStats },
  { method: "GET", pattern: "/organizations/:org/events-timeseries/", scopes: ORG_READ, handler: eventsTimeseries },
];
