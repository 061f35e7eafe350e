// The instant the tools (and the sandbox's --now) take "now" to be: the wall clock, or a fixed instant given as
// ISO 8601 or epoch milliseconds, so output against a fixed-clock sandbox is reproducible.

import { UsageError } from "./errors.js";

/** The variable that fixes the tools' clock; the sandbox prints it when started with --now. */
export const NOW_VARIABLE = "SENTRY_MONITORING_NOW";

/**
 * A full date, optionally with a time that then names its offset (Z or ±hh:mm): a local time would make the
 * same value mean another instant on another machine, which is what a fixed clock is there to avoid.
 */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2}))?$/;
const EPOCH_MS = /^\d{1,15}$/;

/** Epoch milliseconds of an ISO 8601 instant or an epoch-milliseconds integer; undefined when it is neither. */
export function parseInstant(raw: string): number | undefined {
  const value = raw.trim();
  if (EPOCH_MS.test(value)) return Number(value);
  if (!ISO_INSTANT.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The tools' "now": SENTRY_MONITORING_NOW when set (a usage error when it is not an instant), else the wall clock. */
export function toolNow(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[NOW_VARIABLE];
  if (raw === undefined || raw === "") return Date.now();
  const ms = parseInstant(raw);
  if (ms === undefined) {
    throw new UsageError(
      `${NOW_VARIABLE}=${JSON.stringify(raw.slice(0, 40))} is not an instant`,
      `use ISO 8601 with an offset (2026-03-15T12:00:00Z) or epoch milliseconds, or unset ${NOW_VARIABLE} for the real clock`,
    );
  }
  return ms;
}
