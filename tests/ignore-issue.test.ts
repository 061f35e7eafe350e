// ignore-issue against the sandbox: each ignore mode's request body as Sentry's UI sends it, the
// preview-then---yes protocol, changing how an ignored issue is ignored, and the errors an agent meets.

import { describe, expect, it } from "vitest";
import type { Issue } from "../scripts/sandbox/seed/issues.js";
import { runTool } from "./helpers/run.js";
import { useSandbox } from "./helpers/sandbox.js";

const sandbox = useSandbox();
const used = new Set<string>();

function orgSlug(): string {
  return sandbox.world.orgs[0]!.slug;
}

/** An issue of the first organization in this status that no other test of this file touched. */
function fresh(status: Issue["status"], substatus?: Issue["substatus"]): Issue {
  const issue = sandbox.world.issues.issues.find(
    (i) => i.orgSlug === orgSlug() && i.status === status && (substatus === undefined || i.substatus === substatus) && !used.has(i.id),
  );
  if (!issue) throw new Error(`no fresh ${status} ${substatus ?? ""} issue left in the sandbox`);
  used.add(issue.id);
  return issue;
}

function writes() {
  return sandbox.requests().filter((r) => r.method !== "GET");
}

function issuePath(issue: Issue): string {
  return `/api/0/organizations/${orgSlug()}/issues/${issue.id}/`;
}

