// The faults × tools matrix, shared by the reliability-faults*.test.ts files (split by category so vitest's
// two workers share the load). Each fault strikes the requests a tool cannot do without (tool-table.ts) and
// the run must end with the documented exit code and one clear error line, or succeed after a retry where
// repeating the call is safe. Every run uses --verbose and a real-looking token, and is scanned for secrets
// and checked for writes without --yes, so the secrets and writes promises hold under faults too.

import { afterEach, describe, expect, it } from "vitest";
import type { FaultRule } from "../../scripts/sandbox/faults.js";
import { runTool, tempDir, type RunResult } from "./run.js";
import { useSandbox, type SandboxHandle } from "./sandbox.js";
import { expectNoSecrets, SECRET_TOKEN } from "./secrets.js";
import type { AnyTool } from "../../scripts/lib/tool.js";
import { isWriteTool } from "../../scripts/tools.js";
import { isBuilt, isCritical, registryRows, WRITE_METHODS, type CriticalRequests, type Invocation } from "./tool-table.js";

/** Enough uses that a fault outlasts every retry of every request it matches; rules are cleared after each test. */
const PERSISTENT = 50;
/** What Retry-After says in the "still rate limited" case: over the client's 20 s cap, so it gives up at once. */
const LONG_RETRY_AFTER_S = 120;
/**
 * A hang must end by the --timeout deadline, not the test's: the "timed out after 1 s" message is the
 * tool's own deadline speaking (not timed here: wall time under load is a figure, not a test).
 */
const HANG_TIMEOUT_ARGS = ["--timeout", "1"];

/** A 403 hint names the scope to add, e.g. "needs event:write" or "scope org:read". */
const NAMES_A_SCOPE = /\b(event|org|project|alerts|member|team):(read|write|admin|releases)\b/;

const EXIT = { OK: 0, AUTH: 4, NOT_FOUND: 5, RATE_LIMITED: 6, NETWORK: 7 } as const;

interface Outcome {
  exit: number;
  /** The error line's message (failures only). */
  message?: RegExp;
  hint?: RegExp;
}

type FaultSpec = Omit<FaultRule, "path" | "method">;

interface FaultCase {
  name: string;
  /** Several rules strike one after the other (rules are tried in the order they were added). */
  rule: FaultSpec | FaultSpec[];
  args?: string[];
  /** The outcome for a call that is safe to repeat (every GET, idempotent writes) and for one that is not. */
  safe: Outcome | "success";
  unsafe?: Outcome;
  /** The server carries the request out before the fault breaks its answer (a write is applied). */
  appliesTheWrite?: boolean;
}

