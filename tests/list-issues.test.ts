// list-issues against the sandbox, as an agent runs it: the default search, filters, sorting, pages,
// trends, JSON records, the output budget, and the failures an agent must be able to act on.

import { describe, expect, it } from "vitest";
import type { Issue } from "../scripts/sandbox/seed/issues.js";
import { runTool } from "./helpers/run.js";
import { useSandbox } from "./helpers/sandbox.js";

const sandbox = useSandbox();
/** A server older than schema 2026-06-12: `project` must be numeric IDs. */
const olderServer = useSandbox({ numericProjectIdsOnly: true });
const DAY_MS = 86_400_000;
/** The text of a typical page may cost at most this share of the raw API bytes it came from. */
const LIST_BUDGET = 0.05;

function orgSlug(): string {
  return sandbox.world.orgs[0]!.slug;
}

/** Issues the organization endpoint can list: everything but those waiting for deletion. */
function listable(): Issue[] {
  return sandbox.world.issues.issues.filter((i) => i.orgSlug === orgSlug() && i.status !== "pending_deletion");
}

function projectSlug(issue: Issue): string {
  return sandbox.world.projects.find((p) => p.id === issue.projectId)!.slug;
}

function issueRequests() {
  return sandbox.requests().filter((r) => r.method === "GET" && r.path === `/api/0/organizations/${orgSlug()}/issues/`);
}

