// Loads dist/chunks/net.cjs, the API client with undici, into a tool that is about to send a request.
// The build (build.mjs) routes the runner's `import("./api.js")` and `import("./http.js")` here, so
// --help and bad input never read the chunk. Three things make a short-lived process cheap:
//   - the chunk is CommonJS evaluated through vm.Script, so V8 can reuse a code cache for it;
//   - the runtime modules the chunk imports (errors, redaction, config, URLs, region cache) are this
//     bundle's own module objects, handed in through `require`: one CliError class, one secret list;
//   - V8 compiles WebAssembly with its baseline compiler only (below).

import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cacheDirectory } from "./region.js";

/**
 * undici parses HTTP with a WebAssembly module. By default V8 compiles it twice: quickly (Liftoff),
 * then optimized on a background thread that the process waits for at exit, about 70 ms and 35 MiB
 * for a tool that reads a few answers (measured, issue 12). Baseline code parses a Sentry page in well
 * under a millisecond, so the optimized tier never pays here. Set before the chunk is compiled, so the
 * code cache below is made and checked under the same V8 flags.
 */
const V8_FLAGS = "--liftoff-only";

/** Set to 1 to load the chunk without the code cache (for measuring it; the bench does). */
const NO_CODE_CACHE_ENV = "SENTRY_MONITORING_NO_CODE_CACHE";

/**
 * Where the code cache of a chunk lives: the user's cache folder, named by everything that makes a
 * cache invalid (Node's V8, the architecture, the chunk's size and modification time). V8 checks the
 * version, flags and source length again and rejects a cache that does not fit; then it is rewritten.
 */
function codeCachePath(file: string, env: NodeJS.ProcessEnv): string {
  const { size, mtimeMs } = statSync(file);
  const key = `${process.versions.v8}-${process.arch}-${size}-${Math.round(mtimeMs)}`.replace(/[^\w.-]/g, "_");
  return join(cacheDirectory(env), "v8", `net-${key}.bin`);
}

function readCache(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

function writeCache(path: string, data: Buffer): void {
  try {
    mkdirSync(join(path, ".."), { recursive: true, mode: 0o700 });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, data, { mode: 0o600 });
    renameSync(tmp, path);
  } catch {
    // A read-only cache folder only means the next run compiles the chunk again.
  }
}

/**
 * Evaluates a CommonJS chunk beside `fromUrl` and returns its exports. `provided` maps the specifiers
 * the chunk imports from the runtime ("./errors.js") to this bundle's module objects.
 */
export function loadChunk(relativePath: string, fromUrl: string, provided: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): Record<string, unknown> {
  // node:v8 and node:vm are taken here, not imported at the top: an ES module's imports load with the
  // bundle, and these two cost --help and bad input about 3 ms of a ~60 ms Node start (measured, issue 12).
  const { setFlagsFromString } = process.getBuiltinModule("node:v8");
  const { Script } = process.getBuiltinModule("node:vm");
  setFlagsFromString(V8_FLAGS);
  const file = fileURLToPath(new URL(relativePath, fromUrl));
  const source = readFileSync(file, "utf8");
  const useCache = env[NO_CODE_CACHE_ENV] !== "1";
  const cachePath = useCache ? codeCachePath(file, env) : undefined;
  const cachedData = cachePath ? readCache(cachePath) : undefined;
  const script = new Script(`(function (exports, require, module, __filename) {${source}\n})`, { filename: file, cachedData });
  if (cachePath && (!cachedData || script.cachedDataRejected)) {
    // Made at exit, so the functions this run compiled (the request path) are in it too. V8 stamps it
    // with the flags in force then: a flag set during the run (api.ts sets --expose-gc between the pages
    // of a long listing) makes the next run reject it and write it again, so single calls must set none.
    process.once("exit", () => writeCache(cachePath, script.createCachedData()));
  }
  const nodeRequire = createRequire(file);
  const chunkRequire = (specifier: string): unknown => (Object.hasOwn(provided, specifier) ? provided[specifier] : nodeRequire(specifier));
  const module = { exports: {} as Record<string, unknown> };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, chunkRequire, module, file);
  return module.exports;
}
