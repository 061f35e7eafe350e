// GET /organizations/{org}/events/: Discover/Explore table queries over the seeded spans (docs/sentry-api.md §5–7, §14),
// error events (dataset=errors, seed/error-rows.ts) and log records (dataset=logs, seed/logs.ts).
// Aggregates are computed from the rows on every request, extrapolated by each stored span's sampling
// weight as Sentry extrapolates sampled spans (errors and logs weigh 1); seed/spans.ts documents each formula.
// routes/events-stats.ts buckets the same rows into time series.

import type { SpanRecord } from "../seed/spans.js";
import { errorsWorld, type ErrorRow } from "../seed/error-rows.js";
import { logsWorld, SEVERITY_NUMBER, type LogRecord } from "../seed/logs.js";
import { MISERY_ALPHA, MISERY_BETA, NON_FAILURE_STATUSES } from "../seed/spans.js";
import type { Project, Reply, RequestContext, RouteDef } from "../types.js";
import { SandboxHttpError } from "../types.js";
import { requireOrg, selectedProjects, timeWindow } from "../lookup.js";
import { paginate } from "../paginate.js";
import { wildcardMatcher, type WildcardOptions } from "../match.js";

/** Which vocabulary a dataset speaks: EAP spans, or the legacy transaction events (transactions/discover/metricsEnhanced). */
type Dialect = "spans" | "transactions" | "errors" | "logs";
/** A row of any dialect: spans and transactions read span records, errors error events, logs log records. */
export type Row = SpanRecord | ErrorRow | LogRecord;

/** The value types Sentry names in meta.fields. */
type FieldType = "string" | "integer" | "number" | "boolean" | "duration" | "date" | "percentage" | "rate";
type Value = string | number | boolean | null;

const MAX_FIELDS = 20;
/** Sentry's window when the request names none (get_date_range_from_params falls back to MAX_STATS_PERIOD). */
export const DEFAULT_EVENTS_PERIOD = "90d";
const MINUTE_MS = 60_000;
const SECOND_MS = 1_000;
const MILLISECOND = "millisecond";
/** apdex/user_misery count a request slower than this many times T as frustrated/miserable. */
const FRUSTRATION_FACTOR = 4;
/** Wildcards and free text on span text (descriptions, transaction names) ignore case in Sentry's span search. */
const SPAN_TEXT_MATCH: WildcardOptions = { caseInsensitive: true };
/**
 * meta.bytesScanned is what ClickHouse read, uncompressed: the query reads the project/time range whatever the
 * filters, and per row the key columns plus the attribute buckets the fields and filters touch (about this many bytes).
 */
const BYTES_READ_PER_SCANNED_ROW = 256;

/** Datasets a current server maps (src/sentry/snuba/utils.py DATASET_OPTIONS). */
const CURRENT_DATASETS = [
  "discover",
  "errors",
  "issuePlatform",
  "logs",
  "metrics",
  "metricsEnhanced",
  "ourlogs",
  "profileFunctions",
  "profile_functions",
  "profiles",
  "spans",
  "spansIndexed",
  "spansMetrics",
  "tracemetrics",
  "transactions",
  "uptime_results",
];
/** What an older self-hosted server (before EAP spans) accepts: `spans` is missing, so it answers 400. */
const PRE_EAP_DATASETS = [
  "discover",
  "errors",
  "issuePlatform",
  "metrics",
  "metricsEnhanced",
  "profileFunctions",
  "profiles",
  "spansIndexed",
  "spansMetrics",
  "transactions",
];
const LEGACY_TRANSACTION_DATASETS = new Set(["transactions", "discover", "metricsEnhanced"]);

/** Default and maximum page size of this endpoint (schema: "Default and maximum allowed is 100"). */
const PAGE_OPTIONS = { sizeParam: "per_page", defaultSize: 100, maxSize: 100 } as const;

export const badRequest = (detail: string): SandboxHttpError => new SandboxHttpError(400, { detail });

// ---------------------------------------------------------------------------------------------
// Columns: each field name a dialect knows, how to read it from a span record, and how Sentry types it.

interface Column {
  type: FieldType;
  unit: string | null;
  get: (r: Row) => Value;
}

// Each dialect's getters read their own record type; a column is only ever applied to its dialect's rows.
const str = (get: (r: SpanRecord) => string | null): Column => ({ type: "string", unit: null, get: get as (r: Row) => Value });
const ms = (get: (r: SpanRecord) => number): Column => ({ type: "duration", unit: MILLISECOND, get: get as (r: Row) => Value });
const errorColumn = (type: FieldType, get: (r: ErrorRow) => Value): Column => ({ type, unit: null, get: get as (r: Row) => Value });
const logColumn = (type: FieldType, get: (r: LogRecord) => Value): Column => ({ type, unit: null, get: get as (r: Row) => Value });
const userDisplay = (r: SpanRecord): string | null => (r.userId ? `id:${r.userId}` : null);
// Sentry answers `timestamp` with second precision and an explicit UTC offset.
const isoSeconds = (r: Row): string => new Date(Math.floor(r.timestamp / SECOND_MS) * SECOND_MS).toISOString().replace(".000Z", "+00:00");
const TIMESTAMP: Column = { type: "date", unit: null, get: isoSeconds };
const PROJECT_ID: Column = { type: "integer", unit: null, get: (r) => Number(r.projectId) };
const rowText = (get: (r: Row) => string | null): Column => ({ type: "string", unit: null, get });
/** The project and deployment columns, read alike from a span, an error event and a log record. */
const PROJECT_COLUMNS: Record<string, Column> = {
  project: rowText((r) => r.projectSlug),
  "project.name": rowText((r) => r.projectSlug),
  "project.slug": rowText((r) => r.projectSlug),
  "project.id": PROJECT_ID,
  environment: rowText((r) => r.environment),
  release: rowText((r) => r.release),
};

