// The errors dataset (GET /organizations/{org}/events/?dataset=errors, events-stats): one row per error event,
// built on first use from what each issue already says about itself, so counts agree with the issues' stats:
// - an issue's 24 hours of the last day and the 30 days before them (Issue.lastDay, earlierDays) are spread
//   into that many events at evenly drawn times inside each stretch, so an escalating issue's spike shows in a time
//   series exactly where its stats put it;
// - the issue's stored events (seed/issue-events.ts, the ones GET …/issues/{id}/events/ lists and eventids
//   resolves) are rows too, with their own IDs, times, environments, releases, users and trace IDs;
// - every row carries a trace ID and span ID that GET /organizations/{org}/trace/{id}/ resolves
//   (seed/traces.ts builds the transaction around the row).
// Times are offsets of world.now (the issues' buckets are); nothing here reads the clock.

import type { World } from "../types.js";
import type { Issue } from "./issues.js";
import { eventRelease, issueEvents, type StoredEvent } from "./issue-events.js";
import { rngFor, type Rng } from "./rng.js";
import { DAY, HOUR, iso } from "../time.js";

export interface ErrorRow {
  eventId: string;
  issue: Issue;
  projectId: string;
  projectSlug: string;
  /** Epoch milliseconds. */
  timestamp: number;
  environment: string;
  release: string | null;
  userId: string | null;
  userEmail: string | null;
  traceId: string;
  spanId: string;
  /** A stored event: GET …/issues/{id}/events/{event_id}/ and eventids answer it with its full body. */
  stored: boolean;
  /** Rows stand for themselves (errors are not sampled); the events engine extrapolates by this weight. */
  sampleWeight: 1;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/** Hex from 32-bit words of the stream: ~85k rows need three IDs each, so this is the seed's hot path. */
function hex(rng: Rng, chars: number): string {
  let out = "";
  while (out.length < chars) {
    const w = (rng.next() * 0x100000000) >>> 0;
    out += HEX[w >>> 24]! + HEX[(w >>> 16) & 0xff]! + HEX[(w >>> 8) & 0xff]! + HEX[w & 0xff]!;
  }
  return out.slice(0, chars);
}

/** A weighted picker over fixed choices (cumulative weights, one draw per pick, no allocation). */
function picker<T>(choices: ReadonlyArray<readonly [T, number]>): (rng: Rng) => T {
  const cumulative: number[] = [];
  let total = 0;
  for (const [, w] of choices) cumulative.push((total += w));
  return (rng) => {
    const x = rng.next() * total;
    for (let i = 0; i < cumulative.length; i++) if (x < cumulative[i]!) return choices[i]![0];
    return choices[choices.length - 1]![0];
  };
}

interface ErrorsWorld {
  /** Oldest first. */
  rows: ErrorRow[];
}

const cache = new WeakMap<World, ErrorsWorld>();
const issueCache = new WeakMap<Issue, ErrorRow[]>();

/** The release a project ran at `t`: its newest release created before then. */
function releaseAtTime(stubs: ReadonlyArray<{ version: string; at: number }>, t: number): string | null {
  let found: string | null = null;
  for (const s of stubs) if (s.at <= t) found = s.version;
  return found;
}

/**
 * One issue's error events, newest first (built once per issue). Generated events fall strictly between the
 * issue's first and last seen, so its stored first and last events stay its oldest and latest.
 */
export function issueErrorRows(world: World, issue: Issue): ErrorRow[] {
  const cached = issueCache.get(issue);
  if (cached) return cached;
  const rng = rngFor(world.seed, `errors:rows:${issue.id}`);
  const project = world.projects.find((p) => p.id === issue.projectId);
  if (!project) return [];
  const stubs = world.releaseStubs
    .filter((s) => s.projectIds.includes(project.id))
    .map((s) => ({ version: s.version, at: Date.parse(s.dateCreated) }))
    .sort((a, b) => a.at - b.at);
  const pickEnv = picker(issue.environments.length > 0 ? issue.environments.map((e, i) => [e, i === 0 ? 10 : 1.5] as const) : [["production", 1] as const]);
  // A handful of users hit an issue most of the time (retries, reloads), as the issue's user count allows.
  const users = Array.from({ length: Math.max(1, Math.min(issue.userCount, 30)) }, (_, i) => String(20_000 + ((Number(issue.id) + i * 7919) % 900_000)));
  const pickUser = picker(users.map((u, i) => [u, 1 / (i + 1)] as const));
  const lo = issue.firstSeen + 1;
  const hi = Math.max(lo, issue.lastSeen - 1);
  const rows: ErrorRow[] = [];
  const emit = (start: number, size: number, count: number): void => {
    for (let k = 0; k < count; k++) {
      const at = Math.min(hi, Math.max(lo, Math.floor(start + rng.next() * size)));
      const user = issue.spec.hasUser ? pickUser(rng) : null;
      rows.push({
        eventId: hex(rng, 32),
        issue,
        projectId: project.id,
        projectSlug: project.slug,
        timestamp: at,
        environment: pickEnv(rng),
        release: releaseAtTime(stubs, at) ?? issue.lastRelease,
        userId: user,
        userEmail: user ? `user${user}@example.com` : null,
        traceId: hex(rng, 32),
        spanId: hex(rng, 16),
        stored: false,
        sampleWeight: 1,
      });
    }
  };
  // The stretches the issue's series describes (seed/issues.ts): 30 days, then 24 hours ending at world.now.
  const seriesStart = world.now - DAY - issue.earlierDays.length * DAY;
  issue.earlierDays.forEach((n, i) => emit(seriesStart + i * DAY, DAY, n));
  issue.lastDay.forEach((n, i) => emit(world.now - DAY + i * HOUR, HOUR, n));
  const generated = rows.length;
  for (const event of issueEvents(world, issue)) {
    const trace = (event.body.contexts as Record<string, Record<string, unknown>> | undefined)?.trace;
    const user = event.body.user as { id?: string | null; email?: string | null } | null;
    rows.push({
      eventId: event.eventID,
      issue,
      projectId: project.id,
      projectSlug: project.slug,
      timestamp: event.at,
      environment: event.environment,
      release: event.release,
      userId: user?.id ?? null,
      userEmail: user?.email ?? null,
      traceId: String(trace?.trace_id ?? hex(rng, 32)),
      spanId: String(trace?.span_id ?? hex(rng, 16)),
      stored: true,
      sampleWeight: 1,
    });
  }
  // Stored events first among equal times: the latest stored event is the issue's latest.
  const stored = rows.slice(generated);
  const result = [...stored, ...rows.slice(0, generated)].sort((a, b) => b.timestamp - a.timestamp || Number(b.stored) - Number(a.stored));
  issueCache.set(issue, result);
  return result;
}

/** Every error event of the world's issues except performance issues (whose events are transactions), oldest first. */
export function errorsWorld(world: World): ErrorsWorld {
  let errors = cache.get(world);
  if (errors) return errors;
  const rows: ErrorRow[] = [];
  for (const issue of world.issues.issues) {
    if (issue.status === "pending_deletion" || issue.spec.kind === "performance") continue;
    const own = issueErrorRows(world, issue);
    for (let i = own.length - 1; i >= 0; i--) rows.push(own[i]!);
  }
  // Stable and by number only: the per-issue order already settles ties, and string compares over ~85k rows cost seconds.
  rows.sort((a, b) => a.timestamp - b.timestamp);
  errors = { rows };
  cache.set(world, errors);
  return errors;
}

const lookups = new WeakMap<World, Map<string, ErrorRow | null>>();

/**
 * The errors row with this event or trace ID. A scan, remembered per ID: lookups miss the stored events only for
 * IDs a client read from the errors dataset, and two maps over ~85k rows cost more to build than the scans.
 */
export function findErrorRow(world: World, by: "eventId" | "traceId", id: string): ErrorRow | undefined {
  let memo = lookups.get(world);
  if (!memo) lookups.set(world, (memo = new Map()));
  const key = `${by}:${id}`;
  if (!memo.has(key)) memo.set(key, errorsWorld(world).rows.find((r) => r[by] === id) ?? null);
  return memo.get(key) ?? undefined;
}

/**
 * The full event of an errors row: a stored event as stored; a generated one as the issue's latest stored event
 * (same exception, frames and request: the issue groups events that share them) with the row's own ID, time,
 * environment, release, user and trace, and its breadcrumbs moved to its time.
 */
export function errorRowEvent(world: World, row: ErrorRow): StoredEvent | undefined {
  const events = issueEvents(world, row.issue);
  if (row.stored) return events.find((e) => e.eventID === row.eventId);
  const template = events[0];
  if (!template) return undefined;
  const body = structuredClone(template.body);
  const shift = row.timestamp - template.at;
  body.id = row.eventId;
  body.eventID = row.eventId;
  body.dateCreated = iso(row.timestamp);
  body.dateReceived = iso(row.timestamp + 400);
  body.release = eventRelease(world, row.release);
  const templateUser = template.body.user as Record<string, unknown> | null;
  body.user = row.userId ? { ...(templateUser ?? {}), id: row.userId, email: row.userEmail, ip_address: templateUser?.ip_address ?? null } : null;
  const contexts = body.contexts as Record<string, Record<string, unknown>>;
  if (contexts.trace) contexts.trace = { ...contexts.trace, trace_id: row.traceId, span_id: row.spanId };
  body.tags = (body.tags as Array<{ key: string; value: string }>)
    .map((t) => {
      if (t.key === "environment") return { key: t.key, value: row.environment };
      if (t.key === "release") return row.release ? { key: t.key, value: row.release } : null;
      if (t.key === "user") return row.userId ? { key: t.key, value: `id:${row.userId}` } : null;
      return t;
    })
    .filter((t): t is { key: string; value: string } => t !== null);
  for (const entry of body.entries as Array<{ type: string; data: { values?: Array<{ timestamp?: string }> } }>) {
    if (entry.type !== "breadcrumbs") continue;
    for (const crumb of entry.data.values ?? []) if (crumb.timestamp) crumb.timestamp = iso(Date.parse(crumb.timestamp) + shift);
  }
  return { eventID: row.eventId, at: row.timestamp, environment: row.environment, release: row.release, body };
}

/**
 * What GET …/issues/{id}/events/ pages through, newest first: the errors rows of an error issue, or the stored
 * events of a performance issue (its events are transactions, outside the errors dataset).
 */
export function issueTimeline(world: World, issue: Issue): ErrorRow[] {
  if (issue.spec.kind !== "performance") return issueErrorRows(world, issue);
  return issueEvents(world, issue).map((event) => {
    const trace = (event.body.contexts as Record<string, Record<string, unknown>> | undefined)?.trace;
    const user = event.body.user as { id?: string | null; email?: string | null } | null;
    const project = world.projects.find((p) => p.id === issue.projectId);
    return {
      eventId: event.eventID,
      issue,
      projectId: issue.projectId,
      projectSlug: project?.slug ?? "",
      timestamp: event.at,
      environment: event.environment,
      release: event.release,
      userId: user?.id ?? null,
      userEmail: user?.email ?? null,
      traceId: String(trace?.trace_id ?? ""),
      spanId: String(trace?.span_id ?? ""),
      stored: true,
      sampleWeight: 1,
    };
  });
}
