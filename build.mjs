#!/usr/bin/env node
// Builds the skill: bundles every scripts/<tool>.ts into dist/<tool>.mjs (layout below), the sandbox
// and the demo into single files, then regenerates the tool sections of SKILL.md and references/*.md from the tool
// declarations. `node build.mjs --check` builds in memory and fails if anything committed differs.

import { build } from "esbuild";
import { mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative } from "node:path";
import { pathToFileURL } from "node:url";

const ROOT = new URL(".", import.meta.url).pathname;
const CHECK = process.argv.includes("--check");
/**
 * Categories (title, reference file) and the order their tools are presented in come from the registry,
 * scripts/tools.ts: a category's tools in the order the registry lists them.
 */
function categoriesOf(runtime) {
  return runtime.CATEGORIES.map((c) => ({ id: c.id, title: c.title, file: c.reference, order: runtime.TOOLS.filter((t) => t.category === c.id).map((t) => t.name) }));
}

/** A category's tools in presentation order; tools the order does not name come last, by name. */
function toolsOf(tools, cat) {
  const rank = (t) => (cat.order.includes(t.name) ? cat.order.indexOf(t.name) : cat.order.length);
  return tools.filter((t) => t.category === cat.id).sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

/**
 * How dist/ is laid out, and why. `node dist/<tool>.mjs --help` must start within a few milliseconds
 * of bare node, and Node's ES module loader pays per file as well as per byte:
 *   - dist/<tool>.mjs: the tool, with its category's helpers inlined;
 *   - dist/chunks/runtime.mjs: the shared runtime (argv, config, output, errors), one file for all;
 *   - dist/chunks/net.mjs: the API client, undici included (about 550 KB), imported only when a tool
 *     sends a request, never for --help or for bad input.
 * Errors and the redaction list live in runtime.mjs only, so `instanceof` and the masked secrets are
 * the same objects in every file. dist/sandbox.mjs and dist/demo.mjs are single-file programs.
 * Measured here: one file per tool plus the runtime starts --help at ~1.1x bare node; esbuild's
 * automatic splitting (7-9 chunk files per tool) ~1.25x; everything in one file with undici ~1.4x.
 */
const LIB = join(ROOT, "scripts", "lib");
/** Modules of scripts/lib/ that make up chunks/runtime.mjs. */
const RUNTIME_MODULES = ["errors", "output", "validate", "urls", "tool", "flags", "config", "redact", "concurrency", "version"];
/** Modules reached only through the runtime's lazy import of the API client. */
const NET_MODULES = ["api", "http"];
const BANNER = '#!/usr/bin/env node\nimport{createRequire as __cr}from"node:module";const require=__cr(import.meta.url);';

/** Tool entry points: every scripts/<name>.ts that is not a program of its own nor the registry (tools.ts). */
function toolEntries() {
  return readdirSync(join(ROOT, "scripts"))
    .filter((f) => f.endsWith(".ts") && f !== "demo.ts" && f !== "tools.ts")
    .sort()
    .map((f) => join(ROOT, "scripts", f));
}

/** Rewrites imports of the named scripts/lib modules into an import of one external file. */
function externalize(modules, target) {
  const paths = new Set(modules.map((m) => join(LIB, `${m}.ts`)));
  return {
    name: `externalize-${basename(target)}`,
    setup(b) {
      b.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (args) => {
        const resolved = join(args.resolveDir, args.path.replace(/\.js$/, ".ts"));
        return paths.has(resolved) ? { path: target, external: true } : undefined;
      });
    },
  };
}

const COMMON = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  minify: true,
  write: false,
  legalComments: "none",
  logLevel: "warning",
  // Bundled CommonJS dependencies may call require() for Node built-ins; ESM has no require.
  banner: { js: BANNER },
};

async function bundle() {
  const files = new Map();
  const add = (result, name) => files.set(name, result.outputFiles[0].text);
  const reexport = (modules) => modules.map((m) => `export * from ${JSON.stringify(join(LIB, `${m}.ts`))};`).join("\n");

  add(await build({ ...COMMON, stdin: { contents: reexport(RUNTIME_MODULES), resolveDir: LIB, loader: "ts" }, plugins: [externalize(NET_MODULES, "./net.mjs")] }), "chunks/runtime.mjs");
  add(await build({ ...COMMON, stdin: { contents: reexport(NET_MODULES), resolveDir: LIB, loader: "ts" }, plugins: [externalize(RUNTIME_MODULES, "./runtime.mjs")] }), "chunks/net.mjs");
  for (const entry of toolEntries()) {
    add(await build({ ...COMMON, entryPoints: [entry], plugins: [externalize([...RUNTIME_MODULES, ...NET_MODULES], "./chunks/runtime.mjs")] }), `${basename(entry, ".ts")}.mjs`);
  }
  add(await build({ ...COMMON, entryPoints: [join(ROOT, "scripts", "sandbox", "main.ts")] }), "sandbox.mjs");
  add(await build({ ...COMMON, entryPoints: [join(ROOT, "scripts", "demo.ts")] }), "demo.mjs");
  return files;
}