const SPAN_COLUMNS: Record<string, Column> = {
  id: str((r) => r.spanId),
  span_id: str((r) => r.spanId),
  parent_span: str((r) => r.parentSpanId),
  trace: str((r) => r.traceId),
  transaction: str((r) => r.transaction),
  "transaction.id": str((r) => r.transactionId),
  "transaction.event_id": str((r) => r.transactionId),
  "transaction.method": str((r) => r.transactionMethod),
  "transaction.op": str((r) => r.transactionOp),
  is_transaction: { type: "boolean", unit: null, get: (r) => (r as SpanRecord).isTransaction },
  ...PROJECT_COLUMNS,
  "span.op": str((r) => r.op),
  "span.category": str((r) => r.category),
  "span.description": str((r) => r.description),
  description: str((r) => r.description),
  "sentry.normalized_description": str((r) => r.normalizedDescription),
  "span.group": str((r) => r.group),
  "span.action": str((r) => r.action),
  "span.domain": str((r) => r.domain),
  "span.status": str((r) => r.status),
  "trace.status": str((r) => r.status),
  "span.duration": ms((r) => r.durationMs),
  "span.self_time": ms((r) => r.selfTimeMs),
  timestamp: TIMESTAMP,
  user: str(userDisplay),
  "user.id": str((r) => r.userId),
  "db.system": str((r) => r.dbSystem),
  "span.system": str((r) => r.dbSystem),
};

const TRANSACTION_COLUMNS: Record<string, Column> = {
  id: str((r) => r.transactionId),
  trace: str((r) => r.traceId),
  "trace.span": str((r) => r.spanId),
  transaction: str((r) => r.transaction),
  title: str((r) => r.transaction),
  "transaction.op": str((r) => r.transactionOp),
  "transaction.status": str((r) => r.status),
  "transaction.duration": ms((r) => r.durationMs),
  "http.method": str((r) => r.transactionMethod),
  "event.type": str(() => "transaction"),
  project: str((r) => r.projectSlug),
  "project.name": str((r) => r.projectSlug),
  "project.id": PROJECT_ID,
  environment: str((r) => r.environment),
  release: str((r) => r.release),
  timestamp: TIMESTAMP,
  user: str(userDisplay),
  "user.id": str((r) => r.userId),
};

/** The exception Sentry indexes for an error event: the main (last) one of the chain. */
const mainErrorOf = (r: ErrorRow) => r.issue.spec.exceptions[r.issue.spec.exceptions.length - 1];
const errorEventType = (r: ErrorRow): string => (r.issue.spec.kind === "csp" ? "csp" : r.issue.spec.kind === "message" ? "default" : "error");

/** Discover's errors dataset, as far as seed/error-rows.ts holds it (search/events/fields.py, the errors columns). */
const ERROR_COLUMNS: Record<string, Column> = {
  id: errorColumn("string", (r) => r.eventId),
  "event.type": errorColumn("string", errorEventType),
  title: errorColumn("string", (r) => r.issue.spec.title),
  message: errorColumn("string", (r) => r.issue.spec.message ?? r.issue.spec.title),
  issue: errorColumn("string", (r) => r.issue.shortId),
  "issue.id": errorColumn("integer", (r) => Number(r.issue.id)),
  level: errorColumn("string", (r) => r.issue.level),
  culprit: errorColumn("string", (r) => r.issue.spec.culprit),
  transaction: errorColumn("string", (r) => r.issue.spec.transaction),
  platform: errorColumn("string", (r) => r.issue.platform),
  "error.type": errorColumn("string", (r) => mainErrorOf(r)?.type ?? null),
  "error.value": errorColumn("string", (r) => mainErrorOf(r)?.value ?? null),
  "error.unhandled": errorColumn("boolean", (r) => mainErrorOf(r)?.mechanism.handled === false),
  trace: errorColumn("string", (r) => r.traceId),
  "trace.span": errorColumn("string", (r) => r.spanId),
  ...PROJECT_COLUMNS,
  user: errorColumn("string", (r) => (r.userId ? `id:${r.userId}` : null)),
  "user.id": errorColumn("string", (r) => r.userId),
  "user.email": errorColumn("string", (r) => r.userEmail),
  timestamp: TIMESTAMP,
};

/** The logs dataset (EAP trace items of type log): the attributes seed/logs.ts records. */
const LOG_COLUMNS: Record<string, Column> = {
  id: logColumn("string", (r) => r.id),
  "sentry.item_id": logColumn("string", (r) => r.id),
  message: logColumn("string", (r) => r.message),
  severity: logColumn("string", (r) => r.severity),
  severity_number: logColumn("integer", (r) => SEVERITY_NUMBER[r.severity]),
  trace: logColumn("string", (r) => r.traceId),
  "logger.name": logColumn("string", (r) => r.logger),
  ...PROJECT_COLUMNS,
  timestamp: TIMESTAMP,
};

const COLUMNS: Record<Dialect, Record<string, Column>> = { spans: SPAN_COLUMNS, transactions: TRANSACTION_COLUMNS, errors: ERROR_COLUMNS, logs: LOG_COLUMNS };
/** The duration a function reads when the legacy dialect omits its argument (`p95()`). */
const LEGACY_DEFAULT_DURATION = "transaction.duration";

function columnOf(dialect: Dialect, name: string): Column | undefined {
  return Object.hasOwn(COLUMNS[dialect], name) ? COLUMNS[dialect][name] : undefined;
}

