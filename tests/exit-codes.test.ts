// Each documented exit code, produced the way a user meets it (list-projects stands in for every
// tool: they share the runner and the HTTP client). Exit 3 is a write tool's and is tested there.

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { runTool } from "./helpers/run.js";
import { useSandbox } from "./helpers/sandbox.js";

const sandbox = useSandbox();
const PROJECTS = "/organizations/*/projects/";

function onlyOneErrorLine(stderr: string) {
  const lines = stderr.trim().split("\n").filter((l) => !l.startsWith("hint: "));
  expect(lines).toHaveLength(1);
}

describe("exit codes", () => {
  it("0: success", async () => {
    expect((await runTool("list-projects", [], { env: sandbox.env() })).code).toBe(0);
  });

  it("1: an answer Sentry should never give (409) is unexpected, without a stack trace", async () => {
    const server = createServer((_req, res) => {
      res.writeHead(409, { "content-type": "application/json" });
      res.end('{"detail":"Release commits are currently being processed"}');
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const res = await runTool("list-projects", [], { env: { SENTRY_URL: url, SENTRY_AUTH_TOKEN: "sandbox", SENTRY_ORG: "acme" } });
      expect(res.code).toBe(1);
      expect(res.stderr).toMatch(/409.*currently being processed/);
      onlyOneErrorLine(res.stderr);
    } finally {
      server.close();
    }
  });

  it("2: bad input", async () => {
    expect((await runTool("list-projects", ["--limit", "x"], { env: sandbox.env() })).code).toBe(2);
  });

  it("4: 401 and 403", async () => {
    sandbox.faults.add({ path: PROJECTS, kind: "status", status: 401 });
    expect((await runTool("list-projects", [], { env: sandbox.env() })).code).toBe(4);
    sandbox.faults.add({ path: PROJECTS, kind: "status", status: 403 });
    expect((await runTool("list-projects", [], { env: sandbox.env() })).code).toBe(4);
  });

  it("5: 404 and a 410 brownout", async () => {
    for (const status of [404, 410]) {
      sandbox.faults.add({ path: PROJECTS, kind: "status", status });
      const res = await runTool("list-projects", [], { env: sandbox.env() });
      expect(res.code, String(status)).toBe(5);
      onlyOneErrorLine(res.stderr);
    }
  });

  it("6: still rate limited after waiting, with the time to wait", async () => {
    sandbox.faults.add({ path: PROJECTS, kind: "status", status: 429, times: 10, retryAfter: 120 });
    const res = await runTool("list-projects", [], { env: sandbox.env() });
    sandbox.faults.clear();
    expect(res.code).toBe(6);
    expect(res.stderr).toMatch(/rate limited by Sentry \(429\)/);
    expect(res.stderr).toMatch(/hint: wait 12\d s/);
  });

  it("6 is avoided when one 429 is followed by success (the wait is honoured)", async () => {
    sandbox.clearRequests();
    sandbox.faults.add({ path: PROJECTS, kind: "status", status: 429, times: 1 });
    const res = await runTool("list-projects", [], { env: sandbox.env() });
    expect(res.code).toBe(0);
    expect(sandbox.requests().filter((r) => r.path.endsWith("/projects/"))).toHaveLength(2);
  });

  it("7: server errors, resets, hangs past --timeout, and HTML pages, after retries", async () => {
    const cases = [
      { rule: { kind: "status" as const, status: 500 }, message: /answered 500/ },
      { rule: { kind: "status" as const, status: 503, times: 10 }, message: /answered 503/ },
      { rule: { kind: "reset" as const, times: 10 }, message: /connection .* was reset/ },
      { rule: { kind: "html" as const, times: 10 }, message: /non-JSON page|HTML page/ },
      { rule: { kind: "truncated" as const, times: 10 }, message: /malformed JSON/ },
      { rule: { kind: "empty" as const, times: 10 }, message: /empty body/ },
      { rule: { kind: "hang" as const, times: 10 }, message: /timed out after 1 s/, args: ["--timeout", "1"] },
    ];
    for (const c of cases) {
      sandbox.faults.clear();
      sandbox.faults.add({ path: PROJECTS, ...c.rule });
      const res = await runTool("list-projects", c.args ?? [], { env: sandbox.env() });
      expect(res.code, c.rule.kind).toBe(7);
      expect(res.stderr, c.rule.kind).toMatch(c.message);
      onlyOneErrorLine(res.stderr);
    }
    sandbox.faults.clear();
  });

  it("recovers from one 502 or one reset by retrying the GET", async () => {
    for (const rule of [{ kind: "status" as const, status: 502 }, { kind: "reset" as const }]) {
      sandbox.faults.add({ path: PROJECTS, ...rule, times: 1 });
      expect((await runTool("list-projects", [], { env: sandbox.env() })).code).toBe(0);
    }
  });
});
