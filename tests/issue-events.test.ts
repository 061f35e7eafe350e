// issue-events against the sandbox: an issue's events newest first, one line each, with the trace each event
// belongs to (looked up in the errors table), paging through the footer's command, narrowing by search,
// environment and time, degrading without org:read, and refusing a malformed answer to either of its reads.

import { afterEach, describe, expect, it } from "vitest";
import { issueTimeline } from "../scripts/sandbox/seed/error-rows.js";
import { showcaseEvent } from "../scripts/sandbox/seed/traces.js";
import { proxyTo, startHostileServer, type HostileServer } from "./helpers/hostile-server.js";
import { runTool } from "./helpers/run.js";
import { useSandbox } from "./helpers/sandbox.js";

const sandbox = useSandbox();
const servers: HostileServer[] = [];
afterEach(async () => {
  sandbox.faults.clear();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const showcase = () => showcaseEvent(sandbox.world)!.issue;
const timeline = () => issueTimeline(sandbox.world, showcase());

/** The sandbox behind a proxy that answers requests whose URL matches `match` with `body` instead. */
async function envAnswering(match: RegExp, body: unknown): Promise<Record<string, string>> {
  const proxy = await startHostileServer(proxyTo(() => sandbox.url, (answer, req) => (match.test(req.url!) ? { ...answer, status: 200, body } : answer)));
  servers.push(proxy);
  return { ...sandbox.env(), SENTRY_URL: proxy.url };
}

describe("issue-events", () => {
  it("lists the showcase issue's latest events newest first: time, event ID, environment, release, user, trace", async () => {
    const issue = showcase();
    const res = await runTool("issue-events", [issue.shortId, "--limit", "5"], { env: sandbox.env() });
    expect(res.code, res.stderr).toBe(0);
    const lines = res.stdout.trim().split("\n");
    expect(lines[0]).toBe(`5 events of ${issue.shortId}, newest first; time (UTC), event ID, environment, release, user, trace, message:`);
    const rows = timeline().slice(0, 5);
    rows.forEach((row, i) => {
      const line = lines[i + 1]!;
      expect(line.startsWith(new Date(row.timestamp).toISOString().slice(5, 19).replace("T", " "))).toBe(true);
      expect(line).toContain(row.eventId);
      expect(line).toContain(row.environment);
      expect(line).toContain(row.traceId);
      if (row.userEmail) expect(line).toContain(row.userEmail);
    });
    expect(lines.at(-1)).toBe(`Next: node dist/event-details.mjs ${issue.shortId} ${rows[0]!.eventId}   or   node dist/issue-events.mjs ${issue.shortId} --cursor 0:5:0`);
  });

  it("gives the same events as JSON, the full release and the trace ID of each", async () => {
    const res = await runTool("issue-events", [showcase().id, "--limit", "3", "--json"], { env: sandbox.env() });
    expect(res.code, res.stderr).toBe(0);
    expect(res.json.data.map((e: Record<string, unknown>) => [e.id, e.environment, e.release, e.traceId])).toEqual(
      timeline().slice(0, 3).map((r) => [r.eventId, r.environment, r.release, r.traceId]),
    );
    expect(res.json.nextCursor).toBe("0:3:0");
  });

  it("continues from the footer's cursor where the first page ended", async () => {
    const issue = showcase();
    const first = await runTool("issue-events", [issue.shortId, "--limit", "4", "--json"], { env: sandbox.env() });
    const second = await runTool("issue-events", [issue.shortId, "--limit", "4", "--cursor", first.json.nextCursor, "--json"], { env: sandbox.env() });
    expect(second.json.data.map((e: { id: string }) => e.id)).toEqual(timeline().slice(4, 8).map((r) => r.eventId));
  });

  it("narrows by search, environment and period, and carries them into the next-page command", async () => {
    const issue = showcase();
    const staging = timeline().filter((r) => r.environment === "staging");
    expect(staging.length).toBeGreaterThan(2);
    const release = staging[0]!.release!;
    const res = await runTool("issue-events", [issue.shortId, "--environment", "staging", "--query", `release:${release}`, "--period", "30d", "--limit", "2"], { env: sandbox.env() });
    expect(res.code, res.stderr).toBe(0);
    const lines = res.stdout.trim().split("\n");
    expect(lines[0]).toMatch(new RegExp(`^2 events of ${issue.shortId} matching "release:${release}" in staging over 30d, newest first`));
    expect(lines.slice(1, 3).every((l) => l.includes(" staging "))).toBe(true);
    expect(lines.at(-1)).toContain(`node dist/issue-events.mjs ${issue.shortId} --query release:${release} --period 30d --environment staging --cursor 0:2:0`);
    const none = await runTool("issue-events", [issue.shortId, "--query", "release:no-such-release"], { env: sandbox.env() });
    expect(none.code).toBe(0);
    expect(none.stdout.trim()).toBe(`No events of ${issue.shortId} matching "release:no-such-release". Try a broader --query, another --environment, or a longer --period.`);
  });

  it("still lists the events, without trace IDs and saying why, when the token may not read the errors table", async () => {
    sandbox.faults.add({ path: "/organizations/acme/events/", kind: "status", status: 403, times: 5 });
    const res = await runTool("issue-events", [showcase().shortId, "--limit", "3", "--json"], { env: sandbox.env() });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain("issue-events: trace IDs left out: the token lacks org:read");
    expect(res.json.data.map((e: { traceId: unknown }) => e.traceId)).toEqual([null, null, null]);

    // An older server whose events endpoint refuses the errors table answers 400: the same, said differently.
    const proxy = await startHostileServer(
      proxyTo(() => sandbox.url, (answer, req) => (req.url!.startsWith("/api/0/organizations/acme/events/") ? { ...answer, status: 400, body: { detail: "Invalid dataset" } } : answer)),
    );
    servers.push(proxy);
    const old = await runTool("issue-events", [showcase().shortId, "--limit", "2"], { env: { ...sandbox.env(), SENTRY_URL: proxy.url } });
    expect(old.code, old.stderr).toBe(0);
    expect(old.stderr).toContain("trace IDs left out: the server refused the errors-table lookup (400)");
  });

  it("says which issue was not found (exit 5) and refuses a bad issue before sending anything", async () => {
    const missing = await runTool("issue-events", ["API-BACKEND-ZZZZZ"], { env: sandbox.env() });
    expect(missing.code).toBe(5);
    expect(missing.stderr).toMatch(/hint: no issue API-BACKEND-ZZZZZ in organization acme/);
    sandbox.clearRequests();
    const bad = await runTool("issue-events", ["../4242"], { env: sandbox.env() });
    expect(bad.code).toBe(2);
    expect(sandbox.requests()).toEqual([]);
  });

  it("ends with exit 7, printing nothing, when either read answers in the wrong shape", async () => {
    const issue = showcase();
    const cases: Array<[RegExp, unknown, RegExp]> = [
      [/\/issues\/[^/]+\/events\//, [{ id: 1, eventID: null }], /expected a string at \[0\]\.id/],
      [/\/issues\/[^/]+\/events\//, { detail: "not a list" }, /expected a list/],
      [/\/organizations\/acme\/events\//, { data: [{ id: "x", trace: 7 }] }, /expected a string at data\[0\]\.trace/],
      [/\/organizations\/acme\/events\//, null, /expected an object/],
    ];
    for (const [match, body, message] of cases) {
      const res = await runTool("issue-events", [issue.shortId, "--limit", "2"], { env: await envAnswering(match, body) });
      expect(res.code, res.stderr).toBe(7);
      expect(res.stderr).toMatch(/unexpected answer from Sentry/);
      expect(res.stderr).toMatch(message);
      expect(res.stdout).toBe("");
    }
  });
});