function requireColumn(dialect: Dialect, name: string): Column {
  const column = columnOf(dialect, name);
  if (!column) throw badRequest(`${name} is not a valid field for the ${dialect} dataset.`);
  return column;
}

// ---------------------------------------------------------------------------------------------
// Functions: count(), p95(span.duration), apdex(span.duration,300) … resolved once per request.

export interface AggregateEnv {
  windowMinutes: number;
  apdexThresholdMs: number;
}

export interface Aggregator {
  type: FieldType;
  unit: string | null;
  compute: (rows: readonly Row[], env: AggregateEnv) => number | null;
}

const FUNCTION_PATTERN = /^([a-z_][a-z0-9_]*)\((.*)\)$/i;
const PERCENTILE_FUNCTIONS: Record<string, number> = { p50: 0.5, p75: 0.75, p90: 0.9, p95: 0.95, p99: 0.99, p100: 1 };

/** One column's values in ascending order (ties by weight), with their sampling weights and the running weight. */
interface WeightedSorted {
  values: number[];
  weights: number[];
  /** before[i]: weight of the rows ahead of row i (C[i] in seed/spans.ts). */
  before: number[];
  total: number;
}

/**
 * Weighted linear interpolation between closest ranks (seed/spans.ts has the definition): row i stands at
 * before[i], the last row at total − its weight, and q picks the point q × that. With equal weights it is numpy's
 * default "linear" percentile, so one project's percentiles do not move with its sample rate.
 */
function percentileOf(sorted: WeightedSorted, q: number): number | null {
  const { values, weights, before } = sorted;
  const n = values.length;
  if (n === 0) return null;
  const target = q * (sorted.total - weights[n - 1]!);
  // Binary search for the last row whose position is at or before the target.
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (before[mid]! <= target) lo = mid;
    else hi = mid - 1;
  }
  if (lo === n - 1) return values[lo]!;
  const fraction = (target - before[lo]!) / weights[lo]!;
  return values[lo]! + fraction * (values[lo + 1]! - values[lo]!);
}

function isFailure(r: Row): boolean {
  return !NON_FAILURE_STATUSES.includes((r as SpanRecord).status);
}

/** Real traffic the stored rows stand for (EAP extrapolates counts by sentry.sampling_weight). */
function weightOf(rows: readonly Row[], include?: (r: Row) => boolean): number {
  let total = 0;
  for (const r of rows) if (!include || include(r)) total += r.sampleWeight;
  return total;
}

function apdexOf(rows: readonly SpanRecord[], thresholdMs: number): number | null {
  let satisfied = 0;
  let tolerating = 0;
  let segments = 0;
  for (const r of rows) {
    if (!r.isTransaction) continue;
    segments += r.sampleWeight;
    if (r.durationMs <= thresholdMs) satisfied += r.sampleWeight;
    else if (r.durationMs <= FRUSTRATION_FACTOR * thresholdMs) tolerating += r.sampleWeight;
  }
  return segments === 0 ? null : (satisfied + tolerating / 2) / segments;
}

/** Distinct users are counted, not extrapolated: a sampled-out request of a known user adds no new user. */
function miserableUsers(rows: readonly SpanRecord[], thresholdMs: number): { miserable: number; users: number } {
  const users = new Set<string>();
  const miserable = new Set<string>();
  for (const r of rows) {
    if (!r.isTransaction || !r.userId) continue;
    users.add(r.userId);
    if (r.durationMs > FRUSTRATION_FACTOR * thresholdMs) miserable.add(r.userId);
  }
  return { miserable: miserable.size, users: users.size };
}

function parseThreshold(raw: string | undefined, fn: string): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) <= 0) throw badRequest(`${fn}: the threshold must be a positive number of milliseconds, got ${raw}.`);
  return Number(raw);
}

/** The numeric column a value function reads, with the legacy default when no argument is given. */
function numericArgument(dialect: Dialect, fn: string, args: string[], allowDefault: boolean): Column {
  const name = args[0] ?? (allowDefault && dialect === "transactions" ? LEGACY_DEFAULT_DURATION : undefined);
  if (name === undefined || args.length > 1) throw badRequest(`${fn}: expected one numeric field argument.`);
  const column = requireColumn(dialect, name);
  if (column.type !== "duration") throw badRequest(`${fn}: ${name} is not a numeric field.`);
  return column;
}

function expectArgs(fn: string, args: string[], max: number): void {
  if (args.length > max) throw badRequest(`${fn}: expected at most ${max} argument(s), got ${args.length}.`);
}

/** Functions over what errors and logs hold: counts and uniques (their rows have no durations or statuses). */
const EVENT_ROW_FUNCTIONS = new Set(["count", "count_unique", "epm", "eps"]);

