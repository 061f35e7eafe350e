// transaction-summary against the sandbox, as an agent runs it to learn why an endpoint is slow: every number
// equals the seeded spans' aggregates, p95 is compared with the previous period, the four queries go out in
// parallel, and the legacy dataset still gives the latency story.

import { describe, expect, it } from "vitest";
import type { SpanRecord } from "../scripts/sandbox/seed/spans.js";
import type { World } from "../scripts/sandbox/types.js";
import { FLAT_CHANGE } from "../scripts/lib/output.js";
import { runTool } from "./helpers/run.js";
import { useSandbox } from "./helpers/sandbox.js";
import { apdex, count, DAY_MS, duration, eventsRequests, expectRounded, failureRate, FRACTION_DECIMALS, groupBy, lastPeriod, minutes, MS_DECIMALS, percentile, rawResponseBytes, selfTime, spansIn, sum, type Window, userMisery, weightedMean, weightedSum, windowOf } from "./helpers/performance.js";

const sandbox = useSandbox();
const PROJECT = "api-backend";

/** The segments and child spans of one transaction in a window. */
function transactionSpans(world: World, name: string, window: Window, project = PROJECT): { segments: SpanRecord[]; children: SpanRecord[] } {
  const spans = spansIn(world, window, { project }).filter((s) => s.transaction === name);
  return { segments: spans.filter((s) => s.isTransaction), children: spans.filter((s) => !s.isTransaction) };
}


const expectMs = (actual: number | null, expected: number | null, label: string) => expectRounded(actual, expected, label, MS_DECIMALS);
const expectFraction = (actual: number | null, expected: number | null, label: string) => expectRounded(actual, expected, label, FRACTION_DECIMALS);

