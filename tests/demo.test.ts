// The README's first command: `node dist/demo.mjs` runs the three workflows against its own sandbox, shows
// every command before its output, ends with one summary line, and fails loudly when a tool misbehaves.

import { spawn } from "node:child_process";
import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DIST, tempDir } from "./helpers/run.js";
import { TEST_NOW } from "./helpers/sandbox.js";

/** Past this the demo is killed as hung; how long it takes is a figure of the bench (npm run bench), not a test. */
const DEMO_KILL_MS = 60_000;

interface DemoRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runDemo(distDir = DIST): Promise<DemoRun> {
  const home = tempDir("sm-demo-home-");
  return new Promise((resolve, reject) => {
    // Only PATH, an empty HOME and the suite's fixed clock (the demo hands it to its sandbox and tools): the demo
    // must not need the caller's Sentry configuration, and its seeded steps must not depend on the wall clock.
    const env = { PATH: process.env.PATH ?? "", HOME: home, SENTRY_MONITORING_NOW: new Date(TEST_NOW).toISOString() };
    const child = spawn(process.execPath, [join(distDir, "demo.mjs")], { cwd: home, env });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), DEMO_KILL_MS);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function commandLines(stdout: string): string[] {
  return stdout.split("\n").filter((l) => l.startsWith("$ node dist/"));
}

describe("demo", () => {
  it("runs incident response, performance and release management end to end", async () => {
    const res = await runDemo();
    expect(res.stderr).toBe("");
    const lines = res.stdout.trimEnd().split("\n");
    expect(lines.at(-1), res.stdout).toMatch(/^demo: \d+ steps in 3 workflows behaved as expected in [\d.]+ s\.$/);
    expect(res.code).toBe(0);

    const tools = commandLines(res.stdout).map((l) => l.split(" ")[2]);
    expect(tools).toEqual([
      "dist/list-issues.mjs",
      "dist/issue-details.mjs",
      "dist/trace-details.mjs",
      "dist/list-issues.mjs",
      "dist/event-details.mjs",
      "dist/resolve-issue.mjs",
      "dist/resolve-issue.mjs",
      "dist/list-issues.mjs",
      "dist/list-transactions.mjs",
      "dist/transaction-summary.mjs",
      "dist/slow-queries.mjs",
      "dist/create-release.mjs",
      "dist/create-release.mjs",
      "dist/set-commits.mjs",
      "dist/list-releases.mjs",
    ]);
    // The preview steps show the confirmation protocol: exit 3 first, then the same command with --yes.
    const commands = commandLines(res.stdout);
    expect(commands[5]).not.toContain("--yes");
    expect(commands[6]).toBe(`${commands[5]} --yes`);
    expect(res.stdout.match(/^\(exit 3\)$/gm)).toHaveLength(2);
    // The issue it resolves is the one list-issues put first, and issue-details looked at.
    const resolved = commands[5]!.split(" ")[3]!;
    expect(commands[1]).toBe(`$ node dist/issue-details.mjs ${resolved}`);
    // The backend's loudest error, opened one event deep, names the commit Sentry suspects.
    expect(commands[4]).toMatch(/^\$ node dist\/event-details\.mjs API-BACKEND-\w+ latest$/);
    expect(res.stdout).toMatch(/^Suspect commits \((best \d+ of \d+|\d+, best first)\):\n {2}[0-9a-f]{12} \S/m);
    // The trace it opens is the one issue-details named for the latest event.
    expect(commands[2]).toMatch(/^\$ node dist\/trace-details\.mjs [0-9a-f]{32}$/);
  });

  it("fails with a non-zero exit and names the step when a tool misbehaves", async () => {
    const dir = tempDir("sm-demo-broken-");
    cpSync(DIST, join(dir, "dist"), { recursive: true });
    // An issue-details that "succeeds" without showing anything.
    writeFileSync(join(dir, "dist", "issue-details.mjs"), "process.exit(0);\n");
    const res = await runDemo(join(dir, "dist"));
    expect(res.code).toBe(1);
    const last = res.stdout.trimEnd().split("\n").at(-1)!;
    expect(last).toMatch(/^demo: FAILED, 2 of 3 workflows behaved as expected/);
    expect(last).toMatch(/incident response failed at its step 2: issue-details did not name [A-Z0-9-]+/);
  });
});