export function resolveFunction(dialect: Dialect, fn: string, args: string[]): Aggregator {
  if ((dialect === "errors" || dialect === "logs") && !EVENT_ROW_FUNCTIONS.has(fn) && !(dialect === "logs" && fn === "count_sample")) {
    throw badRequest(`${fn} is not a valid function for the ${dialect} dataset.`);
  }
  // EAP datasets (spans, logs) speak the new function vocabulary; the others the legacy one.
  const eap = dialect === "spans" || dialect === "logs";
  const percentileQ = PERCENTILE_FUNCTIONS[fn];
  if (percentileQ !== undefined) {
    // Legacy p95() reads transaction.duration; EAP names the attribute: p95(span.duration).
    const column = numericArgument(dialect, fn, args, true);
    return { type: "duration", unit: MILLISECOND, compute: (rows) => percentileOf(sortedValues(rows, column), percentileQ) };
  }
  switch (fn) {
    case "count":
      expectArgs(fn, args, 1);
      if (args[0] !== undefined) requireColumn(dialect, args[0]);
      return { type: "integer", unit: null, compute: (rows) => weightOf(rows) };
    case "count_sample":
      // EAP's count of stored rows, for ratios between sampled quantities (spans per transaction event).
      if (!eap) throw badRequest("count_sample is not a valid function for the transactions dataset; use count().");
      expectArgs(fn, args, 0);
      return { type: "integer", unit: null, compute: (rows) => rows.length };
    case "count_unique": {
      // Uniques are not extrapolated (Sentry's EAP leaves count_unique unweighted): a distinct value is seen or not.
      if (args.length !== 1) throw badRequest("count_unique: expected one field argument.");
      const column = requireColumn(dialect, args[0]!);
      return {
        type: "integer",
        unit: null,
        compute: (rows) => {
          const seen = new Set<Value>();
          for (const r of rows) {
            const v = column.get(r);
            if (v !== null && v !== "") seen.add(v);
          }
          return seen.size;
        },
      };
    }
    case "epm":
    case "eps":
    case "tpm":
    case "tps": {
      expectArgs(fn, args, 0);
      // tpm/tps count segments only (EAP `is_segment=true`); the legacy dataset holds nothing else.
      const segmentsOnly = fn.startsWith("t");
      const perSecond = fn.endsWith("s");
      return {
        type: "rate",
        unit: perSecond ? "1/second" : "1/minute",
        compute: (rows, env) => {
          const n = segmentsOnly ? weightOf(rows, (r) => (r as SpanRecord).isTransaction) : weightOf(rows);
          const minutes = env.windowMinutes;
          return perSecond ? n / (minutes * (MINUTE_MS / SECOND_MS)) : n / minutes;
        },
      };
    }
    case "avg":
    case "sum":
    case "min":
    case "max": {
      const column = numericArgument(dialect, fn, args, false);
      return {
        type: "duration",
        unit: MILLISECOND,
        compute: (rows) => {
          if (rows.length === 0) return fn === "sum" ? 0 : null;
          // sum and avg are extrapolated (Σ w·v, and ÷ Σ w); the extremes are what was stored.
          let acc = fn === "min" ? Infinity : fn === "max" ? -Infinity : 0;
          for (const r of rows) {
            const v = column.get(r) as number;
            acc = fn === "min" ? Math.min(acc, v) : fn === "max" ? Math.max(acc, v) : acc + v * r.sampleWeight;
          }
          return fn === "avg" ? acc / weightOf(rows) : acc;
        },
      };
    }
    case "percentile": {
      if (eap) throw badRequest("percentile is not a valid function for the spans dataset; use p50()…p100() (e.g. p95(span.duration)).");
      if (args.length !== 2) throw badRequest("percentile: expected a field and a quantile, e.g. percentile(transaction.duration,0.95).");
      const column = numericArgument(dialect, fn, [args[0]!], false);
      const q = Number(args[1]);
      if (!Number.isFinite(q) || q < 0 || q > 1) throw badRequest(`percentile: quantile must be between 0 and 1, got ${args[1]}.`);
      return { type: "duration", unit: MILLISECOND, compute: (rows) => percentileOf(sortedValues(rows, column), q) };
    }
    case "failure_count":
      expectArgs(fn, args, 0);
      return { type: "integer", unit: null, compute: (rows) => weightOf(rows, isFailure) };
    case "failure_rate":
      expectArgs(fn, args, 0);
      return {
        type: "percentage",
        unit: null,
        compute: (rows) => (rows.length === 0 ? 0 : weightOf(rows, isFailure) / weightOf(rows)),
      };
    case "apdex":
    case "user_misery": {
      // EAP: apdex(span.duration,300); legacy: apdex() with the project threshold, or apdex(300).
      let threshold: number | undefined;
      if (eap) {
        if (args.length !== 2 || args[0] !== "span.duration") throw badRequest(`${fn}: expected ${fn}(span.duration,<threshold ms>).`);
        threshold = parseThreshold(args[1], fn);
      } else {
        expectArgs(fn, args, 1);
        threshold = parseThreshold(args[0], fn);
      }
      if (fn === "apdex") return { type: "number", unit: null, compute: (rows, env) => apdexOf(rows as readonly SpanRecord[], threshold ?? env.apdexThresholdMs) };
      return {
        type: "number",
        unit: null,
        compute: (rows, env) => {
          // The prior keeps the score defined without users: α / (α + β) ≈ 0.05, as Sentry's formula gives.
          const { miserable, users } = miserableUsers(rows as readonly SpanRecord[], threshold ?? env.apdexThresholdMs);
          return (miserable + MISERY_ALPHA) / (users + MISERY_ALPHA + MISERY_BETA);
        },
      };
    }
    case "count_miserable": {
      // Dropped from EAP (mep_to_eap.py); only the legacy dataset has it.
      if (eap) throw badRequest("count_miserable is not a valid function for the spans dataset.");
      if (args[0] !== "user" || args.length > 2) throw badRequest("count_miserable: expected count_miserable(user) or count_miserable(user,<threshold ms>).");
      const threshold = parseThreshold(args[1], fn);
      return { type: "integer", unit: null, compute: (rows, env) => miserableUsers(rows as readonly SpanRecord[], threshold ?? env.apdexThresholdMs).miserable };
    }
    default:
      throw badRequest(`${fn} is not a valid function for the ${dialect} dataset.`);
  }
}

// Percentiles of one column are often requested several times per group (p50, p95, p99): sort once.
const sortedCache = new WeakMap<readonly Row[], Map<Column, WeightedSorted>>();

