// What every tool in dist/ promises, whatever it does: --help works without configuration or
// node_modules, bad flags exit 2 with one clear line and send nothing, and the token never shows.

import { cpSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { DIST, runTool, tempDir } from "./helpers/run.js";
import { useSandbox } from "./helpers/sandbox.js";

const TOOLS = readdirSync(DIST)
  .filter((f) => f.endsWith(".mjs") && !["sandbox.mjs", "demo.mjs"].includes(f))
  .map((f) => f.replace(/\.mjs$/, ""))
  .sort();

const sandbox = useSandbox();
/**
 * Long enough that finding it (or its first 12 characters) in output cannot be an accident, and
 * unprefixed (a legacy token), so only the configured-token masking can hide it, not the sntry*_ rule.
 */
const SECRET_TOKEN = "legacy" + "0123456789abcdef".repeat(4);

describe.each(TOOLS)("%s", (tool) => {
  it("prints generated help with exit 0, with no configuration at all", async () => {
    const res = await runTool(tool, ["--help"]);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(new RegExp(`^${tool}: `));
    expect(res.stdout).toContain("Exit codes:");
    expect(res.stderr).toBe("");
  });

  it("rejects an unknown flag with exit 2, naming the valid ones, and sends nothing", async () => {
    sandbox.clearRequests();
    const res = await runTool(tool, ["--definitely-not-a-flag"], { env: sandbox.env() });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/unknown flag --definitely-not-a-flag/);
    expect(res.stderr).toMatch(/hint: valid flags: .*--json/);
    expect(res.stdout).toBe("");
    expect(sandbox.requests()).toEqual([]);
  });

  it("refuses a single-value flag given twice instead of keeping one silently", async () => {
    sandbox.clearRequests();
    const res = await runTool(tool, ["--timeout", "5", "--timeout", "9"], { env: sandbox.env() });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/--timeout was given twice; it takes one value/);
    expect(sandbox.requests()).toEqual([]);
  });

  it("never prints the token, even with --verbose on a failing call", async () => {
    const res = await runTool(tool, ["--verbose"], { env: { ...sandbox.env(), SENTRY_AUTH_TOKEN: SECRET_TOKEN } });
    const output = res.stdout + res.stderr;
    expect(output).not.toContain(SECRET_TOKEN);
    expect(output).not.toContain(SECRET_TOKEN.slice(0, 12));
    expect(output).not.toMatch(/Bearer [^\s[]/);
    expect(output).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
  });
});

/** Static imports of a bundle, followed through dist/chunks/ (dynamic import() calls are not followed). */
function staticClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, "utf8");
  for (const m of text.matchAll(/(?:^|[;\n])import(?:[^"';]*?from)?"(\.\/[^"]+)"/g)) staticClosure(join(dirname(file), m[1]!), seen);
  return seen;
}

/** What --help may parse: enough for the runner and the tool, never the HTTP client. */
const MAX_STARTUP_BYTES = 120 * 1024;

describe("printed commands", () => {
  it("name the dist folder so they run from where the tool was run", async () => {
    const { spawnSync } = await import("node:child_process");
    const fromProject = spawnSync(process.execPath, [join(DIST, "list-issues.mjs"), "--help"], { cwd: tempDir(), encoding: "utf8" });
    expect(fromProject.stdout).toContain(`node ${DIST}/list-issues.mjs --query`);
    const fromSkill = spawnSync(process.execPath, ["dist/list-issues.mjs", "--help"], { cwd: dirname(DIST), encoding: "utf8" });
    expect(fromSkill.stdout).toContain("  node dist/list-issues.mjs --query");
  });
});

describe("dist/", () => {
  it.each(TOOLS)("%s starts without parsing the HTTP client", (tool) => {
    const files = staticClosure(join(DIST, `${tool}.mjs`));
    const bytes = [...files].reduce((sum, f) => sum + statSync(f).size, 0);
    const loaded = [...files].map((f) => readFileSync(f, "utf8")).join("");
    expect(loaded).not.toContain("undici");
    expect(bytes).toBeLessThan(MAX_STARTUP_BYTES);
  });

  it("runs without node_modules: a copy of dist/ alone answers --help", async () => {
    const dir = tempDir("sm-dist-copy-");
    cpSync(DIST, join(dir, "dist"), { recursive: true });
    const { spawnSync } = await import("node:child_process");
    for (const tool of TOOLS) {
      const res = spawnSync(process.execPath, [join(dir, "dist", `${tool}.mjs`), "--help"], { cwd: dir, encoding: "utf8" });
      expect(res.status, tool).toBe(0);
    }
  });
});
