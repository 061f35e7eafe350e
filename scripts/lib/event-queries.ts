// What query-events checks before it sends anything (field names, functions, the sort, a logs query's
// timestamp), how it prints a cell, and how it reads a time series: baseline, where the spike began, its peak.

import { UsageError } from "./errors.js";
import type { ExploreDataset, SeriesPoint } from "./sentry/explore.js";
import { quoteInput } from "./validate.js";

/** The events endpoint takes at most this many fields (docs/sentry-api.md §14). */
export const MAX_FIELDS = 20;
const MAX_FIELD_LENGTH = 200;
/** A column: a key field or attribute (span.duration, user.email, tags[browser.name], http.response_status_code). */
const FIELD_NAME = /^[A-Za-z_@][\w.:@-]*(\[[\w.:@ -]+(,\s*(string|number|boolean))?\])?$/;
const FUNCTION_CALL = /^([a-z_][a-z0-9_]*)\((.*)\)$/;
const NUMBER = /^\d+(\.\d+)?$/;

/**
 * The functions each dataset answers, with how many arguments they take (docs/sentry-api.md §6 and §14; EAP
 * spans and logs speak the new vocabulary, errors the Discover one). `field` arguments are column names;
 * apdex and user misery take a threshold in ms after the column.
 */
interface FunctionSpec {
  datasets: readonly ExploreDataset[];
  args: readonly ("field" | "number")[];
  /** Trailing arguments that may be left out. */
  optional?: number;
}
const ALL: readonly ExploreDataset[] = ["spans", "errors", "logs"];
const EAP: readonly ExploreDataset[] = ["spans", "logs"];
const numeric = (datasets: readonly ExploreDataset[]): FunctionSpec => ({ datasets, args: ["field"] });
const FUNCTIONS: Record<string, FunctionSpec> = {
  count: { datasets: ALL, args: ["field"], optional: 1 },
  count_unique: { datasets: ALL, args: ["field"] },
  epm: { datasets: ALL, args: [] },
  eps: { datasets: ALL, args: [] },
  tpm: { datasets: ["spans"], args: [] },
  failure_rate: { datasets: ["spans"], args: [] },
  failure_count: { datasets: ["spans"], args: [] },
  count_sample: { datasets: EAP, args: [] },
  apdex: { datasets: ["spans"], args: ["field", "number"] },
  user_misery: { datasets: ["spans"], args: ["field", "number"] },
  last_seen: { datasets: ["errors"], args: [] },
  avg: numeric(ALL),
  sum: numeric(ALL),
  min: numeric(ALL),
  max: numeric(ALL),
  p50: numeric(ALL),
  p75: numeric(ALL),
  p90: numeric(ALL),
  p95: numeric(ALL),
  p99: numeric(ALL),
  p100: numeric(ALL),
};
export const KNOWN_FUNCTIONS = Object.keys(FUNCTIONS);

export interface CheckedField {
  text: string;
  /** Whether it is a function (an aggregate): then the query groups by the plain fields. */
  aggregate: boolean;
}

/** Checks one --field against the dataset: a known function with the right arguments, or a well-formed name. */
export function checkField(raw: string, dataset: ExploreDataset): CheckedField {
  const text = raw.trim();
  const bad = (why: string): never => {
    throw new UsageError(`invalid --field ${quoteInput(raw)}: ${why}`, `functions: ${KNOWN_FUNCTIONS.map((f) => `${f}()`).join(" ")}; see --help`);
  };
  if (text === "" || text.length > MAX_FIELD_LENGTH) bad(`a field is 1 to ${MAX_FIELD_LENGTH} characters`);
  if (text.startsWith("equation|")) bad("equations are not supported; ask for the fields and compute from the JSON");
  const call = FUNCTION_CALL.exec(text);
  if (!call) {
    if (text.includes("(")) bad("not a function call of the form name(arguments)");
    if (!FIELD_NAME.test(text)) bad("field names are letters, digits, . _ : - (tags as tags[name])");
    return { text, aggregate: false };
  }
  const name = call[1]!;
  const spec = FUNCTIONS[name];
  if (!spec) bad(`unknown function ${name}()`);
  if (!spec!.datasets.includes(dataset)) bad(`${name}() is not available on the ${dataset} dataset (it is on ${spec!.datasets.join(", ")})`);
  const args = call[2]!.trim() === "" ? [] : call[2]!.split(",").map((a) => a.trim());
  const min = spec!.args.length - (spec!.optional ?? 0);
  if (args.length < min || args.length > spec!.args.length) bad(`${name}() takes ${spec!.args.length === min ? min : `${min} to ${spec!.args.length}`} argument(s), e.g. ${example(name, spec!)}`);
  args.forEach((a, i) => {
    const ok = spec!.args[i] === "number" ? NUMBER.test(a) : FIELD_NAME.test(a);
    if (!ok) bad(`argument ${i + 1} of ${name}() should be ${spec!.args[i] === "number" ? "a number (ms)" : "a field name"}, e.g. ${example(name, spec!)}`);
  });
  // Sentry matches the field string exactly (row keys, sort): send it without inner spaces.
  return { text: `${name}(${args.join(",")})`, aggregate: true };
}