function sortedValues(rows: readonly Row[], column: Column): WeightedSorted {
  let byColumn = sortedCache.get(rows);
  if (!byColumn) sortedCache.set(rows, (byColumn = new Map()));
  let sorted = byColumn.get(column);
  if (!sorted) {
    // Ties sorted by weight so the result does not depend on the order the rows were stored in.
    const pairs = rows.map((r) => [column.get(r) as number, r.sampleWeight] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const before: number[] = [];
    let total = 0;
    for (const [, w] of pairs) {
      before.push(total);
      total += w;
    }
    sorted = { values: pairs.map((p) => p[0]), weights: pairs.map((p) => p[1]), before, total };
    byColumn.set(column, sorted);
  }
  return sorted;
}

// ---------------------------------------------------------------------------------------------
// Fields: what the request selected.

type ColumnField = { key: string; kind: "column"; column: Column };
type Field = ColumnField | { key: string; kind: "function"; aggregator: Aggregator };

export function parseFunctionCall(text: string): { name: string; args: string[] } | null {
  const m = FUNCTION_PATTERN.exec(text.trim());
  if (!m) return null;
  const inner = m[2]!.trim();
  return { name: m[1]!.toLowerCase(), args: inner === "" ? [] : inner.split(",").map((a) => a.trim()) };
}

function resolveField(dialect: Dialect, key: string): Field {
  if (key.startsWith("equation|")) throw badRequest("Equations are not supported by the sandbox.");
  const call = parseFunctionCall(key);
  if (call) return { key, kind: "function", aggregator: resolveFunction(dialect, call.name, call.args) };
  return { key, kind: "column", column: requireColumn(dialect, key.trim()) };
}

// ---------------------------------------------------------------------------------------------
// Search syntax: key:value, !key:value, key:[a,b], key:*wild*, key:>300ms, has:key, free text,
// AND/OR and parentheses, and aggregate conditions (count():>10) applied after grouping.

type Comparison = "=" | ">" | ">=" | "<" | "<=";

type Term =
  | { kind: "filter"; key: string; negated: boolean; comparison: Comparison; values: string[] }
  | { kind: "has"; key: string; negated: boolean }
  | { kind: "text"; text: string; negated: boolean };

type Expr = { kind: "and" | "or"; items: Expr[] } | { kind: "term"; term: Term };

type Token = { kind: "(" } | { kind: ")" } | { kind: "AND" } | { kind: "OR" } | { kind: "word"; text: string };

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const ch = query[i]!;
    if (/\s/.test(ch)) {
      i += 1;
    } else if (ch === "(" || ch === ")") {
      tokens.push(ch === "(" ? { kind: "(" } : { kind: ")" });
      i += 1;
    } else {
      // A word runs to whitespace, keeping quoted strings, [lists] and balanced parentheses (count():>5) inside it.
      let depth = 0;
      let j = i;
      while (j < query.length) {
        const c = query[j]!;
        if (c === '"') {
          j += 1;
          while (j < query.length && query[j] !== '"') j += query[j] === "\\" ? 2 : 1;
          j += 1;
        } else if (c === "[") {
          while (j < query.length && query[j] !== "]") j += 1;
          j += 1;
        } else if (c === "(") {
          depth += 1;
          j += 1;
        } else if (c === ")") {
          if (depth === 0) break;
          depth -= 1;
          j += 1;
        } else if (/\s/.test(c)) {
          break;
        } else {
          j += 1;
        }
      }
      const text = query.slice(i, j);
      tokens.push(text === "AND" ? { kind: "AND" } : text === "OR" ? { kind: "OR" } : { kind: "word", text });
      i = j;
    }
  }
  return tokens;
}

function unquote(value: string): string {
  return value.startsWith('"') && value.endsWith('"') && value.length >= 2 ? value.slice(1, -1).replace(/\\(.)/g, "$1") : value;
}

function splitList(inner: string): string[] {
  const items: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!;
    if (c === "\\" && quoted) {
      current += c + (inner[i + 1] ?? "");
      i += 1;
    } else if (c === '"') {
      quoted = !quoted;
      current += c;
    } else if (c === "," && !quoted) {
      items.push(unquote(current.trim()));
      current = "";
    } else {
      current += c;
    }
  }
  items.push(unquote(current.trim()));
  return items;
}

const KEY_VALUE = /^([A-Za-z_][\w.]*(?:\([^)]*\))?):(.*)$/s;

function parseTerm(word: string): Term {
  let text = word;
  let negated = false;
  if (text.startsWith("!")) {
    negated = true;
    text = text.slice(1);
  }
  const m = KEY_VALUE.exec(text);
  if (!m || text.startsWith('"')) return { kind: "text", text: unquote(text), negated };
  const key = m[1]!;
  let raw = m[2]!;
  if (key === "has") return { kind: "has", key: unquote(raw), negated };
  let comparison: Comparison = "=";
  const op = /^(>=|<=|>|<)/.exec(raw);
  if (op) {
    comparison = op[1] as Comparison;
    raw = raw.slice(op[1]!.length);
  } else if (raw.startsWith("!")) {
    negated = !negated;
    raw = raw.slice(1);
  }
  const values = raw.startsWith("[") && raw.endsWith("]") ? splitList(raw.slice(1, -1)) : [unquote(raw)];
  return { kind: "filter", key, negated, comparison, values };
}

