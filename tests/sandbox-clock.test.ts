// The seeded world at many clocks: the same seed gives the same world shifted to any start time, and the
// checks the other sandbox tests make at the suite's fixed clock hold at every hour of two days and at odd
// minutes and seconds, where Sentry's hour- and day-aligned answer buckets fall differently.

import { describe, expect, it } from "vitest";
import { eventRoutes } from "../scripts/sandbox/routes/events.js";
import { windowTotals as issueWindowTotals } from "../scripts/sandbox/routes/issue-search.js";
import { statsSeries } from "../scripts/sandbox/routes/issue-serializers.js";
import { seedCore } from "../scripts/sandbox/seed/core.js";
import { seedIssues } from "../scripts/sandbox/seed/issues.js";
import { windowTotals as healthWindowTotals } from "../scripts/sandbox/seed/releases.js";
import { DAY, HOUR, MINUTE, SECOND } from "../scripts/sandbox/time.js";
import type { RequestContext, World } from "../scripts/sandbox/types.js";
import { createWorld } from "../scripts/sandbox/world.js";
import { TEST_NOW } from "./helpers/sandbox.js";
import { duration, percentile, spansIn, type Window } from "./helpers/performance.js";

/** A midnight, so the hourly clocks below sweep every position of "now" in the hour and the UTC day. */
const MIDNIGHT = Date.parse("2026-03-14T00:00:00.000Z");
const HOURLY_CLOCKS = Array.from({ length: 48 }, (_, h) => MIDNIGHT + h * HOUR);
/** Off the hour: a minute before and after a boundary, seconds and milliseconds that round either way. */
const ODD_CLOCKS = [
  MIDNIGHT - 1,
  MIDNIGHT + 59 * MINUTE + 59 * SECOND + 999,
  MIDNIGHT + 23 * HOUR + MINUTE,
  MIDNIGHT + 7 * HOUR + 29 * MINUTE + 30 * SECOND + 500,
  MIDNIGHT + 12 * HOUR + 30 * MINUTE + 1,
  MIDNIGHT + 36 * HOUR + 44 * MINUTE + 13 * SECOND + 87,
  TEST_NOW,
];
const label = (now: number) => new Date(now).toISOString();

/**
 * The issues of a world at `now`, seeded as createWorld seeds them but without the categories the issue checks
 * do not read (releases, spans, alerts take most of a world's time; they get their own clocks below).
 */
function issuesWorld(now: number): World {
  const world = { seed: 1, now, clock: () => now, options: { now }, ...seedCore(1, now, false) } as unknown as World;
  world.issues = seedIssues(world);
  return world;
}

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** What issue searches and issue stats answer, checked for one world; problems come back as text, not throws. */
function issueProblems(world: World): string[] {
  const problems: string[] = [];
  const now = world.now;
  for (const issue of world.issues.issues) {
    const name = `${issue.shortId} at ${label(now)}`;
    const hourly = statsSeries(world, issue, "24h").map(([, n]) => n);
    const daily = statsSeries(world, issue, "30d").map(([, n]) => n);
    if (hourly.some((n) => n < 0) || daily.some((n) => n < 0)) problems.push(`${name}: a negative bucket`);
    if (sum(hourly) > issue.count || sum(daily) > issue.count) problems.push(`${name}: stats add up to more than the lifetime count`);
    if (issue.userCount > issue.count) problems.push(`${name}: more users than events`);
    if (!(issue.firstSeen <= issue.lastSeen && issue.lastSeen <= now)) problems.push(`${name}: first/last seen out of order`);
    // The aligned bucket holding the last event is never empty (the list's sparkline ends where lastSeen says).
    const lastHour = Math.floor(issue.lastSeen / HOUR) * HOUR;
    const hourIndex = 23 - (Math.floor(now / HOUR) * HOUR - lastHour) / HOUR;
    if (hourIndex >= 0 && hourly[hourIndex] === 0) problems.push(`${name}: the hour of its last event is empty`);
    // Windows of the issue search: each one holds the shorter ones and never more than the lifetime.
    const counts = [HOUR, DAY, 14 * DAY, 90 * DAY].map((ms) => issueWindowTotals(world, issue, { start: now - ms, end: now }, []).count);
    for (let i = 1; i < counts.length; i++) {
      if (counts[i]! < counts[i - 1]!) problems.push(`${name}: a longer window counts fewer events (${counts.join(", ")})`);
    }
    if (counts[3]! > issue.count) problems.push(`${name}: 90-day count ${counts[3]} above the lifetime count ${issue.count}`);
    if (issue.firstSeen >= now - 90 * DAY && counts[3] !== issue.count) problems.push(`${name}: born inside 90 days but 90d count ${counts[3]} ≠ lifetime ${issue.count}`);
    if (issue.substatus === "escalating" && !(sum(hourly.slice(-6)) > sum(hourly.slice(0, 6)))) {
      problems.push(`${name}: escalating, but its last 6 hours (${hourly.slice(-6)}) are not above its first 6 (${hourly.slice(0, 6)})`);
    }
  }
  return problems;
}

