// Seeded issues data for the sandbox (list-issues, issue-details, resolve-issue, ignore-issue): issues with
// statuses, trends and stats that agree with their counts, assignees, releases, activity and merged-issue
// redirects. Events and tag summaries are built lazily per issue (seed/issue-events.ts) from their own
// random stream, so a 10k-issue world still starts in seconds and every answer stays deterministic.

import type { Member, Project, ReleaseStub, World } from "../types.js";
import { EVENT_PLATFORM, familyOf, issueCatalogue, type IssueSpec, type Level } from "./issue-catalog.js";
import { rngFor, type Rng } from "./rng.js";
import { DAY, HOUR, iso, MINUTE, worldHourOfDay } from "../time.js";

/** Issues older than this leave the "new" substatus for "ongoing" (sentry/issues/ongoing.py TRANSITION_AFTER_DAYS). */
export const NEW_ISSUE_DAYS = 7;
/**
 * The seeded event series of an issue, relative to world.now: events per hour of the last day and per day of
 * the 30 days before it. Sentry's answer buckets are aligned to the hour or the UTC day, which depends on where
 * `now` falls; the seed is not, so the world is the same at any start time and only its answers are bucketed.
 */
export const LAST_DAY_HOURS = 24;
export const EARLIER_DAYS = 30;
/** Daily buckets the "30d" stats answer with (the "14d" ones are their tail). */
export const DAILY_BUCKETS = 30;
/** Oldest first-seen time of a seeded issue. */
const MAX_ISSUE_AGE_DAYS = 90;

/** How many issues each platform family gets in the first organization (capped by its catalogue). */
const FIRST_ORG_ISSUES: Record<string, number> = { javascript: 48, python: 46, cocoa: 30, node: 28 };
/** The second organization is a smaller side world: a few issues per project. */
const OTHER_ORG_ISSUES_PER_PROJECT = 8;
/** Successors that absorbed an older issue through a merge (GET on the old ID answers with the successor). */
const MERGED_ISSUES = 3;

/** Sentry's Crockford-style alphabet for short IDs (sentry/utils/numbers.py BASE32_ALPHABET). */
const SHORT_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/** Group IDs of a SaaS org today are around six billion; ours ascend with first-seen time from here. */
const FIRST_GROUP_ID = 6_012_000_000;

export type IssueStatus = "unresolved" | "resolved" | "ignored" | "pending_deletion";
export type Substatus =
  | "new"
  | "ongoing"
  | "regressed"
  | "escalating"
  | "archived_until_escalating"
  | "archived_until_condition_met"
  | "archived_forever";
export type Priority = "high" | "medium" | "low";
/** The shape of an issue's event rate over its life, which its stats and trend show. */
export type Trend = "new" | "steady" | "rising" | "falling" | "spike" | "regressed";

export type ResolutionKind =
  | { kind: "now" }
  | { kind: "inRelease"; version: string }
  | { kind: "inNextRelease" }
  | { kind: "inCommit"; commit: string; repository: string };
export type Resolution = ResolutionKind & { actorId: string | null; at: number };

/** GroupSnooze: the condition an "archived until condition met" issue waits for. Windows are minutes. */
export interface Snooze {
  until: number | null;
  count: number | null;
  window: number | null;
  userCount: number | null;
  userWindow: number | null;
  actorId: string | null;
}

export interface ActorRef {
  type: "user" | "team";
  id: string;
}

export interface ActivityEntry {
  id: string;
  type: string;
  userId: string | null;
  data: Record<string, unknown>;
  at: number;
}

/** GroupInbox reasons (sentry/models/groupinbox.py GroupInboxReason). */
export const INBOX_REASON = { new: 0, unignored: 1, regression: 2, manual: 3, escalating: 5, ongoing: 6 } as const;

export interface Issue {
  id: string;
  shortId: string;
  orgSlug: string;
  projectId: string;
  spec: IssueSpec;
  level: Level;
  /** Event platform of the issue ("javascript", "python", "node", "cocoa"). */
  platform: string;
  status: IssueStatus;
  substatus: Substatus | null;
  resolution: Resolution | null;
  snooze: Snooze | null;
  priority: Priority;
  priorityLockedAt: number | null;
  count: number;
  userCount: number;
  firstSeen: number;
  lastSeen: number;
  trend: Trend;
  /** Events per hour of the last day, oldest first, the last ending at world.now (LAST_DAY_HOURS of them). */
  lastDay: number[];
  /** Events per day of the EARLIER_DAYS days before that, oldest first. Older events are `count` minus both sums. */
  earlierDays: number[];
  assignee: ActorRef | null;
  firstRelease: string | null;
  lastRelease: string | null;
  environments: string[];
  isUnhandled: boolean;
  numComments: number;
  isBookmarked: boolean;
  hasSeen: boolean;
  isSubscribed: boolean;
  shareId: string | null;
  inbox: { reason: number; at: number } | null;
  /** Newest last. */
  activity: ActivityEntry[];
  seenBy: Array<{ memberId: string; at: number }>;
  userReportCount: number;
  /** IDs of issues merged into this one. */
  mergedIds: string[];
}

