// SKILL.md and the references follow the Agent Skills rules and this project's budgets, every tool
// SKILL.md names exists in dist/ and answers --help, and each workflow fits in what an agent reads for it.

import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import matter from "gray-matter";
import { parseDocument } from "yaml";
import { describe, expect, it } from "vitest";
import { workflowContext } from "../bench/context.mjs";
import { DIST, ROOT, runTool } from "./helpers/run.js";

const ALLOWED_KEYS = ["name", "description", "license", "allowed-tools", "metadata", "compatibility"];
const SKILL_BUDGET_BYTES = 6 * 1024;
const DESCRIPTION_BUDGET = 400;
const CATEGORIES = ["errors", "performance", "releases", "projects"];
/** A reference is read whole when needed: what the numbers mean, search syntax, troubleshooting; flags stay in --help. */
const REFERENCE_BUDGET_BYTES = 8 * 1024;
/**
 * What an agent reads for one workflow: SKILL.md (<= 6 KB) + one reference (<= 8 KB) + the --help of the
 * three tools the workflow names (about 2 KB each) = 20 KB. Sentry's own CLI skill reads 35.8 KB up front,
 * before any reference; every path here must stay well under that.
 */
const WORKFLOW_BUDGET_BYTES = 20 * 1024;
const SKILL_WORKFLOWS = 3;

const skillText = readFileSync(join(ROOT, "SKILL.md"), "utf8");
const skill = matter(skillText);

