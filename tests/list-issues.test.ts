// list-issues against the sandbox, as an agent runs it: the default search, filters, sorting, pages,
// trends, JSON records, the output budget, and the failures an agent must be able to act on.

import { describe, expect, it } from "vitest";
import type { Issue } from "../scripts/sandbox/seed/issues.js";
import { expectGolden } from "./helpers/golden.js";
import { runTool } from "./helpers/run.js";
import { useSandbox } from "./helpers/sandbox.js";

const sandbox = useSandbox();
/** A server older than schema 2026-06-12: `project` must be numeric IDs. */
const olderServer = useSandbox({ numericProjectIdsOnly: true });
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** The text of a typical page may cost at most this share of the raw API bytes it came from. */
const LIST_BUDGET = 0.05;
/** Sentry's levels as a line shows them. */
const LEVEL = "(error|warn|fatal|info|debug)";
/** The trend column: a change, flat, quiet, from 0, or the age of an issue new in the window. */
const TREND = "(new (now|\\d+[mhd])|flat|quiet|from 0|[+-]\\d+%)";

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
    // Short ID, a level other than error, the substatus where it matters, events/users, last seen, trend, then the title.
    const top = expected[0]!;
    const level = top.level === "error" ? "" : ` ${top.level === "warning" ? "warn" : top.level}`;
    const status = ["regressed", "escalating"].includes(top.substatus ?? "") ? ` ${top.substatus}` : "";
    expect(rows[0]).toMatch(new RegExp(`^${top.shortId}${level}${status} \\S+/\\S+ (now|\\d+[mhd]) ${TREND} `));
    expect(rows[0]).toContain(top.spec.title.slice(0, 20));
    // The whole page, as an on-call engineer reads it at the sandbox's fixed clock.
    expectGolden("list-issues/default", res.stdout, sandbox.url);
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
    // Events and users of the searched window (14d), never more than the issue's lifetime totals.
    expect(record.count).toBeGreaterThanOrEqual(1);
    expect(record.count).toBeLessThanOrEqual(seeded.count);
    expect(record.userCount).toBeLessThanOrEqual(Math.min(record.count, seeded.userCount));
    expect(typeof record.trend).toBe("string");
    expect(res.json.nextCursor).toMatch(/^\d+:\d+:0$/);
    expect(typeof res.json.total).toBe("number");
  });

  it("counts the events of the --period, not the issue's lifetime", async () => {
    const res = await runTool("list-issues", ["--period", "1h", "--all-projects", "--json", "--limit", "50"], { env: sandbox.env() });
    expect(res.code).toBe(0);
    const data = res.json.data as Array<{ id: string; count: number; userCount: number }>;
    expect(data.length).toBeGreaterThan(3);
    for (const r of data) {
      const seeded = sandbox.world.issues.byId.get(r.id)!;
      // The last hour is the last hour of the issue's seeded series, whatever minute the clock is at.
      expect(r.count).toBe(seeded.lastDay.at(-1));
      expect(r.userCount).toBeLessThanOrEqual(r.count);
    }
    expect(data.some((r) => r.count < sandbox.world.issues.byId.get(r.id)!.count)).toBe(true);
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

  for (const [period, periodMs] of [
    ["1h", HOUR_MS],
    ["24h", DAY_MS],
    ["36h", 36 * HOUR_MS],
    ["14d", 14 * DAY_MS],
    ["90d", 90 * DAY_MS],
  ] as const) {
    it(`shows each issue's trend over --period ${period} as the golden transcript has it, rising and falling`, async () => {
      const args = ["--all-projects", "--query", "", "--period", period, "--limit", "100"];
      const text = await runTool("list-issues", args, { env: sandbox.env() });
      expect(text.code).toBe(0);
      // The tool's clock is the sandbox's (SENTRY_MONITORING_NOW): the transcript holds at any wall clock.
      expectGolden(`list-issues/trend-${period}`, text.stdout, sandbox.url);
      const res = await runTool("list-issues", [...args, "--json"], { env: sandbox.env() });
      const data = res.json.data as Array<{ id: string; trend: string }>;
      expect(data.length).toBeGreaterThan(10);
      // Measured changes both ways, not one label for every row (-100% everywhere was the partial-bucket bias).
      const percents = new Set(data.map((r) => r.trend).filter((t) => t.endsWith("%")));
      expect(percents.size).toBeGreaterThan(2);
      if (periodMs >= DAY_MS) expect(data.some((r) => /^\+\d+%$/.test(r.trend))).toBe(true);
    });
  }

  it("judges new over the window the trend covers, not all of a 90d period", async () => {
    const res = await runTool("list-issues", ["--all-projects", "--query", "", "--period", "90d", "--limit", "100", "--json"], { env: sandbox.env() });
    const data = res.json.data as Array<{ id: string; trend: string; firstSeen: string }>;
    const olderThanTrend = data.filter((r) => sandbox.world.now - Date.parse(r.firstSeen) > 15 * DAY_MS);
    expect(olderThanTrend.length).toBeGreaterThan(0);
    expect(olderThanTrend.filter((r) => r.trend === "new")).toEqual([]);
    const text = await runTool("list-issues", ["--all-projects", "--query", "", "--period", "90d", "--limit", "1"], { env: sandbox.env() });
    expect(text.stdout.split("\n")[0]).toContain(" trend over the last 14d ");
  });

  it("shows escalating issues as rising", async () => {
    const res = await runTool("list-issues", ["--all-projects", "--period", "7d", "--limit", "100", "--json"], { env: sandbox.env() });
    const escalating = (res.json.data as Array<{ trend: string; substatus: string }>).filter((r) => r.substatus === "escalating");
    expect(escalating.length).toBeGreaterThan(0);
    for (const r of escalating) expect(r.trend).toMatch(/^\+\d+%$|^from 0$|^new$/);
  });

  it("shows a level other than error, and of the status what the query does not already say", async () => {
    const res = await runTool("list-issues", ["--all-projects", "--limit", "100"], { env: sandbox.env() });
    const lines = res.stdout.split("\n");
    expect(lines[0]).toContain("; ID (prefix = project) [level] [status] events/users last-seen trend (new: age) [assignee] title (culprit):");
    const shown = listable().filter((i) => i.status === "unresolved" && i.lastSeen >= sandbox.world.now - 14 * DAY_MS);
    const lineOf = (issue: Issue) => lines.find((l) => l.startsWith(`${issue.shortId} `));
    const regressed = shown.find((i) => i.substatus === "regressed" && i.level === "error")!;
    expect(lineOf(regressed)).toMatch(new RegExp(`^${regressed.shortId} regressed \\S+/\\S+ `));
    // An ongoing error's status is what the query asked for, its level the usual one: straight to the counts.
    const ongoing = shown.find((i) => i.substatus === "ongoing" && i.level === "error" && lineOf(i))!;
    expect(lineOf(ongoing)).toMatch(new RegExp(`^${ongoing.shortId} \\S+/\\S+ `));
    const info = shown.find((i) => i.substatus === "ongoing" && i.level === "info" && lineOf(i))!;
    expect(lineOf(info)).toMatch(new RegExp(`^${info.shortId} info \\S+/\\S+ `));
    const warning = shown.find((i) => i.level === "warning" && lineOf(i))!;
    expect(lineOf(warning)).toMatch(new RegExp(`^${warning.shortId} warn `));

    // With every status searched, every line says its status (and how an ignored issue is ignored).
    const all = await runTool("list-issues", ["--all-projects", "--query", "", "--limit", "100"], { env: sandbox.env() });
    const rows = all.stdout.trim().split("\n").slice(1, -1);
    expect(rows).toHaveLength(100);
    for (const row of rows) expect(row).toMatch(new RegExp(`^\\S+ (${LEVEL} )?(unresolved|regressed|escalating|new|resolved|ignored(-until-escalating|-until-condition|-forever)?) \\S+/\\S+ `));
    const forever = listable().find((i) => i.substatus === "archived_forever" && rows.some((r) => r.startsWith(`${i.shortId} `)))!;
    expect(rows.find((r) => r.startsWith(`${forever.shortId} `))).toMatch(/ ignored-forever /);
  });

  it("names who has an issue (@user, #team) and nothing when unassigned, and the age of an issue new in the window", async () => {
    const args = ["--all-projects", "--query", "", "--period", "7d", "--limit", "100"];
    const res = await runTool("list-issues", args, { env: sandbox.env() });
    const json = await runTool("list-issues", [...args, "--json"], { env: sandbox.env() });
    const records = json.json.data as Array<{ shortId: string; assignedTo: string | null; trend: string; firstSeen: string; substatus: string | null }>;
    const lineOf = (shortId: string) => res.stdout.split("\n").find((l) => l.startsWith(`${shortId} `))!;
    const head = (shortId: string) => lineOf(shortId).match(new RegExp(`^\\S+ .*?\\S+/\\S+ \\S+ ${TREND} (\\S+)`))!;
    const team = records.find((r) => r.assignedTo?.startsWith("team:"))!;
    expect(head(team.shortId)[3]).toBe(`#${team.assignedTo!.slice(5)}`);
    const user = records.find((r) => r.assignedTo?.includes("@"))!;
    expect(head(user.shortId)[3]).toBe(`@${user.assignedTo!.split("@")[0]}`);
    const unassigned = records.filter((r) => r.assignedTo === null);
    expect(unassigned.length).toBeGreaterThan(0);
    for (const r of unassigned) expect(head(r.shortId)[3], lineOf(r.shortId)).not.toMatch(/^[@#]/);
    // New in the window: the trend column gives its age; with every status searched, the "new" status word
    // stays, as it is what says the issue is unresolved.
    const fresh = records.filter((r) => r.trend === "new");
    expect(fresh.length).toBeGreaterThan(0);
    for (const r of fresh) {
      const hours = Math.floor((sandbox.world.now - Date.parse(r.firstSeen)) / HOUR_MS);
      const age = hours >= 24 ? `${Math.floor(hours / 24)}d` : hours >= 1 ? `${hours}h` : /\d+m|now/;
      expect(head(r.shortId)[1]).toMatch(typeof age === "string" ? `new ${age}` : age);
      if (r.substatus === "new") expect(lineOf(r.shortId)).toMatch(/^\S+ (\S+ )?new \S+\/\S+/);
    }
  });

  it("keeps the culprit on every line that has one, with the title's start and end, and --json keeps both whole", async () => {
    const args = ["--all-projects", "--query", "", "--period", "90d", "--limit", "100"];
    const res = await runTool("list-issues", args, { env: sandbox.env() });
    const json = await runTool("list-issues", [...args, "--json"], { env: sandbox.env() });
    const records = json.json.data as Array<{ shortId: string; title: string; culprit: string | null }>;
    for (const r of records) expect(r.title).toBe(sandbox.world.issues.byShortId.get(r.shortId)!.spec.title);
    const lineOf = (shortId: string) => res.stdout.split("\n").find((l) => l.startsWith(`${shortId} `))!;
    const withCulprit = records.filter((r) => r.culprit && !r.title.includes(r.culprit));
    expect(withCulprit.length).toBeGreaterThan(50);
    for (const r of withCulprit) {
      const line = lineOf(r.shortId);
      // About 100 characters; a long head (ignored-until-escalating, an assignee) leaves the title its minimum.
      expect(line.length, line).toBeLessThanOrEqual(110);
      // The culprit closes the line, whole or cut in the middle: its start and its end both show.
      const shown = line.match(/ \(([^()]*(?:\([^()]*\))?[^()]*)\)$/)![1]!;
      if (shown.includes("…")) {
        const [start, end] = shown.split("…") as [string, string];
        expect(r.culprit!.startsWith(start) && r.culprit!.endsWith(end), shown).toBe(true);
      } else expect(shown).toBe(r.culprit);
    }
    // A cut title keeps its start (the error type) and its end (what tells it apart: "(reading 'rating')").
    const cut = records.filter((r) => !lineOf(r.shortId).includes(r.title));
    expect(cut.length).toBeGreaterThan(0);
    for (const r of cut) {
      const line = lineOf(r.shortId);
      const at = line.indexOf(r.title.slice(0, 10));
      const ellipsis = line.indexOf("…", at);
      expect(at, line).toBeGreaterThan(0);
      const end = line.slice(ellipsis + 1).replace(/ \([^()]*(?:\([^()]*\))?[^()]*\)$/, "");
      expect(r.title.endsWith(end), `${line} / ${r.title}`).toBe(true);
    }
    // A title and culprit that fit are never cut.
    const roomy = records.find((r) => r.culprit && r.title.length + r.culprit.length < 40)!;
    expect(lineOf(roomy.shortId).endsWith(` ${roomy.title} (${roomy.culprit})`)).toBe(true);
  });

  it("looks up numeric project IDs when an older server refuses slugs", async () => {
    const env = { ...sandbox.env(), SENTRY_URL: olderServer.url };
    const project = olderServer.world.projects.find((p) => p.slug === sandbox.env().SENTRY_PROJECT)!;
    olderServer.clearRequests();
    const res = await runTool("list-issues", ["--json", "--limit", "5"], { env });
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/this Sentry wants numeric project IDs; looking them up/);
    const calls = olderServer.requests().filter((r) => r.path !== `/api/0/organizations/${orgSlug()}/`);
    expect(calls.map((r) => [r.path, r.status])).toEqual([
      [`/api/0/organizations/${orgSlug()}/issues/`, 400],
      [`/api/0/projects/${orgSlug()}/${project.slug}/`, 200],
      [`/api/0/organizations/${orgSlug()}/issues/`, 200],
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

  it("names the whole release when a search uses a shortened hash (as other tools print them), and the search that finds it", async () => {
    const env = { ...sandbox.env(), SENTRY_PROJECT: "api-backend" };
    const releases = await runTool("list-releases", ["--limit", "1", "--json"], { env });
    const version: string = releases.json.data[0].version;
    expect(version).toMatch(/^[0-9a-f]{40}$/);
    const short = version.slice(0, 12);
    const res = await runTool("list-issues", ["--query", `release:${short}`], { env });
    expect(res.code, res.stderr).toBe(0);
    // SENTRY_PROJECT narrows the suggested run as it did this one, so it is not repeated as a flag.
    const suggested = `node dist/list-issues.mjs --query release:${version} --period 14d`;
    expect(res.stdout).toBe(`No issues matching "release:${short}" in api-backend (from SENTRY_PROJECT; --all-projects for all) over 14d. ${short} is the start of release ${version}; search it whole: ${suggested}\n`);
    // The suggestion works: the whole version finds the release's issues.
    const whole = await runTool("list-issues", suggested.split(" ").slice(2), { env });
    expect(whole.code, whole.stderr).toBe(0);
    expect(whole.stdout).not.toMatch(/^No issues/);
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

  it("needs event:read: an organization token gets exit 4 with a hint naming the scope, not blaming the project", async () => {
    const env = sandbox.env("sandbox-ci");
    sandbox.clearRequests();
    const res = await runTool("list-issues", [], { env });
    expect(res.code).toBe(4);
    expect(res.stderr).toMatch(/permission denied \(403\)/);
    expect(res.stderr).toContain("hint: this call needs a token with scope event:read (an organization token, scope org:ci, can manage releases only)");
    expect(res.stderr).not.toContain(env.SENTRY_PROJECT!);
    // The configured project's search, then the probe over every accessible project that told the two apart.
    expect(issueRequests().map((r) => [r.query.project, r.status])).toEqual([
      [env.SENTRY_PROJECT, 403],
      ["-1", 403],
    ]);
  });

  it("explains a 403 for a project that does not exist by the project, not the scope", async () => {
    const res = await runTool("list-issues", ["--project", "no-such-project"], { env: sandbox.env() });
    expect(res.code).toBe(5);
    expect(res.stderr).toBe("list-issues: error: no project no-such-project in acme\nhint: list the projects the token can see with: node dist/list-projects.mjs\n");
    expect(res.stderr).not.toMatch(/scope/);
  });

  it("names only the unknown project when several are given and one does not exist", async () => {
    const known = projectSlug(listable()[0]!);
    const res = await runTool("list-issues", ["--project", known, "--project", "no-such-project"], { env: sandbox.env() });
    expect(res.code).toBe(5);
    expect(res.stderr).toContain("error: no project no-such-project in acme\n");
    expect(res.stderr).not.toContain(known);
  });

  it("rejects bad input before sending anything", async () => {
    sandbox.clearRequests();
    const cases: Array<[string[], RegExp]> = [
      [["--sort", "popular"], /invalid --sort "popular"/],
      [["--period", "yesterday"], /invalid --period/],
      [["--period", "120d"], /--period 120d is longer than Sentry keeps data \(90d\)/],
      [["--project", "Web Frontend"], /invalid project slug/],
      [["--project", "web", "--all-projects"], /--all-projects and --project do not go together/],
      [["--project", "web", "--project", "Bad Slug"], /invalid project slug "Bad Slug"/],
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