export function parseQuery(query: string): Expr {
  const tokens = tokenize(query);
  let pos = 0;
  const parseOr = (): Expr => {
    const items = [parseAnd()];
    while (tokens[pos]?.kind === "OR") {
      pos += 1;
      items.push(parseAnd());
    }
    return items.length === 1 ? items[0]! : { kind: "or", items };
  };
  const parseAnd = (): Expr => {
    const items: Expr[] = [];
    for (;;) {
      const token = tokens[pos];
      if (!token || token.kind === ")" || token.kind === "OR") break;
      if (token.kind === "AND") {
        pos += 1;
        continue;
      }
      if (token.kind === "(") {
        pos += 1;
        items.push(parseOr());
        if (tokens[pos]?.kind !== ")") throw badRequest("Parse error: missing closing parenthesis in query.");
        pos += 1;
        continue;
      }
      pos += 1;
      items.push({ kind: "term", term: parseTerm(token.text) });
    }
    if (items.length === 0) throw badRequest("Parse error: empty expression in query.");
    return items.length === 1 ? items[0]! : { kind: "and", items };
  };
  if (tokens.length === 0) return { kind: "and", items: [] };
  const expr = parseOr();
  if (pos < tokens.length) throw badRequest("Parse error: unbalanced parenthesis in query.");
  return expr;
}

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

function parseNumber(raw: string, type: FieldType, key: string): number {
  if (type === "date") {
    const t = Date.parse(raw);
    if (Number.isNaN(t)) throw badRequest(`Invalid date for ${key}: ${raw}`);
    return t;
  }
  const m = /^(-?\d+(?:\.\d+)?)([a-z]*)$/.exec(raw);
  const unit = m?.[2] ?? "";
  if (!m || (unit !== "" && (type !== "duration" || DURATION_UNITS_MS[unit] === undefined))) {
    throw badRequest(`Invalid number for ${key}: ${raw}`);
  }
  return Number(m[1]) * (unit ? DURATION_UNITS_MS[unit]! : 1);
}

function compare(a: number, comparison: Comparison, b: number): boolean {
  switch (comparison) {
    case "=":
      return a === b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
  }
}

type Predicate = (r: Row) => boolean;

function freeTextOf(dialect: Dialect): (r: Row) => string {
  switch (dialect) {
    case "spans":
      return (r) => (r as SpanRecord).description;
    case "transactions":
      return (r) => (r as SpanRecord).transaction;
    case "errors":
      return (r) => `${(r as ErrorRow).issue.spec.title}\n${(r as ErrorRow).issue.spec.message ?? ""}`;
    case "logs":
      return (r) => (r as LogRecord).message;
  }
}

export interface QueryScope {
  dialect: Dialect;
  /** Slugs of the projects the request selected: `project:` may only name these (Sentry answers 400 otherwise). */
  selectedSlugs: Set<string>;
}

function valueMatcher(column: Column, key: string, raw: string): (v: Value) => boolean {
  if (column.type === "boolean") {
    if (!/^(true|false|1|0)$/i.test(raw)) throw badRequest(`Invalid value for ${key}: ${raw} (expected true or false).`);
    const wanted = /^(true|1)$/i.test(raw);
    return (v) => v === wanted;
  }
  if (column.type === "duration" || column.type === "integer" || column.type === "number") {
    const n = parseNumber(raw, column.type, key);
    return (v) => v === n;
  }
  if (column.type === "date") {
    const t = parseNumber(raw, "date", key);
    return (v) => typeof v === "string" && Date.parse(v) === t;
  }
  if (raw === "") return (v) => v === null || v === "";
  if (raw.includes("*")) {
    const matches = wildcardMatcher(raw, SPAN_TEXT_MATCH);
    return (v) => typeof v === "string" && matches(v);
  }
  return (v) => v === raw;
}

function filterPredicate(term: Extract<Term, { kind: "filter" }>, scope: QueryScope): Predicate {
  if (scope.dialect === "logs" && term.key === "timestamp") {
    // Log queries take their time range from statsPeriod/start/end only (issue 17; not verified against Sentry's source).
    throw badRequest("Invalid query: timestamp cannot be filtered in a logs query; use statsPeriod or start and end.");
  }
  const column = requireColumn(scope.dialect, term.key);
  if (term.key === "project" || term.key === "project.name") {
    const unknown = term.values.filter((v) => !scope.selectedSlugs.has(v));
    if (unknown.length && !term.negated) {
      throw badRequest(`Invalid query. Project(s) ${unknown.join(", ")} do not exist or are not actively selected.`);
    }
  }
  let positive: Predicate;
  if (term.comparison !== "=") {
    if (term.values.length !== 1) throw badRequest(`Invalid query: ${term.key} cannot compare against a list.`);
    if (column.type === "string" || column.type === "boolean") throw badRequest(`Invalid query: ${term.key} is not a numeric field.`);
    const bound = parseNumber(term.values[0]!, column.type, term.key);
    const read = column.type === "date" ? (r: Row) => r.timestamp : (r: Row) => column.get(r) as number;
    positive = (r) => compare(read(r), term.comparison, bound);
  } else {
    const matchers = term.values.map((v) => valueMatcher(column, term.key, v));
    positive = matchers.length === 1 ? (r) => matchers[0]!(column.get(r)) : (r) => matchers.some((m) => m(column.get(r)));
  }
  return term.negated ? (r) => !positive(r) : positive;
}

function termPredicate(term: Term, scope: QueryScope): Predicate {
  switch (term.kind) {
    case "has": {
      const column = requireColumn(scope.dialect, term.key);
      const present: Predicate = (r) => {
        const v = column.get(r);
        return v !== null && v !== "";
      };
      return term.negated ? (r) => !present(r) : present;
    }
    case "text": {
      // Free text searches the span's description (spans), the transaction name (legacy), the error's title and
      // message (errors) or the log message (logs), as a substring.
      const matches = wildcardMatcher(`*${term.text}*`, SPAN_TEXT_MATCH);
      const read = freeTextOf(scope.dialect);
      return term.negated ? (r) => !matches(read(r)) : (r) => matches(read(r));
    }
    case "filter":
      return filterPredicate(term, scope);
  }
}

