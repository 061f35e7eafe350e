// The tools' clock: SENTRY_MONITORING_NOW fixes "now" for ages and time windows, so output against a fixed-clock
// sandbox is reproducible; the sandbox's --now stops its world's clock and prints the variable to export.

import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DIST, runTool } from "./helpers/run.js";
import { TEST_NOW, useSandbox } from "./helpers/sandbox.js";
import { createWorld } from "../scripts/sandbox/world.js";

const DAY = 86_400_000;
const sandbox = useSandbox();

/** The "created Nd ago" of one project's line in list-projects' text. */
function createdDaysAgo(stdout: string, slug: string): number {
  // After the header, which may name the configured project too.
  const line = stdout.split("\n").slice(1).find((l) => l.startsWith(`${slug} `) || l.includes(` ${slug} `))!;
  return Number(/created (\d+)d ago/.exec(line)![1]);
}

describe("the tools' clock (SENTRY_MONITORING_NOW)", () => {
  it("reads ages against the fixed clock: two days later, every project is two days older", async () => {
    const slug = sandbox.world.projects[0]!.slug;
    const at = await runTool("list-projects", [], { env: sandbox.env() });
    // Epoch milliseconds work as well as ISO 8601.
    const later = await runTool("list-projects", [], { env: { ...sandbox.env(), SENTRY_MONITORING_NOW: String(sandbox.world.now + 2 * DAY) } });
    expect(at.code).toBe(0);
    expect(later.code).toBe(0);
    expect(createdDaysAgo(later.stdout, slug)).toBe(createdDaysAgo(at.stdout, slug) + 2);
  });

  it("rejects a value that is not an instant with exit 2, naming the variable, before sending anything", async () => {
    sandbox.clearRequests();
    for (const value of ["yesterday", "2026-03-15T12:00:00", "2026-13-45"]) {
      const res = await runTool("list-projects", [], { env: { ...sandbox.env(), SENTRY_MONITORING_NOW: value } });
      expect(res.code, value).toBe(2);
      expect(res.stderr, value).toContain("SENTRY_MONITORING_NOW");
      expect(res.stderr, value).toMatch(/^hint: use ISO 8601 with an offset/m);
    }
    expect(sandbox.requests()).toEqual([]);
  });
});

describe("the sandbox's fixed clock (dist/sandbox.mjs --now)", () => {
  it("seeds the world at --now, stamps writes with it, and prints SENTRY_MONITORING_NOW among the variables to export", async () => {
    const now = new Date(TEST_NOW).toISOString();
    const child = spawn(process.execPath, [join(DIST, "sandbox.mjs"), "--port", "0", "--now", now], { stdio: ["ignore", "pipe", "ignore"] });
    try {
      const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
      const url = (await lines.next()).value as string;
      expect((await lines.next()).value).toBe(`export SENTRY_URL=${url} SENTRY_AUTH_TOKEN=sandbox SENTRY_ORG=acme SENTRY_PROJECT=web-frontend SENTRY_MONITORING_NOW=${now}`);
      const headers = { authorization: "Bearer sandbox", "content-type": "application/json" };
      const projects = (await (await fetch(`${url}/api/0/organizations/acme/projects/`, { headers })).json()) as Array<{ slug: string; dateCreated: string }>;
      const seeded = createWorld({ seed: 1, now: TEST_NOW }, TEST_NOW).projects;
      expect(projects.map((p) => p.dateCreated)).toEqual(projects.map((p) => seeded.find((s) => s.slug === p.slug)!.dateCreated));
      const created = await fetch(`${url}/api/0/organizations/acme/releases/`, { method: "POST", headers, body: JSON.stringify({ version: "clock-test@1.0.0", projects: ["web-frontend"] }) });
      expect(((await created.json()) as { dateCreated: string }).dateCreated).toBe(now);
    } finally {
      child.kill("SIGTERM");
    }
  });

  it("rejects a --now that is not an instant with one line and exit 2", async () => {
    const child = spawn(process.execPath, [join(DIST, "sandbox.mjs"), "--port", "0", "--now", "noon"], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.on("exit", (c) => done(c)));
    expect(code).toBe(2);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toContain('--now expects ISO 8601 with an offset (2026-03-15T12:00:00Z) or epoch milliseconds, got "noon"');
  });
});