export interface IssuesWorld {
  /** Every issue, including those pending deletion (served as 404, never listed). */
  issues: Issue[];
  byId: Map<string, Issue>;
  /** Upper-cased short ID → issue. */
  byShortId: Map<string, Issue>;
  /** Merged-away numeric or short ID (upper-cased) → successor issue ID (GroupRedirect). */
  redirects: Map<string, string>;
  /** Issue IDs changed by writes since start (what --state FILE persists). */
  dirty: Set<string>;
  nextActivityId: number;
}

// This category's part of the world (types.ts leaves it to each seed module, so types flow one way).
declare module "../types.js" {
  interface World {
    issues: IssuesWorld;
  }
}

/** Base32 of a per-project counter, as Sentry renders short IDs ("WEB-FRONTEND-1A"). */
export function encodeShortIdNumber(n: number): string {
  let out = "";
  let rest = n;
  do {
    out = SHORT_ID_ALPHABET[rest % 32]! + out;
    rest = Math.floor(rest / 32);
  } while (rest > 0);
  return out;
}

/** Hour- and day-aligned starts of the stats buckets, oldest first (Sentry rounds buckets to the rollup). */
export function bucketStarts(now: number, size: number, count: number): number[] {
  const last = Math.floor(now / size) * size;
  return Array.from({ length: count }, (_, i) => last - (count - 1 - i) * size);
}

type SeriesOf = Pick<Issue, "count" | "firstSeen" | "lastSeen" | "lastDay" | "earlierDays">;

/**
 * Events of the issue before time `t` (fractional inside a stretch of the series). A stretch's events sit one at
 * the issue's first and last event when those fall inside it, the rest spread evenly over its active part; so
 * any bucket holding the first or the last event counts at least one, and no window counts more than the lifetime.
 */
export function eventsBefore(issue: SeriesOf, now: number, t: number): number {
  const { firstSeen, lastSeen, lastDay, earlierDays } = issue;
  const seriesStart = now - DAY - earlierDays.length * DAY;
  /** Events of the stretch [from, to) holding `n` that are before t (t inside it). */
  const partial = (from: number, to: number, n: number): number => {
    let points = 0;
    let pointsBefore = 0;
    for (const p of firstSeen === lastSeen ? [firstSeen] : [firstSeen, lastSeen]) {
      if (p < from || p >= to || points >= n) continue;
      points += 1;
      if (p < t) pointsBefore += 1;
    }
    const a = Math.max(from, firstSeen);
    const b = Math.min(to, lastSeen + 1);
    const share = b <= a ? 0 : Math.min(1, Math.max(0, (t - a) / (b - a)));
    return pointsBefore + (n - points) * share;
  };
  let inSeries = 0;
  for (const n of earlierDays) inSeries += n;
  for (const n of lastDay) inSeries += n;
  const older = issue.count - inSeries;
  if (t <= Math.min(firstSeen, seriesStart)) return 0;
  if (t < seriesStart) return older > 0 ? partial(Math.min(firstSeen, seriesStart), seriesStart, older) : 0;
  let before = Math.max(0, older);
  for (let i = 0; i < earlierDays.length + lastDay.length; i++) {
    const daily = i < earlierDays.length;
    const from = daily ? seriesStart + i * DAY : now - DAY + (i - earlierDays.length) * HOUR;
    const to = from + (daily ? DAY : HOUR);
    const n = daily ? earlierDays[i]! : lastDay[i - earlierDays.length]!;
    if (t <= from) break;
    before += t >= to ? n : n > 0 ? partial(from, to, n) : 0;
  }
  return before;
}

/**
 * Whole events per aligned bucket [start, start + size) of consecutive starts (bucketStarts): differences of the
 * rounded running count, so buckets are integers that add up to the events of the range they cover.
 */
export function eventsPerBucket(issue: SeriesOf, now: number, starts: readonly number[], size: number): number[] {
  const runningCount = (t: number): number => Math.round(eventsBefore(issue, now, Math.min(t, now + 1)));
  let previous = starts.length > 0 ? runningCount(starts[0]!) : 0;
  return starts.map((start) => {
    const next = runningCount(start + size);
    const events = next - previous;
    previous = next;
    return events;
  });
}

// ------------------------------------------------------------------------------------------------
// States: what the seed deals to issues, so every status, substatus and resolution kind appears
// ------------------------------------------------------------------------------------------------

type State =
  | "new"
  | "ongoing"
  | "stale"
  | "regressed"
  | "escalating"
  | "resolved_now"
  | "resolved_in_release"
  | "resolved_next_release"
  | "ignored_escalating"
  | "ignored_forever"
  | "ignored_count"
  | "ignored_duration"
  | "ignored_users";

/** Proportions in the first organization; every state gets at least one issue. */
const STATE_WEIGHTS: ReadonlyArray<readonly [State, number]> = [
  ["new", 15],
  ["ongoing", 30],
  ["stale", 8],
  ["regressed", 7],
  ["escalating", 5],
  ["resolved_now", 9],
  ["resolved_in_release", 6],
  ["resolved_next_release", 3],
  ["ignored_escalating", 7],
  ["ignored_forever", 4],
  ["ignored_count", 3],
  ["ignored_duration", 2],
  ["ignored_users", 1],
];

