// SKILL.md and the references follow the Agent Skills rules and this project's budgets, and every
// tool SKILL.md names exists in dist/ and answers --help.

import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import matter from "gray-matter";
import { parseDocument } from "yaml";
import { describe, expect, it } from "vitest";
import { ROOT, runTool } from "./helpers/run.js";

const ALLOWED_KEYS = ["name", "description", "license", "allowed-tools", "metadata", "compatibility"];
const SKILL_BUDGET_BYTES = 6 * 1024;
const DESCRIPTION_BUDGET = 400;
const CATEGORIES = ["errors", "performance", "releases", "projects"];

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
