// For the performance tools' tests: aggregates recomputed from the sandbox's raw span records, the way
// seed/spans.ts documents Sentry computing them (extrapolated by each span's sampling weight), so a test compares
// what a tool prints with numbers it derived on its own; and the raw size of the API answers a tool read, for the
// output budgets.

import { expect } from "vitest";
import type { SpanRecord } from "../../scripts/sandbox/seed/spans.js";
import type { LoggedRequest } from "../../scripts/sandbox/server.js";
import type { World } from "../../scripts/sandbox/types.js";

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
/** The threshold the tools send to apdex()/user_misery(). */
export const APDEX_T = 300;
/** Sentry's Bayesian prior for user misery (search/events/constants.py). */
const MISERY_ALPHA = 5.8875;
const MISERY_BETA = 111.8625;
const NOT_FAILURES = new Set(["ok", "cancelled", "unknown"]);

export interface Window {
  start: number;
  end: number;
}

/** The window a relative statsPeriod means in the sandbox: it ends at world.now. */
export function lastPeriod(world: World, ms: number): Window {
  return { start: world.now - ms, end: world.now };
}

/** The window of a logged request that sent start/end. */
export function windowOf(request: LoggedRequest): Window {
  return { start: Date.parse(String(request.query.start)), end: Date.parse(String(request.query.end)) };
}

export function minutes(window: Window): number {
  return (window.end - window.start) / MINUTE_MS;
}

/** Spans of the organization's projects (optionally one project / environment) that started in the window. */
export function spansIn(world: World, window: Window, opts: { project?: string; environment?: string } = {}): SpanRecord[] {
  const org = world.orgs[0]!.slug;
  const projects = new Set(world.projects.filter((p) => p.orgSlug === org && (!opts.project || p.slug === opts.project)).map((p) => p.id));
  return world.spans.spans.filter(
    (s) =>
      s.timestamp >= window.start &&
      s.timestamp < window.end &&
      projects.has(s.projectId) &&
      (!opts.environment || s.environment === opts.environment),
  );
}

export function groupBy<K>(rows: readonly SpanRecord[], key: (r: SpanRecord) => K): Map<K, SpanRecord[]> {
  const groups = new Map<K, SpanRecord[]>();
  for (const r of rows) {
    const k = key(r);
    const list = groups.get(k);
    if (list) list.push(r);
    else groups.set(k, [r]);
  }
  return groups;
}

export type Read = (r: SpanRecord) => number;
export const duration: Read = (r) => r.durationMs;
export const selfTime: Read = (r) => r.selfTimeMs;

/** Extrapolated count: the traffic the stored rows stand for, Σ sampling weight. */
export function count(rows: readonly SpanRecord[]): number {
  return sum(rows.map((r) => r.sampleWeight));
}

/** Extrapolated sum Σ w·v. */
export function weightedSum(rows: readonly SpanRecord[], read: Read): number {
  return sum(rows.map((r) => read(r) * r.sampleWeight));
}

export function weightedMean(rows: readonly SpanRecord[], read: Read): number | null {
  return rows.length === 0 ? null : weightedSum(rows, read) / count(rows);
}

/**
 * Weighted linear percentile, written from its definition rather than like the server: every value is a point
 * on a line of total weight W whose row i sits at C[i] (weight before it) and whose last row sits at W − w[last];
 * the answer is the line's value at q × (W − w[last]), interpolated inside row i's stretch of length w[i].
 * With equal weights (one project) this is numpy's default "linear" percentile; tests/sandbox-events.test.ts checks that.
 */
export function percentile(rows: readonly SpanRecord[], read: Read, q: number): number | null {
  if (rows.length === 0) return null;
  const points = rows.map((r) => ({ v: read(r), w: r.sampleWeight })).sort((a, b) => a.v - b.v || a.w - b.w);
  const at = q * (count(rows) - points.at(-1)!.w);
  let position = 0;
  for (let i = 0; i < points.length - 1; i++) {
    const { v, w } = points[i]!;
    if (at < position + w) return v + ((at - position) / w) * (points[i + 1]!.v - v);
    position += w;
  }
  return points.at(-1)!.v;
}

export function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Share of the extrapolated traffic that failed. */
export function failureRate(segments: readonly SpanRecord[]): number {
  return segments.length === 0 ? 0 : count(segments.filter((s) => !NOT_FAILURES.has(s.status))) / count(segments);
}

export function apdex(segments: readonly SpanRecord[], t = APDEX_T): number | null {
  if (segments.length === 0) return null;
  const satisfied = count(segments.filter((s) => s.durationMs <= t));
  const tolerating = count(segments.filter((s) => s.durationMs > t && s.durationMs <= 4 * t));
  return (satisfied + tolerating / 2) / count(segments);
}

/** Distinct users, not extrapolated (Sentry does not extrapolate uniques). */
export function userMisery(segments: readonly SpanRecord[], t = APDEX_T): number | null {
  const users = new Set<string>();
  const miserable = new Set<string>();
  for (const s of segments) {
    if (!s.userId) continue;
    users.add(s.userId);
    if (s.durationMs > 4 * t) miserable.add(s.userId);
  }
  return users.size === 0 ? null : (miserable.size + MISERY_ALPHA) / (users.size + MISERY_ALPHA + MISERY_BETA);
}

/** Requests the tool sent to the events endpoint, in order. */
export function eventsRequests(log: readonly LoggedRequest[]): LoggedRequest[] {
  return log.filter((r) => r.path.endsWith("/events/"));
}

/** Bytes of the answer the sandbox gives to a logged request, asked again directly (for output budgets). */
export async function rawResponseBytes(baseUrl: string, request: LoggedRequest, token = "sandbox"): Promise<number> {
  const url = new URL(`${baseUrl}${request.path}`);
  for (const [key, value] of Object.entries(request.query)) {
    for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, v);
  }
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return (await res.arrayBuffer()).byteLength;
}

/** The performance tools' JSON rounds milliseconds to 0.1 and fractions (shares, rates, scores) to 4 decimals. */
export const MS_DECIMALS = 1;
export const FRACTION_DECIMALS = 4;

/** `value` rounded to `decimals`, as the JSON carries it and the text is printed from it. */
export const rounded = (value: number, decimals: number) => Math.round(value * 10 ** decimals) / 10 ** decimals;

/** `actual` is `expected` rounded to `decimals`: within half a step (plus float noise) and no finer; null stays null. */
export function expectRounded(actual: number | null, expected: number | null, label: string, decimals: number): void {
  if (expected === null) return expect(actual, label).toBeNull();
  expect(actual, label).not.toBeNull();
  expect(Math.abs(actual! - expected), label).toBeLessThanOrEqual(0.5 * 10 ** -decimals + 1e-9);
  expect(Math.round(actual! * 10 ** decimals) / 10 ** decimals, `${label} has at most ${decimals} decimals`).toBe(actual);
}