/** A deck of `n` states in the given proportions (largest remainder, each state at least once when n allows). */
function stateDeck(rng: Rng, n: number): State[] {
  const total = STATE_WEIGHTS.reduce((s, [, w]) => s + w, 0);
  const exact = STATE_WEIGHTS.map(([state, w]) => ({ state, want: (n * w) / total }));
  const counts = exact.map((e) => Math.max(n >= STATE_WEIGHTS.length ? 1 : 0, Math.floor(e.want)));
  let dealt = counts.reduce((s, c) => s + c, 0);
  const byRemainder = exact.map((e, i) => ({ i, rem: e.want - Math.floor(e.want) })).sort((a, b) => b.rem - a.rem);
  for (let k = 0; dealt < n; k = (k + 1) % byRemainder.length) {
    counts[byRemainder[k]!.i]! += 1;
    dealt += 1;
  }
  while (dealt > n) {
    const i = counts.indexOf(Math.max(...counts));
    counts[i]! -= 1;
    dealt -= 1;
  }
  const deck: State[] = [];
  exact.forEach((e, i) => {
    for (let c = 0; c < counts[i]!; c++) deck.push(e.state);
  });
  return rng.shuffle(deck);
}

// ------------------------------------------------------------------------------------------------
// Stats: bucket counts integrated from an event-rate curve, so counts, stats and trend agree
// ------------------------------------------------------------------------------------------------

interface Timeline {
  /** world.now: the times below are offsets from it. */
  now: number;
  firstSeen: number;
  lastSeen: number;
  trend: Trend;
  /** For regressions: the quiet gap between the fix and the regression. */
  gap?: { from: number; to: number };
  /** For escalations: when the spike started. */
  spikeFrom?: number;
}

function rateAt(t: number, tl: Timeline, diurnal: boolean): number {
  if (t < tl.firstSeen || t > tl.lastSeen) return 0;
  if (tl.gap && t > tl.gap.from && t < tl.gap.to) return 0;
  const life = Math.max(HOUR, tl.lastSeen - tl.firstSeen);
  const x = (t - tl.firstSeen) / life;
  let rate = 1;
  if (tl.trend === "rising") rate = Math.exp(3 * x);
  else if (tl.trend === "falling") rate = Math.exp(-3 * x);
  else if (tl.trend === "spike" && tl.spikeFrom !== undefined && t >= tl.spikeFrom) rate = 14;
  else if (tl.trend === "regressed" && tl.gap && t >= tl.gap.to) rate = 2.5;
  // People use shops in the daytime: a day/night swing makes hourly stats look like real traffic. The world's
  // own hour of day, not the UTC one, so the curve is the same whatever the clock says at start.
  if (diurnal) rate *= 1 + 0.5 * Math.sin((2 * Math.PI * (worldHourOfDay(t, tl.now) - 9)) / 24);
  return rate;
}

/** Integral of the rate over [a, b), sampled `steps` times. */
function weightOver(a: number, b: number, tl: Timeline, diurnal: boolean, steps: number): number {
  const lo = Math.max(a, tl.firstSeen);
  const hi = Math.min(b, tl.lastSeen + 1);
  if (hi <= lo) return 0;
  const step = (hi - lo) / steps;
  let sum = 0;
  for (let i = 0; i < steps; i++) sum += rateAt(lo + (i + 0.5) * step, tl, diurnal);
  return sum * step;
}

interface Stats {
  count: number;
  lastDay: number[];
  earlierDays: number[];
}

function seedStats(rng: Rng, now: number, tl: Timeline, wantedCount: number, diurnal: boolean): Stats {
  const lifeSteps = Math.min(240, Math.max(8, Math.ceil((tl.lastSeen - tl.firstSeen) / (6 * HOUR))));
  const total = weightOver(tl.firstSeen, tl.lastSeen + 1, tl, diurnal, lifeSteps) || 1;
  const spread = (start: number, size: number, steps: number): number =>
    Math.floor((wantedCount * weightOver(start, start + size, tl, diurnal, steps)) / total + rng.next());
  const lastDay = Array.from({ length: LAST_DAY_HOURS }, (_, i) => spread(now - DAY + i * HOUR, HOUR, 2));
  const seriesStart = now - DAY - EARLIER_DAYS * DAY;
  const earlierDays = Array.from({ length: EARLIER_DAYS }, (_, i) => spread(seriesStart + i * DAY, DAY, 8));
  // The stretch holding the first or the last event has at least that event (eventsBefore places it there).
  const stretchAt = (t: number): [series: number[], index: number] | undefined =>
    t >= now - DAY ? [lastDay, Math.floor((t - (now - DAY)) / HOUR)] : t >= seriesStart ? [earlierDays, Math.floor((t - seriesStart) / DAY)] : undefined;
  const first = stretchAt(tl.firstSeen);
  const last = stretchAt(tl.lastSeen);
  const together = first !== undefined && last !== undefined && first[0] === last[0] && first[1] === last[1];
  if (first) first[0][first[1]] = Math.max(first[0][first[1]]!, together && tl.firstSeen !== tl.lastSeen ? 2 : 1);
  if (last && !together) last[0][last[1]] = Math.max(last[0][last[1]]!, 1);
  const inSeries = lastDay.reduce((s, n) => s + n, 0) + earlierDays.reduce((s, n) => s + n, 0);
  // An issue born inside the series has no older events; an older one has at least its first event before it.
  const count = tl.firstSeen >= seriesStart ? inSeries : Math.max(wantedCount, inSeries + 1);
  return { count, lastDay, earlierDays };
}

