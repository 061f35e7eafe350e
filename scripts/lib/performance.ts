// What the three performance tools share besides the API: the --period, --project and --environment flags,
// the "where we looked" phrase of their headers, and numbers in fixed units so rows and tools compare.

import type { Config } from "./config.js";
import { UsageError } from "./errors.js";
import { shellQuote } from "./output.js";
import type { FlagSpec, FlagValues } from "./tool.js";
import { parseDuration, toStatsPeriod } from "./validate.js";

export const DEFAULT_PERIOD = "24h";
/** Sentry keeps spans and transactions for 90 days at most; a longer window only adds empty time. */
const MAX_PERIOD_SECONDS = 90 * 86_400;
/** Sentry's environment names: at most 64 characters, no newlines or slashes (models/environment.py). */
const ENVIRONMENT_NAME = /^[^\n\r\f/]{1,64}$/;

export const PERIOD_FLAG: FlagSpec = {
  type: "string",
  placeholder: "DURATION",
  help: "Time window ending now: 30m, 24h, 7d, 2w (max 90d)",
  default: DEFAULT_PERIOD,
};
export const PROJECT_FLAG: FlagSpec = {
  type: "string",
  placeholder: "SLUG",
  help: "Only this project (default: SENTRY_PROJECT or .sentryclirc, else every project)",
};
export const ALL_PROJECTS_FLAG: FlagSpec = { type: "boolean", help: "Every project, even when SENTRY_PROJECT or .sentryclirc names one" };
export const ENVIRONMENT_FLAG: FlagSpec = { type: "string", placeholder: "NAME", help: "Only this environment (e.g. production)" };

export interface Period {
  seconds: number;
  /** As the API's statsPeriod: "1d", "14d" (weeks become days). */
  statsPeriod: string;
  /** As the user wrote it, for headers and hints: "24h", "2w". */
  label: string;
}

export function parsePeriodFlag(flags: FlagValues): Period {
  const raw = typeof flags.period === "string" ? flags.period : DEFAULT_PERIOD;
  const seconds = parseDuration(raw, "--period");
  if (seconds > MAX_PERIOD_SECONDS) throw new UsageError(`--period ${raw} is longer than 90d, the most Sentry keeps performance data for`);
  return { seconds, statsPeriod: toStatsPeriod(seconds), label: raw.trim() };
}

export function parseEnvironmentFlag(flags: FlagValues): string | undefined {
  const raw = flags.environment;
  if (typeof raw !== "string") return undefined;
  if (!ENVIRONMENT_NAME.test(raw)) throw new UsageError(`invalid --environment ${JSON.stringify(raw)}: up to 64 characters, no slashes or newlines`);
  return raw;
}

/** Which project a tool looks at: the configured one (--project, SENTRY_PROJECT, .sentryclirc), or all. */
export interface ProjectScope {
  project?: string;
  /** Where a default project came from when --project did not name it, so the header can say how to widen. */
  defaultedFrom?: string;
}

export function parseAllProjectsFlag(flags: FlagValues): boolean {
  const all = flags["all-projects"] === true;
  if (all && typeof flags.project === "string") throw new UsageError("--all-projects and --project do not go together");
  return all;
}

export function projectScope(allProjects: boolean, config: Config): ProjectScope {
  if (allProjects || !config.project) return {};
  return { project: config.project, defaultedFrom: config.projectSource === "--project" ? undefined : config.projectSource };
}

/** "api-backend (production) over 24h", "all projects over 7d", "web-frontend (from SENTRY_PROJECT; --all-projects for all) over 24h". */
export function scopePhrase(scope: ProjectScope, environment: string | undefined, period: Period): string {
  const notes = [environment, scope.defaultedFrom ? `from ${scope.defaultedFrom}; --all-projects for all` : undefined].filter(Boolean);
  return `${scope.project ?? "all projects"}${notes.length ? ` (${notes.join(", ")})` : ""} over ${period.label}`;
}

/** The flags that reproduce a scope, for next-command hints: ` --project api-backend --period 7d`. */
export function scopeFlags(project: string | undefined, environment: string | undefined, period: Period): string {
  return [
    project ? ` --project ${project}` : "",
    environment ? ` --environment ${shellQuote(environment)}` : "",
    period.seconds !== parseDuration(DEFAULT_PERIOD) ? ` --period ${period.label}` : "",
  ].join("");
}

/** A rate per minute with three significant digits, so quiet endpoints still show: 0.0139/min, 2.31/min, 146/min. */
export function perMinute(rate: number | null): string {
  if (rate === null) return "-";
  return `${rate >= 100 ? rate.toFixed(0) : String(Number(rate.toPrecision(3)))}/min`;
}

/** A long total in seconds with one decimal: 95234 ms → "95.2s". */
export function secondsText(ms: number | null): string {
  return ms === null ? "-" : `${(ms / 1000).toFixed(1)}s`;
}

/** Apdex and user misery are scores from 0 to 1: two decimals. */
export function score(value: number | null): string {
  return value === null ? "-" : value.toFixed(2);
}

