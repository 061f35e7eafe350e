// trace-details against the sandbox, as an agent runs it with a trace ID from an error event: the seeded
// ~1,000-span showcase trace comes back in a few hundred words (its N+1 collapsed, its error named by short ID),
// a bad ID is refused before anything is sent, an unknown one is "not found", and a malformed answer is exit 7.

import { afterAll, describe, expect, it } from "vitest";
import { showcaseEvent } from "../scripts/sandbox/seed/traces.js";
import { proxyTo, startHostileServer, type HostileServer } from "./helpers/hostile-server.js";
import { runTool } from "./helpers/run.js";
import { useSandbox } from "./helpers/sandbox.js";

const sandbox = useSandbox();
const proxies: HostileServer[] = [];
afterAll(async () => {
  await Promise.all(proxies.map((p) => p.close()));
});
const showcase = () => showcaseEvent(sandbox.world)!;
/** The promise the issue makes: a whole 1,000-span trace in at most this much text. */
const MAX_TEXT_BYTES = 3 * 1024;

describe("trace-details", () => {
  it("shows the 1,000-span showcase trace in under 3 KB: root, counts, projects, the N+1 collapsed, the error by short ID", async () => {
    const { traceId, issue } = showcase();
    sandbox.clearRequests();
    const res = await runTool("trace-details", [traceId], { env: sandbox.env() });
    expect(res.code, res.stderr).toBe(0);
    expect(Buffer.byteLength(res.stdout)).toBeLessThanOrEqual(MAX_TEXT_BYTES);
    const lines = res.stdout.split("\n");
    expect(lines[0]).toMatch(new RegExp(`^Trace ${traceId}: pageload /account/orders/:id \\(web-frontend\\), \\d+ms; \\d{3,4} spans, 1 error, 0 performance issues, \\d+ logs?; projects api-backend, web-frontend$`));
    // The 940 identical queries under the serializer are one row, at the top by self time, and named as N+1.
    expect(lines[3]).toMatch(/^\s+\d+ms\s+\d+ms\s+940×\s+api-backend\s+db\s+SELECT "order_items"/);
    expect(res.stdout).toMatch(/^N\+1: 940 × db SELECT .* under function OrderDetailSerializer\.to_representation: \d+ms in all \(api-backend\)$/m);
    expect(res.stdout).toContain(`  ${issue.shortId}  error  `);
    expect(res.stdout).toContain(`Next: node dist/issue-details.mjs ${issue.shortId}`);
    expect(res.stdout).toMatch(/^Next: node dist\/slow-queries\.mjs --transaction '.+' --project api-backend$/m);
    // Both reads at once, each asked for the trace by its ID.
    const paths = sandbox.requests().map((r) => r.path.split("?")[0]);
    expect(paths.sort()).toEqual([`/api/0/organizations/acme/trace-meta/${traceId}/`, `/api/0/organizations/acme/trace/${traceId}/`].sort());
  });

  it("is the trace the sandbox names on its admin API, where the benchmark finds it", async () => {
    const res = await fetch(`${sandbox.url}/__sandbox/showcase`);
    expect(await res.json()).toEqual({ traceId: showcase().traceId, shortId: showcase().issue.shortId, eventId: showcase().event.eventID });
  });

  it("gives the same figures as JSON, milliseconds in …Ms keys, the span count from trace-meta", async () => {
    const { traceId, issue } = showcase();
    const res = await runTool("trace-details", [traceId, "--json"], { env: sandbox.env() });
    expect(res.code, res.stderr).toBe(0);
    const j = res.json;
    const spans = sandbox.world ? (await import("../scripts/sandbox/seed/traces.js")).findTrace(sandbox.world, traceId)!.spans : [];
    expect(j.spanCount).toBe(spans.length);
    expect(j.spansRead).toBe(spans.length);
    expect(j.errorCount).toBe(1);
    expect(j.projects).toEqual(["api-backend", "web-frontend"]);
    expect(j.slowest).toHaveLength(10);
    const n1 = j.repeated.find((g: { count: number }) => g.count === 940);
    expect(n1).toMatchObject({ op: "db", project: "api-backend", parentOp: "function", parentDescription: "OrderDetailSerializer.to_representation" });
    // The group's self time is the seeded queries' own (no children), rounded to 0.1 ms.
    const seeded = spans.filter((s) => s.op === "db" && s.description === n1.description).reduce((t, s) => t + s.selfTimeMs, 0);
    expect(n1.selfMs).toBeCloseTo(seeded, 0);
    expect(j.issues).toEqual([expect.objectContaining({ shortId: issue.shortId, issueId: Number(issue.id), type: "error", project: "api-backend", events: 1 })]);
    const root = spans.find((s) => s.parentSpanId === null)!;
    expect(j.root).toEqual({ transaction: root.transaction, op: "pageload", project: "web-frontend", durationMs: Math.round((root.end - root.start) * 10) / 10 });
  });

  it("accepts the ID as a UUID with dashes or upper case, and refuses a malformed one before sending anything (exit 2)", async () => {
    const { traceId } = showcase();
    const uuid = `${traceId.slice(0, 8)}-${traceId.slice(8, 12)}-${traceId.slice(12, 16)}-${traceId.slice(16, 20)}-${traceId.slice(20)}`.toUpperCase();
    const ok = await runTool("trace-details", [uuid, "--json", "--fields", "traceId"], { env: sandbox.env() });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.json).toEqual({ traceId });
    sandbox.clearRequests();
    const bad = await runTool("trace-details", ["not-a-trace"], { env: sandbox.env() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^trace-details: error: invalid trace ID "not-a-trace": a trace ID is 32 hex characters$/m);
    expect(sandbox.requests()).toEqual([]);
  });

  it("says a trace nobody sent is not found (exit 5), with where to look instead", async () => {
    const res = await runTool("trace-details", ["0123456789abcdef0123456789abcdef"], { env: sandbox.env() });
    expect(res.code).toBe(5);
    expect(res.stderr).toMatch(/error: no trace 0123456789abcdef0123456789abcdef in acme over the last 14d/);
    expect(res.stderr).toMatch(/hint: .*--period 30d/);
  });

  it.each([
    ["trace", "a list of strings", ["a", "b"]],
    ["trace", "spans without IDs", [{ op: "db", start_timestamp: 1, end_timestamp: 2 }]],
    ["trace", "spans nested past any real trace", (() => {
      let node: Record<string, unknown> = { event_id: "x", project_slug: "p", start_timestamp: 1, end_timestamp: 2, children: [] };
      for (let i = 0; i < 300; i++) node = { event_id: `s${i}`, project_slug: "p", start_timestamp: 1, end_timestamp: 2, children: [node] };
      return [node];
    })()],
    ["trace-meta", "an empty object", {}],
    ["trace-meta", "counts as strings", { errorsCount: "1", performanceIssuesCount: 0, spansCount: 3, spansCountMap: {} }],
  ])("ends with exit 7 when the %s answer is %s", async (endpoint, _about, body) => {
    const { traceId } = showcase();
    const proxy = await startHostileServer(
      proxyTo(
        () => sandbox.url,
        (answer, req) => (req.url?.includes(`/${endpoint}/${traceId}/`) ? { ...answer, body } : answer),
      ),
    );
    proxies.push(proxy);
    const res = await runTool("trace-details", [traceId], { env: { ...sandbox.env(), SENTRY_URL: proxy.url } });
    expect(res.code, res.stderr).toBe(7);
    expect(res.stderr).toMatch(/^trace-details: error: unexpected answer from Sentry: /m);
    expect(res.stderr).not.toMatch(/TypeError|RangeError|Maximum call stack/);
    expect(res.stdout).toBe("");
  });
});
