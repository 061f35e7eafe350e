// query-events against the sandbox, as an agent runs it instead of hand-building Explore URLs: tables over the
// spans, errors and logs datasets with rounded numbers, the spike line of a time series, fields checked before
// anything is sent, Sentry's 400 about a field said plainly, and malformed answers ending with exit 7.

import { afterAll, describe, expect, it } from "vitest";
import { errorsWorld } from "../scripts/sandbox/seed/error-rows.js";
import { proxyTo, startHostileServer, type HostileServer } from "./helpers/hostile-server.js";
import { runTool } from "./helpers/run.js";
import { TEST_NOW, useSandbox } from "./helpers/sandbox.js";

const sandbox = useSandbox();
/** An older self-hosted Sentry: the events endpoints take numeric project IDs only. */
const older = useSandbox({ numericProjectIdsOnly: true });
const proxies: HostileServer[] = [];
afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
});
const env = () => sandbox.env();
const DAY_MS = 86_400_000;

describe("query-events", () => {
  it("counts the last day's errors per issue, busiest first, and suggests the top issue's details", async () => {
    sandbox.clearRequests();
    const res = await runTool("query-events", ["--dataset", "errors", "--field", "issue", "--field", "count()", "--all-projects", "--limit", "3"], { env: env() });
    expect(res.code, res.stderr).toBe(0);
    // The same count from the seeded rows: the errors dataset over the 24 hours before the clock.
    const counts = new Map<string, number>();
    for (const r of errorsWorld(sandbox.world).rows) {
      if (r.timestamp >= TEST_NOW - DAY_MS && r.timestamp < TEST_NOW && r.issue.orgSlug === "acme") counts.set(r.issue.shortId, (counts.get(r.issue.shortId) ?? 0) + 1);
    }
    const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 3);
    const lines = res.stdout.split("\n");
    expect(lines[0]).toBe("3 rows from errors over the last 1d, by -count():");
    expect(lines[1]).toMatch(/^issue\s+count\(\)$/);
    top.forEach(([shortId, n], i) => expect(lines[2 + i]).toMatch(new RegExp(`^${shortId}\\s+${n}$`)));
    expect(res.stdout).toContain(`Next: node dist/issue-details.mjs ${top[0]![0]}`);
    expect(res.stdout).toMatch(/^More: --cursor 0:3:0$/m);
    const sent = sandbox.requests()[0]!;
    expect(sent.path).toBe("/api/0/organizations/acme/events/");
    expect(sent.query).toMatchObject({ dataset: "errors", field: ["issue", "count()"], sort: "-count()", statsPeriod: "1d", project: "-1", per_page: "3" });
  });

  it("prints span latencies in ms and JSON numbers rounded, keys exactly the fields asked for", async () => {
    const args = ["--field", "span.op", "--field", "p95(span.duration)", "--field", "avg(span.duration)", "--field", "count()", "--project", "api-backend", "--limit", "5"];
    const text = await runTool("query-events", args, { env: env() });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout.split("\n")[1]).toMatch(/^span\.op\s+p95\(span\.duration\)\s+avg\(span\.duration\)\s+count\(\)$/);
    expect(text.stdout.split("\n")[2]).toMatch(/^\S+\s+\d+ms\s+\d+ms\s+\d+$/);
    const json = await runTool("query-events", [...args, "--json"], { env: env() });
    expect(json.code, json.stderr).toBe(0);
    expect(json.json.columns).toEqual([
      { field: "span.op", type: "string", unit: null },
      { field: "p95(span.duration)", type: "duration", unit: "millisecond" },
      { field: "avg(span.duration)", type: "duration", unit: "millisecond" },
      { field: "count()", type: "integer", unit: null },
    ]);
    for (const row of json.json.rows) {
      expect(Object.keys(row)).toEqual(["span.op", "p95(span.duration)", "avg(span.duration)", "count()"]);
      // At most 4 decimals: no float noise such as 873.1579999999999.
      expect(String(row["avg(span.duration)"])).toMatch(/^\d+(\.\d{1,4})?$/);
    }
  });

  it("shows when errors spiked: baseline, start of the spike and peak of the hourly series", async () => {
    sandbox.clearRequests();
    const res = await runTool("query-events", ["--dataset", "errors", "--field", "count()", "--all-projects", "--interval", "1h", "--json", "--fields", "series"], { env: env() });
    expect(res.code, res.stderr).toBe(0);
    const s = res.json.series;
    expect(s).toMatchObject({ yAxis: "count()", interval: "1h" });
    expect(s.peak).toBeGreaterThanOrEqual(s.baseline * 2);
    expect(Date.parse(s.spikeStart)).toBeLessThanOrEqual(Date.parse(s.peakAt));
    const text = await runTool("query-events", ["--dataset", "errors", "--field", "count()", "--all-projects", "--interval", "1h"], { env: env() });
    expect(text.stdout).toContain(`count() per 1h: baseline ${s.baseline}, spike from ${s.spikeStart}, peak ${s.peak} at ${s.peakAt}, last ${s.last} (${s.points} buckets)`);
    const series = sandbox.requests().find((r) => r.path.includes("/events-stats/"));
    expect(series!.query).toMatchObject({ yAxis: "count()", interval: "1h", dataset: "errors" });
  });

  it("lists error logs with their trace, and points at the trace's details", async () => {
    const res = await runTool("query-events", ["--dataset", "logs", "--field", "timestamp", "--field", "severity", "--field", "message", "--field", "trace", "--query", "severity:error", "--all-projects", "--limit", "2"], { env: env() });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout.split("\n")[0]).toBe('2 rows from logs over the last 1d matching "severity:error", by -timestamp:');
    expect(res.stdout).toMatch(/^\S+\+00:00\s+error\s+.+\s+[0-9a-f]{32}$/m);
    expect(res.stdout).toMatch(/^Next: node dist\/trace-details\.mjs [0-9a-f]{32}$/m);
  });

  it("takes a start and end instead of a period", async () => {
    sandbox.clearRequests();
    const res = await runTool("query-events", ["--dataset", "errors", "--field", "count()", "--start", "2026-03-14T00:00:00Z", "--end", "2026-03-15T00:00:00+00:00", "--all-projects"], { env: env() });
    expect(res.code, res.stderr).toBe(0);
    const q = sandbox.requests()[0]!.query;
    expect([q.start, q.end, q.statsPeriod]).toEqual(["2026-03-14T00:00:00.000Z", "2026-03-15T00:00:00.000Z", undefined]);
  });

  it("sends numeric project IDs to a server that refuses slugs, table and series alike", async () => {
    older.clearRequests();
    const res = await runTool("query-events", ["--dataset", "errors", "--field", "count()", "--project", "api-backend", "--interval", "1h"], { env: older.env() });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain("this Sentry wants numeric project IDs; looking them up");
    const id = older.world.projects.find((p) => p.slug === "api-backend")!.id;
    const answered = older.requests().filter((r) => /\/events(-stats)?\/$/.test(r.path) && r.status === 200);
    expect(answered.map((r) => r.query.project).sort()).toEqual([id, id]);
  });

  it.each([
    [["--field", "p96(span.duration)"], /invalid --field "p96\(span\.duration\)": unknown function p96\(\)/],
    [["--dataset", "errors", "--field", "failure_rate()"], /failure_rate\(\) is not available on the errors dataset/],
    [["--field", "p95()"], /p95\(\) takes 1 argument\(s\), e\.g\. p95\(span\.duration\)/],
    [["--field", "span.op", "--sort", "count()"], /--sort "count\(\)" is not among the fields/],
    [["--dataset", "logs", "--field", "message", "--query", "timestamp:>2026-03-01"], /the logs dataset takes no timestamp in --query/],
    [["--field", "count()", "--period", "1d", "--start", "2026-03-14T00:00:00Z", "--end", "2026-03-15T00:00:00Z"], /--period and --start\/--end do not go together/],
    [["--field", "count()", "--interval", "1m", "--period", "7d"], /more than 1000 points/],
  ])("refuses %j before sending anything (exit 2)", async (args, message) => {
    sandbox.clearRequests();
    const res = await runTool("query-events", args as string[], { env: env() });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(message);
    expect(sandbox.requests()).toEqual([]);
  });

  it("says plainly when Sentry refuses a field the check let through (400, exit 2), naming it", async () => {
    const res = await runTool("query-events", ["--field", "p95(span.duraton)", "--all-projects"], { env: env() });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^query-events: error: Sentry rejected the query \(400\): span\.duraton is not a valid field/m);
    expect(res.stderr).toMatch(/^hint: Sentry does not accept --field p95\(span\.duraton\) on the spans dataset/m);
  });

  it.each([
    ["events", "an empty object", {}],
    ["events", "rows without the fields asked for", { data: [{ title: "x" }] }],
    ["events", "a cell that is an object", { data: [{ issue: { id: 1 }, "count()": 3 }] }],
    ["events-stats", "points that are not pairs", { data: [[1]] }],
    ["events-stats", "counts as text", { data: [[1, [{ count: "many" }]]] }],
  ])("ends with exit 7 when the %s answer is %s", async (endpoint, _about, body) => {
    const proxy = await startHostileServer(proxyTo(() => sandbox.url, (answer, req) => (req.url?.includes(`/${endpoint}/`) ? { ...answer, body } : answer)));
    proxies.push(proxy);
    const res = await runTool("query-events", ["--dataset", "errors", "--field", "issue", "--field", "count()", "--interval", "1h"], { env: { ...env(), SENTRY_URL: proxy.url } });
    expect(res.code, res.stderr).toBe(7);
    expect(res.stderr).toMatch(/^query-events: error: unexpected answer from Sentry: /m);
    expect(res.stdout).toBe("");
  });
});
