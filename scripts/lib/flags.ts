// Typed flags: each constructor returns the flag's help-and-docs spec plus `read`, which turns the raw argv
// value into a checked, typed value (or throws UsageError naming the flag). A tool declares
// `flags: { sort: choice(SORTS, "date", …), period: period("14d", …) }`; the runner reads every flag before
// anything is sent and hands `run` (or `parse`, for checks across flags) values typed from the declaration.
// Each shared flag (--project, --environment, --period) has its one rule here.

import { UsageError } from "./errors.js";
import type { FlagSpec } from "./tool.js";
import { formatDuration, parseChoice, parseDuration, parseIntegerFlag, parseSlug, toStatsPeriod } from "./validate.js";

/** A flag's value as node:util parseArgs hands it over; undefined when the flag was not given. */
export type RawFlag = string | boolean | string[] | undefined;

export interface Flag<T> extends FlagSpec {
  /** Checks and converts the raw value; `name` is the flag's name without dashes, for messages. */
  read(raw: RawFlag, name: string): T;
}

/** The typed input a declaration's flags give. */
export type FlagInput<F> = { [K in keyof F]: F[K] extends Flag<infer T> ? T : never };

interface Described {
  help: string;
  /** Shown after the flag in help: --limit N, --period DURATION. */
  placeholder?: string;
}

/** parseArgs gives a string for a single-value string flag; anything else is a runner bug, not user input. */
function single(raw: RawFlag): string | undefined {
  return typeof raw === "string" ? raw : undefined;
}

function many(raw: RawFlag): string[] {
  return Array.isArray(raw) ? raw : typeof raw === "string" ? [raw] : [];
}

/** --flag with no value: true when given. */
export function bool(help: string): Flag<boolean> {
  return { type: "boolean", help, read: (raw) => raw === true };
}

interface TextOptions extends Described {
  /** The value must match this; otherwise `invalid --<flag> "<value>": <invalid>`. */
  pattern?: RegExp;
  invalid?: string;
}

/** A free or pattern-checked string; absent when not given. */
export function text(opts: TextOptions): Flag<string | undefined>;
/** A string with a default (shown in help), applied when the flag is not given. */
export function text(opts: TextOptions & { default: string }): Flag<string>;
export function text(opts: TextOptions & { default?: string }): Flag<string | undefined> {
  const { pattern, invalid, ...spec } = opts;
  return {
    type: "string",
    ...spec,
    read(raw, name) {
      const value = single(raw) ?? opts.default;
      if (value !== undefined && pattern && !pattern.test(value)) {
        throw new UsageError(`invalid --${name} ${JSON.stringify(value)}${invalid ? `: ${invalid}` : ""}`);
      }
      return value;
    },
  };
}

/**
 * A string the tool's own parser checks and converts (a release version, REPO@SHA); absent when not given.
 * `parse` throws UsageError with the message the user sees.
 */
export function value<T>(opts: Described, parse: (value: string, flag: string) => T): Flag<T | undefined>;
/** The same with a default (shown in help), parsed like a given value when the flag is absent. */
export function value<T>(opts: Described & { default: string }, parse: (value: string, flag: string) => T): Flag<T>;
export function value<T>(opts: Described & { default?: string }, parse: (value: string, flag: string) => T): Flag<T | undefined> {
  return {
    type: "string",
    ...opts,
    read(raw, name) {
      const given = single(raw) ?? opts.default;
      return given === undefined ? undefined : parse(given, `--${name}`);
    },
  };
}

/** The repeatable form of `value`: each given string parsed in turn; empty when the flag is not given. */
export function repeated<T>(opts: Described, parse: (value: string, flag: string) => T): Flag<T[]> {
  return { type: "string", multiple: true, ...opts, read: (raw, name) => many(raw).map((given) => parse(given, `--${name}`)) };
}

interface IntOptions extends Described {
  min: number;
  max: number;
}

/** A whole number within [min, max]; absent when not given. */
export function int(opts: IntOptions): Flag<number | undefined>;
export function int(opts: IntOptions & { default: number }): Flag<number>;
export function int(opts: IntOptions & { default?: number }): Flag<number | undefined> {
  const { min, max, default: fallback, ...spec } = opts;
  return {
    type: "string",
    placeholder: "N",
    ...spec,
    ...(fallback !== undefined ? { default: String(fallback) } : {}),
    read(raw, name) {
      const value = single(raw);
      return value === undefined ? fallback : parseIntegerFlag(value, name, min, max);
    },
  };
}