const FAULTS: FaultCase[] = [
  { name: "401 invalid token", rule: { kind: "status", status: 401, times: PERSISTENT }, safe: { exit: EXIT.AUTH, message: /authentication failed \(401\)/ } },
  { name: "403 missing scope", rule: { kind: "status", status: 403, times: PERSISTENT }, safe: { exit: EXIT.AUTH, message: /permission denied \(403\)/, hint: NAMES_A_SCOPE } },
  { name: "404 not found", rule: { kind: "status", status: 404, times: PERSISTENT }, safe: { exit: EXIT.NOT_FOUND, message: /not found \(404\)/ } },
  { name: "410 brownout", rule: { kind: "status", status: 410, times: PERSISTENT }, safe: { exit: EXIT.NOT_FOUND, message: /\b410\b/ } },
  {
    name: "one 429 with X-Sentry-Rate-Limit-Reset and no Retry-After",
    rule: { kind: "status", status: 429, times: 1 },
    safe: "success",
    unsafe: { exit: EXIT.RATE_LIMITED, message: /rate limited by Sentry \(429\)/ },
  },
  {
    name: `429 with Retry-After ${LONG_RETRY_AFTER_S}`,
    rule: { kind: "status", status: 429, times: PERSISTENT, retryAfter: LONG_RETRY_AFTER_S },
    safe: { exit: EXIT.RATE_LIMITED, message: /rate limited by Sentry \(429\)/, hint: /wait 1[12]\d s/ },
  },
  { name: "500", rule: { kind: "status", status: 500, times: PERSISTENT }, safe: { exit: EXIT.NETWORK, message: /answered 500/ } },
  {
    name: "502, then 503, then success",
    rule: [
      { kind: "status", status: 502, times: 1 },
      { kind: "status", status: 503, times: 1 },
    ],
    safe: "success",
    unsafe: { exit: EXIT.NETWORK, message: /answered 502/ },
  },
  { name: "a reset connection, once", rule: { kind: "reset", times: 1 }, safe: "success", unsafe: { exit: EXIT.NETWORK, message: /reset/ } },
  { name: "reset connections", rule: { kind: "reset", times: PERSISTENT }, safe: { exit: EXIT.NETWORK, message: /connection .* was reset/ } },
  { name: "a hang past --timeout", rule: { kind: "hang", times: PERSISTENT }, args: HANG_TIMEOUT_ARGS, safe: { exit: EXIT.NETWORK, message: /timed out after 1 s/ } },
  { name: "an HTML page", rule: { kind: "html", times: PERSISTENT }, safe: { exit: EXIT.NETWORK, message: /HTML page|non-JSON page/ } },
  { name: "truncated JSON", rule: { kind: "truncated", times: PERSISTENT }, safe: { exit: EXIT.NETWORK, message: /malformed JSON/ }, appliesTheWrite: true },
  { name: "an empty body", rule: { kind: "empty", times: PERSISTENT }, safe: { exit: EXIT.NETWORK, message: /empty body/ } },
];

/** Lines --verbose adds (scripts/lib/http.ts): requests, answers, waits. Everything else is what a user always sees. */
const VERBOSE_LINE = /^(> |< |  rate limited)/;
const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;

function addFaults(sandbox: SandboxHandle, critical: CriticalRequests, rule: FaultCase["rule"]): void {
  for (const spec of Array.isArray(rule) ? rule : [rule]) {
    for (const path of critical.paths) sandbox.faults.add({ ...spec, path, method: critical.method });
  }
}

/** One clear line: exactly one `<tool>: error: …` line, at most a hint after it, and no stack trace. */
export function expectOneClearErrorLine(tool: string, res: RunResult, outcome: Outcome): void {
  const lines = res.stderr.split("\n").filter((l) => l !== "" && !VERBOSE_LINE.test(l));
  const errors = lines.filter((l) => l.startsWith(`${tool}: error: `));
  expect(errors, res.stderr).toHaveLength(1);
  if (outcome.message) expect(errors[0]).toMatch(outcome.message);
  const hints = lines.filter((l) => l.startsWith("hint: "));
  expect(hints.length, res.stderr).toBeLessThanOrEqual(1);
  if (outcome.hint) expect(hints[0] ?? "", res.stderr).toMatch(outcome.hint);
  // Other lines may only be the tool's own notes ("list-issues: using project …"), never a second error.
  expect(lines.filter((l) => !l.startsWith(`${tool}: `) && !l.startsWith("hint: ")), res.stderr).toEqual([]);
  expect(res.stderr).not.toMatch(STACK_FRAME);
  expect(res.stdout, "nothing half-printed on stdout").toBe("");
}

/** The writes promise, checked after every run: nothing written without --yes, nothing non-idempotent sent twice. */
export function expectWriteDiscipline(sandbox: SandboxHandle, inv: Invocation, idempotent: boolean | undefined): void {
  const writes = sandbox.requests().filter((r) => WRITE_METHODS.has(r.method));
  if (!inv.args.includes("--yes")) {
    expect(writes, "a write without --yes").toEqual([]);
    return;
  }
  if (idempotent === false) {
    const seen = new Set<string>();
    for (const w of writes) {
      const key = `${w.method} ${w.path} ${JSON.stringify(w.query)} ${JSON.stringify(w.body)}`;
      expect(seen.has(key), `a non-idempotent write was repeated: ${key}`).toBe(false);
      seen.add(key);
    }
  }
}

