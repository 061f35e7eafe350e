// What an agent reads to carry out each workflow SKILL.md lists: SKILL.md itself, the one reference the
// workflow names, and the --help of every tool it uses (run from dist/, as the agent runs them). Shared by
// tests/skill.test.ts, which holds the budget, and bench/run.mjs, which prints the figures.

import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** A workflow line of SKILL.md: "1. Incident response (`references/errors.md`): `list-issues --sort freq` → …". */
const WORKFLOW_LINE = /^\d+\. ([^(\n]+?) \(`(references\/[a-z-]+\.md)`\): (.+)$/gm;
/** A tool named at the start of a code span in a workflow's steps: `list-issues --sort freq`. */
const TOOL_SPAN = /`([a-z]+(?:-[a-z]+)+)[ `]/g;

/** The workflows SKILL.md lists, each with its reference and the tools its steps name, in order. */
export function workflows(root) {
  const skill = readFileSync(join(root, "SKILL.md"), "utf8");
  return [...skill.matchAll(WORKFLOW_LINE)].map(([, name, reference, steps]) => ({
    name,
    reference,
    tools: [...new Set([...steps.matchAll(TOOL_SPAN)].map((m) => m[1]))],
  }));
}

/** Bytes of `node dist/<tool>.mjs --help` run from the skill's folder; a tool that fails it throws. */
export function helpBytes(root, tool) {
  const res = spawnSync(process.execPath, [join("dist", `${tool}.mjs`), "--help"], { cwd: root, env: { PATH: process.env.PATH ?? "" } });
  if (res.status !== 0) throw new Error(`node dist/${tool}.mjs --help exited ${res.status}: ${String(res.stderr).split("\n")[0]}`);
  return res.stdout.length;
}

/** Per workflow: the bytes of SKILL.md, of its reference and of each tool's --help, and their sum. */
export function workflowContext(root) {
  const skillBytes = readFileSync(join(root, "SKILL.md")).length;
  return workflows(root).map((w) => {
    const referenceBytes = readFileSync(join(root, w.reference)).length;
    const help = Object.fromEntries(w.tools.map((t) => [t, helpBytes(root, t)]));
    const totalBytes = skillBytes + referenceBytes + Object.values(help).reduce((a, b) => a + b, 0);
    return { ...w, skillBytes, referenceBytes, help, totalBytes };
  });
}

/**
 * The bench's view: per workflow, the bytes an agent reads before acting next to what its read tools
 * printed and the raw API bytes they consumed (economy rows of bench/run.mjs; write tools have none).
 */
export function workflowRows(root, economyTools) {
  const byTool = new Map(economyTools.map((t) => [t.tool, t]));
  return workflowContext(root).map((w) => {
    const measured = w.tools.map((t) => byTool.get(t)).filter(Boolean);
    const sum = (key) => measured.reduce((n, t) => n + t[key], 0);
    return { ...w, readTools: measured.map((t) => t.tool), outputBytes: sum("textBytes"), rawBytes: sum("rawBytes") };
  });
}