describe("transaction-summary", () => {
  const checkout = () => sandbox.world.spans.regressedTransaction;

  it("gives the percentiles, average, count, tpm, failure rate, apdex and user misery of the last 24h", async () => {
    const res = await runTool("transaction-summary", [checkout(), "--project", PROJECT, "--json"], { env: sandbox.env() });
    expect(res.code).toBe(0);
    const window = lastPeriod(sandbox.world, DAY_MS);
    const { segments } = transactionSpans(sandbox.world, checkout(), window);
    const c = res.json.current;
    expect(c.count).toBe(count(segments));
    expectMs(c.p50, percentile(segments, duration, 0.5), "p50");
    expectMs(c.p75, percentile(segments, duration, 0.75), "p75");
    expectMs(c.p95, percentile(segments, duration, 0.95), "p95");
    expectMs(c.p99, percentile(segments, duration, 0.99), "p99");
    expectMs(c.avg, weightedMean(segments, duration), "avg");
    expectFraction(c.tpm, count(segments) / minutes(window), "tpm");
    expectFraction(c.failureRate, failureRate(segments), "failure rate");
    expectFraction(c.apdex, apdex(segments), "apdex");
    expectFraction(c.userMisery, userMisery(segments), "user misery");
    expect(res.json).toMatchObject({ transaction: checkout(), projects: [PROJECT], period: "24h", dataset: "spans" });
  });

  it("compares p95 with the previous period of equal length, and the regressed checkout rose", async () => {
    sandbox.clearRequests();
    const res = await runTool("transaction-summary", [checkout(), "--project", PROJECT, "--json"], { env: sandbox.env() });
    const previousRequest = eventsRequests(sandbox.requests()).find((r) => r.query.start !== undefined)!;
    const window = windowOf(previousRequest);
    expect(window.end - window.start).toBe(DAY_MS);
    expect(previousRequest.query.statsPeriod).toBeUndefined();
    const { segments } = transactionSpans(sandbox.world, checkout(), window);
    const before = percentile(segments, duration, 0.95)!;
    expect(res.json.previous.count).toBe(count(segments));
    expectMs(res.json.previous.p95, before, "previous p95");
    expectMs(res.json.previous.p50, percentile(segments, duration, 0.5), "previous p50");
    // The change is computed from the rounded percentiles the JSON shows.
    const change = (res.json.current.p95 - res.json.previous.p95) / res.json.previous.p95;
    expectFraction(res.json.p95Change, change, "p95 change");
    expect(change).toBeGreaterThan(0);

    const text = await runTool("transaction-summary", [checkout(), "--project", PROJECT], { env: sandbox.env() });
    const line = text.stdout.split("\n").find((l) => l.startsWith("vs the previous 24h"))!;
    const ms = (v: number) => `${Math.round(v)}ms`;
    expect(line).toContain(`p95 rose ${Math.round(change * 100)}% (${ms(res.json.previous.p95)} → ${ms(res.json.current.p95)})`);
  });

  it("gives the previous period's avg, failure rate and apdex too, and says in text which of them moved", async () => {
    sandbox.clearRequests();
    const res = await runTool("transaction-summary", [checkout(), "--project", PROJECT, "--json"], { env: sandbox.env() });
    const window = windowOf(eventsRequests(sandbox.requests()).find((r) => r.query.start !== undefined)!);
    const { segments } = transactionSpans(sandbox.world, checkout(), window);
    const { previous, current } = res.json;
    expectMs(previous.avg, weightedMean(segments, duration), "previous avg");
    expectFraction(previous.failureRate, failureRate(segments), "previous failure rate");
    expectFraction(previous.apdex, apdex(segments), "previous apdex");
    // No float noise anywhere in the JSON (873.1579999999999): at most 4 decimals.
    expect(res.stdout).not.toMatch(/\d\.\d{5,}/);

    const text = await runTool("transaction-summary", [checkout(), "--project", PROJECT], { env: sandbox.env() });
    const line = text.stdout.split("\n").find((l) => l.startsWith("vs the previous 24h"))!;
    const moved = (b: number, a: number) => (b === 0 ? a > 0 : Math.abs(a / b - 1) >= FLAT_CHANGE);
    const checks: Array<[string, number, number, string]> = [
      ["avg", previous.avg, current.avg, `${Math.round(previous.avg)}ms → ${Math.round(current.avg)}ms`],
      ["failed", previous.failureRate, current.failureRate, `${(previous.failureRate * 100).toFixed(1)}% → ${(current.failureRate * 100).toFixed(1)}%`],
      ["apdex", previous.apdex, current.apdex, `${previous.apdex.toFixed(2)} → ${current.apdex.toFixed(2)}`],
    ];
    // The regressed checkout got slower on average: at least one of these moved.
    expect(checks.some(([, b, a]) => moved(b, a))).toBe(true);
    const [, tail = ""] = line.split("; also moved: ");
    for (const [label, b, a, values] of checks) {
      if (moved(b, a)) expect(tail, label).toMatch(new RegExp(`(^|, )${label} (rose|fell) [^(]*\\(${values.replace(/[.()]/g, "\\$&")}\\)`));
      else expect(line, label).toMatch(new RegExp(`about the same: (.*, )?${label}\\b`));
    }
  });

  it("calls a move within the flat band \"about the same\", as list-issues calls its trend flat", async () => {
    // The steadiest transaction between the two days in the seeded spans. Which one that is, and by how
    // little it moved, shifts with the milliseconds between the sandbox's clock and the tool's, so the
    // test checks the wording rule on the tool's own figures rather than a fixed expectation.
    const today = lastPeriod(sandbox.world, DAY_MS);
    const yesterday = { start: today.start - DAY_MS, end: today.start };
    const p50 = (name: string, window: Window) => percentile(transactionSpans(sandbox.world, name, window).segments, duration, 0.5);
    const names = [...new Set(spansIn(sandbox.world, today, { project: PROJECT }).filter((s) => s.isTransaction).map((s) => s.transaction))];
    const change = (n: string) => {
      const [before, after] = [p50(n, yesterday), p50(n, today)];
      return before !== null && after !== null ? Math.abs(after / before - 1) : Number.POSITIVE_INFINITY;
    };
    const steady = names.sort((a, b) => change(a) - change(b))[0]!;
    expect(change(steady), "the seed has a transaction whose p50 barely moves").toBeLessThan(0.1);

    const json = await runTool("transaction-summary", [steady, "--project", PROJECT, "--json"], { env: sandbox.env() });
    const { previous, current } = json.json;
    const text = await runTool("transaction-summary", [steady, "--project", PROJECT], { env: sandbox.env() });
    const line = text.stdout.split("\n").find((l) => l.startsWith("vs the previous 24h"))!;
    const ms = (v: number) => `${Math.round(v)}ms`;
    for (const [label, before, after] of [["p50", previous.p50, current.p50], ["p95", previous.p95, current.p95]] as const) {
      const moved = after / before - 1;
      expect(line).toContain(
        Math.abs(moved) < FLAT_CHANGE
          ? `${label} about the same (${ms(before)} → ${ms(after)})`
          : `${label} ${moved > 0 ? "rose" : "fell"} ${Math.round(Math.abs(moved) * 100)}% (${ms(before)} → ${ms(after)})`,
      );
    }
    expect(line).not.toMatch(/ (rose|fell) 0%/);
  });

  it("sums the projects given with a repeated --project, and says the samples mix them", async () => {
    const name = sandbox.world.spans.nPlusOneTransaction;
    sandbox.clearRequests();
    const res = await runTool("transaction-summary", [name, "--project", PROJECT, "--project", "payments", "--json"], { env: sandbox.env() });
    expect(res.code).toBe(0);
    const window = lastPeriod(sandbox.world, DAY_MS);
    const segments = [...transactionSpans(sandbox.world, name, window).segments, ...transactionSpans(sandbox.world, name, window, "payments").segments];
    expect(transactionSpans(sandbox.world, name, window, "payments").segments.length).toBeGreaterThan(0);
    expect(res.json.projects).toEqual([PROJECT, "payments"]);
    expect(res.json.current.count).toBe(count(segments));
    // The two projects sample at different rates, so this p95 weights each stored transaction by its rate.
    expect(new Set(segments.map((s) => s.sampleWeight)).size).toBeGreaterThan(1);
    expectMs(res.json.current.p95, percentile(segments, duration, 0.95), "p95 of both");
    for (const r of eventsRequests(sandbox.requests())) expect(r.query.project).toEqual([PROJECT, "payments"]);

    const text = await runTool("transaction-summary", [name, "--project", PROJECT, "--project", "payments"], { env: sandbox.env() });
    expect(text.stdout.split("\n")[0]).toBe(`${name} in ${PROJECT}, payments over 24h: ${count(segments)} transactions`);
    const sampled = new Set(res.json.samples.map((s: { project: string }) => s.project));
    if (sampled.size > 1) expect(text.stdout).toContain(`Mixes 2 projects`);
    expect(text.stdout.trimEnd().split("\n").at(-1)).toBe(`Queries inside: node dist/slow-queries.mjs --transaction '${name}' --project ${PROJECT} --project payments`);
  });

  it("shows where the time goes: self time per span operation, with the transaction's own code, as shares of all self time", async () => {
    const res = await runTool("transaction-summary", [checkout(), "--project", PROJECT, "--json"], { env: sandbox.env() });
    const { segments, children } = transactionSpans(sandbox.world, checkout(), lastPeriod(sandbox.world, DAY_MS));
    const own = weightedSum(segments, selfTime);
    const byOp = groupBy(children, (s) => s.op);
    const total = own + weightedSum(children, selfTime);
    const b = res.json.breakdown;
    expectMs(b.ownTimeMs, own, "own time");
    expectFraction(b.ownShare, own / total, "own share");
    expect(b.ops.map((o: any) => o.op).sort()).toEqual([...byOp.keys()].sort());
    for (const o of b.ops) {
      const spans = byOp.get(o.op)!;
      expectMs(o.selfTimeMs, weightedSum(spans, selfTime), `${o.op} self time`);
      expectFraction(o.share, weightedSum(spans, selfTime) / total, `${o.op} share`);
      expectFraction(o.spansPerTransaction, count(spans) / count(segments), `${o.op} spans per transaction`);
    }
    const selfTimes = b.ops.map((o: any) => o.selfTimeMs);
    expect(selfTimes).toEqual([...selfTimes].sort((x: number, y: number) => y - x));
    expect(b.ownShare + sum(b.ops.map((o: any) => o.share))).toBeCloseTo(1, 3);
  });

  it("lists the slowest samples with their trace IDs, and hints at the queries inside", async () => {
    const res = await runTool("transaction-summary", [checkout(), "--project", PROJECT], { env: sandbox.env() });
    expect(res.code).toBe(0);
    const { segments } = transactionSpans(sandbox.world, checkout(), lastPeriod(sandbox.world, DAY_MS));
    const slowest = [...segments].sort((a, b) => b.durationMs - a.durationMs).slice(0, 5);
    const lines = res.stdout.trimEnd().split("\n");
    const at = lines.indexOf("Slowest:");
    expect(at).toBeGreaterThan(0);
    slowest.forEach((s, i) => {
      const line = lines[at + 1 + i]!;
      // Text shows the JSON's value (rounded to 0.1 ms) to the millisecond.
      expect(line).toMatch(new RegExp(`^\\s+${Math.round(Math.round(s.durationMs * 10) / 10)}ms  \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ  trace ${s.traceId}  ${PROJECT}$`));
    });
    expect(lines[0]).toBe(`${checkout()} in ${PROJECT} over 24h: ${count(segments)} transactions`);
    expect(lines.at(-1)).toBe(`Queries inside: node dist/slow-queries.mjs --transaction '${checkout()}' --project ${PROJECT}`);
  });

  it("sends its four queries at once, so the summary costs one round trip", async () => {
    sandbox.clearRequests();
    // The first events request never answers: if the others waited for it, they would never be sent.
    sandbox.faults.add({ path: "/events/", kind: "hang", times: 1 });
    const res = await runTool("transaction-summary", [checkout(), "--project", PROJECT, "--timeout", "1"], { env: sandbox.env() });
    sandbox.faults.clear();
    expect(res.code).toBe(7);
    const sent = eventsRequests(sandbox.requests());
    expect(sent).toHaveLength(4);
    expect(sent.map((r) => r.query.dataset)).toEqual(["spans", "spans", "spans", "spans"]);
  });

  it("keeps its text output to a fraction of the API bytes it read", async () => {
    sandbox.clearRequests();
    const res = await runTool("transaction-summary", ["GET /api/orders", "--period", "7d"], { env: { ...sandbox.env(), SENTRY_PROJECT: undefined } });
    expect(res.code).toBe(0);
    let raw = 0;
    for (const r of eventsRequests(sandbox.requests())) raw += await rawResponseBytes(sandbox.url, r);
    expect(Buffer.byteLength(res.stdout)).toBeLessThan(raw * 0.5);
  });

  it("answers exit 5 with a hint when no transaction has that name", async () => {
    const res = await runTool("transaction-summary", ["GET /api/does-not-exist", "--project", PROJECT], { env: sandbox.env() });
    expect(res.code).toBe(5);
    expect(res.stderr).toContain(`no transaction named "GET /api/does-not-exist" in ${PROJECT} over 24h`);
    expect(res.stderr).toContain("hint: names are exact and case-sensitive; find them with: node dist/list-transactions.mjs");
  });

  it("rejects bad input before sending anything", async () => {
    sandbox.clearRequests();
    const cases: Array<[string[], RegExp]> = [
      [[], /missing <transaction>/],
      [["  "], /invalid transaction name/],
      [["GET /x", "--period", "3 days"], /invalid --period/],
      [["GET /x", "--environment", ""], /invalid --environment/],
    ];
    for (const [args, message] of cases) {
      const res = await runTool("transaction-summary", args, { env: sandbox.env() });
      expect(res.code, args.join(" ")).toBe(2);
      expect(res.stderr).toMatch(message);
    }
    expect(sandbox.requests()).toHaveLength(0);
  });
});