function example(name: string, spec: FunctionSpec): string {
  const arg = (k: string) => (k === "number" ? "300" : "span.duration");
  return `${name}(${spec.args.slice(0, spec.args.length - (spec.optional ?? 0)).map(arg).join(",")})`;
}

/** --sort must name a requested field (Sentry refuses anything else); a leading - sorts descending. */
export function checkSort(raw: string, fields: readonly CheckedField[], dataset: ExploreDataset): string {
  const descending = raw.trim().startsWith("-");
  const field = checkField(raw.trim().replace(/^-/, ""), dataset).text;
  if (!fields.some((f) => f.text === field)) {
    throw new UsageError(`--sort ${quoteInput(raw)} is not among the fields`, `sort by one of: ${fields.map((f) => f.text).join(", ")} (add it with --field)`);
  }
  return `${descending ? "-" : ""}${field}`;
}

/** The logs dataset takes its time range only from statsPeriod/start/end; a timestamp filter is refused (400). */
export function checkLogsQuery(query: string | undefined): void {
  if (query && /(^|[\s(!])timestamp\s*:/.test(query)) {
    throw new UsageError("the logs dataset takes no timestamp in --query", "give the time range with --period, or --start and --end");
  }
}

/** A number rounded for reading: whole above 100, else 3 significant digits (0.0139, 2.31, 146). */
export function roundNumber(value: number): number {
  if (Number.isInteger(value) || Math.abs(value) >= 100) return Math.round(value);
  return Number(value.toPrecision(3));
}

/** A cell as text: durations in ms, percentages with %, numbers rounded, null as "-". */
export function cellText(value: unknown, type: string | undefined, unit: string | null | undefined): string {
  if (value === null || value === undefined) return "-";
  if (typeof value !== "number") return String(value);
  if (type === "duration" || unit === "millisecond") return `${Math.round(value)}ms`;
  if (type === "percentage") return `${roundNumber(value * 100)}%`;
  return String(roundNumber(value));
}

/** A cell for JSON: numbers rounded (aggregates come back as raw floats), the rest as sent. */
export function cellValue(value: string | number | boolean | null, type: string | undefined): string | number | boolean | null {
  if (typeof value !== "number") return value;
  return type === "duration" || type === "percentage" ? Math.round(value * 10_000) / 10_000 : roundNumber(value);
}

export interface SpikeSummary {
  /** The median bucket: what the series looks like when nothing is happening. */
  baseline: number;
  peak: number;
  peakAt: string;
  /** Where the run of raised buckets that holds the peak began; null when the peak is no spike. */
  spikeStart: string | null;
  /** The newest bucket (partly elapsed). */
  last: number;
  points: number;
}

/** A bucket counts as raised when it is at least this many times the baseline… */
const SPIKE_FACTOR = 2;
/** …and this share of the way from the baseline to the peak, so noise around a small baseline is no spike. */
const SPIKE_SHARE = 0.25;

export function spikeOf(points: readonly SeriesPoint[]): SpikeSummary | null {
  if (points.length === 0) return null;
  const sorted = points.map((p) => p.value).sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const baseline = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  let peakIndex = 0;
  points.forEach((p, i) => {
    if (p.value > points[peakIndex]!.value) peakIndex = i;
  });
  const peak = points[peakIndex]!.value;
  const raised = (v: number) => v >= baseline * SPIKE_FACTOR && v - baseline >= (peak - baseline) * SPIKE_SHARE && v > baseline;
  let start: number | null = null;
  if (raised(peak)) {
    start = peakIndex;
    while (start > 0 && raised(points[start - 1]!.value)) start -= 1;
  }
  const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
  return {
    baseline: roundNumber(baseline),
    peak: roundNumber(peak),
    peakAt: iso(points[peakIndex]!.at),
    spikeStart: start === null ? null : iso(points[start]!.at),
    last: roundNumber(points[points.length - 1]!.value),
    points: points.length,
  };
}
