// Time arithmetic for the seeded world: everything is epoch milliseconds relative to `world.now`, and Sentry
// sends every timestamp as an ISO 8601 string.

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const WEEK = 7 * DAY;

/** An epoch-millisecond time as Sentry's serializers write it (`2026-03-20T12:00:00.000Z`). */
export const iso = (ms: number): string => new Date(ms).toISOString();

/** The unit letters of Sentry's durations: `statsPeriod=14d`, `firstSeen:-24h`, `30m`, `2w`. */
export const DURATION_UNITS: Readonly<Record<string, number>> = { s: SECOND, m: MINUTE, h: HOUR, d: DAY, w: WEEK };

/**
 * The seeded world's own hour of day (0 ≤ h < 24) at time `t`: its "now" is always mid-afternoon, whatever the
 * real clock says, so day/night traffic curves are offsets from `now` and the world is the same at any start time.
 */
export const WORLD_HOUR_AT_NOW = 15;
export function worldHourOfDay(t: number, now: number): number {
  const hours = (t - now) / HOUR + WORLD_HOUR_AT_NOW;
  return ((hours % 24) + 24) % 24;
}

/** The world's own weekday (0 Sunday … 6 Saturday) at time `t`: "now" is always a Wednesday afternoon. */
export const WORLD_WEEKDAY_AT_NOW = 3;
export function worldWeekday(t: number, now: number): number {
  const days = Math.floor((t - now) / DAY + WORLD_HOUR_AT_NOW / 24) + WORLD_WEEKDAY_AT_NOW;
  return ((days % 7) + 7) % 7;
}