describe("transaction-summary on a server that wants numeric project IDs", () => {
  const older = useSandbox({ numericProjectIdsOnly: true });

  it("looks the project up once for its four parallel queries, and says so", async () => {
    older.clearRequests();
    const name = older.world.spans.regressedTransaction;
    const res = await runTool("transaction-summary", [name, "--project", PROJECT, "--json"], { env: older.env() });
    expect(res.code).toBe(0);
    expect(res.stderr).toContain("this Sentry wants numeric project IDs; looking them up");
    const id = older.world.projects.find((p) => p.slug === PROJECT)!.id;
    const lookups = older.requests().filter((r) => r.path === `/api/0/projects/${older.world.orgs[0]!.slug}/${PROJECT}/`);
    expect(lookups).toHaveLength(1);
    const sent = eventsRequests(older.requests());
    expect(sent.filter((r) => r.status === 400).map((r) => r.query.project)).toEqual([PROJECT, PROJECT, PROJECT, PROJECT]);
    expect(sent.filter((r) => r.status === 200).map((r) => r.query.project)).toEqual([id, id, id, id]);
    expect(res.json.current.count).toBe(count(transactionSpans(older.world, name, lastPeriod(older.world, DAY_MS)).segments));
  });
});

describe("transaction-summary on a server without the spans dataset", () => {
  const legacy = useSandbox({ rejectSpansDataset: true });

  it("gives the same latency numbers from the legacy dataset and says the span breakdown is not available", async () => {
    legacy.clearRequests();
    const name = legacy.world.spans.regressedTransaction;
    const res = await runTool("transaction-summary", [name, "--project", PROJECT, "--json", "--verbose"], { env: legacy.env() });
    expect(res.code).toBe(0);
    expect(res.stderr).toContain("using the legacy transactions dataset");
    const { segments } = transactionSpans(legacy.world, name, lastPeriod(legacy.world, DAY_MS));
    expect(res.json.dataset).toBe("transactions");
    expect(res.json.current.count).toBe(count(segments));
    expectMs(res.json.current.p95, percentile(segments, duration, 0.95), "p95");
    expectFraction(res.json.current.apdex, apdex(segments), "apdex");
    expect(res.json.breakdown).toBeNull();
    expectMs(res.json.samples[0].durationMs, Math.max(...segments.map((s) => s.durationMs)), "slowest sample");
    // Four tries on spans in parallel, then the three questions the legacy dataset can answer.
    const datasets = eventsRequests(legacy.requests()).map((r) => r.query.dataset);
    expect(datasets.filter((d) => d === "spans")).toHaveLength(4);
    expect(datasets.filter((d) => d === "transactions")).toHaveLength(3);

    const text = await runTool("transaction-summary", [name, "--project", PROJECT], { env: legacy.env() });
    expect(text.stdout).toContain("Where the time goes: not available (the legacy transactions dataset has no individual spans).");
    expect(text.stdout.split("\n")[0]).toContain("(legacy transactions dataset)");
  });
});