// ------------------------------------------------------------------------------------------------
// Seeding one issue
// ------------------------------------------------------------------------------------------------

interface ProjectContext {
  project: Project;
  stubs: ReleaseStub[];
  members: Member[];
  teamIds: string[];
  currentUserId: string | null;
  /** Earliest and latest time an event of this project can have. */
  born: number;
  latest: number;
}

function releaseAt(stubs: ReleaseStub[], t: number): string | null {
  let found: string | null = null;
  for (const stub of stubs) if (Date.parse(stub.dateCreated) <= t) found = stub.version;
  return found;
}

/** Lifetime event count: log-normal around a median that fits the kind of issue and its state. */
function wantedCount(rng: Rng, spec: IssueSpec, state: State): number {
  let median = spec.kind === "performance" ? 260 : spec.level === "fatal" ? 140 : spec.kind === "message" ? 180 : 420;
  if (state === "new") median /= 8;
  if (state === "escalating") median *= 4;
  if (state === "stale") median /= 3;
  return Math.max(1, Math.min(250_000, Math.round(rng.logNormal(median, 1.25))));
}

function timelineFor(rng: Rng, state: State, ctx: ProjectContext, now: number): Omit<Timeline, "now"> & { resolvedAt?: number; ignoredAt?: number } {
  const clampFirst = (t: number): number => Math.max(ctx.born, t);
  // Second-level jitter keeps sort orders by time free of ties, as real timestamps are.
  const jitter = (): number => rng.int(0, 59_999);
  const recent = (): number => Math.min(ctx.latest - jitter(), now - rng.int(1, 180) * MINUTE - jitter());
  const old = (minDays: number, maxDays: number): number => clampFirst(now - rng.int(minDays * 24, maxDays * 24) * HOUR - rng.int(0, 59) * MINUTE - jitter());
  switch (state) {
    case "new": {
      const firstSeen = clampFirst(now - rng.int(1, NEW_ISSUE_DAYS * 24 - 2) * HOUR - rng.int(0, 59) * MINUTE);
      return { firstSeen, lastSeen: Math.max(firstSeen, recent()), trend: rng.chance(0.5) ? "new" : "rising" };
    }
    case "ongoing": {
      const firstSeen = old(NEW_ISSUE_DAYS + 1, MAX_ISSUE_AGE_DAYS);
      const lastSeen = rng.chance(0.8) ? recent() : now - rng.int(2, 40) * HOUR - jitter();
      return { firstSeen, lastSeen: Math.max(firstSeen + HOUR, lastSeen), trend: rng.weighted([["steady", 5], ["rising", 2], ["falling", 3]] as const) };
    }
    case "stale": {
      // Still unresolved, but quiet for weeks: only a wider statsPeriod than the default 14d finds these.
      const lastSeen = now - rng.int(15, 45) * DAY - rng.int(0, 23) * HOUR - jitter();
      const firstSeen = clampFirst(lastSeen - rng.int(5, 40) * DAY);
      return { firstSeen, lastSeen: Math.max(firstSeen + HOUR, lastSeen), trend: "falling" };
    }
    case "regressed": {
      const firstSeen = old(25, MAX_ISSUE_AGE_DAYS);
      const fixedAt = now - rng.int(6, 20) * DAY;
      const regressedAt = now - rng.int(6, 96) * HOUR;
      return { firstSeen, lastSeen: recent(), trend: "regressed", gap: { from: fixedAt - rng.int(2, 30) * HOUR, to: regressedAt }, resolvedAt: fixedAt };
    }
    case "escalating": {
      const firstSeen = old(10, 60);
      return { firstSeen, lastSeen: Math.min(ctx.latest - jitter(), now - rng.int(1, 20) * MINUTE - jitter()), trend: "spike", spikeFrom: now - rng.int(3, 20) * HOUR };
    }
    case "resolved_now":
    case "resolved_in_release":
    case "resolved_next_release": {
      const firstSeen = old(8, MAX_ISSUE_AGE_DAYS);
      const resolvedAt = now - rng.int(6, Math.max(7, Math.min(30 * 24, (now - firstSeen) / HOUR - 2))) * HOUR;
      const lastSeen = Math.max(firstSeen + HOUR, resolvedAt - rng.int(1, 48) * HOUR - jitter());
      return { firstSeen, lastSeen, trend: rng.chance(0.6) ? "falling" : "steady", resolvedAt };
    }
    default: {
      const firstSeen = old(5, MAX_ISSUE_AGE_DAYS);
      const ignoredAt = now - rng.int(6, Math.max(7, Math.min(20 * 24, (now - firstSeen) / HOUR - 2))) * HOUR;
      const lastSeen = rng.chance(0.6) ? recent() : Math.max(firstSeen + HOUR, ignoredAt - rng.int(1, 24) * HOUR - jitter());
      return { firstSeen, lastSeen: Math.max(firstSeen + HOUR, lastSeen), trend: rng.weighted([["steady", 3], ["falling", 2]] as const), ignoredAt };
    }
  }
}