describe("list-issues", () => {
  it("shows the configured project's unresolved issues, latest first, one line each", async () => {
    const env = sandbox.env();
    sandbox.clearRequests();
    const res = await runTool("list-issues", [], { env });
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split("\n");
    expect(lines[0]).toMatch(new RegExp(`^\\d+ of \\d+ issues matching "is:unresolved" in ${env.SENTRY_PROJECT} \\(from SENTRY_PROJECT`));
    expect(lines[0]).toContain("over 14d, by last seen");
    expect(lines.at(-1)).toMatch(/^More: --cursor \d+:25:0$/);

    const sent = issueRequests();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.query).toMatchObject({ query: "is:unresolved", project: env.SENTRY_PROJECT, statsPeriod: "14d", groupStatsPeriod: "14d", sort: "date", limit: "25" });

    const expected = listable()
      .filter((i) => projectSlug(i) === env.SENTRY_PROJECT && i.status === "unresolved" && i.lastSeen >= sandbox.world.now - 14 * DAY_MS)
      .sort((a, b) => b.lastSeen - a.lastSeen);
    const rows = lines.slice(1, -1);
    expect(rows).toHaveLength(Math.min(25, expected.length));
    expect(rows.map((l) => l.split(" ")[0])).toEqual(expected.slice(0, 25).map((i) => i.shortId));
    // Short ID, events/users, last seen, trend, then the title.
    const top = expected[0]!;
    expect(rows[0]).toMatch(new RegExp(`^${top.shortId} \\S+/\\S+ (now|\\d+[mhd]) (new|flat|quiet|from 0|[+-]\\d+%) `));
    expect(rows[0]).toContain(top.spec.title.slice(0, 30));
  });

  it("gives each issue as a projected JSON record", async () => {
    const res = await runTool("list-issues", ["--json", "--limit", "5"], { env: sandbox.env() });
    expect(res.code).toBe(0);
    const record = res.json.data[0];
    expect(Object.keys(record)).toEqual([
      "id", "shortId", "title", "culprit", "level", "status", "substatus", "priority", "count", "userCount",
      "firstSeen", "lastSeen", "project", "assignedTo", "permalink", "trend",
    ]);
    const seeded = sandbox.world.issues.byId.get(record.id)!;
    expect(record.shortId).toBe(seeded.shortId);
    expect(record.count).toBe(seeded.count);
    expect(record.userCount).toBe(seeded.userCount);
    expect(typeof record.trend).toBe("string");
    expect(res.json.nextCursor).toMatch(/^\d+:\d+:0$/);
    expect(typeof res.json.total).toBe("number");
  });

  it("filters by level, environment and status, and sorts by events with --sort freq", async () => {
    sandbox.clearRequests();
    const res = await runTool(
      "list-issues",
      ["--query", "is:unresolved level:error", "--environment", "production", "--sort", "freq", "--all-projects", "--json", "--limit", "50"],
      { env: sandbox.env() },
    );
    expect(res.code).toBe(0);
    const data = res.json.data as Array<{ id: string; level: string; status: string; count: number }>;
    expect(data.length).toBeGreaterThan(3);
    for (const r of data) {
      expect(r.level).toBe("error");
      expect(r.status).toBe("unresolved");
      expect(sandbox.world.issues.byId.get(r.id)!.environments).toContain("production");
    }
    const counts = data.map((r) => r.count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(issueRequests()[0]!.query).toMatchObject({ environment: "production", sort: "freq", project: "-1" });
  });

  it("searches several projects given with --project", async () => {
    const slugs = [...new Set(listable().map(projectSlug))].slice(0, 2);
    sandbox.clearRequests();
    const res = await runTool("list-issues", ["--project", slugs[0]!, "--project", slugs[1]!, "--limit", "60"], { env: sandbox.env() });
    expect(res.code).toBe(0);
    expect(issueRequests()[0]!.query.project).toEqual(slugs);
    expect(res.stdout.split("\n")[0]).toContain(`in ${slugs.join(", ")} over 14d`);
    // Short IDs carry the project slug, so the line needs no project column.
    const rows = res.stdout.trim().split("\n").slice(1).filter((l) => !l.startsWith("More:"));
    const projects = new Set(rows.map((l) => slugs.find((s) => l.startsWith(`${s.toUpperCase()}-`))));
    expect(projects).toEqual(new Set(slugs));
  });

  it("pages through every issue of the organization with --all", async () => {
    sandbox.clearRequests();
    const res = await runTool("list-issues", ["--all", "--all-projects", "--query", "", "--period", "90d", "--ndjson"], { env: sandbox.env() });
    expect(res.code).toBe(0);
    const ids = res.stdout.trim().split("\n").map((l) => JSON.parse(l).id as string);
    const expected = listable();
    expect(expected.length).toBeGreaterThan(120);
    expect(new Set(ids)).toEqual(new Set(expected.map((i) => i.id)));
    expect(ids).toHaveLength(expected.length);
    const pages = issueRequests();
    expect(pages.length).toBe(Math.ceil(expected.length / 100));
    expect(pages.every((p) => p.query.limit === "100")).toBe(true);
    expect(pages[1]!.query.cursor).toBeDefined();
  });

  it("continues with the --cursor the footer prints", async () => {
    const first = await runTool("list-issues", ["--limit", "5", "--all-projects"], { env: sandbox.env() });
    const more = first.stdout.split("\n").find((l) => l.startsWith("More: --cursor "))!;
    expect(more).toBeDefined();
    const cursor = more.split(" ").at(-1)!;
    const second = await runTool("list-issues", ["--limit", "5", "--all-projects", "--cursor", cursor, "--json"], { env: sandbox.env() });
    const firstIds = first.stdout.split("\n").slice(1, 6).map((l) => l.split(" ")[0]);
    const secondIds = (second.json.data as Array<{ shortId: string }>).map((r) => r.shortId);
    expect(secondIds).toHaveLength(5);
    expect(secondIds.some((s) => firstIds.includes(s))).toBe(false);
  });

  it("marks issues first seen in the period as new and escalating ones as rising", async () => {
    const res = await runTool("list-issues", ["--all-projects", "--period", "7d", "--limit", "100", "--json"], { env: sandbox.env() });
    const data = res.json.data as Array<{ id: string; trend: string; substatus: string; firstSeen: string }>;
    const newOnes = data.filter((r) => Date.parse(r.firstSeen) >= sandbox.world.now - 7 * DAY_MS);
    expect(newOnes.length).toBeGreaterThan(0);
    expect(newOnes.every((r) => r.trend === "new")).toBe(true);
    const escalating = data.filter((r) => r.substatus === "escalating");
    expect(escalating.length).toBeGreaterThan(0);
    for (const r of escalating) expect(r.trend).toMatch(/^\+\d+%$|^from 0$/);
  });

  it("shows regressed and escalating issues by their substatus", async () => {
    const res = await runTool("list-issues", ["--all-projects", "--limit", "100"], { env: sandbox.env() });
    const regressed = listable().find((i) => i.substatus === "regressed" && i.lastSeen >= sandbox.world.now - 14 * DAY_MS)!;
    const line = res.stdout.split("\n").find((l) => l.startsWith(`${regressed.shortId} `))!;
    expect(line).toMatch(/ \[(\w+, )?regressed\] /);
    const info = res.stdout.split("\n").find((l) => / \[info\] /.test(l));
    expect(info).toBeDefined();
  });

  it("looks up numeric project IDs when an older server refuses slugs", async () => {
    const env = { ...sandbox.env(), SENTRY_URL: olderServer.url };
    const project = olderServer.world.projects.find((p) => p.slug === sandbox.env().SENTRY_PROJECT)!;
    olderServer.clearRequests();
    const res = await runTool("list-issues", ["--json", "--limit", "5"], { env });
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/this Sentry wants numeric project IDs; looking them up/);
    const calls = olderServer.requests().filter((r) => r.path.startsWith(`/api/0/organizations/${orgSlug()}/`) && r.path !== `/api/0/organizations/${orgSlug()}/`);
    expect(calls.map((r) => [r.path.split("/").at(-2), r.status])).toEqual([
      ["issues", 400],
      ["projects", 200],
      ["issues", 200],
    ]);
    expect(calls[2]!.query.project).toBe(project.id);
    expect((res.json.data as Array<{ project: string }>).every((r) => r.project === project.slug)).toBe(true);
  });

  it("says in one line when nothing matches, with a next step", async () => {
    const res = await runTool("list-issues", ["--query", "is:unresolved zzzz-nothing-matches-this"], { env: sandbox.env() });
    expect(res.code).toBe(0);
    expect(res.stdout.trim().split("\n")).toHaveLength(1);
    expect(res.stdout).toMatch(/^No issues matching "is:unresolved zzzz-nothing-matches-this" in \S+ .*over 14d\. Try /);
  });

  it("prints at most 5% of the raw API bytes for a page of 25 issues", async () => {
    const env = sandbox.env();
    const res = await runTool("list-issues", [], { env });
    expect(res.stdout.trim().split("\n")).toHaveLength(1 + 25 + 1);
    expect(res.code).toBe(0);
    const sent = issueRequests().at(-1)!;
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(sent.query)) for (const x of [v].flat()) params.append(k, x);
    const raw = await fetch(`${sandbox.url}${sent.path}?${params}`, { headers: { Authorization: "Bearer sandbox" } });
    const rawBytes = Buffer.byteLength(await raw.text());
    const textBytes = Buffer.byteLength(res.stdout);
    expect(textBytes / rawBytes).toBeLessThanOrEqual(LIST_BUDGET);
  });

  it("needs event:read: an organization token gets exit 4 with a hint naming the scope", async () => {
    const res = await runTool("list-issues", [], { env: sandbox.env("sandbox-ci") });
    expect(res.code).toBe(4);
    expect(res.stderr).toMatch(/permission denied \(403\)/);
    expect(res.stderr).toMatch(/hint: .*event:read/);
  });

  it("explains a 403 for a project that does not exist", async () => {
    const res = await runTool("list-issues", ["--project", "no-such-project"], { env: sandbox.env() });
    expect(res.code).toBe(4);
    expect(res.stderr).toMatch(/hint: .*no-such-project.*list-projects/);
  });

  it("rejects bad input before sending anything", async () => {
    sandbox.clearRequests();
    const cases: Array<[string[], RegExp]> = [
      [["--sort", "popular"], /invalid --sort "popular"/],
      [["--period", "yesterday"], /invalid --period/],
      [["--period", "120d"], /longer than Sentry keeps events/],
      [["--project", "Web Frontend"], /invalid project slug/],
      [["--project", "web", "--all-projects"], /--all-projects and --project do not go together/],
      [["--all", "--limit", "5"], /--all and --limit do not go together/],
    ];
    for (const [args, message] of cases) {
      const res = await runTool("list-issues", args, { env: sandbox.env() });
      expect(res.code, args.join(" ")).toBe(2);
      expect(res.stderr).toMatch(message);
    }
    expect(sandbox.requests()).toEqual([]);
  });
});