describe("SKILL.md", () => {
  it("has frontmatter that is strict YAML: no duplicate keys, no parse warnings", () => {
    const raw = /^---\n([\s\S]*?)\n---\n/.exec(skillText)?.[1];
    expect(raw).toBeDefined();
    const doc = parseDocument(raw!, { uniqueKeys: true, strict: true });
    expect(doc.errors).toEqual([]);
    expect(doc.warnings).toEqual([]);
    expect(doc.toJS()).toEqual(skill.data);
  });

  it("has only the frontmatter keys the Agent Skills specification allows", () => {
    expect(Object.keys(skill.data).every((k) => ALLOWED_KEYS.includes(k))).toBe(true);
    expect(skill.data.name).toBe("sentry-monitoring");
  });

  it("has a short description that says what and when, without angle brackets", () => {
    const description: string = skill.data.description;
    expect(typeof description).toBe("string");
    expect(description.length).toBeLessThanOrEqual(DESCRIPTION_BUDGET);
    expect(description).not.toMatch(/[<>]/);
    expect(description).toMatch(/Use when/);
  });

  it("keeps the seed's attributes as string values under metadata", () => {
    const metadata = skill.data.metadata as Record<string, unknown>;
    expect(metadata.version).toBe("1.0.0");
    expect(metadata.model).toBe("sonnet");
    for (const value of Object.values(metadata)) expect(typeof value).toBe("string");
  });

  it("carries one version everywhere: package.json, SKILL.md metadata, User-Agent", async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    const { VERSION } = await import("../scripts/lib/version.js");
    expect((skill.data.metadata as Record<string, string>).version).toBe(pkg.version);
    expect(VERSION).toBe(pkg.version);
  });

  it("stays within its byte budget", () => {
    expect(Buffer.byteLength(skillText)).toBeLessThanOrEqual(SKILL_BUDGET_BYTES);
  });

  it("documents every exit code and the confirmation rule", () => {
    for (const code of [0, 1, 2, 3, 4, 5, 6, 7]) expect(skill.content).toMatch(new RegExp(`^\\| ${code} \\|`, "m"));
    expect(skill.content).toMatch(/--yes/);
    expect(skill.content).toMatch(/\.claude\/context\/memory\//);
  });

  it("routes to one reference per category, each parseable and with its generated tool section", () => {
    const files = readdirSync(join(ROOT, "references")).sort();
    expect(files).toEqual(CATEGORIES.map((c) => `${c}.md`).sort());
    for (const category of CATEGORIES) {
      expect(skill.content).toContain(`references/${category}.md`);
      const ref = matter(readFileSync(join(ROOT, "references", `${category}.md`), "utf8"));
      expect(ref.content).toMatch(/^# /m);
      expect(ref.content).toContain("<!-- BEGIN GENERATED: tools");
    }
  });

  it("sends the agent to --help for each tool's flags, and answers a bare call and an unknown tool name", () => {
    expect(skill.content).toMatch(/flags,\s+examples and JSON fields are in its `--help`/);
    expect(skill.content).toMatch(/A bare `\/sentry-monitoring`: run `list-issues/);
    expect(skill.content).toMatch(/Only these tools exist: for another name \(`Cannot find module`\)/);
  });

  it("describes an unknown tool name as it really fails", async () => {
    const { spawnSync } = await import("node:child_process");
    const res = spawnSync(process.execPath, [join(DIST, "nope.mjs")], { encoding: "utf8" });
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain("Cannot find module");
  });

  it("names only tools that exist in dist/ and answer --help with exit 0", async () => {
    const named = [...skill.content.matchAll(/^- `([a-z-]+)`:/gm)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(0);
    const dist = readdirSync(join(ROOT, "dist"));
    for (const tool of named) {
      expect(dist, tool).toContain(`${tool}.mjs`);
      const res = await runTool(tool, ["--help"]);
      expect(res.code, tool).toBe(0);
      expect(res.stdout).toContain(`Usage: node dist/${tool}.mjs`);
    }
  });
});

describe("references", () => {
  it.each(CATEGORIES)("%s.md stays within 8 KB", (category) => {
    const bytes = readFileSync(join(ROOT, "references", `${category}.md`)).length;
    expect(bytes).toBeLessThanOrEqual(REFERENCE_BUDGET_BYTES);
  });

  it.each(CATEGORIES)("%s.md indexes its tools in one line each instead of copying their --help", (category) => {
    const text = readFileSync(join(ROOT, "references", `${category}.md`), "utf8");
    const generated = /<!-- BEGIN GENERATED: tools[^\n]*\n([\s\S]*?)\n<!-- END GENERATED: tools -->/.exec(text)?.[1];
    expect(generated).toBeDefined();
    for (const line of generated!.split("\n")) expect(line).toMatch(/^- `[a-z-]+`: .+\. Scope `[^`]+`\./);
    expect(text).not.toMatch(/\| argument \/ flag \|/);
    expect(text).toMatch(/run it with `--help`/);
    // Raw API recipes live in docs/sentry-api.md, which the reference points to and nobody must read.
    expect(text).toMatch(/`docs\/sentry-api\.md` §/);
  });
});

describe("progressive disclosure", () => {
  const workflows = workflowContext(ROOT);

  it(`lists ${SKILL_WORKFLOWS} workflows, each with one reference and the tools it runs`, () => {
    expect(workflows.map((w) => w.name)).toEqual(["Incident response", "Performance", "Release"]);
    const indexed = [...skill.content.matchAll(/^- `([a-z-]+)`:/gm)].map((m) => m[1]);
    for (const w of workflows) {
      expect(CATEGORIES.map((c) => `references/${c}.md`)).toContain(w.reference);
      expect(w.tools.length, w.name).toBeGreaterThanOrEqual(3);
      for (const tool of w.tools) expect(indexed, `${w.name}: ${tool}`).toContain(tool);
    }
  });

  it("keeps each workflow's reading (SKILL.md + one reference + the tools' --help) within 20 KB", () => {
    for (const w of workflows) {
      const help = Object.entries(w.help).map(([tool, bytes]) => `${tool} --help ${bytes}`).join(" + ");
      console.log(`${w.name}: SKILL.md ${w.skillBytes} + ${w.reference} ${w.referenceBytes} + ${help} = ${w.totalBytes} B`);
      expect(w.totalBytes, w.name).toBeLessThanOrEqual(WORKFLOW_BUDGET_BYTES);
    }
  });
});