function pickAssignee(rng: Rng, ctx: ProjectContext): ActorRef | null {
  if (!rng.chance(0.38)) return null;
  if (rng.chance(0.3) && ctx.teamIds.length > 0) return { type: "team", id: rng.pick(ctx.teamIds) };
  const onTeam = ctx.members.filter((m) => (m.teamSlugs ?? []).some((t) => ctx.project.teamSlugs.includes(t)));
  const candidates = onTeam.length > 0 ? onTeam : ctx.members;
  if (candidates.length === 0) return null;
  // The token's own user gets a fair share, so `assigned:me` finds something.
  if (ctx.currentUserId && candidates.some((m) => m.id === ctx.currentUserId) && rng.chance(0.35)) return { type: "user", id: ctx.currentUserId };
  return { type: "user", id: rng.pick(candidates).id };
}

function initialPriority(rng: Rng, level: Level, unhandled: boolean, state: State): Priority {
  if (state === "escalating" || level === "fatal") return "high";
  if (level === "error") return unhandled && rng.chance(0.45) ? "high" : "medium";
  if (level === "warning") return rng.chance(0.65) ? "low" : "medium";
  return "low";
}

const NOTES = [
  "Looks related to the connection pool change in the last deploy.",
  "Reproduced on staging with a cart of 40+ items.",
  "Customer support reports three tickets about this today.",
  "Fix is in review, should ship with the next release.",
  "Only happens with the old Safari on iOS 15, low priority.",
  "Provider confirmed an incident on their side; keeping an eye on it.",
  "Added more logging around this path to narrow it down.",
];

interface Dealt {
  spec: IssueSpec;
  state: State;
  project: ProjectContext;
}