/** Loads each tool's declaration from its bundle (a bundle imported, not run, does nothing). */
async function loadDeclarations(files) {
  const dir = mkdtempSync(join(tmpdir(), "sentry-monitoring-build-"));
  try {
    const tools = [];
    for (const [name, text] of files) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    for (const name of [...files.keys()].sort()) {
      if (name.includes("/") || name === "sandbox.mjs" || name === "demo.mjs") continue;
      const mod = await import(pathToFileURL(join(dir, name)).href);
      if (mod.tool) tools.push(mod.tool);
    }
    return tools;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function flagLabel(name, spec) {
  return `\`--${name}${spec.placeholder ? ` ${spec.placeholder}` : ""}\`${spec.multiple ? " (repeatable)" : ""}`;
}

function escapeCell(text) {
  return String(text).replace(/\|/g, "\\|");
}

function renderToolReference(tool, runtime) {
  const usagePositionals = (tool.positionals ?? []).map((p) => {
    const n = `<${p.name}>${p.variadic ? "..." : ""}`;
    return p.required ? n : `[${n}]`;
  });
  const lines = [`### ${tool.name}`, "", `${tool.summary}.${tool.writes ? " **Writes: previews unless `--yes`.**" : ""}`, ""];
  lines.push("```", ["node", `dist/${tool.name}.mjs`, ...usagePositionals, "[flags]"].join(" "), "```", "");
  const rows = [];
  for (const p of tool.positionals ?? []) rows.push([`\`<${p.name}>\``, p.help]);
  // The runtime's own merge (scripts/lib/tool.ts), minus the flags every tool shares.
  const common = runtime.commonFlagsOf(tool);
  const own = Object.entries(runtime.allFlags(tool)).filter(([name]) => !(name in common));
  for (const [name, spec] of own) {
    let help = spec.help;
    if (spec.default !== undefined) help += ` (default ${spec.default})`;
    if (tool.kind === "list" && name === "limit") help += ` (default ${tool.defaultLimit})`;
    rows.push([flagLabel(name, spec), help]);
  }
  if (rows.length) {
    lines.push("| argument / flag | meaning |", "|---|---|");
    for (const [a, b] of rows) lines.push(`| ${escapeCell(a)} | ${escapeCell(b)} |`);
    lines.push("");
  }
  lines.push("Examples:", "", "```");
  for (const ex of tool.examples) lines.push(`node dist/${tool.name}.mjs ${ex.args}`.trimEnd() + `   # ${ex.about}`);
  lines.push("```", "");
  const shared = Object.entries(common).filter(([name]) => name !== "help").map(([name, spec]) => `\`--${name}${spec.placeholder ? ` ${spec.placeholder}` : ""}\``);
  lines.push(`Also: ${shared.join(", ")}.`, "");
  lines.push(`JSON fields${tool.kind === "list" ? " (each record)" : ""}: ${tool.fields.map((f) => `\`${f}\``).join(", ")}.`, "");
  lines.push(`Token scope: \`${tool.scopes}\`. API: ${tool.api.map((a) => `\`${a}\``).join(", ")}.`, "");
  return lines.join("\n");
}

function renderSkillIndex(tools, categories) {
  const lines = [];
  for (const cat of categories) {
    const inCat = toolsOf(tools, cat);
    if (inCat.length === 0) continue;
    lines.push(`**${cat.title}** (details: \`${cat.file}\`)`);
    for (const t of inCat) lines.push(`- \`${t.name}\`: ${t.summary}${t.writes ? " *(write: needs `--yes`)*" : ""}`);
    lines.push("");
  }
  return lines.join("\n").trimEnd();
}

const BEGIN = (name) => `<!-- BEGIN GENERATED: ${name} (node build.mjs; do not edit by hand) -->`;
const END = (name) => `<!-- END GENERATED: ${name} -->`;

