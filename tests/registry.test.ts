// The registry (scripts/tools.ts) is the one list of tools: every built tool is in it, every registered tool has
// its row in the reliability table, every category its reference, and every declaration's `fields` are the keys
// the tool really prints with --json. A 14th tool that misses any of these fails here, not silently elsewhere.

import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXIT, EXIT_MEANINGS } from "../scripts/lib/errors.js";
import { renderHelp } from "../scripts/lib/tool.js";
import { CATEGORIES, isWriteTool, TOOLS } from "../scripts/tools.js";
import { DIST, ROOT, runTool } from "./helpers/run.js";
import { useSandbox } from "./helpers/sandbox.js";
import { isBuilt, registryRows, TOOL_TABLE } from "./helpers/tool-table.js";

const sandbox = useSandbox();
/** Programs in dist/ that are not tools. */
const NOT_TOOLS = new Set(["sandbox.mjs", "demo.mjs"]);

describe("the tool registry", () => {
  it("lists every tool built into dist/, once each", () => {
    const built = readdirSync(DIST).filter((f) => f.endsWith(".mjs") && !NOT_TOOLS.has(f)).map((f) => f.replace(/\.mjs$/, ""));
    const registered = TOOLS.map((t) => t.name);
    expect(new Set(registered).size).toBe(registered.length);
    expect([...registered].sort()).toEqual(built.sort());
  });

  it("has a reliability-table row for every tool, and no row for a tool it does not list", () => {
    expect(() => registryRows()).not.toThrow();
    const registered = new Set(TOOLS.map((t) => t.name));
    expect(TOOL_TABLE.map((r) => r.tool).filter((name) => !registered.has(name))).toEqual([]);
    // A write tool needs its applying call for the write and fault suites.
    for (const tool of TOOLS.filter(isWriteTool)) expect(TOOL_TABLE.find((r) => r.tool === tool.name)!.apply, tool.name).toBeDefined();
  });

  it("gives every category a reference file and every tool a known category", () => {
    for (const category of CATEGORIES) expect(existsSync(join(ROOT, category.reference)), category.reference).toBe(true);
    const ids = new Set<string>(CATEGORIES.map((c) => c.id));
    for (const tool of TOOLS) expect(ids.has(tool.category), `${tool.name}: ${tool.category}`).toBe(true);
  });

  it("prints the exit codes of the one table in every tool's help (3 only for write tools)", () => {
    for (const tool of TOOLS) {
      const help = renderHelp(tool);
      for (const [code, meaning] of Object.entries(EXIT_MEANINGS)) {
        const shown = help.includes(`${code} ${meaning}`);
        expect(shown, `${tool.name}: ${code} ${meaning}`).toBe(code !== String(EXIT.CONFIRMATION_REQUIRED) || isWriteTool(tool));
      }
    }
  });
});

describe("each tool's declared JSON fields", () => {
  it.concurrent.each(TOOLS.filter((t) => isBuilt(t.name)).map((t) => [t.name, t] as const))("%s prints exactly its declared fields with --json", async (name, tool) => {
    const row = registryRows().find((r) => r.tool === name)!;
    const inv = row.typical(sandbox);
    const res = await runTool(name, [...inv.args, "--json"], { env: sandbox.env(), cwd: inv.cwd });
    expect(res.code, res.stderr).toBe(inv.exit);
    // List tools print {data: [records]}; the fields are each record's keys. The typical call finds records.
    const records: Array<Record<string, unknown>> = tool.kind === "list" ? res.json.data : [res.json];
    expect(records.length, "the typical call has something to show").toBeGreaterThan(0);
    for (const record of records) expect(Object.keys(record).sort()).toEqual([...tool.fields].sort());
  });
});