function buildIssue(rng: Rng, world: World, dealt: Dealt, addActivity: (issue: Issue, type: string, userId: string | null, data: Record<string, unknown>, at: number) => void): Issue {
  const { spec, state, project: ctx } = dealt;
  const now = world.now;
  const tl = { ...timelineFor(rng, state, ctx, now), now };
  const diurnal = spec.hasUser;
  const stats = seedStats(rng, now, tl, wantedCount(rng, spec, state), diurnal);
  const unhandled = spec.exceptions.some((e) => !e.mechanism.handled);
  const level = spec.level;
  const envs = ctx.project.environments.length > 0 ? ctx.project.environments : ["production"];
  const environments = envs.filter((env, i) => i === 0 || rng.chance(env === "staging" ? 0.4 : 0.2));
  const userCount = spec.hasUser ? Math.min(stats.count, Math.max(1, Math.round(stats.count / rng.logNormal(3, 0.6)))) : 0;
  const members = ctx.members;
  const actor = (): string | null => (members.length > 0 ? rng.pick(members).id : null);

  const issue: Issue = {
    id: "",
    shortId: "",
    orgSlug: ctx.project.orgSlug,
    projectId: ctx.project.id,
    spec,
    level,
    platform: EVENT_PLATFORM[spec.family],
    status: "unresolved",
    substatus: "ongoing",
    resolution: null,
    snooze: null,
    priority: initialPriority(rng, level, unhandled, state),
    priorityLockedAt: null,
    count: stats.count,
    userCount,
    firstSeen: tl.firstSeen,
    lastSeen: tl.lastSeen,
    trend: tl.trend,
    lastDay: stats.lastDay,
    earlierDays: stats.earlierDays,
    assignee: pickAssignee(rng, ctx),
    firstRelease: releaseAt(ctx.stubs, tl.firstSeen),
    lastRelease: releaseAt(ctx.stubs, tl.lastSeen),
    environments,
    isUnhandled: unhandled,
    numComments: 0,
    isBookmarked: rng.chance(0.05),
    hasSeen: rng.chance(0.55),
    isSubscribed: false,
    shareId: rng.chance(0.03) ? rng.hex(32) : null,
    inbox: null,
    activity: [],
    seenBy: [],
    userReportCount: spec.hasUser && spec.family !== "node" && rng.chance(0.08) ? rng.int(1, 3) : 0,
    mergedIds: [],
  };
  if (issue.assignee) {
    const at = tl.firstSeen + Math.floor((Math.min(now, tl.lastSeen + DAY) - tl.firstSeen) * rng.next());
    addActivity(issue, "assigned", actor(), { assignee: issue.assignee.id, assigneeType: issue.assignee.type }, at);
    issue.isSubscribed = issue.assignee.type === "user" && issue.assignee.id === ctx.currentUserId;
  }
  if (!issue.isSubscribed) issue.isSubscribed = rng.chance(0.2);
  if (rng.chance(0.12)) {
    issue.priority = rng.pick(["high", "medium", "low"] as const);
    issue.priorityLockedAt = tl.firstSeen + Math.floor((now - tl.firstSeen) * rng.next());
    addActivity(issue, "set_priority", actor(), { priority: issue.priority, reason: "user" }, issue.priorityLockedAt);
  }

  switch (state) {
    case "new":
      issue.substatus = "new";
      issue.inbox = { reason: INBOX_REASON.new, at: tl.firstSeen };
      break;
    case "ongoing":
    case "stale":
      issue.substatus = "ongoing";
      // New issues turn ongoing after a week, and the transition puts them back in the inbox (issues/ongoing.py).
      issue.inbox = { reason: INBOX_REASON.ongoing, at: tl.firstSeen + NEW_ISSUE_DAYS * DAY };
      break;
    case "regressed": {
      issue.substatus = "regressed";
      const fixVersion = releaseAt(ctx.stubs, tl.resolvedAt!);
      addActivity(issue, fixVersion ? "set_resolved_in_release" : "set_resolved", actor(), fixVersion ? { version: fixVersion } : {}, tl.resolvedAt!);
      addActivity(issue, "set_regression", null, { version: releaseAt(ctx.stubs, tl.gap!.to) ?? "", resolved_in_version: fixVersion ?? undefined }, tl.gap!.to);
      issue.inbox = { reason: INBOX_REASON.regression, at: tl.gap!.to };
      break;
    }
    case "escalating": {
      issue.substatus = "escalating";
      // The week before the last day: the baseline the escalation forecast is made from.
      const forecast = Math.max(10, Math.round(issue.earlierDays.slice(-7).reduce((s, n) => s + n, 0) / 7));
      addActivity(issue, "set_escalating", null, { forecast }, tl.spikeFrom!);
      issue.inbox = { reason: INBOX_REASON.escalating, at: tl.spikeFrom! };
      break;
    }
    case "resolved_now":
    case "resolved_in_release":
    case "resolved_next_release": {
      const who = actor();
      const fix = ctx.stubs.find((s) => Date.parse(s.dateCreated) > tl.lastSeen && Date.parse(s.dateCreated) <= tl.resolvedAt! + 3 * DAY);
      issue.status = "resolved";
      issue.substatus = null;
      if (state === "resolved_in_release" && fix) {
        issue.resolution = { kind: "inRelease", version: fix.version, actorId: who, at: tl.resolvedAt! };
        addActivity(issue, "set_resolved_in_release", who, { version: fix.version }, tl.resolvedAt!);
      } else if (state === "resolved_next_release" && ctx.stubs.length > 0) {
        issue.resolution = { kind: "inNextRelease", actorId: who, at: tl.resolvedAt! };
        addActivity(issue, "set_resolved_in_release", who, { version: "" }, tl.resolvedAt!);
      } else {
        issue.resolution = { kind: "now", actorId: who, at: tl.resolvedAt! };
        addActivity(issue, "set_resolved", who, {}, tl.resolvedAt!);
      }
      break;
    }
    default: {
      const who = actor();
      const at = tl.ignoredAt!;
      issue.status = "ignored";
      const empty = { ignoreCount: null, ignoreDuration: null, ignoreUntil: null, ignoreUserCount: null, ignoreUserWindow: null, ignoreWindow: null };
      if (state === "ignored_escalating") {
        issue.substatus = "archived_until_escalating";
        addActivity(issue, "set_ignored", who, { ...empty, ignoreUntilEscalating: true }, at);
      } else if (state === "ignored_forever") {
        issue.substatus = "archived_forever";
        addActivity(issue, "set_ignored", who, { ...empty, ignoreUntilEscalating: null }, at);
      } else {
        issue.substatus = "archived_until_condition_met";
        const snooze: Snooze = { until: null, count: null, window: null, userCount: null, userWindow: null, actorId: who };
        if (state === "ignored_count") {
          snooze.count = rng.pick([100, 500, 1000]);
          snooze.window = rng.chance(0.6) ? rng.pick([60, 1440]) : null;
        } else if (state === "ignored_duration") {
          const minutes = rng.pick([1440, 10080, 43200]);
          // Still snoozed now: the snooze runs out in the future.
          snooze.until = Math.max(at + minutes * MINUTE, now + rng.int(2, 48) * HOUR);
        } else {
          snooze.userCount = rng.pick([10, 50, 100]);
          snooze.userWindow = rng.pick([60, 1440, 10080]);
        }
        issue.snooze = snooze;
        addActivity(
          issue,
          "set_ignored",
          who,
          {
            ...empty,
            ignoreCount: snooze.count,
            ignoreWindow: snooze.window,
            ignoreUserCount: snooze.userCount,
            ignoreUserWindow: snooze.userWindow,
            ignoreUntil: snooze.until === null ? null : iso(snooze.until),
          },
          at,
        );
      }
      break;
    }
  }

  if (rng.chance(0.15) && members.length > 0) {
    issue.numComments = rng.int(1, 3);
    for (let i = 0; i < issue.numComments; i++) {
      const at = tl.firstSeen + Math.floor((now - tl.firstSeen) * rng.next());
      addActivity(issue, "note", rng.pick(members).id, { text: rng.pick(NOTES) }, at);
    }
  }
  if (issue.hasSeen) {
    const seers = members.filter((m) => m.id === ctx.currentUserId || rng.chance(0.25));
    issue.seenBy = seers.map((m) => ({ memberId: m.id, at: Math.min(now, tl.lastSeen + rng.int(0, 48) * HOUR) }));
  }
  issue.activity.sort((a, b) => a.at - b.at);
  return issue;
}

