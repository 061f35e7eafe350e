// The sandbox's events endpoint as the performance tools meet it: every number it answers equals an aggregate
// computed here, independently, from the seeded spans (world.spans.spans), with the formulas Sentry documents,
// extrapolated by each stored span's sampling weight as Sentry extrapolates sampled spans.

import { describe, expect, it } from "vitest";
import type { SpanRecord } from "../scripts/sandbox/seed/spans.js";
import { TEST_NOW, useSandbox } from "./helpers/sandbox.js";

const ORG = "acme";
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const MINUTE_MS = 60_000;
/** Sentry's apdex/user-misery default threshold and user-misery prior (search/events/constants.py). */
const T = 300;
const MISERY_ALPHA = 5.8875;
const MISERY_BETA = 111.8625;
/** Statuses failure_rate() does not count as failures. */
const NOT_FAILED = new Set(["ok", "cancelled", "unknown"]);
/** Relative tolerance of float comparisons: sums over thousands of spans differ in the last digits by summation order. */
const DIGITS = 6;

type Row = Record<string, unknown>;
interface EventsAnswer {
  status: number;
  headers: Headers;
  body: { data: Row[]; meta: { fields: Record<string, string>; units: Record<string, string | null>; dataset: string; bytesScanned: number } } & { detail?: string };
}
type Params = Record<string, string | string[]>;

async function fetchEvents(base: string, params: Params, token = "sandbox"): Promise<EventsAnswer> {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) for (const v of [value].flat()) search.append(key, v);
  const res = await fetch(`${base}/api/0/organizations/${ORG}/events/?${search}`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: res.status, headers: res.headers, body: (await res.json()) as EventsAnswer["body"] };
}

// ---- independent computation -----------------------------------------------------------------

/** numpy's default percentile: linear interpolation between closest ranks. */
function numpyQuantile(values: number[], q: number): number | null {
  if (values.length === 0) return null;
  const v = [...values].sort((a, b) => a - b);
  const h = (v.length - 1) * q;
  const lo = Math.floor(h);
  return v[lo]! + (h - lo) * (v[Math.ceil(h)]! - v[lo]!);
}
const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);
/** Extrapolated count: Σ sampling weight. */
const weight = (rows: SpanRecord[]): number => sum(rows.map((r) => r.sampleWeight));
const weightedSum = (rows: SpanRecord[], read: (r: SpanRecord) => number): number => sum(rows.map((r) => r.sampleWeight * read(r)));
const durationOf = (r: SpanRecord): number => r.durationMs;
const selfTimeOf = (r: SpanRecord): number => r.selfTimeMs;
/**
 * The weighted percentile as seed/spans.ts defines it, computed the long way: sorted by value (ties by weight),
 * row i at position C[i] (weight before it) ÷ (W − last weight) in [0, 1], interpolated between neighbours.
 */