/** A condition on an aggregate (count():>10), checked per group after aggregation. */
interface HavingCondition {
  aggregator: Aggregator;
  test: (value: number | null) => boolean;
}

function isAggregateTerm(term: Term): boolean {
  return term.kind === "filter" && FUNCTION_PATTERN.test(term.key);
}

function containsAggregate(expr: Expr): boolean {
  return expr.kind === "term" ? isAggregateTerm(expr.term) : expr.items.some(containsAggregate);
}

function havingCondition(term: Extract<Term, { kind: "filter" }>, dialect: Dialect): HavingCondition {
  const call = parseFunctionCall(term.key)!;
  const aggregator = resolveFunction(dialect, call.name, call.args);
  if (term.values.length !== 1) throw badRequest(`Invalid query: ${term.key} cannot compare against a list.`);
  const bound = parseNumber(term.values[0]!, aggregator.type === "duration" ? "duration" : "number", term.key);
  return {
    aggregator,
    test: (value) => {
      const ok = value !== null && compare(value, term.comparison, bound);
      return term.negated ? !ok : ok;
    },
  };
}

/** Splits the query into a row predicate and the aggregate conditions (only allowed as top-level AND terms). */
export function compileQuery(expr: Expr, scope: QueryScope, aggregate: boolean): { predicate: Predicate; having: HavingCondition[] } {
  const having: HavingCondition[] = [];
  const compile = (e: Expr, topLevel: boolean): Predicate | null => {
    if (e.kind === "term") {
      if (isAggregateTerm(e.term)) {
        if (!aggregate) throw badRequest("Invalid query: aggregate conditions need at least one function in field.");
        if (!topLevel) throw badRequest("Having an OR between aggregate filters and normal filters is invalid.");
        having.push(havingCondition(e.term as Extract<Term, { kind: "filter" }>, scope.dialect));
        return null;
      }
      return termPredicate(e.term, scope);
    }
    if (e.kind === "or" && e.items.some(containsAggregate)) {
      throw badRequest("Having an OR between aggregate filters and normal filters is invalid.");
    }
    const parts = e.items.map((item) => compile(item, topLevel && e.kind === "and")).filter((p): p is Predicate => p !== null);
    if (parts.length === 0) return null;
    if (parts.length === 1) return parts[0]!;
    return e.kind === "and" ? (r) => parts.every((p) => p(r)) : (r) => parts.some((p) => p(r));
  };
  const predicate = compile(expr, true) ?? (() => true);
  return { predicate, having };
}

// ---------------------------------------------------------------------------------------------
// Sorting.

interface SortKey {
  field: string;
  descending: boolean;
}

function parseSorts(ctx: RequestContext, fields: readonly Field[]): SortKey[] {
  const raw = ctx.query.getAll("sort").filter((s) => s !== "");
  return raw.map((s) => {
    const descending = s.startsWith("-");
    const field = descending ? s.slice(1) : s;
    if (!fields.some((f) => f.key === field)) {
      // Sentry: the sort must be one of the requested fields (not an equation).
      throw badRequest(`orderby must also be in the selected columns or groupby: ${field}`);
    }
    return { field, descending };
  });
}

function compareValues(a: Value, b: Value): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/**
 * Stable sort by the requested keys; nulls go last whichever the direction, so "top N" lists never start empty.
 * Keys are read once per item rather than per comparison: sorting ~40k sample spans stays in the tens of ms.
 */
function sortBy<T>(items: T[], sorts: readonly SortKey[], read: (item: T, field: string) => Value): T[] {
  if (sorts.length === 0) return items;
  const decorated = items.map((item, index) => ({ item, index, keys: sorts.map((s) => read(item, s.field)) }));
  decorated.sort((x, y) => {
    for (let i = 0; i < sorts.length; i++) {
      const a = x.keys[i]!;
      const b = y.keys[i]!;
      if (a === b) continue;
      if (a === null) return 1;
      if (b === null) return -1;
      const c = compareValues(a, b);
      if (c !== 0) return sorts[i]!.descending ? -c : c;
    }
    return x.index - y.index;
  });
  return decorated.map((d) => d.item);
}

// ---------------------------------------------------------------------------------------------
// The endpoint.

export function resolveDataset(ctx: RequestContext): { dataset: string; dialect: Dialect } {
  // The schema marks dataset required, but the server falls back to discover when it is absent.
  const dataset = ctx.query.get("dataset") || "discover";
  const accepted = ctx.world.options.rejectSpansDataset ? PRE_EAP_DATASETS : CURRENT_DATASETS;
  if (!accepted.includes(dataset)) throw badRequest(`dataset must be one of: ${accepted.join(", ")}`);
  if (dataset === "spans") return { dataset, dialect: "spans" };
  if (LEGACY_TRANSACTION_DATASETS.has(dataset)) return { dataset, dialect: "transactions" };
  if (dataset === "errors") return { dataset, dialect: "errors" };
  // `ourlogs` is the deprecated name of the same dataset (docs/sentry-api.md §14).
  if (dataset === "logs" || dataset === "ourlogs") return { dataset, dialect: "logs" };
  throw badRequest(`The sandbox holds no ${dataset} data; it serves dataset=spans, errors, logs and the legacy dataset=transactions.`);
}