// ------------------------------------------------------------------------------------------------
// The world
// ------------------------------------------------------------------------------------------------

/** Weighted sampling without replacement (Efraimidis–Spirakis): higher-weight specs are likelier picks. */
function sampleSpecs(rng: Rng, pool: IssueSpec[], n: number): IssueSpec[] {
  return pool
    .map((s) => ({ s, key: Math.log(1 - rng.next()) / s.weight }))
    .sort((a, b) => b.key - a.key)
    .slice(0, n)
    .map((e) => e.s);
}

function specFits(spec: IssueSpec, platform: string): boolean {
  return spec.platforms === null || spec.platforms.some((p) => platform.startsWith(p));
}

function projectContexts(world: World): ProjectContext[] {
  const currentUser = world.members[0];
  return world.projects
    .filter((p) => p.firstEvent !== null)
    .map((project) => {
      const members = world.members.filter((m) => m.orgSlug === project.orgSlug);
      return {
        project,
        stubs: world.releaseStubs
          .filter((s) => s.projectIds.includes(project.id))
          .sort((a, b) => Date.parse(a.dateCreated) - Date.parse(b.dateCreated)),
        members,
        teamIds: world.teams.filter((t) => t.orgSlug === project.orgSlug && project.teamSlugs.includes(t.slug)).map((t) => t.id),
        currentUserId: currentUser && currentUser.orgSlug === project.orgSlug ? currentUser.id : null,
        born: Date.parse(project.firstEvent!),
        latest: project.lastEvent ? Date.parse(project.lastEvent) : world.now,
      };
    });
}

function activityAdder(issues: IssuesWorld) {
  return (issue: Issue, type: string, userId: string | null, data: Record<string, unknown>, at: number): void => {
    issue.activity.push({ id: String(issues.nextActivityId++), type, userId, data, at });
  };
}

/** Numbers IDs and short IDs in first-seen order, as Sentry's sequences grow with time. */
function numberIssues(rng: Rng, all: Array<{ issue: Issue; slug: string }>, counters: Map<string, number>, startId: number): number {
  let id = startId;
  for (const { issue, slug } of all.sort((a, b) => a.issue.firstSeen - b.issue.firstSeen)) {
    id += rng.int(1_000, 400_000);
    issue.id = String(id);
    const n = (counters.get(issue.projectId) ?? 0) + 1;
    counters.set(issue.projectId, n);
    issue.shortId = `${slug.toUpperCase()}-${encodeShortIdNumber(n)}`;
  }
  return id;
}

export function seedIssues(world: World): IssuesWorld {
  const rng = rngFor(world.seed, "issues");
  const catalogue = issueCatalogue();
  const result: IssuesWorld = { issues: [], byId: new Map(), byShortId: new Map(), redirects: new Map(), dirty: new Set(), nextActivityId: 1_400_000_000 };
  const addActivity = activityAdder(result);
  const contexts = projectContexts(world);
  const firstOrg = world.orgs[0]?.slug;

  const dealt: Dealt[] = [];
  for (const ctx of contexts) {
    const family = familyOf(ctx.project.platform);
    const pool = catalogue[family].filter((s) => specFits(s, ctx.project.platform));
    const wanted = ctx.project.orgSlug === firstOrg ? (FIRST_ORG_ISSUES[family] ?? OTHER_ORG_ISSUES_PER_PROJECT) : OTHER_ORG_ISSUES_PER_PROJECT;
    for (const spec of sampleSpecs(rng, pool, Math.min(wanted, pool.length))) dealt.push({ spec, state: "ongoing", project: ctx });
  }
  // Deal states per organization so the first one shows every status, substatus and resolution kind.
  for (const org of world.orgs) {
    const ofOrg = dealt.filter((d) => d.project.project.orgSlug === org.slug);
    const deck = stateDeck(rng, ofOrg.length);
    ofOrg.forEach((d, i) => (d.state = deck[i]!));
  }

  const numbered: Array<{ issue: Issue; slug: string }> = [];
  for (const d of dealt) {
    const issue = buildIssue(rng, world, d, addActivity);
    result.issues.push(issue);
    numbered.push({ issue, slug: d.project.project.slug });
  }

  // Merged-away predecessors take part in the numbering (they once were issues) but only their IDs remain.
  const mergeable = result.issues.filter((i) => i.orgSlug === firstOrg && i.status === "unresolved" && i.count > 50);
  const successors = rng.shuffle([...mergeable]).slice(0, MERGED_ISSUES);
  const ghosts: Array<{ issue: Issue; slug: string; successor: Issue }> = successors.map((successor) => {
    const ghost = { ...successor, firstSeen: successor.firstSeen + rng.int(1, 72) * HOUR, activity: [] };
    const slug = contexts.find((c) => c.project.id === successor.projectId)!.project.slug;
    return { issue: ghost, slug, successor };
  });
  const counters = new Map<string, number>();
  const lastId = numberIssues(rng, [...numbered, ...ghosts.map((g) => ({ issue: g.issue, slug: g.slug }))], counters, FIRST_GROUP_ID);
  for (const { issue: ghost, successor } of ghosts) {
    result.redirects.set(ghost.id, successor.id);
    result.redirects.set(ghost.shortId, successor.id);
    successor.mergedIds.push(ghost.id);
    addActivity(successor, "merge", world.members.find((m) => m.orgSlug === successor.orgSlug)?.id ?? null, { issues: [{ id: ghost.id }] }, Math.min(world.now, ghost.firstSeen + rng.int(1, 48) * HOUR));
    successor.activity.sort((a, b) => a.at - b.at);
  }

  // One issue waits for deletion: never listed, 404 on GET (docs/sentry-api.md §2, EXCLUDED_STATUSES).
  const doomed = result.issues.find((i) => i.orgSlug === firstOrg && i.status === "resolved" && i.mergedIds.length === 0);
  if (doomed) {
    doomed.status = "pending_deletion";
    doomed.substatus = null;
  }

  const extra = Math.max(0, Math.floor(world.options.extraIssues ?? 0));
  if (extra > 0) result.issues.push(...seedExtraIssues(world, contexts.filter((c) => c.project.orgSlug === firstOrg), extra, counters, lastId, addActivity));

  for (const issue of result.issues) {
    result.byId.set(issue.id, issue);
    result.byShortId.set(issue.shortId.toUpperCase(), issue);
  }
  return result;
}

