// What the three performance tools share besides the API and the project scope (lib/projects.ts): the --period
// and --environment flags, the "where we looked" phrase of their headers, and numbers in fixed units so rows
// and tools compare.

import { environment, period, type Period } from "./flags.js";
import { shellQuote } from "./output.js";
import { projectFlagsText, scopeLabel, type ProjectScope } from "./projects.js";
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

/** The flags that reproduce a scope, for next-command hints: ` --project api-backend --period 7d`. */
export function scopeFlags(projects: readonly string[], environment: string | undefined, period: Period): string {
  return [
    projectFlagsText(projects),
    environment ? ` --environment ${shellQuote(environment)}` : "",
    period.seconds !== parseDuration(DEFAULT_PERIOD) ? ` --period ${period.label}` : "",
  ].join("");
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
