// Wrong shapes × tools (issue 13, class 3): a proxy in front of the sandbox rewrites the answers to the reads a
// tool cannot do without into JSON of the wrong shape (null, a bare number, an array of strings, records
// without IDs, …). Each run must end with exit 7 and one `unexpected answer from Sentry: …` line: never a
// TypeError, never `undefined` printed as data, and never a write based on the malformed read.
// Split by category like the fault matrix (reliability-shapes-*.test.ts) so vitest's workers share the load.

import { afterAll, describe, expect, it } from "vitest";
import type { AnyTool } from "../../scripts/lib/tool.js";
import { isWriteTool } from "../../scripts/tools.js";
import { expectOneClearErrorLine } from "./fault-matrix.js";
import { proxyTo, startHostileServer, type HostileServer } from "./hostile-server.js";
import { runTool, tempDir } from "./run.js";
import { useSandbox } from "./sandbox.js";
import { expectNoSecrets, SECRET_TOKEN } from "./secrets.js";
import { isBuilt, pathMatches, registryRows, WRITE_METHODS, type CriticalRequests } from "./tool-table.js";

type Json = unknown;

interface Payload {
  name: string;
  /** The wrong answer, made from the real one where that makes the lie more plausible. */
  make(real: Json): Json;
}

const isRecord = (v: Json): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The real answer's records: an array itself, or the `data` array of an events-style answer. */
function records(real: Json): Json[] | undefined {
  if (Array.isArray(real)) return real;
  if (isRecord(real) && Array.isArray(real.data)) return real.data;
  return undefined;
}

/** Replaces the records of the real answer (keeping its envelope), or the whole answer when it is one object. */
function withRecords(real: Json, list: Json[], single: Json): Json {
  if (Array.isArray(real)) return list;
  if (isRecord(real) && Array.isArray(real.data)) return { ...real, data: list };
  return single;
}

/** Fourteen answers no Sentry endpoint the tools read would give, each wrong whatever the endpoint. */
export const PAYLOADS: Payload[] = [
  { name: "null", make: () => null },
  { name: "a bare number", make: () => 123 },
  { name: "a bare string", make: () => "ok" },
  { name: "true", make: () => true },
  { name: "an array of strings", make: (real) => withRecords(real, ["a", "b"], ["a", "b"]) },
  { name: "an array of numbers", make: (real) => withRecords(real, [1, 2], [1, 2]) },
  { name: "an array holding null", make: (real) => withRecords(real, [null], [null]) },
  { name: "nested empty arrays", make: () => [[[]]] },
  { name: "an empty object", make: () => ({}) },
  { name: "only a detail", make: () => ({ detail: "ok" }) },
  {
    name: "the real answer with its first record replaced by null (or its id, else its first key, nulled)",
    make: (real) => {
      const list = records(real);
      if (list) return withRecords(real, [null, ...list.slice(1)], null);
      // An object without an id (an issue's tag key: key, totalValues, topValues) loses its first key instead.
      if (isRecord(real)) return { ...real, ["id" in real ? "id" : (Object.keys(real)[0] ?? "id")]: null };
      return null;
    },
  },
  {
    name: "records without ids",
    make: (real) => withRecords(real, [{ title: "no id" }, { name: "no id either" }], { title: "no id" }),
  },
  {
    name: "records whose id is an object",
    make: (real) => withRecords(real, [{ id: { nested: true }, title: "x" }], { id: { nested: true } }),
  },
  {
    name: "the real answer wrapped in another object",
    make: (real) => ({ results: real, data: "not a list" }),
  },
];

/** The reads to corrupt: the critical ones when they are reads; for a write, every read its plan makes. */
function readsToCorrupt(critical: CriticalRequests | undefined): (path: string) => boolean {
  if (critical?.method === "GET") return (path) => critical.paths.some((p) => pathMatches(p, path));
  return () => true;
}

export const SHAPE_SHARDS = {
  errors: (t: AnyTool) => t.category === "errors",
  performance: (t: AnyTool) => t.category === "performance",
  releases: (t: AnyTool) => t.category === "releases",
  projects: (t: AnyTool) => t.category === "projects",
} as const;

export function describeShapeMatrix(shard: keyof typeof SHAPE_SHARDS): void {
  const sandbox = useSandbox();
  const home = tempDir("sm-shapes-home-");
  const proxies: HostileServer[] = [];
  afterAll(async () => {
    await Promise.all(proxies.map((p) => p.close()));
  });

  for (const row of registryRows(SHAPE_SHARDS[shard])) {
    const built = isBuilt(row.tool);
    describe.skipIf(!built)(`${row.tool}${built ? "" : " (not built yet)"}`, () => {
      for (const payload of PAYLOADS) {
        it(`answers exit 7, not a crash or a write, when Sentry sends ${payload.name}`, async () => {
          // Write tools run with --yes: a malformed read must stop them before anything is written.
          const inv = isWriteTool(row as unknown as AnyTool) && row.apply ? row.apply(sandbox) : row.typical(sandbox);
          const corrupt = readsToCorrupt(inv.critical);
          let corrupted = 0;
          const proxy = await startHostileServer(
            proxyTo(
              () => sandbox.url,
              (answer, req) => {
                const path = new URL(req.url ?? "/", "http://x").pathname;
                // A 404 becomes a 200 with the wrong shape too: "does this release exist?" must not be
                // answered yes by a bare 123 (create-release once POSTed on that).
                if (req.method !== "GET" || (answer.status !== 200 && answer.status !== 404) || !corrupt(path)) return answer;
                corrupted += 1;
                return { ...answer, status: 200, body: payload.make(answer.status === 200 ? answer.body : null) };
              },
            ),
          );
          proxies.push(proxy);
          const res = await runTool(row.tool, inv.args, { env: { ...sandbox.env(SECRET_TOKEN), SENTRY_URL: proxy.url }, home, cwd: inv.cwd ?? home });
          expect(corrupted, "no read was corrupted: the tool sent none of the reads the table names").toBeGreaterThan(0);
          expect(res.code, res.stderr).toBe(7);
          expectOneClearErrorLine(row.tool, res, { exit: 7, message: /unexpected answer from Sentry/ });
          expect(res.stderr).not.toMatch(/TypeError|Cannot read properties|undefined is not|is not a function|is not iterable/);
          expect(proxy.requests.filter((r) => WRITE_METHODS.has(r.method)), "a write followed a malformed read").toEqual([]);
          expectNoSecrets(res);
        });
      }
    });
  }
}