/** Release health: a longer window never has fewer sessions, and the last day is inside the last two weeks. */
function healthProblems(world: World): string[] {
  const problems: string[] = [];
  for (const [key, series] of world.releases.health) {
    const day = healthWindowTotals(world.releases, series, world.now - DAY, world.now, []);
    const fortnight = healthWindowTotals(world.releases, series, world.now - 14 * DAY, world.now, []);
    if (day.sessions > fortnight.sessions || day.sessionsCrashed > fortnight.sessionsCrashed) {
      problems.push(`${key.replace("\u0000", " ")} at ${label(world.now)}: 24h sessions above 14d`);
    }
  }
  return problems;
}

/** The events endpoint answered in-process, as the server routes it. */
function events(world: World, params: Record<string, string | string[]>): Array<Record<string, unknown>> {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) for (const v of [value].flat()) query.append(key, v);
  const route = eventRoutes.find((r) => r.pattern === "/organizations/:org/events/")!;
  const ctx = {
    method: "GET",
    path: `/organizations/${world.orgs[0]!.slug}/events/`,
    params: { org: world.orgs[0]!.slug },
    query,
    body: undefined,
    token: { label: "sandbox", kind: "user", scopes: new Set(["org:read"]) },
    world,
    listener: "main",
    baseUrl: "http://127.0.0.1:1",
    urls: { main: "http://127.0.0.1:1" },
    markDirty: () => undefined,
  } as unknown as RequestContext;
  const reply = route.handler(ctx) as { status: number; body: { data: Array<Record<string, unknown>> } };
  expect(reply.status).toBe(200);
  return reply.body.data;
}

/** The performance checks: slowest samples at or above p95, a regression, and a transaction steady enough for "about the same". */
function performanceProblems(world: World): string[] {
  const problems: string[] = [];
  const at = label(world.now);
  const project = world.projects.find((p) => p.orgSlug === world.orgs[0]!.slug && p.hasPerformance)!;
  const rows = events(world, {
    dataset: "spans",
    field: ["transaction", "p95(span.duration)", "count()"],
    query: "is_transaction:true",
    project: project.id,
    statsPeriod: "24h",
    per_page: "100",
  });
  for (const row of rows) {
    const name = String(row.transaction);
    const [slowest] = events(world, {
      dataset: "spans",
      field: ["span.duration"],
      query: `is_transaction:true transaction:"${name}"`,
      project: project.id,
      statsPeriod: "24h",
      sort: "-span.duration",
      per_page: "5",
    });
    if (!slowest || (slowest["span.duration"] as number) < (row["p95(span.duration)"] as number)) {
      problems.push(`${name} at ${at}: slowest sample ${slowest?.["span.duration"]} below p95 ${row["p95(span.duration)"]}`);
    }
  }
  const today: Window = { start: world.now - DAY, end: world.now };
  const yesterday: Window = { start: world.now - 2 * DAY, end: world.now - DAY };
  const p = (name: string, window: Window, q: number) =>
    percentile(spansIn(world, window).filter((s) => s.isTransaction && s.transaction === name), duration, q);
  const regressed = world.spans.regressedTransaction;
  if (!(p(regressed, today, 0.95)! > 1.3 * p(regressed, yesterday, 0.95)!)) problems.push(`${regressed} at ${at}: not clearly slower than the day before`);
  // transaction-summary's flat-band story needs a transaction of the first project whose p50 barely moved.
  const names = [...new Set(spansIn(world, today, { project: project.slug }).filter((s) => s.isTransaction).map((s) => s.transaction))];
  const moves = names.map((n) => Math.abs(p(n, today, 0.5)! / p(n, yesterday, 0.5)! - 1)).filter(Number.isFinite);
  if (!(Math.min(...moves) < 0.1)) problems.push(`${project.slug} at ${at}: no transaction with a p50 within 10% of the day before`);
  return problems;
}

/**
 * A release version without the UTC day in its build metadata (`2.4.0+2026031412` → `2.4.0+<day>12`): that part
 * is a calendar label of the release's own dateCreated, as CI stamps it, so it moves with the shifted date.
 */
