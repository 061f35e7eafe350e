// Writes: the sandbox's request log shows no write without --yes, and never a write repeated where
// repeating would change the outcome. Read tools send only GETs; write tools preview with GETs only (exit 3);
// with --yes they send their change once, and applying the same change again leaves the same state.
// (The fault matrix checks the same two rules after every faulted run: helpers/fault-matrix.ts.)

import type { IncomingMessage, ServerResponse } from "node:http";
import { afterAll, describe, expect, it } from "vitest";
import { READ_ONLY_TOKEN } from "../scripts/sandbox/auth.js";
import type { World } from "../scripts/sandbox/types.js";
import { sendJson, startHostileServer, type HostileServer } from "./helpers/hostile-server.js";
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

    it("with a read-only token, the preview already says the token cannot write (exit 4), and --yes sends nothing", async () => {
      const preview = row.typical(sandbox);
      const said = await runTool(row.tool, preview.args, { env: sandbox.env(READ_ONLY_TOKEN) });
      expect(said.code, said.stderr).toBe(4);
      expect(said.stdout).not.toMatch(/Would send/);
      expect(said.stderr).toMatch(/error: this token cannot make this change: it has .*event:read.*, and the write needs one of /);
      const inv = apply(sandbox);
      const before = STATE[row.tool]!(sandbox.world, inv.args[0]!);
      sandbox.clearRequests();
      const res = await runTool(row.tool, inv.args, { env: sandbox.env(READ_ONLY_TOKEN) });
      expect(res.code, res.stderr).toBe(4);
      expect(writesSent()).toEqual([]);
      expect(STATE[row.tool]!(sandbox.world, inv.args[0]!)).toEqual(before);
    });
  });
}

// Writes that fail half-way (issue 13, class 7): a proxy in front of the sandbox lets the sandbox apply a
// write and then fails or loses its answer. The tool must read the state back and say what it is now,
// never "try again" over a change that was applied, never "another client" over its own first attempt.
describe("writes that fail half-way", () => {
  const proxies: HostileServer[] = [];
  afterAll(async () => {
    await Promise.all(proxies.map((p) => p.close()));
  });

  /** Forwards every request (with its body) to the sandbox, unless `intercept` answers it first. */
  async function proxy(intercept: (req: IncomingMessage, res: ServerResponse, forward: () => Promise<Response>) => Promise<boolean>): Promise<HostileServer> {
    const server = await startHostileServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks);
      const forward = () =>
        fetch(`${sandbox.url}${req.url}`, {
          method: req.method,
          headers: { authorization: req.headers.authorization ?? "", "content-type": "application/json" },
          body: body.length ? body : undefined,
        });
      if (await intercept(req, res, forward)) return;
      const upstream = await forward();
      res.writeHead(upstream.status, { "content-type": "application/json" }).end(await upstream.text());
    });
    proxies.push(server);
    return server;
  }

  function freshIssue(status: string, substatus: string): { id: string; shortId: string } {
    const org = sandbox.world.orgs[0]!.slug;
    const issue = sandbox.world.issues.issues.find((i) => i.orgSlug === org && i.status === status && i.substatus === substatus && !usedIssues.has(i.id))!;
    usedIssues.add(issue.id);
    return issue;
  }
  const usedIssues = new Set<string>();

  it("a re-ignore whose second PUT is rate limited says the issue is now unresolved", async () => {
    const issue = freshIssue("ignored", "archived_until_escalating");
    let puts = 0;
    const server = await proxy(async (req, res) => {
      if (req.method !== "PUT" || ++puts === 1) return false;
      sendJson(res, 429, { detail: "You are attempting to use this endpoint too frequently." });
      return true;
    });
    const res = await runTool("ignore-issue", [issue.id, "--forever", "--yes"], { env: { ...sandbox.env(), SENTRY_URL: server.url } });
    expect(res.code, res.stderr).toBe(6);
    expect(res.stderr).toMatch(new RegExp(`read back: ${issue.shortId} is unresolved`));
    expect(res.stderr).toContain("the requests before it were applied");
    expect(res.stderr).toContain("the same command finishes the change from this state");
    expect(sandbox.world.issues.byId.get(issue.id)!.status).toBe("unresolved");
  });

  it("a re-ignore whose second PUT is refused (403) says so too, and the state it left", async () => {
    const issue = freshIssue("ignored", "archived_until_escalating");
    let puts = 0;
    const server = await proxy(async (req, res) => {
      if (req.method !== "PUT" || ++puts === 1) return false;
      sendJson(res, 403, { detail: "You do not have permission to perform this action." });
      return true;
    });
    const res = await runTool("ignore-issue", [issue.id, "--forever", "--yes"], { env: { ...sandbox.env(), SENTRY_URL: server.url } });
    expect(res.code, res.stderr).toBe(4);
    expect(res.stderr).toMatch(new RegExp(`read back: ${issue.shortId} is unresolved`));
  });

  it("a resolve applied whose answer never comes is read back and reported applied, not 'try again'", async () => {
    const issue = freshIssue("unresolved", "ongoing");
    const server = await proxy(async (req, _res, forward) => {
      if (req.method !== "PUT") return false;
      await forward(); // applied by the sandbox; the answer is never sent on
      return true;
    });
    const res = await runTool("resolve-issue", [issue.id, "--yes", "--timeout", "1"], { env: { ...sandbox.env(), SENTRY_URL: server.url } });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toMatch(/timed out .*; read back: the change was applied all the same/);
    expect(res.stdout).toMatch(new RegExp(`^Done: .*\\n${issue.shortId} +unresolved.* -> resolved `, "m"));
    expect(res.stderr).not.toMatch(/try again/);
    expect(sandbox.world.issues.byId.get(issue.id)!.status).toBe("resolved");
  });

  it("a create whose answer is lost, retried into a 208, says the release exists now, not 'another client'", async () => {
    const version = "halfway@1.0.0";
    let posts = 0;
    const server = await proxy(async (req, res, forward) => {
      if (req.method !== "POST" || ++posts > 1) return false;
      await forward(); // created by the sandbox; the connection drops before the answer
      res.destroy();
      return true;
    });
    const res = await runTool("create-release", [version, "--project", "web-frontend", "--ref", "v9", "--yes"], {
      env: { ...sandbox.env(), SENTRY_URL: server.url },
    });
    expect(res.code, res.stderr).toBe(0);
    expect(posts).toBe(2);
    expect(res.stderr).not.toMatch(/another client/);
    expect(res.stderr).toContain(`release ${version} already existed when the create arrived (possibly from this run's first attempt, whose answer was lost); it exists now as asked`);
    expect(res.stdout).toMatch(new RegExp(`^Release ${version} already existed in acme for web-frontend; nothing changed`, "m"));
    const stored = sandbox.world.releases.releases.filter((r) => r.version === version);
    expect(stored.map((r) => r.ref)).toEqual(["v9"]);
  });
});
