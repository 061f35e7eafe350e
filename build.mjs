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
 * How dist/ is laid out, and why. Every call is a fresh Node process, so what a tool costs is mostly
 * what Node loads and compiles before and after its one or two requests (issue 12 has the figures):
 *   - dist/<tool>.mjs: the tool, its category's helpers and the runtime (argv, config, output, errors),
 *     one ES module. Node's ES module loader pays per file, so --help reads one file of 20-40 KB.
 *   - dist/chunks/net.cjs: the API client (api.ts, http.ts) with the parts of undici it uses, about
 *     200 KB, read only when a tool sends a request. It is CommonJS so scripts/lib/load-chunk.ts can
 *     compile it through vm.Script with a V8 code cache, and it takes the runtime modules it imports
 *     (errors, redaction, config, URLs, region cache) from the tool's bundle: one CliError class and
 *     one list of secrets to mask per process.
 * dist/sandbox.mjs is a single-file program that also exports startSandbox; dist/demo.mjs imports the
 * sandbox from it instead of holding a second copy (about 260 KB).
 */
const LIB = join(ROOT, "scripts", "lib");
/** Runtime modules the API client imports; the tool bundle hands its own copies to the chunk. */
const NET_PROVIDES = ["config", "errors", "redact", "urls", "version", "region"];
/** Modules of the API client chunk; a tool's imports of them load the chunk instead. */
const NET_MODULES = ["api", "http"];
const NET_CHUNK = "chunks/net.cjs";
const BANNER = '#!/usr/bin/env node\nimport{createRequire as __cr}from"node:module";const require=__cr(import.meta.url);';

/** Tool entry points: every scripts/<name>.ts that is not a program of its own nor the registry (tools.ts). */
function toolEntries() {
  return readdirSync(join(ROOT, "scripts"))
    .filter((f) => f.endsWith(".ts") && f !== "demo.ts" && f !== "tools.ts" && !f.endsWith(".d.ts"))
    .sort()
    .map((f) => join(ROOT, "scripts", f));
}

const libPath = (m) => join(LIB, `${m}.ts`);
/** The scripts/lib module a relative `./x.js` import names, if it is one of `modules`. */
function libModuleOf(args, modules) {
  const resolved = join(args.resolveDir, args.path.replace(/\.js$/, ".ts"));
  return modules.find((m) => libPath(m) === resolved);
}

/** In the net chunk: imports of runtime modules stay `require("./errors.js")`, answered by load-chunk.ts. */
const provideFromRuntime = {
  name: "provide-from-runtime",
  setup(b) {
    b.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (args) => {
      const m = libModuleOf(args, NET_PROVIDES);
      return m ? { path: `./${m}.js`, external: true } : undefined;
    });
  },
};

/**
 * undici's Client requires its HTTP/2 client (and with it node:http2) when it loads, for connections
 * whose TLS handshake picks h2. http.ts never allows h2 (undici's default), so that code can never run;
 * it is left out, and a stand-in says so if it ever were reached.
 */
const withoutHttp2 = {
  name: "without-http2",
  setup(b) {
    b.onResolve({ filter: /\/client-h2(\.js)?$/ }, (args) => (args.resolveDir.includes(join("undici", "lib")) ? { path: "client-h2", namespace: "http2-stub" } : undefined));
    b.onLoad({ filter: /.*/, namespace: "http2-stub" }, () => ({
      contents: "module.exports = function connectH2 () { throw new Error('HTTP/2 is not enabled in sentry-monitoring') }",
      loader: "js",
    }));
  },
};

/** In a tool: `import("./api.js")` and `import("./http.js")` become one module that loads the chunk. */
function loadNetChunk(exportNames) {
  const provided = NET_PROVIDES.map((m) => `${JSON.stringify(`./${m}.js`)}: ${m}`).join(", ");
  const contents = [
    ...NET_PROVIDES.map((m) => `import * as ${m} from ${JSON.stringify(libPath(m))};`),
    `import { loadChunk } from ${JSON.stringify(libPath("load-chunk"))};`,
    `const net = loadChunk(${JSON.stringify(`./${NET_CHUNK}`)}, import.meta.url, { ${provided} });`,
    ...exportNames.map((name) => `export const ${name} = net.${name};`),
  ].join("\n");
  return {
    name: "load-net-chunk",
    setup(b) {
      b.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (args) => (libModuleOf(args, NET_MODULES) ? { path: "net", namespace: "net-chunk" } : undefined));
      b.onLoad({ filter: /.*/, namespace: "net-chunk" }, () => ({ contents, loader: "js", resolveDir: LIB }));
    },
  };
}

