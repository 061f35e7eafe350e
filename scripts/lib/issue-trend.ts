// The trend column of list-issues: how an issue's event rate changed over the period searched, from the stats
// timeline Sentry attaches to each issue of a search (groupStatsPeriod).

import { isFlatChange } from "./output.js";
import type { RawIssue } from "./sentry/issues.js";

const HOUR_S = 3600;
const DAY_S = 86_400;

/**
 * The stats timelines the issue list can attach (groupStatsPeriod, docs/sentry-api.md §1): hourly buckets over 24h or
 * daily buckets over 14d. Each bucket is [start in unix seconds, events]; the newest is the current, partial one.
 */
export interface StatsTimeline {
  key: "24h" | "14d";
  bucketSeconds: number;
  spanSeconds: number;
}
export const HOURLY: StatsTimeline = { key: "24h", bucketSeconds: HOUR_S, spanSeconds: DAY_S };
export const DAILY: StatsTimeline = { key: "14d", bucketSeconds: DAY_S, spanSeconds: 14 * DAY_S };
/** Two buckets at least: one for each half of the trend. */
const MIN_TREND_BUCKETS = 2;
/** The current bucket stands alone once this share of it has elapsed; before, it is merged into the one before it. */
const MIN_PARTIAL_SHARE = 0.5;
/** A current bucket counts as at least this old, so its rate never divides by zero. */
const MIN_ELAPSED_MS = 1000;

/**
 * The change over the period, from the issue's stats timeline: the event rate of the later half of the buckets
 * the period covers against the earlier half (with an odd count the middle bucket sits out, so both halves span
 * equal time). Bucket timestamps are bucket starts and the newest bucket is the current one, partly elapsed: its
 * rate is its count over the time elapsed, since comparing its raw count with full buckets would read every
 * issue as falling (-100% at --period 1h). Until half of it has elapsed its count is too thin to scale on its
 * own, so it counts together with the bucket before it. "new" means first seen since the first bucket used, so
 * the label always describes the window measured (a 90d search has 14 daily buckets).
 */
export function trend(issue: RawIssue, periodSeconds: number, timeline: StatsTimeline, now: number): string {
  const firstSeen = issue.firstSeen ? Date.parse(issue.firstSeen) : Number.NaN;
  const size = timeline.bucketSeconds * 1000;
  const buckets = (issue.stats?.[timeline.key] ?? [])
    .map(([t, n]) => ({ start: Number(t) * 1000, count: Number(n) || 0, duration: size }))
    .filter((b) => Number.isFinite(b.start))
    .sort((a, b) => a.start - b.start);
  if (buckets.length < MIN_TREND_BUCKETS) return firstSeen >= now - periodSeconds * 1000 ? "new" : "-";
  const newest = buckets[buckets.length - 1]!;
  // The server's clock is inside its newest bucket; a client clock outside it (skew) is pulled into it.
  newest.duration = Math.min(Math.max(now - newest.start, MIN_ELAPSED_MS), size);
  if (newest.duration < size * MIN_PARTIAL_SHARE && buckets.length > MIN_TREND_BUCKETS) {
    buckets.pop();
    const previous = buckets[buckets.length - 1]!;
    previous.count += newest.count;
    previous.duration += newest.duration;
  }
  const covered = Math.min(buckets.length, Math.max(MIN_TREND_BUCKETS, Math.ceil(periodSeconds / timeline.bucketSeconds)));
  const window = buckets.slice(-covered);
  if (firstSeen >= window[0]!.start) return "new";
  const half = Math.floor(window.length / 2);
  const rate = (part: typeof window): number => part.reduce((n, b) => n + b.count, 0) / part.reduce((t, b) => t + b.duration, 0);
  const before = rate(window.slice(0, half));
  const after = rate(window.slice(window.length - half));
  if (before === 0 && after === 0) return "quiet";
  if (before === 0) return "from 0";
  const change = after / before - 1;
  if (isFlatChange(change)) return "flat";
  return `${change > 0 ? "+" : ""}${Math.round(change * 100)}%`;
}