/** Replaces the text between a pair of markers; fails loudly if the markers are missing. */
function replaceBetween(text, name, body, file) {
  const begin = BEGIN(name);
  const end = END(name);
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`${file}: missing the markers for generated section "${name}"`);
  return `${text.slice(0, i + begin.length)}\n${body}\n${text.slice(j)}`;
}

async function generateDocs(tools) {
  const runtime = await loadRuntime();
  const unlisted = tools.filter((t) => !runtime.TOOLS.some((r) => r.name === t.name)).map((t) => t.name);
  if (unlisted.length) throw new Error(`scripts/tools.ts does not list ${unlisted.join(", ")}: add each tool to the registry`);
  const categories = categoriesOf(runtime);
  const docs = new Map();
  const skillPath = join(ROOT, "SKILL.md");
  if (existsSync(skillPath)) {
    docs.set("SKILL.md", replaceBetween(readFileSync(skillPath, "utf8"), "tool-index", renderSkillIndex(tools, categories), "SKILL.md"));
  }
  for (const cat of categories) {
    const path = join(ROOT, cat.file);
    const inCat = toolsOf(tools, cat);
    if (!existsSync(path)) continue;
    const body = inCat.map((t) => renderToolReference(t, runtime)).join("\n").trimEnd();
    docs.set(cat.file, replaceBetween(readFileSync(path, "utf8"), "tools", body, cat.file));
  }
  return docs;
}

/**
 * How the runtime merges a tool's flags (scripts/lib/tool.ts), so the docs list exactly what it accepts, and
 * the registry (scripts/tools.ts): categories and the tools' order.
 */
async function loadRuntime() {
  const result = await build({
    stdin: { contents: 'export { allFlags, commonFlagsOf } from "./scripts/lib/tool.ts";\nexport { CATEGORIES, TOOLS } from "./scripts/tools.ts";', resolveDir: ROOT, loader: "ts" },
    bundle: true,
    platform: "node",
    format: "esm",
    write: false,
    logLevel: "warning",
    banner: { js: BANNER },
  });
  const dir = mkdtempSync(join(tmpdir(), "sentry-monitoring-flags-"));
  try {
    const file = join(dir, "flags.mjs");
    writeFileSync(file, result.outputFiles[0].text);
    return await import(pathToFileURL(file).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every .mjs under dist/, as paths relative to it (chunks/… included). */
function listDist(distDir) {
  if (!existsSync(distDir)) return [];
  return readdirSync(distDir, { recursive: true })
    .map(String)
    .filter((name) => name.endsWith(".mjs"));
}

async function main() {
  const files = await bundle();
  const tools = await loadDeclarations(files);
  const docs = await generateDocs(tools);

  const stale = [];
  const distDir = join(ROOT, "dist");
  for (const [name, text] of files) {
    const path = join(distDir, name);
    if (!existsSync(path) || readFileSync(path, "utf8") !== text) stale.push(`dist/${name}`);
  }
  for (const name of listDist(distDir)) if (!files.has(name)) stale.push(`dist/${name} (no source)`);
  for (const [file, text] of docs) {
    if (readFileSync(join(ROOT, file), "utf8") !== text) stale.push(file);
  }

  if (CHECK) {
    if (stale.length) {
      console.error(`build --check: out of date with the sources:\n  ${stale.join("\n  ")}\nrun: npm run build, and commit the result`);
      process.exit(1);
    }
    console.log(`build --check: dist/ (${files.size} bundles) and generated docs match the sources`);
    return;
  }
  for (const name of listDist(distDir)) if (!files.has(name)) rmSync(join(distDir, name));
  // Write-then-rename: a tool started while the build runs never imports half a file.
  const writeAtomically = (path, text, mode) => {
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, text, mode === undefined ? undefined : { mode });
    renameSync(tmp, path);
  };
  for (const [name, text] of files) {
    mkdirSync(dirname(join(distDir, name)), { recursive: true });
    writeAtomically(join(distDir, name), text, 0o755);
  }
  for (const [file, text] of docs) writeAtomically(join(ROOT, file), text);
  const sizes = [...files].filter(([n]) => !n.includes("/")).map(([n, t]) => `${n} ${(Buffer.byteLength(t) / 1024).toFixed(0)} KB`).join(", ");
  console.log(`built ${files.size} bundles (${sizes}); ${stale.length ? `updated ${stale.length} file(s)` : "nothing changed"}`);
}

main().catch((err) => {
  console.error(`build failed: ${err.message}`);
  process.exit(1);
});
