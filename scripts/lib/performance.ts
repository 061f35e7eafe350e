// What the three performance tools share besides the API and the project scope (lib/projects.ts): the --period
// and --environment flags, the "where we looked" phrase of their headers, and numbers in fixed units so rows
// and tools compare.

import { UnexpectedAnswerError } from "./errors.js";
import { environment, period, type Period } from "./flags.js";
import { commandLine } from "./output.js";
import { scopeLabel, type ProjectScope } from "./projects.js";
import { cleanText } from "./text.js";
import { parseDuration } from "./validate.js";

export type { Period };
export const DEFAULT_PERIOD = "24h";

/** --period and --environment as the three performance tools declare them (one rule each, in lib/flags.ts). */
export const PERIOD_FLAG = period(DEFAULT_PERIOD);
export const ENVIRONMENT_FLAG = environment();

/** "api-backend (production) over 24h", "all projects over 7d", "web-frontend (from SENTRY_PROJECT; --all-projects for all) over 24h". */
export function scopePhrase(scope: ProjectScope, environment: string | undefined, period: Period): string {
  return `${scopeLabel(scope, [environment])} over ${period.label}`;
}

/**
 * The arguments that reproduce a run's scope in a suggested command: its projects, or --all-projects (without
 * it, SENTRY_PROJECT would narrow the next run to a project the answer did not come from), its environment and
 * its period.
 */
export function runScopeArgs(projects: readonly string[], environment: string | undefined, period: Period): string[] {
  const args = projects.length ? projects.flatMap((p) => ["--project", p]) : ["--all-projects"];
  if (environment) args.push("--environment", environment);
  if (period.seconds !== parseDuration(DEFAULT_PERIOD)) args.push("--period", period.label);
  return args;
}

/** Transaction names are free text but bounded in Sentry (the event's `transaction` tag is capped at 200). */
export const MAX_TRANSACTION_NAME = 200;
const PROJECT_SLUG = /^[a-z0-9_-]{1,100}$/;

/** A transaction name as transaction-summary and slow-queries --transaction accept it: one line, 1–200 characters. */
export function isTransactionName(value: unknown): value is string {
  return typeof value === "string" && value.trim() === value && value.length > 0 && value.length <= MAX_TRANSACTION_NAME && cleanText(value) === value;
}

/** A project slug from a server answer, checked like --project before it goes into a suggested command. */
export function isProjectSlug(value: unknown): value is string {
  return typeof value === "string" && PROJECT_SLUG.test(value);
}

/**
 * A next step naming one transaction, in the scope of the run (or the transaction's own project), or null when
 * the server's name or project would not pass the tool's own checks: a suggestion must never exit 2.
 */
export function summaryCommand(transaction: unknown, projects: readonly unknown[], environment: string | undefined, period: Period): string | null {
  if (!isTransactionName(transaction) || !projects.every(isProjectSlug)) return null;
  return commandLine("transaction-summary", [transaction, ...runScopeArgs(projects as string[], environment, period)]);
}

/** The same for slow-queries --transaction. */
export function queriesCommand(transaction: string, projects: readonly string[], environment: string | undefined, period: Period): string | null {
  if (!isTransactionName(transaction) || !projects.every(isProjectSlug)) return null;
  return commandLine("slow-queries", ["--transaction", transaction, ...runScopeArgs(projects, environment, period)]);
}

/**
 * A duration for text: milliseconds up to 10 s, where rows compare digit for digit; beyond, seconds, minutes
 * or hours (a total of 8639519ms reads as 2.4h).
 */
export function duration(ms: number | null): string {
  if (ms === null) return "-";
  if (ms < 10_000) return `${Math.round(ms)}ms`;
  const seconds = ms / 1000;
  if (seconds < 120) return `${seconds.toFixed(1)}s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)}min`;
  return `${(seconds / 3600).toFixed(1)}h`;
}

/** Milliseconds without the unit, for columns whose header names it: 12.3 → "12". */
export function msNumber(ms: number | null): string {
  return ms === null ? "-" : String(Math.round(ms));
}

/**
 * A server that knows the field names but computes none of them answers rows whose aggregates are all null:
 * a table of "-" that suggests commands that find nothing. Detected and said, naming what is missing.
 */
export function requireValues(rows: ReadonlyArray<Record<string, unknown>>, fields: readonly string[], what: string): void {
  if (rows.length === 0) return;
  const empty = fields.filter((f) => rows.every((row) => row[f] === null));
  if (empty.length) {
    throw new UnexpectedAnswerError(`${what}: every row came without ${empty.map((f) => JSON.stringify(f)).join(", ")}; this server does not compute ${empty.length === 1 ? "it" : "them"}`);
  }
}

/** A rate per minute with three significant digits, so quiet endpoints still show: 0.0139/min, 2.31/min, 146/min. */
export function perMinute(rate: number | null): string {
  if (rate === null) return "-";
  return `${rate >= 100 ? rate.toFixed(0) : String(Number(rate.toPrecision(3)))}/min`;
}

/** Apdex and user misery are scores from 0 to 1: two decimals. */
export function score(value: number | null): string {
  return value === null ? "-" : value.toFixed(2);
}


/** Milliseconds in JSON: to 0.1 ms, so aggregates do not leak float noise (873.1579999999999 → 873.2). */
const MS_DECIMALS = 1;
/** Fractions, scores and rates in JSON: 4 decimals (0.01%-steps for a failure rate). */
const FRACTION_DECIMALS = 4;

function roundTo(value: number | null, decimals: number): number | null {
  if (value === null) return null;
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}

/** A duration for JSON output: 873.1579999999999 → 873.2. */
export function roundMs(ms: number | null): number | null {
  return roundTo(ms, MS_DECIMALS);
}

/** A fraction, score or per-minute rate for JSON output: 0.123456 → 0.1235. */
export function roundFraction(value: number | null): number | null {
  return roundTo(value, FRACTION_DECIMALS);
}
