// Load: list-issues --all --ndjson over a generated set of 10,000 issues (on top of the seed) streams page by
// page, stops at the 100-page cap that --all promises, and says where to continue. (Paging through the
// seeded set alone is list-issues.test.ts's; the peak RSS of this run is printed by `npm run bench`.)

import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DIST, tempDir } from "./helpers/run.js";
import { useSandbox } from "./helpers/sandbox.js";
import { isBuilt } from "./helpers/tool-table.js";

const EXTRA_ISSUES = 10_000;
/** --all follows at most this many pages of 100 (scripts/lib/api.ts MAX_PAGES_ALL). */
const PAGE_CAP = 100;
const PAGE_SIZE = 100;
const DAY_MS = 86_400_000;
const PERIOD_DAYS = 90;
const LOAD_TEST_TIMEOUT_MS = 120_000;

const sandbox = useSandbox({ extraIssues: EXTRA_ISSUES });

interface StreamedRun {
  code: number | null;
  lines: string[];
  stderr: string;
  /**
   * When the first stdout bytes arrived, on the sandbox's clock (epoch milliseconds, like its request log:
   * the sandbox runs in this process), and how many writes carried the output.
   */
  firstChunkAt: number;
  chunks: number;
}

/** Runs the tool and notes when its output arrives, which runTool does not. */
function runStreaming(args: string[]): Promise<StreamedRun> {
  const home = tempDir();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(DIST, "list-issues.mjs"), ...args], {
      cwd: home,
      env: { PATH: process.env.PATH ?? "", HOME: home, ...sandbox.env(), SENTRY_MONITORING_TEST_FAST_RETRY: "1" },
    });
    let stdout = "";
    let stderr = "";
    let firstChunkAt = -1;
    let chunks = 0;
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      if (firstChunkAt < 0) firstChunkAt = performance.timeOrigin + performance.now();
      chunks += 1;
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, lines: stdout.split("\n").filter(Boolean), stderr, firstChunkAt, chunks }));
  });
}

describe.skipIf(!isBuilt("list-issues"))("list-issues over 10,000 generated issues", () => {
  it("streams --all --ndjson page by page, stops at the 100-page cap, and says how to continue", async () => {
    const world = sandbox.world;
    const matching = world.issues.issues.filter((i) => i.orgSlug === world.orgs[0]!.slug && i.status !== "pending_deletion" && i.lastSeen >= world.now - PERIOD_DAYS * DAY_MS);
    expect(matching.length, "the generated set must outgrow the cap").toBeGreaterThan(PAGE_CAP * PAGE_SIZE);

    sandbox.clearRequests();
    const res = await runStreaming(["--all", "--ndjson", "--all-projects", "--query", "", "--period", `${PERIOD_DAYS}d`]);
    expect(res.code, res.stderr).toBe(0);

    const pages = sandbox.requests().filter((r) => r.path.endsWith("/issues/"));
    expect(pages).toHaveLength(PAGE_CAP);
    expect(pages.every((p) => p.query.limit === String(PAGE_SIZE))).toBe(true);
    expect(res.lines).toHaveLength(PAGE_CAP * PAGE_SIZE);
    const ids = res.lines.map((l) => (JSON.parse(l) as { id: string }).id);
    expect(new Set(ids).size, "no issue twice across pages").toBe(ids.length);

    // Streamed, by the order of events rather than their timing: the first records were out before the
    // last page was even asked for, which a tool that collects every page first cannot do.
    expect(res.chunks).toBeGreaterThanOrEqual(PAGE_CAP / 2);
    expect(res.firstChunkAt).toBeGreaterThan(0);
    expect(res.firstChunkAt).toBeLessThan(pages.at(-1)!.receivedAt);
    expect(res.stderr).toMatch(/more records exist; continue with --cursor \S+/);
    // 100 requests and 10,000 records take ~4 s on a quiet machine, near the suite's 30 s on a loaded one:
    // a wider bound for a hung run, not a figure (the bench times this run).
  }, LOAD_TEST_TIMEOUT_MS);
});