/** Declares the matrix for these tools, against one sandbox for the calling test file. */
/**
 * The fault matrix runs in five files so vitest can spread them over workers; each takes a shard of the
 * registry. Category × reads/writes puts every tool, a new one included, in exactly one shard.
 */
export const FAULT_SHARDS = {
  "error reads": (t: AnyTool) => t.category === "errors" && !isWriteTool(t),
  "issue writes": (t: AnyTool) => t.category === "errors" && isWriteTool(t),
  performance: (t: AnyTool) => t.category === "performance",
  releases: (t: AnyTool) => t.category === "releases",
  projects: (t: AnyTool) => t.category === "projects",
} as const;

export function describeFaultMatrix(shard: keyof typeof FAULT_SHARDS): void {
  const sandbox = useSandbox();
  // One HOME for the file: the region lookup is cached after the first run, so each run sends only its own calls.
  const home = tempDir("sm-faults-home-");
  afterEach(() => {
    sandbox.faults.clear();
  });

  for (const row of registryRows(FAULT_SHARDS[shard])) {
    const built = isBuilt(row.tool);
    describe.skipIf(!built)(`${row.tool}${built ? "" : " (not built yet)"}`, () => {
      for (const fault of FAULTS) {
        it(`${fault.name}`, async () => {
          // Write tools are faulted where it matters most, on the write itself (--yes); read tools on their reads.
          const applied = row.apply?.(sandbox);
          const inv: Invocation = applied ?? row.typical(sandbox);
          const idempotent = applied?.idempotent;
          const critical = inv.critical!;
          const safe = idempotent !== false;
          const outcome = safe ? fault.safe : (fault.unsafe ?? fault.safe);
          sandbox.clearRequests();
          addFaults(sandbox, critical, fault.rule);
          const res = await runTool(row.tool, [...inv.args, ...(fault.args ?? []), "--verbose"], {
            env: sandbox.env(SECRET_TOKEN),
            home,
            cwd: inv.cwd ?? home,
          });
          const hits = sandbox.requests().filter((r) => isCritical(r, critical));
          expect(hits.length, "the fault never struck: the critical request was not sent").toBeGreaterThan(0);

          if (fault.appliesTheWrite && applied?.readsBack) {
            // Applied, answer lost: the tool reads the issue back, finds the change and says so.
            expect(res.code, res.stderr).toBe(inv.exit);
            expect(res.stderr).toMatch(/malformed JSON.*; read back: the change was applied all the same/);
            expect(res.stderr).not.toMatch(STACK_FRAME);
          } else if (outcome === "success") {
            expect(res.code, res.stderr).toBe(inv.exit);
            expect(res.stdout).not.toBe("");
            // Success came from asking again: the request that failed was sent once more.
            const log = sandbox.requests();
            const failed = log.findIndex((r) => isCritical(r, critical) && (r.status === undefined || r.status >= 400));
            expect(failed, "no request was answered with the fault").toBeGreaterThanOrEqual(0);
            const same = (r: (typeof log)[number]) => r.method === log[failed]!.method && r.path === log[failed]!.path && JSON.stringify(r.query) === JSON.stringify(log[failed]!.query);
            expect(log.slice(failed + 1).some((r) => same(r) && r.status !== undefined && r.status < 300), "the failed request was not asked again").toBe(true);
            expect(res.stderr).not.toMatch(STACK_FRAME);
          } else {
            expect(res.code, res.stderr).toBe(outcome.exit);
            expectOneClearErrorLine(row.tool, res, outcome);
          }
          expectNoSecrets(res);
          expectWriteDiscipline(sandbox, inv, idempotent);
        });
      }
    });
  }
}