const undated = (text: string) => text.replace(/\+20\d{6}(\d{2})$/, "+<day>$1");

/**
 * Where world `b` is not world `a` moved by `delta`: times (epoch-ms numbers near the clock, ISO strings) must
 * differ by exactly `delta` (spans' sub-millisecond offsets to float precision), everything else be equal.
 */
function shiftDifferences(a: unknown, b: unknown, delta: number, near: number): string[] {
  const found: string[] = [];
  const isTime = (n: number) => Math.abs(n - near) < 400 * DAY;
  const walk = (x: unknown, y: unknown, path: string): void => {
    if (found.length >= 5) return;
    if (typeof x === "function" || typeof y === "function") return;
    if (typeof x === "number" && typeof y === "number") {
      const same = isTime(x) ? Math.abs(y - delta - x) < 1e-3 : Object.is(x, y) || Math.abs(x - y) < 1e-9 * Math.max(1, Math.abs(x));
      if (!same) found.push(`${path}: ${x} vs ${y}`);
      return;
    }
    if (typeof x === "string" && typeof y === "string") {
      const iso = /^\d{4}-\d{2}-\d{2}T/.test(x) ? Date.parse(x) : Number.NaN;
      const same = Number.isNaN(iso) ? undated(x) === undated(y) : Date.parse(y) - delta === iso;
      if (!same) found.push(`${path}: ${x} vs ${y}`);
      return;
    }
    if (x instanceof Map && y instanceof Map) return walk([...x.entries()], [...y.entries()], path);
    if (x instanceof Set && y instanceof Set) return walk([...x], [...y], path);
    if (ArrayBuffer.isView(x) && ArrayBuffer.isView(y)) return walk([...(x as Float64Array)], [...(y as Float64Array)], path);
    if (Array.isArray(x) && Array.isArray(y)) {
      if (x.length !== y.length) found.push(`${path}: ${x.length} items vs ${y.length}`);
      else x.forEach((item, i) => walk(item, y[i], `${path}[${i}]`));
      return;
    }
    if (x && y && typeof x === "object" && typeof y === "object") {
      const keys = Object.keys(x);
      if (keys.join() !== Object.keys(y).join()) found.push(`${path}: keys differ`);
      else for (const k of keys) walk((x as Record<string, unknown>)[k], (y as Record<string, unknown>)[k], `${path}.${k}`);
      return;
    }
    if (!Object.is(x, y)) found.push(`${path}: ${String(x)} vs ${String(y)}`);
  };
  walk(a, b, "world");
  return found;
}

/** The seeded parts of a world, without the options that name its clock. */
function seeded(world: World): Record<string, unknown> {
  const { options: _options, clock: _clock, seed: _seed, ...rest } = world;
  return rest;
}

describe("sandbox › the seeded world at many clocks", () => {
  it("keeps issue stats and search windows consistent at every hour of two days and at odd seconds", () => {
    const problems = [...HOURLY_CLOCKS, ...ODD_CLOCKS].flatMap((now) => {
      const world = issuesWorld(now);
      expect(world.issues.issues.filter((i) => i.substatus === "escalating").length, label(now)).toBeGreaterThan(0);
      return issueProblems(world);
    });
    expect(problems).toEqual([]);
  });

  it("keeps slowest samples above p95, the regression, a steady transaction and release health at odd clocks", () => {
    const problems = ODD_CLOCKS.slice(0, 4).flatMap((now) => {
      const world = createWorld({ seed: 1, now }, now);
      return [...performanceProblems(world), ...healthProblems(world)];
    });
    expect(problems).toEqual([]);
  });

  it("is the same world shifted in time when started a minute or a day and a half later", () => {
    const base = createWorld({ seed: 1, now: TEST_NOW }, TEST_NOW);
    for (const delta of [MINUTE + 7 * SECOND + 123, 36 * HOUR + 29 * MINUTE + 31 * SECOND + 500]) {
      const later = createWorld({ seed: 1, now: TEST_NOW + delta }, TEST_NOW + delta);
      expect(shiftDifferences(seeded(base), seeded(later), delta, TEST_NOW), `shifted by ${delta} ms`).toEqual([]);
      // And the comparison is not blind: the same worlds are not each other shifted by a millisecond more.
      expect(shiftDifferences(seeded(base), seeded(later), delta + 1, TEST_NOW).length, `shifted by ${delta + 1} ms`).toBeGreaterThan(0);
    }
  });
});
