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