describe("ignore-issue", () => {
  it("previews ignoring until escalating by default: no write, the exact body, exit 3", async () => {
    const issue = fresh("unresolved");
    sandbox.clearRequests();
    const res = await runTool("ignore-issue", [issue.shortId], { env: sandbox.env() });
    expect(res.code).toBe(3);
    expect(writes()).toEqual([]);
    expect(res.stdout).toContain(`${issue.shortId}  unresolved (${issue.substatus}) -> ignored until escalating`);
    expect(res.stdout).toContain(`  PUT ${issuePath(issue)} {"status":"ignored","substatus":"archived_until_escalating","statusDetails":{}}`);
  });

  const modes: Array<{ story: string; flags: string[]; body: unknown; after: RegExp }> = [
    {
      story: "until escalating",
      flags: [],
      body: { status: "ignored", substatus: "archived_until_escalating", statusDetails: {} },
      after: /now ignored until escalating/,
    },
    { story: "forever", flags: ["--forever"], body: { status: "ignored", substatus: "archived_forever", statusDetails: {} }, after: /now ignored forever/ },
    {
      story: "for a duration, in minutes",
      flags: ["--for", "2h"],
      body: { status: "ignored", substatus: "archived_until_condition_met", statusDetails: { ignoreDuration: 120 } },
      // The end Sentry answered (the sandbox's clock is fixed at 12:34:56Z), not the request's "2h".
      after: /now ignored until 2026-03-15 14:34Z \(in 2h\)\./,
    },
    {
      story: "until a number of events within a window",
      flags: ["--count", "100", "--window", "1h"],
      body: { status: "ignored", substatus: "archived_until_condition_met", statusDetails: { ignoreCount: 100, ignoreWindow: 60 } },
      after: /now ignored until 100 events in 1h/,
    },
    {
      story: "until a number of users",
      flags: ["--users", "10"],
      body: { status: "ignored", substatus: "archived_until_condition_met", statusDetails: { ignoreUserCount: 10 } },
      after: /now ignored until 10 more users/,
    },
    {
      story: "until a number of users within a window of at most a week",
      flags: ["--users", "10", "--window", "7d"],
      body: { status: "ignored", substatus: "archived_until_condition_met", statusDetails: { ignoreUserCount: 10, ignoreUserWindow: 10080 } },
      after: /now ignored until 10 users in 7d/,
    },
  ];
  for (const mode of modes) {
    it(`ignores ${mode.story} with one PUT`, async () => {
      const issue = fresh("unresolved");
      sandbox.clearRequests();
      const res = await runTool("ignore-issue", [issue.id, ...mode.flags, "--yes"], { env: sandbox.env() });
      expect(res.code).toBe(0);
      expect(writes()).toEqual([expect.objectContaining({ method: "PUT", path: issuePath(issue), body: mode.body, status: 200 })]);
      expect(res.stdout).toMatch(mode.after);
      expect(sandbox.world.issues.byId.get(issue.id)!.status).toBe("ignored");
    });
  }

  it("--for 2h previews the same end time the answer shows", async () => {
    const issue = fresh("unresolved");
    const preview = await runTool("ignore-issue", [issue.id, "--for", "2h"], { env: sandbox.env() });
    const applied = await runTool("ignore-issue", [issue.id, "--for", "2h", "--yes"], { env: sandbox.env() });
    const row = new RegExp(`^${issue.shortId} +unresolved \\([a-z_]+\\) -> ignored until 2026-03-15 14:34Z \\(in 2h\\) `, "m");
    expect(preview.stdout).toMatch(row);
    expect(applied.stdout).toMatch(row);
  });

  it("changes how an ignored issue is ignored by setting it unresolved first, as the preview says", async () => {
    const issue = fresh("ignored", "archived_until_escalating");
    const unresolve = `  PUT ${issuePath(issue)} {"status":"unresolved"}`;
    const ignore = `  PUT ${issuePath(issue)} {"status":"ignored","substatus":"archived_forever","statusDetails":{}}`;
    sandbox.clearRequests();
    const preview = await runTool("ignore-issue", [issue.shortId, "--forever"], { env: sandbox.env() });
    expect(preview.code).toBe(3);
    const lines = preview.stdout.split("\n");
    expect(lines.indexOf(unresolve)).toBeGreaterThan(0);
    expect(lines.indexOf(ignore)).toBe(lines.indexOf(unresolve) + 1);
    expect(writes()).toEqual([]);

    const res = await runTool("ignore-issue", [issue.shortId, "--forever", "--yes"], { env: sandbox.env() });
    expect(res.code).toBe(0);
    expect(writes().map((w) => w.body)).toEqual([{ status: "unresolved" }, { status: "ignored", substatus: "archived_forever", statusDetails: {} }]);
    expect(sandbox.world.issues.byId.get(issue.id)!.substatus).toBe("archived_forever");
    expect(res.stdout).toContain("ignored until escalating -> ignored forever");
  });

  it("changes nothing for an issue already ignored until escalating", async () => {
    const issue = fresh("ignored", "archived_until_escalating");
    sandbox.clearRequests();
    const res = await runTool("ignore-issue", [issue.shortId, "--yes"], { env: sandbox.env() });
    expect(res.code).toBe(0);
    expect(writes()).toEqual([]);
    expect(res.stdout.trim()).toBe(`Nothing to change: ${issue.shortId} is already ignored until escalating.`);
  });

  it("ignores several issues across projects with one bulk request", async () => {
    const projects = [...new Set(sandbox.world.issues.issues.filter((i) => i.orgSlug === orgSlug()).map((i) => i.projectId))];
    const pick = (projectId: string) => {
      const issue = sandbox.world.issues.issues.find((i) => i.projectId === projectId && i.status === "unresolved" && !used.has(i.id))!;
      used.add(issue.id);
      return issue;
    };
    const issues = [pick(projects[0]!), pick(projects[1]!)];
    sandbox.clearRequests();
    const res = await runTool("ignore-issue", [...issues.map((i) => i.shortId), "--for", "30m", "--yes"], { env: sandbox.env() });
    expect(res.code).toBe(0);
    const sent = writes();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.query.id).toEqual(issues.map((i) => i.id));
    for (const i of issues) expect(sandbox.world.issues.byId.get(i.id)!.status).toBe("ignored");
  });

  it("needs event:write: the read-only token gets exit 4 with a hint naming the scope", async () => {
    const issue = fresh("unresolved");
    const res = await runTool("ignore-issue", [issue.shortId, "--yes"], { env: sandbox.env("sandbox-read") });
    expect(res.code).toBe(4);
    expect(res.stderr).toMatch(/hint: .*event:write/);
  });

  it("explains a 403 for an organization token as list-issues does: the scope, and what such a token can do", async () => {
    const issue = fresh("unresolved");
    const res = await runTool("ignore-issue", [issue.shortId], { env: sandbox.env("sandbox-ci") });
    expect(res.code).toBe(4);
    expect(res.stderr).toContain("hint: this call needs a token with scope event:write (an organization token, scope org:ci, can manage releases only)");
  });

  it("exits 5 for an issue that does not exist", async () => {
    const res = await runTool("ignore-issue", ["ZZZ-NOPE-1"], { env: sandbox.env() });
    expect(res.code).toBe(5);
    expect(res.stderr).toMatch(/hint: no issue ZZZ-NOPE-1 in organization/);
  });

  it("rejects conflicting modes, windows over 7 days and partial minutes before sending anything", async () => {
    sandbox.clearRequests();
    const cases: Array<[string[], RegExp]> = [
      [["WEB-1", "--for", "1h", "--forever"], /choose one of --for, --forever/],
      [["WEB-1", "--count", "10", "--window", "8d"], /--window is at most 7d/],
      [["WEB-1", "--window", "1h"], /--window goes with --count or --users/],
      [["WEB-1", "--for", "90s"], /--for must be whole minutes/],
      [["WEB-1", "--count", "0"], /--count must be between 1/],
    ];
    for (const [args, message] of cases) {
      const res = await runTool("ignore-issue", args, { env: sandbox.env() });
      expect(res.code, args.join(" ")).toBe(2);
      expect(res.stderr).toMatch(message);
    }
    expect(sandbox.requests()).toEqual([]);
  });
});