const SANDBOX = join(ROOT, "scripts", "sandbox");
/** The sandbox's modules the demo imports; dist/sandbox.mjs exports what it takes from them. */
const SANDBOX_EXPORTS = { server: ["startSandbox"], auth: ["FULL_ACCESS_TOKEN"] };
/** dist/sandbox.mjs: the program (main.ts) when node runs it, a module exporting the sandbox when imported. */
const SANDBOX_ENTRY = {
  contents: [
    ...Object.entries(SANDBOX_EXPORTS).map(([m, names]) => `export { ${names.join(", ")} } from "./${m}.ts";`),
    'import { realpathSync } from "node:fs";',
    'import { fileURLToPath } from "node:url";',
    "let isMain = false;",
    "try { isMain = realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url)); } catch {}",
    'if (isMain) await import("./main.ts");',
  ].join("\n"),
  resolveDir: SANDBOX,
  sourcefile: "sandbox-entry.ts",
  loader: "ts",
};

/** In the demo: imports of the sandbox's modules become imports of dist/sandbox.mjs. */
const sandboxFromDist = {
  name: "sandbox-from-dist",
  setup(b) {
    b.onResolve({ filter: /^\.\/sandbox\/\w+\.js$/ }, (args) => {
      const m = /(\w+)\.js$/.exec(args.path)[1];
      if (!(m in SANDBOX_EXPORTS)) throw new Error(`demo.ts imports ${args.path}; add what it needs to SANDBOX_EXPORTS`);
      return { path: "./sandbox.mjs", external: true };
    });
  },
};

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
  const netEntry = { contents: NET_MODULES.map((m) => `export * from ${JSON.stringify(libPath(m))};`).join("\n"), resolveDir: LIB, loader: "ts" };

  const net = await build({ ...COMMON, format: "cjs", banner: {}, stdin: netEntry, plugins: [provideFromRuntime, withoutHttp2] });
  add(net, NET_CHUNK);
  // The names the chunk exports, for the module that stands in for it in each tool.
  const { metafile } = await build({ ...COMMON, stdin: netEntry, metafile: true, minify: false, plugins: [provideFromRuntime, withoutHttp2] });
  const exportNames = Object.values(metafile.outputs)[0].exports;
  for (const entry of toolEntries()) {
    add(await build({ ...COMMON, entryPoints: [entry], plugins: [loadNetChunk(exportNames)] }), `${basename(entry, ".ts")}.mjs`);
  }
  add(await build({ ...COMMON, stdin: SANDBOX_ENTRY }), "sandbox.mjs");
  add(await build({ ...COMMON, entryPoints: [join(ROOT, "scripts", "demo.ts")], plugins: [sandboxFromDist] }), "demo.mjs");
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

function renderSkillIndex(tools, categories) {
  const lines = [];
  for (const cat of categories) {
    const inCat = toolsOf(tools, cat);
    if (inCat.length === 0) continue;
    lines.push(`**${cat.title}** (details: \`${cat.file}\`)`);
    for (const t of inCat) lines.push(`- \`${t.name}\`: ${t.summary}${t.writes ? " *(write)*" : ""}`);
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
  const runtime = await loadRegistry();
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
    const body = renderToolIndex(inCat);
    docs.set(cat.file, replaceBetween(readFileSync(path, "utf8"), "tools", body, cat.file));
  }
  return docs;
}

/**
 * The registry (scripts/tools.ts): categories and the tools' order.
 */
async function loadRegistry() {
  const result = await build({
    stdin: { contents: 'export { CATEGORIES, TOOLS } from "./scripts/tools.ts";', resolveDir: ROOT, loader: "ts" },
    bundle: true,
    platform: "node",
    format: "esm",
    write: false,
    logLevel: "warning",
    banner: { js: BANNER },
  });
  const dir = mkdtempSync(join(tmpdir(), "sentry-monitoring-registry-"));
  try {
    const file = join(dir, "registry.mjs");
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
    .filter((name) => name.endsWith(".mjs") || name.endsWith(".cjs"));
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