/**
 * Load-test issues on top of the realistic seed: drawn from the same catalogue (repeats allowed) with a simple
 * state mix, from their own random stream so the base world is identical with or without them.
 */
function seedExtraIssues(
  world: World,
  contexts: ProjectContext[],
  n: number,
  counters: Map<string, number>,
  lastId: number,
  addActivity: (issue: Issue, type: string, userId: string | null, data: Record<string, unknown>, at: number) => void,
): Issue[] {
  if (contexts.length === 0) return [];
  const rng = rngFor(world.seed, "issues:extra");
  const catalogue = issueCatalogue();
  const pools = contexts.map((ctx) => catalogue[familyOf(ctx.project.platform)].filter((s) => specFits(s, ctx.project.platform)));
  const states = STATE_WEIGHTS.map(([state]) => state);
  const made: Array<{ issue: Issue; slug: string }> = [];
  for (let i = 0; i < n; i++) {
    const k = i % contexts.length;
    const ctx = contexts[k]!;
    const spec = rng.pick(pools[k]!);
    const state = rng.chance(0.6) ? rng.pick(["ongoing", "stale"] as const) : rng.pick(states);
    made.push({ issue: buildIssue(rng, world, { spec, state, project: ctx }, addActivity), slug: ctx.project.slug });
  }
  numberIssues(rng, made, counters, lastId);
  return made.map((m) => m.issue);
}

// ------------------------------------------------------------------------------------------------
// --state FILE: the mutable fields of issues changed by writes
// ------------------------------------------------------------------------------------------------

type MutableFields = Pick<
  Issue,
  | "status"
  | "substatus"
  | "resolution"
  | "snooze"
  | "priority"
  | "priorityLockedAt"
  | "assignee"
  | "hasSeen"
  | "isBookmarked"
  | "isSubscribed"
  | "shareId"
  | "inbox"
  | "activity"
  | "seenBy"
  | "mergedIds"
>;

interface IssuesState {
  issues: Record<string, MutableFields>;
  redirects: Array<[string, string]>;
  nextActivityId: number;
}

export function saveState(world: World): IssuesState {
  const issues: Record<string, MutableFields> = {};
  for (const id of world.issues.dirty) {
    const issue = world.issues.byId.get(id);
    if (!issue) continue;
    issues[id] = {
      status: issue.status,
      substatus: issue.substatus,
      resolution: issue.resolution,
      snooze: issue.snooze,
      priority: issue.priority,
      priorityLockedAt: issue.priorityLockedAt,
      assignee: issue.assignee,
      hasSeen: issue.hasSeen,
      isBookmarked: issue.isBookmarked,
      isSubscribed: issue.isSubscribed,
      shareId: issue.shareId,
      inbox: issue.inbox,
      activity: issue.activity,
      seenBy: issue.seenBy,
      mergedIds: issue.mergedIds,
    };
  }
  return { issues, redirects: [...world.issues.redirects], nextActivityId: world.issues.nextActivityId };
}

export function loadState(world: World, data: unknown): void {
  const state = data as Partial<IssuesState> | null;
  if (!state || typeof state !== "object") return;
  for (const [id, fields] of Object.entries(state.issues ?? {})) {
    const issue = world.issues.byId.get(id);
    if (!issue || typeof fields !== "object" || fields === null) continue;
    Object.assign(issue, fields);
    world.issues.dirty.add(id);
  }
  for (const [from, to] of state.redirects ?? []) world.issues.redirects.set(from, to);
  if (typeof state.nextActivityId === "number") world.issues.nextActivityId = Math.max(world.issues.nextActivityId, state.nextActivityId);
}
