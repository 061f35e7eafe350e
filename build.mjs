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
/** Categories, and the order their tools are presented in: the order a workflow uses them. */
const CATEGORIES = [
  { id: "errors", title: "Errors", file: "references/errors.md", order: ["list-issues", "issue-details", "resolve-issue", "ignore-issue"] },
  { id: "performance", title: "Performance", file: "references/performance.md", order: ["list-transactions", "transaction-summary", "slow-queries"] },
  { id: "releases", title: "Releases", file: "references/releases.md", order: ["list-releases", "create-release", "set-commits"] },
  { id: "projects", title: "Projects", file: "references/projects.md", order: ["list-projects", "project-settings", "list-alerts"] },
];

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
const RUNTIME_MODULES = ["errors", "output", "validate", "urls", "tool", "config", "redact", "concurrency", "version"];
/** Modules reached only through the runtime's lazy import of the API client. */
const NET_MODULES = ["api", "http"];
const BANNER = '#!/usr/bin/env node\nimport{createRequire as __cr}from"node:module";const require=__cr(import.meta.url);';

/** Tool entry points: every scripts/<name>.ts that is not a program of its own. */
function toolEntries() {
  return readdirSync(join(ROOT, "scripts"))
    .filter((f) => f.endsWith(".ts") && f !== "demo.ts")
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

/**
 * A reference's tool index: one line per tool (name, summary, token scope). Flags, examples and JSON
 * fields are not copied here: the agent runs `--help`, which prints them from the same declaration, and a
 * second copy would cost every reader bytes for nothing.
 */
function renderToolIndex(tools) {
  return tools.map((t) => `- \`${t.name}\`: ${t.summary}. Scope \`${t.scopes}\`.${t.writes ? " Writes: previews unless `--yes`." : ""}`).join("\n");
}

function renderSkillIndex(tools) {
  const lines = [];
  for (const cat of CATEGORIES) {
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
  const docs = new Map();
  const skillPath = join(ROOT, "SKILL.md");
  if (existsSync(skillPath)) {
    docs.set("SKILL.md", replaceBetween(readFileSync(skillPath, "utf8"), "tool-index", renderSkillIndex(tools), "SKILL.md"));
  }
  for (const cat of CATEGORIES) {
    const path = join(ROOT, cat.file);
    const inCat = toolsOf(tools, cat);
    if (!existsSync(path)) continue;
    const body = renderToolIndex(inCat);
    docs.set(cat.file, replaceBetween(readFileSync(path, "utf8"), "tools", body, cat.file));
  }
  return docs;
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
