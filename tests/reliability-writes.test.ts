// Writes: the sandbox's request log shows no write without --yes, and never a write repeated where
// repeating would change the outcome. Read tools send only GETs; write tools preview with GETs only (exit 3);
// with --yes they send their change once, and applying the same change again leaves the same state.
// (The fault matrix checks the same two rules after every faulted run: helpers/fault-matrix.ts.)

import { describe, expect, it } from "vitest";
import { READ_ONLY_TOKEN } from "../scripts/sandbox/auth.js";
import type { World } from "../scripts/sandbox/types.js";
import { runTool } from "./helpers/run.js";
import { useSandbox } from "./helpers/sandbox.js";
import { builtTools, WRITE_METHODS } from "./helpers/tool-table.js";

const sandbox = useSandbox();
const { built, missing } = builtTools();
if (missing.length) console.warn(`reliability-writes: not built yet, skipped: ${missing.join(", ")}`);

const writesSent = () => sandbox.requests().filter((r) => WRITE_METHODS.has(r.method));

/** What each write tool changes, read straight from the sandbox's world (target: the first argument). */
const STATE: Record<string, (w: World, target: string) => unknown> = {
  "resolve-issue": (w, id) => issueState(w, id),
  "ignore-issue": (w, id) => issueState(w, id),
  "create-release": (w, version) => w.releases.releases.filter((r) => r.version === version).map((r) => ({ projects: r.projectIds, ref: r.ref })),
  "set-commits": (w, version) => w.releases.releases.find((r) => r.version === version)?.commits.map((c) => `${c.repository}@${c.id}`),
};

function issueState(w: World, id: string): unknown {
  const issue = w.issues.byId.get(id);
  return issue && { status: issue.status, substatus: issue.substatus };
}

describe("read tools", () => {
  it.each(built.filter((r) => !r.apply).map((r) => [r.tool, r] as const))("%s sends only GETs", async (_name, row) => {
    const inv = row.typical(sandbox);
    sandbox.clearRequests();
    const res = await runTool(row.tool, [...inv.args, "--json"], { env: sandbox.env() });
    expect(res.code, res.stderr).toBe(0);
    expect(sandbox.requests().length).toBeGreaterThan(0);
    expect(writesSent()).toEqual([]);
  });
});

for (const row of built.filter((r) => r.apply)) {
  const apply = row.apply!;
  describe(row.tool, () => {
    it("previews without writing, in text, --json and --ndjson, and exits 3", async () => {
      for (const mode of [[], ["--json"], ["--ndjson"]]) {
        const inv = row.typical(sandbox);
        sandbox.clearRequests();
        const res = await runTool(row.tool, [...inv.args, ...mode], { env: sandbox.env() });
        expect(res.code, `${mode.join(" ")} ${res.stderr}`).toBe(3);
        expect(res.stderr).toMatch(/re-run with --yes/);
        expect(writesSent(), `a write without --yes (${mode.join(" ") || "text"})`).toEqual([]);
      }
    });

    it("applies with --yes: its change is sent, no write twice unless it is idempotent", async () => {
      const inv = apply(sandbox);
      const before = STATE[row.tool]!(sandbox.world, inv.args[0]!);
      sandbox.clearRequests();
      const res = await runTool(row.tool, inv.args, { env: sandbox.env() });
      expect(res.code, res.stderr).toBe(0);
      const writes = writesSent();
      expect(writes.filter((w) => w.method === inv.critical.method).length).toBeGreaterThan(0);
      const keys = writes.map((w) => `${w.method} ${w.path} ${JSON.stringify(w.query)} ${JSON.stringify(w.body)}`);
      if (!inv.idempotent) expect(new Set(keys).size, "a non-idempotent write was sent twice").toBe(keys.length);
      expect(STATE[row.tool]!(sandbox.world, inv.args[0]!), "the change is visible in the sandbox").not.toEqual(before);
    });

    it("applying the same change twice leaves the same state as applying it once", async () => {
      const inv = apply(sandbox);
      const first = await runTool(row.tool, inv.args, { env: sandbox.env() });
      expect(first.code, first.stderr).toBe(0);
      const once = STATE[row.tool]!(sandbox.world, inv.args[0]!);
      const again = await runTool(row.tool, inv.args, { env: sandbox.env() });
      expect(again.code, again.stderr).toBe(0);
      expect(STATE[row.tool]!(sandbox.world, inv.args[0]!)).toEqual(once);
    });

    it("with a read-only token, --yes stops at the first refused write with exit 4 and no retry", async () => {
      const inv = apply(sandbox);
      const before = STATE[row.tool]!(sandbox.world, inv.args[0]!);
      sandbox.clearRequests();
      const res = await runTool(row.tool, inv.args, { env: sandbox.env(READ_ONLY_TOKEN) });
      expect(res.code, res.stderr).toBe(4);
      expect(res.stderr).toMatch(/permission denied \(403\)/);
      expect(writesSent()).toHaveLength(1);
      expect(STATE[row.tool]!(sandbox.world, inv.args[0]!)).toEqual(before);
    });
  });
}
