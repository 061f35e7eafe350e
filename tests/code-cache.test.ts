// The API client (dist/chunks/net.cjs) is compiled once per machine: the first call that sends a request
// writes V8's code cache of it under the user's cache folder, and later calls load it as it is. A cache
// written again on every call is one V8 rejected each time (a V8 flag set during the run changes the
// flags it is stamped with, issue 12): every call then compiles the client and serializes it at exit.

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runTool, tempDir } from "./helpers/run.js";
import { useSandbox } from "./helpers/sandbox.js";

const sandbox = useSandbox();

describe("the API client's code cache", () => {
  it("is written by the first call and used unchanged by the next, a listing that stops after one page included", async () => {
    const home = tempDir();
    const cacheDir = join(home, ".cache", "sentry-monitoring", "v8");
    // --limit 1 stops after one page while the server says more exist.
    expect((await runTool("list-issues", ["--limit", "1"], { env: sandbox.env(), home })).code).toBe(0);
    const files = readdirSync(cacheDir);
    expect(files).toHaveLength(1);
    const path = join(cacheDir, files[0]!);
    const written = { bytes: readFileSync(path), mtimeMs: statSync(path).mtimeMs };

    for (const [tool, args] of [["list-issues", ["--limit", "1"]], ["list-projects", []], ["issue-details", ["--help"]]] as const) {
      expect((await runTool(tool, [...args], { env: sandbox.env(), home })).code, tool).toBe(0);
      expect(readdirSync(cacheDir), tool).toEqual(files);
      expect(statSync(path).mtimeMs, `${tool} wrote the cache again: V8 rejected it`).toBe(written.mtimeMs);
      expect(readFileSync(path).equals(written.bytes), tool).toBe(true);
    }
  });
});