function resolveFields(ctx: RequestContext, dialect: Dialect): Field[] {
  const keys = [...ctx.query.getAll("field"), ...ctx.query.getAll("field[]")].filter((f) => f !== "");
  if (keys.length === 0) throw badRequest("No columns selected");
  if (keys.length > MAX_FIELDS) throw badRequest(`You can view up to ${MAX_FIELDS} fields at a time. Please delete some and try again.`);
  return keys.map((k) => resolveField(dialect, k));
}

/** Where each dialect's rows live: the spans world, or the errors and logs built on first use from the world. */
function sourceRows(ctx: RequestContext, dialect: Dialect): readonly Row[] {
  if (dialect === "errors") return errorsWorld(ctx.world).rows;
  if (dialect === "logs") return logsWorld(ctx.world).records;
  return ctx.world.spans.spans;
}

export function baseRows(
  ctx: RequestContext,
  projects: readonly Project[],
  dialect: Dialect,
  window: { start: number; end: number },
  predicate: Predicate,
): { rows: Row[]; scannedRows: number } {
  const projectIds = new Set(projects.map((p) => p.id));
  const environments = new Set([...ctx.query.getAll("environment"), ...ctx.query.getAll("environment[]")].filter((e) => e !== ""));
  const rows: Row[] = [];
  let scannedRows = 0;
  for (const r of sourceRows(ctx, dialect)) {
    if (r.timestamp < window.start || r.timestamp >= window.end) continue;
    if (!projectIds.has(r.projectId)) continue;
    if (dialect === "transactions" && !(r as SpanRecord).isTransaction) continue;
    scannedRows++;
    if (environments.size > 0 && !environments.has(r.environment)) continue;
    if (predicate(r)) rows.push(r);
  }
  return { rows, scannedRows };
}

function aggregateRows(
  rows: readonly Row[],
  fields: readonly Field[],
  having: readonly HavingCondition[],
  env: AggregateEnv,
): Array<Record<string, Value>> {
  const groupFields = fields.filter((f): f is ColumnField => f.kind === "column");
  const groups = new Map<string, Row[]>();
  if (groupFields.length === 0) {
    // A pure aggregate query answers one row even when nothing matched (count() = 0).
    groups.set("", [...rows]);
  } else {
    for (const r of rows) {
      const key = groupFields.map((f) => JSON.stringify(f.column.get(r))).join("\u0001");
      let members = groups.get(key);
      if (!members) groups.set(key, (members = []));
      members.push(r);
    }
  }
  const out: Array<Record<string, Value>> = [];
  for (const members of groups.values()) {
    if (!having.every((h) => h.test(h.aggregator.compute(members, env)))) continue;
    const row: Record<string, Value> = {};
    for (const f of fields) {
      row[f.key] = f.kind === "column" ? f.column.get(members[0]!) : f.aggregator.compute(members, env);
    }
    out.push(row);
  }
  return out;
}

function listEvents(ctx: RequestContext): Reply {
  const org = requireOrg(ctx);
  const { dataset, dialect } = resolveDataset(ctx);
  const fields = resolveFields(ctx, dialect);
  const aggregate = fields.some((f) => f.kind === "function");
  const sorts = parseSorts(ctx, fields);
  const projects = selectedProjects(ctx, org);
  const scope: QueryScope = { dialect, selectedSlugs: new Set(projects.map((p) => p.slug)) };
  const { predicate, having } = compileQuery(parseQuery(ctx.query.get("query") ?? ""), scope, aggregate);

  const window = timeWindow(ctx, DEFAULT_EVENTS_PERIOD);
  const env: AggregateEnv = {
    windowMinutes: (window.end - window.start) / MINUTE_MS,
    apdexThresholdMs: ctx.world.spans.apdexThresholdMs,
  };
  const { rows, scannedRows } = baseRows(ctx, projects, dialect, window, predicate);
  let page: Reply;
  if (aggregate) {
    const data = sortBy(aggregateRows(rows, fields, having, env), sorts, (row, field) => row[field] ?? null);
    page = paginate(ctx, data, PAGE_OPTIONS);
  } else {
    // Sample rows: sort the records and shape only the page, not every matching span.
    const columns = new Map(fields.map((f) => [f.key, (f as ColumnField).column]));
    // Dates sort by the stored time, not the second-precision text they answer with (two logs of one second keep their order).
    const sortValue = (r: Row, field: string): Value => (columns.get(field)!.type === "date" ? r.timestamp : columns.get(field)!.get(r));
    page = paginate(ctx, sortBy(rows, sorts, sortValue), PAGE_OPTIONS);
    page.body = (page.body as Row[]).map((r) => Object.fromEntries(fields.map((f) => [f.key, columns.get(f.key)!.get(r)])));
  }

  const meta = {
    fields: Object.fromEntries(fields.map((f) => [f.key, f.kind === "column" ? f.column.type : f.aggregator.type])),
    units: Object.fromEntries(fields.map((f) => [f.key, f.kind === "column" ? f.column.unit : f.aggregator.unit])),
    isMetricsData: false,
    isMetricsExtractedData: false,
    tips: {},
    datasetReason: "unchanged",
    dataset,
    dataScanned: "full",
    bytesScanned: scannedRows * BYTES_READ_PER_SCANNED_ROW,
  };
  // The events endpoint pages with an offset paginator that never counts hits, so Sentry sends no X-Hits here.
  const headers = { ...page.headers };
  delete headers["X-Hits"];
  delete headers["X-Max-Hits"];
  return { status: 200, body: { data: page.body, meta }, headers };
}

export const eventRoutes: RouteDef[] = [
  { method: "GET", pattern: "/organizations/:org/events/", scopes: ["org:read", "org:write", "org:admin"], handler: listEvents },
];