/** One of a fixed set of words (--sort, --type): `choice(["date", "new"] as const, "date", …)`. */
export function choice<const C extends readonly string[]>(choices: C, fallback: C[number], opts: Described): Flag<C[number]> {
  return {
    type: "string",
    placeholder: "ORDER",
    ...opts,
    default: fallback,
    read: (raw, name) => parseChoice(single(raw), name, choices, fallback),
  };
}

interface DurationOptions extends Described {
  /** Sentry's ignore windows are whole minutes: "90s" is refused. */
  wholeMinutes?: boolean;
  /** Longest accepted, in seconds, and how the refusal names it ("7d (Sentry's limit)"). */
  max?: { seconds: number; label: string };
}

/** A duration (30m, 2h, 7d, 1w) in seconds; absent when not given. */
export function duration(opts: DurationOptions): Flag<number | undefined> {
  const { wholeMinutes, max, ...spec } = opts;
  return {
    type: "string",
    placeholder: "DURATION",
    ...spec,
    read(raw, name) {
      const value = single(raw);
      if (value === undefined) return undefined;
      const seconds = parseDuration(value, `--${name}`);
      if (wholeMinutes && seconds % 60 !== 0) throw new UsageError(`--${name} must be whole minutes, got ${JSON.stringify(value)}`);
      if (max && seconds > max.seconds) throw new UsageError(`--${name} is at most ${max.label}, got ${value}`);
      return seconds;
    },
  };
}

/** Sentry keeps events, spans and transactions 90 days on its longest plans; a longer window is refused or empty. */
export const MAX_PERIOD_SECONDS = 90 * 86_400;
const MAX_PERIOD_LABEL = formatDuration(MAX_PERIOD_SECONDS);

/** A search window ending now. */
export interface Period {
  seconds: number;
  /** As the API's statsPeriod: "1d", "14d" (weeks become days). */
  statsPeriod: string;
  /** As the user wrote it, for headers and hints: "24h", "2w". */
  label: string;
}

/** A duration up to what Sentry keeps, as a search window. */
export function parseSearchPeriod(raw: string, flag = "--period"): number {
  const seconds = parseDuration(raw, flag);
  if (seconds > MAX_PERIOD_SECONDS) throw new UsageError(`${flag} ${raw.trim()} is longer than Sentry keeps data (${MAX_PERIOD_LABEL})`);
  return seconds;
}

/** --period: a search window up to 90 days, `fallback` when not given. */
export function period(fallback: string, help = `Time window ending now: 30m, 24h, 7d, 2w (max ${MAX_PERIOD_LABEL})`): Flag<Period> {
  return {
    type: "string",
    placeholder: "DURATION",
    help,
    default: fallback,
    read(raw, name) {
      const label = (single(raw) ?? fallback).trim();
      const seconds = parseSearchPeriod(label, `--${name}`);
      return { seconds, statsPeriod: toStatsPeriod(seconds), label };
    },
  };
}

/** --project, repeatable: each a valid slug (trimmed), repeats dropped; empty when not given. */
export function projects(help = "Only this project (repeatable; default SENTRY_PROJECT or .sentryclirc; --all-projects for every project)"): Flag<string[]> {
  return {
    type: "string",
    multiple: true,
    placeholder: "SLUG",
    help,
    read: (raw) => [...new Set(many(raw).map((p) => parseSlug(p, "project")))],
  };
}

/** --project for tools about one project: the same rule, one value. */
export function project(help: string): Flag<string | undefined> {
  return value({ placeholder: "SLUG", help }, (slug) => parseSlug(slug, "project"));
}

/** Sentry's environment names: at most 64 characters, no newlines or slashes (models/environment.py). */
const ENVIRONMENT_NAME = /^[^\n\r\f\t\v/]{1,64}$/;

function environmentName(raw: string): string {
  const name = raw.trim();
  if (!ENVIRONMENT_NAME.test(name)) {
    throw new UsageError(`invalid --environment ${JSON.stringify(raw)}: use the name as Sentry shows it (up to 64 characters, no slashes or newlines), e.g. production`);
  }
  return name;
}

/** --environment, repeatable: each a valid environment name (trimmed), repeats dropped. */
export function environments(help: string): Flag<string[]> {
  return { type: "string", multiple: true, placeholder: "NAME", help, read: (raw) => [...new Set(many(raw).map(environmentName))] };
}

/** --environment for searches that take one: the same rule, one value. */
export function environment(help = "Only this environment (e.g. production)"): Flag<string | undefined> {
  return value({ placeholder: "NAME", help }, environmentName);
}
