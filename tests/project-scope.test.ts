// The one project-scope rule (README, Configuration), across the registry: a configured project (SENTRY_PROJECT,
// .sentryclirc) narrows every list tool that takes --project, each says so in its header, --project repeats
// wherever a list tool takes it, and list-projects, which lists the projects to choose from, says the configured
// one is not applied to it. A new list tool is covered once it is in scripts/tools.ts; a list of one item's
// parts (issue-events) is not scoped by project.

import { describe, expect, it } from "vitest";
import type { AnyTool } from "../scripts/lib/tool.js";
import { TOOLS } from "../scripts/tools.js";
import { runTool } from "./helpers/run.js";
import { useSandbox } from "./helpers/sandbox.js";
import { isBuilt, registryRows } from "./helpers/tool-table.js";

const sandbox = useSandbox();
/** A seeded project other than the sandbox's default, so a header naming it can only come from the variable. */
const CONFIGURED = "api-backend";

/**
 * The tools that list across an organization: the list kind, and list-alerts (one document holding a list).
 * A list of one item's parts (issue-events: an issue's events) has its project from the item, not a scope.
 */
const ofOneItem = (t: AnyTool) => (t.positionals ?? []).some((p) => p.required);
const isListTool = (t: AnyTool) => (t.kind === "list" || t.name.startsWith("list-")) && !ofOneItem(t);
const takesProject = (t: AnyTool) => "project" in t.flags;

describe("project scope › every list tool", () => {
  it("declares --project repeatable with --all-projects beside it, except list-projects, which has no --project", () => {
    const lists = TOOLS.filter(isListTool);
    expect(lists.length).toBeGreaterThan(4);
    for (const t of lists) {
      if (t.name === "list-projects") {
        expect(takesProject(t), t.name).toBe(false);
        continue;
      }
      expect(takesProject(t), `${t.name} takes no --project`).toBe(true);
      expect((t.flags as Record<string, { multiple?: boolean }>).project!.multiple, `${t.name}: --project is not repeatable`).toBe(true);
      expect(Object.keys(t.flags), t.name).toContain("all-projects");
    }
  });

  for (const row of registryRows(isListTool)) {
    it.skipIf(!isBuilt(row.tool))(`${row.tool} says in its header that SENTRY_PROJECT ${CONFIGURED} is (or is not) its scope`, async () => {
      const inv = row.typical(sandbox);
      // The typical call without its own --project, so the scope can only come from the variable.
      const args = inv.args.filter((a, i) => a !== "--project" && inv.args[i - 1] !== "--project");
      const res = await runTool(row.tool, args, { env: { ...sandbox.env(), SENTRY_PROJECT: CONFIGURED }, cwd: inv.cwd });
      expect(res.code, res.stderr).toBe(0);
      const header = res.stdout.split("\n")[0]!;
      expect(header).toContain(CONFIGURED);
      expect(header).toContain("SENTRY_PROJECT");
      if (row.tool === "list-projects") expect(header).toContain("not this list");
      else expect(header).toContain("--all-projects for all");
    });
  }
});