function quantile(rows: SpanRecord[], read: (r: SpanRecord) => number, q: number): number | null {
  if (rows.length === 0) return null;
  const sorted = rows.map((r) => ({ v: read(r), w: r.sampleWeight })).sort((a, b) => a.v - b.v || a.w - b.w);
  if (sorted.length === 1) return sorted[0]!.v;
  const span = weight(rows) - sorted.at(-1)!.w;
  const positions: number[] = [];
  let before = 0;
  for (const p of sorted) {
    positions.push(before / span);
    before += p.w;
  }
  let i = 0;
  while (i + 1 < positions.length && positions[i + 1]! <= q) i += 1;
  if (i === sorted.length - 1) return sorted[i]!.v;
  return sorted[i]!.v + ((q - positions[i]!) / (positions[i + 1]! - positions[i]!)) * (sorted[i + 1]!.v - sorted[i]!.v);
}
const failureRate = (rows: SpanRecord[]): number => weight(rows.filter((r) => !NOT_FAILED.has(r.status))) / weight(rows);
function apdex(segments: SpanRecord[], t = T): number {
  const satisfied = weight(segments.filter((r) => r.durationMs <= t));
  const tolerating = weight(segments.filter((r) => r.durationMs > t && r.durationMs <= 4 * t));
  return (satisfied + tolerating / 2) / weight(segments);
}
function miserable(segments: SpanRecord[], t = T): { miserable: number; users: number } {
  const withUser = segments.filter((r) => r.userId !== null);
  return {
    miserable: new Set(withUser.filter((r) => r.durationMs > 4 * t).map((r) => r.userId)).size,
    users: new Set(withUser.map((r) => r.userId)).size,
  };
}
function groupBy<K>(rows: SpanRecord[], key: (r: SpanRecord) => K): Map<K, SpanRecord[]> {
  const groups = new Map<K, SpanRecord[]>();
  for (const r of rows) {
    const k = key(r);
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return groups;
}
function expectClose(actual: unknown, expected: number | null, label: string): void {
  if (expected === null) {
    expect(actual, label).toBeNull();
    return;
  }
  expect(typeof actual, label).toBe("number");
  const scale = Math.max(1, Math.abs(expected));
  expect((actual as number) / scale, label).toBeCloseTo(expected / scale, DIGITS);
}

describe("sandbox events", () => {
  const sandbox = useSandbox({ now: TEST_NOW });
  const events = (params: Params, token?: string) => fetchEvents(sandbox.url, params, token);

  /** The org's spans in [start, end), as the endpoint selects them before the query applies. */
  function spansIn(start: number, end = TEST_NOW): SpanRecord[] {
    const orgProjects = new Set(sandbox.world.projects.filter((p) => p.orgSlug === ORG).map((p) => p.id));
    return sandbox.world.spans.spans.filter((r) => orgProjects.has(r.projectId) && r.timestamp >= start && r.timestamp < end);
  }
  const lastDay = () => spansIn(TEST_NOW - DAY_MS);
  const lastWeek = () => spansIn(TEST_NOW - 7 * DAY_MS);

  describe("the seeded world", () => {
    it("holds 30–60k spans from every performance project, each transaction one tree under its root", () => {
      const { spans } = sandbox.world.spans;
      expect(spans.length).toBeGreaterThan(30_000);
      expect(spans.length).toBeLessThan(60_000);
      const perfProjects = sandbox.world.projects.filter((p) => p.hasPerformance).map((p) => p.id);
      expect(new Set(spans.map((s) => s.projectId))).toEqual(new Set(perfProjects));

      // Collected and asserted once: an expect() per span would make this the slowest test of the file.
      const byId = new Map(spans.map((s) => [s.spanId, s]));
      const broken = spans.filter((s) => {
        if (s.selfTimeMs > s.durationMs) return true;
        if (s.isTransaction) return s.parentSpanId !== null;
        const parent = byId.get(s.parentSpanId ?? "");
        return !parent || parent.traceId !== s.traceId || parent.transactionId !== s.transactionId || s.timestamp < parent.timestamp;
      });
      expect(broken).toEqual([]);
      expect(spans.find((s) => s.op === "db.sql.query")!.normalizedDescription).toMatch(/^(SELECT|INSERT|UPDATE|DELETE) .*%s/);
      expect(spans.every((s) => /^[0-9a-f]{16}$/.test(s.spanId) && /^[0-9a-f]{32}$/.test(s.traceId) && /^[0-9a-f]{16}$/.test(s.group))).toBe(true);
    });

    it("spreads transactions over 15 days, so a 7-day period has a previous one to compare with", () => {
      const roots = sandbox.world.spans.spans.filter((s) => s.isTransaction);
      const oldest = Math.min(...roots.map((s) => s.timestamp));
      expect(TEST_NOW - oldest).toBeGreaterThan(14.5 * DAY_MS);
      expect(TEST_NOW - oldest).toBeLessThanOrEqual(15 * DAY_MS);
      expect(roots.filter((s) => s.timestamp < TEST_NOW - 7 * DAY_MS && s.timestamp >= TEST_NOW - 14 * DAY_MS).length).toBeGreaterThan(1_000);
      expect(Math.max(...sandbox.world.spans.spans.map((s) => s.timestamp + s.durationMs))).toBeLessThan(TEST_NOW);
    });

    it("has an endpoint that repeats one query 20–50 times per request (N+1)", () => {
      const { spans, nPlusOneQuery, nPlusOneTransaction } = sandbox.world.spans;
      // A request that failed stopped midway through its loop, so only the completed ones show the full pattern.
      const completed = new Set(spans.filter((s) => s.isTransaction && s.status === "ok").map((s) => s.transactionId));
      const perTransaction = groupBy(
        spans.filter((s) => s.normalizedDescription === nPlusOneQuery && completed.has(s.transactionId)),
        (s) => s.transactionId,
      );
      expect(perTransaction.size).toBeGreaterThan(100);
      for (const rows of perTransaction.values()) {
        expect(rows[0]!.transaction).toBe(nPlusOneTransaction);
        expect(rows.length).toBeGreaterThanOrEqual(20);
        expect(rows.length).toBeLessThanOrEqual(50);
      }
    });

    it("stores sampled spans: each project samples at its own rate, and every span of a trace carries its weight", () => {
      const { spans } = sandbox.world.spans;
      const byProject = groupBy(spans, (s) => s.projectSlug);
      const weights = new Map([...byProject].map(([slug, rows]) => [slug, new Set(rows.map((r) => r.sampleWeight))]));
      for (const [slug, set] of weights) {
        expect(set.size, slug).toBe(1);
        const [w] = [...set];
        // Rates of 1–10 %, or below for busy backends: a stored span stands for tens to hundreds.
        expect(Number.isInteger(w) && w! >= 10 && w! <= 1_000, `${slug} weight ${w}`).toBe(true);
      }
      expect(new Set([...weights.values()].map((set) => [...set][0])).size).toBeGreaterThan(1);
      const traceWeight = new Map<string, number>();
      const mixedTraces = new Set<string>();
      for (const s of spans) {
        const w = traceWeight.get(s.traceId) ?? s.sampleWeight;
        traceWeight.set(s.traceId, w);
        if (w !== s.sampleWeight) mixedTraces.add(s.traceId);
      }
      expect([...mixedTraces]).toEqual([]);
    });

    it("extrapolates to realistic traffic: the busiest endpoints see a few transactions a minute", async () => {
      const res = await events({ dataset: "spans", field: ["transaction", "project", "tpm()", "count_sample()"], query: "is_transaction:true", statsPeriod: "24h", sort: "-tpm()", per_page: "3" });
      const [busiest] = res.body.data;
      expect(busiest!["tpm()"] as number).toBeGreaterThan(1);
      expect(busiest!["tpm()"] as number).toBeLessThan(10);
      // What was stored is a small sample of that.
      expect((busiest!["count_sample()"] as number) / (DAY_MS / MINUTE_MS)).toBeLessThan(0.1);
    });

    it("is the same world for the same seed and clock", async () => {
      const { createWorld } = await import("../scripts/sandbox/world.js");
      const again = createWorld({ seed: 1 }, TEST_NOW).spans.spans;
      expect(again.length).toBe(sandbox.world.spans.spans.length);
      expect(again.slice(0, 50)).toEqual(sandbox.world.spans.spans.slice(0, 50));
    });
  });

  describe("list-transactions: aggregates per transaction", () => {
    it("answers tpm, p50, p95, failure rate, count and apdex per transaction and project as computed from the spans", async () => {
      const fields = ["transaction", "project", "tpm()", "p50(span.duration)", "p95(span.duration)", "failure_rate()", "count()", "apdex(span.duration,300)"];
      const res = await events({ dataset: "spans", field: fields, query: "is_transaction:true", statsPeriod: "7d", sort: "-tpm()", per_page: "100" });
      expect(res.status).toBe(200);

      const groups = groupBy(lastWeek().filter((s) => s.isTransaction), (s) => `${s.transaction}|${s.projectSlug}`);
      expect(res.body.data).toHaveLength(groups.size);
      const windowMinutes = (7 * DAY_MS) / MINUTE_MS;
      for (const row of res.body.data) {
        const rows = groups.get(`${row.transaction}|${row.project}`)!;
        const label = `${row.transaction} in ${row.project}`;
        expect(row["count()"], label).toBe(weight(rows));
        expectClose(row["tpm()"], weight(rows) / windowMinutes, label);
        expectClose(row["p50(span.duration)"], quantile(rows, durationOf, 0.5), label);
        expectClose(row["p95(span.duration)"], quantile(rows, durationOf, 0.95), label);
        // One project samples at one rate, so its percentiles are the plain (numpy) ones of what it stored.
        expectClose(row["p95(span.duration)"], numpyQuantile(rows.map(durationOf), 0.95), label);
        expectClose(row["failure_rate()"], failureRate(rows), label);
        expectClose(row["apdex(span.duration,300)"], apdex(rows), label);
      }
      const tpms = res.body.data.map((r) => r["tpm()"] as number);
      expect(tpms).toEqual([...tpms].sort((a, b) => b - a));
      expect(res.body.meta.fields).toMatchObject({ transaction: "string", "tpm()": "rate", "p95(span.duration)": "duration", "failure_rate()": "percentage", "count()": "integer", "apdex(span.duration,300)": "number" });
      expect(res.body.meta.units).toMatchObject({ "tpm()": "1/minute", "p95(span.duration)": "millisecond", transaction: null });
    });

    it("weights each stored span by its sample rate when a group mixes projects that sample differently", async () => {
      const name = "GET /api/products/:id";
      const fields = ["transaction", "count()", "count_sample()", "avg(span.duration)", "p50(span.duration)", "p95(span.duration)", "failure_rate()", "apdex(span.duration,300)"];
      const res = await events({ dataset: "spans", field: fields, query: `is_transaction:true transaction:"${name}"`, statsPeriod: "7d" });
      const rows = lastWeek().filter((s) => s.isTransaction && s.transaction === name);
      expect(new Set(rows.map((r) => r.sampleWeight)).size, "the group mixes sample rates").toBeGreaterThan(1);
      const [row] = res.body.data;
      expect(row!["count()"]).toBe(weight(rows));
      expect(row!["count_sample()"]).toBe(rows.length);
      expectClose(row!["avg(span.duration)"], weightedSum(rows, durationOf) / weight(rows), "avg");
      expectClose(row!["p50(span.duration)"], quantile(rows, durationOf, 0.5), "p50");
      expectClose(row!["p95(span.duration)"], quantile(rows, durationOf, 0.95), "p95");
      expectClose(row!["failure_rate()"], failureRate(rows), "failure_rate");
      expectClose(row!["apdex(span.duration,300)"], apdex(rows), "apdex");
      // Not the unweighted numbers: the weights move them.
      expect(row!["avg(span.duration)"]).not.toBeCloseTo(sum(rows.map(durationOf)) / rows.length, 6);
    });

    it("narrows to one project with the project parameter, by slug or by numeric ID", async () => {
      const api = sandbox.world.projects.find((p) => p.slug === "api-backend")!;
      for (const ref of [api.slug, api.id]) {
        const res = await events({ dataset: "spans", field: ["project", "count()"], query: "is_transaction:true", statsPeriod: "24h", project: ref });
        expect(res.body.data).toEqual([{ project: "api-backend", "count()": weight(lastDay().filter((s) => s.isTransaction && s.projectId === api.id)) }]);
      }
      const unknown = await events({ dataset: "spans", field: ["count()"], project: "no-such-project" });
      expect(unknown.status).toBe(403);
    });

    it("sorts by any requested field in either direction, and refuses a sort that is not requested", async () => {
      const base = { dataset: "spans", field: ["transaction", "p95(span.duration)", "count()"], query: "is_transaction:true", statsPeriod: "24h" };
      const asc = await events({ ...base, sort: "p95(span.duration)" });
      const p95s = asc.body.data.map((r) => r["p95(span.duration)"] as number);
      expect(p95s).toEqual([...p95s].sort((a, b) => a - b));
      const byName = await events({ ...base, sort: "-transaction" });
      const names = byName.body.data.map((r) => r.transaction as string);
      expect(names).toEqual([...names].sort().reverse());

      const refused = await events({ ...base, sort: "-tpm()" });
      expect(refused.status).toBe(400);
      expect(refused.body.detail).toMatch(/orderby must also be in the selected columns/);
    });

    it("pages through every group with per_page and the Link cursor, and caps per_page at 100", async () => {
      const base = { dataset: "spans", field: ["transaction", "project", "count()"], query: "is_transaction:true", statsPeriod: "14d", sort: ["-count()", "transaction"] };
      const all = await events({ ...base, per_page: "100" });
      const seen: Row[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 20; page++) {
        const res = await events({ ...base, per_page: "7", ...(cursor ? { cursor } : {}) });
        seen.push(...res.body.data);
        const next = /<[^>]+>; rel="next"; results="(true|false)"; cursor="([^"]+)"/.exec(res.headers.get("link") ?? "")!;
        if (next[1] === "false") break;
        cursor = next[2];
      }
      expect(seen).toEqual(all.body.data);
      expect(seen.length).toBeGreaterThan(7);

      const samples = await events({ dataset: "spans", field: ["id"], per_page: "1000" });
      expect(samples.body.data).toHaveLength(100);
    });
  });

  describe("transaction-summary: one transaction", () => {
    const CHECKOUT = "GET /api/checkout";

    it("answers its percentiles, average, rates, apdex and user misery as computed from its segments", async () => {
      const fields = ["p50(span.duration)", "p75(span.duration)", "p95(span.duration)", "p99(span.duration)", "avg(span.duration)", "count()", "tpm()", "failure_rate()", "apdex(span.duration,300)", "user_misery(span.duration,300)"];
      const res = await events({ dataset: "spans", field: fields, query: `is_transaction:true transaction:"${CHECKOUT}"`, statsPeriod: "24h" });
      expect(res.status).toBe(200);
      const rows = lastDay().filter((s) => s.isTransaction && s.transaction === CHECKOUT);
      const row = res.body.data[0]!;
      expect(res.body.data).toHaveLength(1);
      for (const [field, q] of [["p50", 0.5], ["p75", 0.75], ["p95", 0.95], ["p99", 0.99]] as const) {
        expectClose(row[`${field}(span.duration)`], quantile(rows, durationOf, q), field);
      }
      expectClose(row["avg(span.duration)"], weightedSum(rows, durationOf) / weight(rows), "avg");
      expect(row["count()"]).toBe(weight(rows));
      expectClose(row["tpm()"], weight(rows) / (DAY_MS / MINUTE_MS), "tpm");
      expectClose(row["failure_rate()"], failureRate(rows), "failure_rate");
      expectClose(row["apdex(span.duration,300)"], apdex(rows), "apdex");
      const m = miserable(rows);
      expectClose(row["user_misery(span.duration,300)"], (m.miserable + MISERY_ALPHA) / (m.users + MISERY_ALPHA + MISERY_BETA), "user_misery");
    });

    it("shows where the time goes: self time by span operation inside the transaction", async () => {
      const res = await events({ dataset: "spans", field: ["span.op", "sum(span.self_time)", "count()"], query: `transaction:"${CHECKOUT}"`, statsPeriod: "24h", sort: "-sum(span.self_time)" });
      const expected = [...groupBy(lastDay().filter((s) => s.transaction === CHECKOUT), (s) => s.op)]
        .map(([op, rows]) => ({ op, total: weightedSum(rows, selfTimeOf), count: weight(rows) }))
        .sort((a, b) => b.total - a.total);
      expect(res.body.data.map((r) => r["span.op"])).toEqual(expected.map((e) => e.op));
      res.body.data.forEach((r, i) => {
        expectClose(r["sum(span.self_time)"], expected[i]!.total, String(r["span.op"]));
        expect(r["count()"]).toBe(expected[i]!.count);
      });
      expect(expected[0]!.op).toBe("db.sql.query");
    });

    it("lists the slowest samples with trace ID, duration and timestamp, slowest first", async () => {
      const res = await events({ dataset: "spans", field: ["id", "trace", "span.duration", "timestamp"], query: `is_transaction:1 transaction:"${CHECKOUT}"`, statsPeriod: "24h", sort: "-span.duration", per_page: "5" });
      const expected = lastDay()
        .filter((s) => s.isTransaction && s.transaction === CHECKOUT)
        .sort((a, b) => b.durationMs - a.durationMs)
        .slice(0, 5);
      expect(res.body.data).toEqual(
        expected.map((s) => ({
          id: s.spanId,
          trace: s.traceId,
          "span.duration": s.durationMs,
          timestamp: new Date(Math.floor(s.timestamp / 1000) * 1000).toISOString().replace(".000Z", "+00:00"),
        })),
      );
      expect(res.body.meta.fields).toEqual({ id: "string", trace: "string", "span.duration": "duration", timestamp: "date" });
    });

    it("got clearly slower in the last 24 h than in the 24 h before", async () => {
      const fields = ["p95(span.duration)", "p50(span.duration)", "count()"];
      const query = `is_transaction:true transaction:"${CHECKOUT}"`;
      const recent = await events({ dataset: "spans", field: fields, query, statsPeriod: "24h" });
      const previous = await events({
        dataset: "spans",
        field: fields,
        query,
        start: new Date(TEST_NOW - 2 * DAY_MS).toISOString(),
        end: new Date(TEST_NOW - DAY_MS).toISOString(),
      });
      const before = spansIn(TEST_NOW - 2 * DAY_MS, TEST_NOW - DAY_MS).filter((s) => s.isTransaction && s.transaction === CHECKOUT);
      expectClose(previous.body.data[0]!["p95(span.duration)"], quantile(before, durationOf, 0.95), "previous p95");
      expect(previous.body.data[0]!["count()"]).toBe(weight(before));
      expect(before.length).toBeGreaterThan(10);
      expect(recent.body.data[0]!["p95(span.duration)"] as number).toBeGreaterThan(1.3 * (previous.body.data[0]!["p95(span.duration)"] as number));
      expect(recent.body.data[0]!["p50(span.duration)"] as number).toBeGreaterThan(1.3 * (previous.body.data[0]!["p50(span.duration)"] as number));
    });

    it("answers one row with count 0 and empty percentiles for a transaction without data", async () => {
      const res = await events({ dataset: "spans", field: ["count()", "p95(span.duration)", "failure_rate()", "apdex(span.duration,300)"], query: 'is_transaction:true transaction:"GET /nowhere"', statsPeriod: "24h" });
      expect(res.body.data).toEqual([{ "count()": 0, "p95(span.duration)": null, "failure_rate()": 0, "apdex(span.duration,300)": null }]);
    });
  });

  describe("slow-queries: database spans by normalized query", () => {
    it("answers total, average and p95 self time, count and rate per query as the Queries page asks for them", async () => {
      const fields = ["project.id", "span.group", "sentry.normalized_description", "span.action", "epm()", "avg(span.self_time)", "sum(span.self_time)", "p95(span.self_time)", "count()"];
      const res = await events({ dataset: "spans", field: fields, query: "span.category:db !span.op:[db.sql.room,db.redis] has:sentry.normalized_description", statsPeriod: "24h", sort: "-sum(span.self_time)", per_page: "25" });
      expect(res.status).toBe(200);
      const dbSpans = lastDay().filter((s) => s.category === "db" && s.op !== "db.sql.room" && s.op !== "db.redis" && s.normalizedDescription);
      const groups = groupBy(dbSpans, (s) => `${s.projectId}|${s.group}`);
      const expected = [...groups.values()].map((rows) => ({ rows, total: weightedSum(rows, selfTimeOf) })).sort((a, b) => b.total - a.total);
      expect(res.body.data).toHaveLength(Math.min(25, expected.length));
      res.body.data.forEach((row, i) => {
        const { rows, total } = expected[i]!;
        const label = rows[0]!.normalizedDescription!;
        expect(row["project.id"]).toBe(Number(rows[0]!.projectId));
        expect(row["sentry.normalized_description"]).toBe(label);
        expect(row["span.group"]).toBe(rows[0]!.group);
        expect(row["span.action"]).toBe(label.split(" ")[0]);
        expectClose(row["sum(span.self_time)"], total, label);
        expectClose(row["avg(span.self_time)"], total / weight(rows), label);
        expectClose(row["p95(span.self_time)"], quantile(rows, selfTimeOf, 0.95), label);
        expect(row["count()"]).toBe(weight(rows));
        expectClose(row["epm()"], weight(rows) / (DAY_MS / MINUTE_MS), label);
      });
      expect(res.body.data.some((r) => r["sentry.normalized_description"] === sandbox.world.spans.nPlusOneQuery)).toBe(true);
    });

    it("looks inside one endpoint with transaction: and finds its repeated query", async () => {
      const { nPlusOneTransaction, nPlusOneQuery } = sandbox.world.spans;
      const fields = ["sentry.normalized_description", "count()", "count_sample()", "count_unique(transaction.id)"];
      const res = await events({ dataset: "spans", field: fields, query: `span.category:db transaction:"${nPlusOneTransaction}"`, statsPeriod: "24h", sort: "-count()" });
      const top = res.body.data[0]!;
      expect(top["sentry.normalized_description"]).toBe(nPlusOneQuery);
      const rows = lastDay().filter((s) => s.normalizedDescription === nPlusOneQuery && s.transaction === nPlusOneTransaction);
      expect(top["count()"]).toBe(weight(rows));
      expect(top["count_sample()"]).toBe(rows.length);
      // Uniques are not extrapolated, so runs per transaction are stored rows ÷ stored transactions.
      expect(top["count_unique(transaction.id)"]).toBe(new Set(rows.map((r) => r.transactionId)).size);
      expect((top["count_sample()"] as number) / (top["count_unique(transaction.id)"] as number)).toBeGreaterThanOrEqual(20);
      expect(res.body.meta.fields["count_sample()"]).toBe("integer");
    });
  });

  describe("search syntax", () => {
    const count = async (query: string, extra: Params = {}): Promise<number> => {
      const res = await events({ dataset: "spans", field: ["count()"], query, statsPeriod: "7d", ...extra });
      expect(res.status, `${query}: ${JSON.stringify(res.body)}`).toBe(200);
      return res.body.data[0]!["count()"] as number;
    };
    const expected = (keep: (s: SpanRecord) => boolean): number => weight(lastWeek().filter(keep));

    it("filters by is_transaction, span.op, span.category and their negations and lists", async () => {
      expect(await count("is_transaction:true")).toBe(expected((s) => s.isTransaction));
      expect(await count("is_transaction:0")).toBe(expected((s) => !s.isTransaction));
      expect(await count("span.op:http.client")).toBe(expected((s) => s.op === "http.client"));
      expect(await count("!span.category:db")).toBe(expected((s) => s.category !== "db"));
      expect(await count("span.op:[cache.get,db.redis]")).toBe(expected((s) => s.op === "cache.get" || s.op === "db.redis"));
      expect(await count("span.category:db !span.op:[db.sql.room,db.redis]")).toBe(expected((s) => s.category === "db" && s.op !== "db.sql.room" && s.op !== "db.redis"));
    });

    it("matches wildcards, has:, quoted values, numeric comparisons and free text", async () => {
      expect(await count('transaction:"GET /api/*"')).toBe(expected((s) => s.transaction.startsWith("GET /api/")));
      expect(await count("span.description:*inventory*")).toBe(expected((s) => /inventory/i.test(s.description)));
      expect(await count('sentry.normalized_description:"*FOR UPDATE"')).toBe(expected((s) => /FOR UPDATE$/i.test(s.normalizedDescription ?? "")));
      expect(await count("has:db.system")).toBe(expected((s) => s.dbSystem !== null));
      expect(await count("!has:user")).toBe(expected((s) => s.userId === null));
      expect(await count("is_transaction:true span.duration:>1s")).toBe(expected((s) => s.isTransaction && s.durationMs > 1000));
      expect(await count("span.self_time:<=2ms")).toBe(expected((s) => s.selfTimeMs <= 2));
      expect(await count("payment_intents")).toBe(expected((s) => s.description.includes("payment_intents")));
    });

    it("combines terms with OR and parentheses", async () => {
      expect(await count('is_transaction:true (transaction:"GET /api/orders" OR transaction:"POST /api/orders")')).toBe(
        expected((s) => s.isTransaction && (s.transaction === "GET /api/orders" || s.transaction === "POST /api/orders")),
      );
      expect(await count("span.op:db.redis OR span.op:cache.get AND project:payments")).toBe(
        expected((s) => s.op === "db.redis" || (s.op === "cache.get" && s.projectSlug === "payments")),
      );
    });

    it("filters by project:, trace:, the environment parameter, and keeps aggregate conditions for after grouping", async () => {
      expect(await count("project:mobile-ios")).toBe(expected((s) => s.projectSlug === "mobile-ios"));
      const trace = lastWeek()[0]!.traceId;
      expect(await count(`trace:${trace}`)).toBe(expected((s) => s.traceId === trace));
      expect(await count("", { environment: "staging" })).toBe(expected((s) => s.environment === "staging"));

      const perTransaction = [...groupBy(lastWeek().filter((s) => s.isTransaction), (s) => s.transaction)];
      const median = perTransaction.map(([, rows]) => weight(rows)).sort((a, b) => a - b)[Math.floor(perTransaction.length / 2)]!;
      const busy = await events({ dataset: "spans", field: ["transaction", "count()"], query: `is_transaction:true count():>${median}`, statsPeriod: "7d" });
      const expectedBusy = perTransaction.filter(([, rows]) => weight(rows) > median).map(([name]) => name);
      expect(new Set(busy.body.data.map((r) => r.transaction))).toEqual(new Set(expectedBusy));
      expect(busy.body.data.length).toBeGreaterThan(0);
    });

    it("refuses a project the request did not select, and an aggregate condition inside an OR", async () => {
      const api = sandbox.world.projects.find((p) => p.slug === "api-backend")!;
      const other = await events({ dataset: "spans", field: ["count()"], query: "project:payments", project: api.id });
      expect(other.status).toBe(400);
      expect(other.body.detail).toMatch(/not actively selected/);
      const mixed = await events({ dataset: "spans", field: ["transaction", "count()"], query: "count():>3 OR span.op:db" });
      expect(mixed.status).toBe(400);
    });
  });

  describe("the legacy transactions dataset", () => {
    it("answers the Performance page's fields with transaction.duration semantics", async () => {
      const fields = ["transaction", "project", "tpm()", "p50()", "p95()", "failure_rate()", "apdex()", "count_unique(user)", "count_miserable(user)", "user_misery()"];
      const res = await events({ dataset: "transactions", field: fields, query: "event.type:transaction", statsPeriod: "7d", sort: "-tpm()", per_page: "100" });
      expect(res.status).toBe(200);
      expect(res.body.meta.dataset).toBe("transactions");
      const groups = groupBy(lastWeek().filter((s) => s.isTransaction), (s) => `${s.transaction}|${s.projectSlug}`);
      expect(res.body.data).toHaveLength(groups.size);
      for (const row of res.body.data) {
        const rows = groups.get(`${row.transaction}|${row.project}`)!;
        const label = String(row.transaction);
        expectClose(row["tpm()"], weight(rows) / ((7 * DAY_MS) / MINUTE_MS), label);
        expectClose(row["p50()"], quantile(rows, durationOf, 0.5), label);
        expectClose(row["p95()"], quantile(rows, durationOf, 0.95), label);
        expectClose(row["failure_rate()"], failureRate(rows), label);
        expectClose(row["apdex()"], apdex(rows), label);
        const m = miserable(rows);
        expect(row["count_unique(user)"], label).toBe(m.users);
        expect(row["count_miserable(user)"], label).toBe(m.miserable);
        expectClose(row["user_misery()"], (m.miserable + MISERY_ALPHA) / (m.users + MISERY_ALPHA + MISERY_BETA), label);
      }
      expect(res.body.meta.fields).toMatchObject({ "p95()": "duration", "apdex()": "number", "user_misery()": "number", "count_miserable(user)": "integer" });
    });

    it("lists transaction events with their IDs, durations and traces, and honours apdex(T)", async () => {
      const res = await events({ dataset: "transactions", field: ["id", "trace", "transaction", "transaction.duration", "timestamp", "project"], query: 'transaction:"GET /api/reports/sales"', statsPeriod: "7d", sort: "-transaction.duration", per_page: "3" });
      const slowest = lastWeek().filter((s) => s.isTransaction && s.transaction === "GET /api/reports/sales").sort((a, b) => b.durationMs - a.durationMs);
      expect(res.body.data.map((r) => r.id)).toEqual(slowest.slice(0, 3).map((s) => s.transactionId));
      expect(res.body.data[0]!["transaction.duration"]).toBe(slowest[0]!.durationMs);

      const strict = await events({ dataset: "transactions", field: ["apdex(50)"], query: 'transaction:"GET /api/products/:id"', statsPeriod: "7d" });
      expectClose(strict.body.data[0]!["apdex(50)"], apdex(lastWeek().filter((s) => s.isTransaction && s.transaction === "GET /api/products/:id"), 50), "apdex(50)");
    });

    it("refuses the spans-only spelling and the spans dataset refuses the legacy-only functions", async () => {
      expect((await events({ dataset: "transactions", field: ["p95(span.duration)"] })).status).toBe(400);
      expect((await events({ dataset: "spans", field: ["count_miserable(user)"] })).status).toBe(400);
      expect((await events({ dataset: "spans", field: ["apdex()"] })).status).toBe(400);
      expect((await events({ dataset: "transactions", field: ["count_sample()"] })).status).toBe(400);
    });
  });

  describe("meta", () => {
    it("reports bytes scanned in proportion to the spans of the window, which a filter narrows only after the scan", async () => {
      const bytes = async (statsPeriod: string, query = ""): Promise<number> =>
        (await events({ dataset: "spans", field: ["count()"], statsPeriod, query })).body.meta.bytesScanned;
      const day = await bytes("24h");
      const week = await bytes("7d");
      expect(Number.isInteger(day) && day > 0).toBe(true);
      expect(week / day).toBeCloseTo(lastWeek().length / lastDay().length, DIGITS);
      expect(await bytes("7d", "span.op:db.redis")).toBe(week);
    });
  });

  describe("bad requests", () => {
    it("answers 400 with a detail for unknown fields and functions, too many fields, no fields and unknown datasets", async () => {
      const cases: Array<[Params, RegExp]> = [
        [{ dataset: "spans", field: ["span.nonsense"] }, /span\.nonsense is not a valid field/],
        [{ dataset: "spans", field: ["median(span.duration)"] }, /median is not a valid function/],
        [{ dataset: "spans", field: ["avg(transaction)"] }, /not a numeric field/],
        [{ dataset: "spans", field: Array.from({ length: 21 }, () => "count()") }, /up to 20 fields/],
        [{ dataset: "spans" }, /No columns selected/],
        [{ dataset: "nope", field: ["count()"] }, /dataset must be one of: .*spans/],
        [{ dataset: "spans", field: ["count()"], query: "(span.op:db" }, /parenthesis/],
        [{ dataset: "spans", field: ["count()"], query: "span.duration:>fast" }, /Invalid number/],
      ];
      for (const [params, detail] of cases) {
        const res = await events(params);
        expect(res.status, JSON.stringify(params)).toBe(400);
        expect(res.body.detail).toMatch(detail);
      }
    });

    it("lets a read-only token query and refuses an organization token", async () => {
      expect((await events({ dataset: "spans", field: ["count()"] }, "sandbox-read")).status).toBe(200);
      expect((await events({ dataset: "spans", field: ["count()"] }, "sandbox-ci")).status).toBe(403);
    });
  });
});

describe("sandbox events on an older self-hosted server", () => {
  const sandbox = useSandbox({ now: TEST_NOW, rejectSpansDataset: true });

  it("refuses dataset=spans with the older server's dataset list, and still answers the transactions dataset", async () => {
    const spans = await fetchEvents(sandbox.url, { dataset: "spans", field: ["count()"], query: "is_transaction:true" });
    expect(spans.status).toBe(400);
    expect(spans.body.detail).toMatch(/^dataset must be one of: /);
    expect(spans.body.detail).not.toMatch(/\bspans,|\bspans$/);

    const legacy = await fetchEvents(sandbox.url, { dataset: "transactions", field: ["count()"], query: "event.type:transaction", statsPeriod: "24h" });
    expect(legacy.status).toBe(200);
    const orgProjects = new Set(sandbox.world.projects.filter((p) => p.orgSlug === ORG).map((p) => p.id));
    const segments = sandbox.world.spans.spans.filter((s) => s.isTransaction && orgProjects.has(s.projectId) && s.timestamp >= TEST_NOW - DAY_MS);
    expect(legacy.body.data[0]!["count()"]).toBe(sum(segments.map((s) => s.sampleWeight)));
  });
});
