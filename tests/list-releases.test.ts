// list-releases against the sandbox, as an agent runs it: health per release, the health sorts, pages,
// filters, bad input, the organization token, and how small the output is next to the API's answer.

import { describe, expect, it } from "vitest";
import { runTool } from "./helpers/run.js";
import { useSandbox } from "./helpers/sandbox.js";
import { healthKey, windowTotals } from "../scripts/sandbox/seed/releases.js";

const sandbox = useSandbox();
/** The organization-wide view: without SENTRY_PROJECT, which narrows every list tool to that project. */
const orgWide = () => ({ ...sandbox.env(), SENTRY_PROJECT: undefined });

/** The output budget of a list tool: at most this share of the raw API bytes (tools-guide.md). */
const LIST_OUTPUT_BUDGET = 0.05;

interface ApiRelease {
  version: string;
  newGroups: number;
  commitCount: number;
  projects: Array<{ slug: string; healthData?: { crashFreeSessions: number | null; crashFreeUsers: number | null; adoption: number | null } | null }>;
}

/** The same call the tool makes, straight to the sandbox, to compare the tool's projection with the API's numbers. */
async function apiReleases(query: string): Promise<{ body: ApiRelease[]; bytes: number }> {
  const res = await fetch(`${sandbox.url}/api/0/organizations/acme/releases/?${query}`, { headers: { Authorization: "Bearer sandbox" } });
  const text = await res.text();
  return { body: JSON.parse(text) as ApiRelease[], bytes: Buffer.byteLength(text) };
}

/** The org's open releases, newest first, as Sentry orders them by default (date_added desc). */
function newestFirst(): string[] {
  return sandbox.world.releases.releases
    .filter((r) => r.orgSlug === "acme" && r.status === "open")
    .sort((a, b) => Date.parse(b.dateCreated) - Date.parse(a.dateCreated) || b.id - a.id)
    .map((r) => r.version);
}

/** The release-list calls the tools made. */
function listCalls() {
  return sandbox.requests().filter((r) => r.path === "/api/0/organizations/acme/releases/");
}


const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface SeededRow {
  version: string;
  project: string;
  dateCreated: string;
  sessions: number;
  crashRate: number;
}

/**
 * Every open release of acme in every one of its projects with sessions in the window, from the seeded
 * health series: the rows Sentry ranks for a health sort (flatten=1).
 */
function seededRows(windowMs: number): SeededRow[] {
  const world = sandbox.world;
  const rows: SeededRow[] = [];
  for (const release of world.releases.releases.filter((r) => r.orgSlug === "acme" && r.status === "open")) {
    for (const projectId of release.projectIds) {
      const series = world.releases.health.get(healthKey(projectId, release.version));
      if (!series) continue;
      const totals = windowTotals(world.releases, series, world.now - windowMs, world.now, []);
      if (totals.sessions === 0) continue;
      const project = world.projects.find((p) => p.id === projectId)!.slug;
      rows.push({ version: release.version, project, dateCreated: release.dateCreated, sessions: totals.sessions, crashRate: totals.sessionsCrashed / totals.sessions });
    }
  }
  return rows;
}

/** The first column of a flattened text row: "version (project)". */
const rowLabel = (line: string) => /^(\S+ \(\S+\))/.exec(line)?.[1];

describe("list-releases", () => {
  it("shows the 20 newest releases, one line each with health, deploys and projects", async () => {
    sandbox.clearRequests();
    const res = await runTool("list-releases", [], { env: orgWide() });
    expect(res.code).toBe(0);
    expect(res.stderr).toBe("");
    const lines = res.stdout.trim().split("\n");
    expect(lines[0]).toBe("20 releases in acme, newest first (crash-free sessions/users over 24h):");
    const expected = newestFirst().slice(0, 20);
    const rows = lines.slice(1, 21);
    expect(rows.map((l) => l.split(/\s+/)[0])).toEqual(expected);
    expect(lines.at(-1)).toBe("More: --cursor 0:20:0");

    // Health as the API reports it over the same window, crash-free to two decimals, adoption to one.
    const { body } = await apiReleases("health=1&summaryStatsPeriod=24h&per_page=20");
    for (const [i, release] of body.entries()) {
      const health = release.projects[0]?.healthData;
      if (health?.crashFreeSessions != null) {
        expect(rows[i]).toContain(`crash-free ${health.crashFreeSessions.toFixed(2)}%/${health.crashFreeUsers!.toFixed(2)}%`);
        expect(rows[i]).toContain(`adoption ${health.adoption!.toFixed(1)}%`);
      } else {
        expect(rows[i]).toContain("no sessions");
      }
      expect(rows[i]).toContain(`${release.newGroups} new issue`);
      expect(rows[i]).toMatch(new RegExp(`\\b${release.commitCount} commits?\\b`));
      expect(rows[i]!.endsWith(release.projects.map((p) => p.slug).join(", "))).toBe(true);
    }

    const [request] = listCalls();
    expect(request!.query).toMatchObject({ health: "1", summaryStatsPeriod: "24h", per_page: "20" });
    expect(request!.query.flatten).toBeUndefined();
    expect(request!.query.sort).toBeUndefined();
  });

  it("keeps to SENTRY_PROJECT like every list tool, says so, and widens with --all-projects", async () => {
    const configured = await runTool("list-releases", ["--limit", "1", "--json"], { env: { ...sandbox.env(), SENTRY_PROJECT: "mobile-ios" } });
    expect(listCalls().at(-1)!.query.project).toBe("mobile-ios");
    expect(configured.json.data[0].projects).toContain("mobile-ios");
    const text = await runTool("list-releases", ["--limit", "1"], { env: { ...sandbox.env(), SENTRY_PROJECT: "mobile-ios" } });
    expect(text.stdout.split("\n")[0]).toMatch(/^1 release in acme \(project mobile-ios from SENTRY_PROJECT, --all-projects for all\), newest first /);
    const widened = await runTool("list-releases", ["--limit", "1", "--all-projects"], { env: { ...sandbox.env(), SENTRY_PROJECT: "mobile-ios" } });
    expect(widened.stdout.split("\n")[0]).toMatch(/^1 release in acme \(all projects\), newest first /);
    expect(listCalls().at(-1)!.query.project).toBeUndefined();
    const unset = await runTool("list-releases", ["--limit", "1"], { env: orgWide() });
    expect(unset.stdout.split("\n")[0]).toMatch(/^1 release in acme, newest first /);
    const named = await runTool("list-releases", ["--limit", "1", "--project", "web-frontend"], { env: orgWide() });
    expect(named.stdout.split("\n")[0]).toMatch(/^1 release in acme \(project web-frontend\), newest first /);
  });

  it("says a release without session data has none, instead of printing zeros", async () => {
    const res = await runTool("list-releases", ["--project", "api-backend", "--limit", "3"], { env: orgWide() });
    expect(res.code).toBe(0);
    const rows = res.stdout.trim().split("\n").slice(1, 4);
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row).toContain("no sessions");
      expect(row).not.toMatch(/0\.00%/);
    }
  });

  it("ranks release-project rows by crash rate over a week, least crash-free first, flattened as Sentry requires", async () => {
    sandbox.clearRequests();
    const res = await runTool("list-releases", ["--sort", "crash_free_sessions", "--period", "7d", "--limit", "5"], { env: orgWide() });
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split("\n");
    expect(lines[0]).toBe("5 release-project rows in acme, least crash-free sessions first (crash-free sessions/users over 7d, adoption over 24h):");
    const query = listCalls()[0]!.query;
    expect(query).toMatchObject({ health: "1", flatten: "1", sort: "crash_free_sessions", summaryStatsPeriod: "7d" });

    // The seeded bad release leads; the order is the seeded crash rates over 7 days, highest first.
    const expected = seededRows(7 * DAY)
      .sort((a, b) => b.crashRate - a.crashRate || Date.parse(b.dateCreated) - Date.parse(a.dateCreated))
      .slice(0, 5);
    expect(lines.slice(1, 6).map(rowLabel)).toEqual(expected.map((r) => `${r.version} (${r.project})`));
    expect(lines[1]).toContain(`crash-free ${(100 * (1 - expected[0]!.crashRate)).toFixed(2)}%`);
    expect(expected[0]!.crashRate).toBeGreaterThan(0.05);
  });

  it("ranks by sessions, most first, with each row's project and honest row counts", async () => {
    const res = await runTool("list-releases", ["--sort", "sessions", "--limit", "8", "--json"], { env: orgWide() });
    expect(res.code).toBe(0);
    const expected = seededRows(DAY)
      .sort((a, b) => b.sessions - a.sessions || Date.parse(b.dateCreated) - Date.parse(a.dateCreated))
      .slice(0, 8);
    const records = res.json.data as Array<{ version: string; project: string; projects: string[]; health: Array<{ project: string; sessions: number }> }>;
    expect(records.map((r) => [r.version, r.project, r.health[0]!.sessions])).toEqual(expected.map((r) => [r.version, r.project, r.sessions]));
    for (const r of records) expect(r.projects).toEqual([r.project]);

    const text = await runTool("list-releases", ["--sort", "users", "--limit", "3"], { env: orgWide() });
    expect(text.stdout.split("\n")[0]).toMatch(/^3 release-project rows in acme, most users first /);
    const crashFreeUsers = await runTool("list-releases", ["--sort", "crash_free_users", "--limit", "6", "--json"], { env: orgWide() });
    const rates = (crashFreeUsers.json.data as Array<{ health: Array<{ crashFreeUsers: number }> }>).map((r) => r.health[0]!.crashFreeUsers);
    expect(rates).toEqual([...rates].sort((a, b) => a - b));
  });

  it("gives crash-free rates and adoption as fractions 0–1 in JSON, percentages in text", async () => {
    const res = await runTool("list-releases", ["--project", "web-frontend", "--limit", "5", "--json"], { env: orgWide() });
    const { body } = await apiReleases("health=1&summaryStatsPeriod=24h&per_page=5&project=web-frontend");
    let checked = 0;
    for (const [i, release] of body.entries()) {
      const api = release.projects[0]!.healthData!;
      const [health] = res.json.data[i].health;
      if (api.crashFreeSessions === null) continue;
      expect(health.crashFreeSessions).toBeCloseTo(api.crashFreeSessions / 100, 12);
      expect(health.crashFreeUsers).toBeCloseTo(api.crashFreeUsers! / 100, 12);
      expect(health.adoption).toBeCloseTo(api.adoption! / 100, 12);
      expect(health.crashFreeSessions).toBeLessThanOrEqual(1);
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  });

  it("pages through every release with --cursor and --all", async () => {
    const all = newestFirst();
    const first = await runTool("list-releases", ["--limit", "7", "--json"], { env: orgWide() });
    expect(first.json.nextCursor).toBe("0:7:0");
    const second = await runTool("list-releases", ["--limit", "7", "--cursor", first.json.nextCursor, "--ndjson"], { env: orgWide() });
    const versions = second.stdout.trim().split("\n").map((l) => JSON.parse(l).version);
    expect(versions).toEqual(all.slice(7, 14));

    const everything = await runTool("list-releases", ["--all", "--json", "--fields", "version"], { env: orgWide() });
    expect(everything.json.data.map((r: { version: string }) => r.version)).toEqual(all);
    expect(everything.json.nextCursor).toBeNull();
  });

  it("prints a 40-hex version whole, so it can be passed back to resolve-issue or set-commits, and names its project in JSON", async () => {
    const res = await runTool("list-releases", ["--project", "api-backend", "--limit", "1", "--json"], { env: orgWide() });
    const [record] = res.json.data;
    expect(record.version).toMatch(/^[0-9a-f]{40}$/);
    expect(record.shortVersion).toBe(record.version.slice(0, 12));
    expect(record.project).toBe("api-backend");
    const text = await runTool("list-releases", ["--project", "api-backend", "--limit", "1"], { env: orgWide() });
    expect(text.stdout).toContain(`\n${record.version} `);
    expect(text.stdout).not.toContain("shortened");
  });

  it("--project naming no project of the organization exits 5, like the other tools", async () => {
    const res = await runTool("list-releases", ["--project", "nope"], { env: orgWide() });
    expect(res.code, res.stderr).toBe(5);
    expect(res.stderr).toBe("list-releases: error: no project nope in acme\nhint: list the projects the token can see with: node dist/list-projects.mjs\n");
  });

  it("filters by project, environment and query, and says so when nothing matches", async () => {
    sandbox.clearRequests();
    const res = await runTool("list-releases", ["--project", "web-frontend", "--environment", "production", "--query", "2.13", "--json"], { env: orgWide() });
    expect(res.code).toBe(0);
    expect(res.json.data.length).toBeGreaterThan(0);
    for (const r of res.json.data) {
      expect(r.projects).toEqual(["web-frontend"]);
      expect(r.version).toContain("2.13");
    }
    expect(listCalls()[0]!.query).toMatchObject({ project: "web-frontend", environment: "production", query: "2.13" });

    const none = await runTool("list-releases", ["--query", "no-such-version"], { env: orgWide() });
    expect(none.code).toBe(0);
    expect(none.stdout.trim()).toBe('No releases in acme (matching "no-such-version"). Try without --query/--environment.');
  });

  it("works with the organization token (org:ci), which cannot read organizations or projects", async () => {
    sandbox.clearRequests();
    const res = await runTool("list-releases", ["--limit", "3"], { env: sandbox.env("sandbox-ci") });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("3 releases in acme");
    const paths = sandbox.requests().map((r) => r.path);
    expect(paths.filter((p) => p === "/api/0/organizations/" || p.includes("/projects/"))).toEqual([]);
    expect(listCalls().map((r) => r.status)).toEqual([200]);
  });

  it("prints far less than the API sends", async () => {
    const res = await runTool("list-releases", ["--limit", "100"], { env: orgWide() });
    const { bytes } = await apiReleases("health=1&summaryStatsPeriod=24h&per_page=100");
    expect(Buffer.byteLength(res.stdout)).toBeLessThan(bytes * LIST_OUTPUT_BUDGET);
  });

  it("shows a release shipped in two projects once per project under a health sort, never as a bare repeat", async () => {
    const version = "shop@3.0.0";
    const created = await fetch(`${sandbox.url}/api/0/organizations/acme/releases/`, {
      method: "POST",
      headers: { Authorization: "Bearer sandbox", "Content-Type": "application/json" },
      body: JSON.stringify({ version, projects: ["web-frontend", "api-backend"] }),
    });
    expect(created.status).toBe(201);

    const res = await runTool("list-releases", ["--sort", "sessions", "--all"], { env: orgWide() });
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split("\n");
    const rows = lines.slice(1).filter((l) => !l.startsWith("Long hashes"));
    // One row per release and project of acme's open releases: the header counts those, not releases.
    const expectedRows = sandbox.world.releases.releases.filter((r) => r.orgSlug === "acme" && r.status === "open").reduce((n, r) => n + r.projectIds.length, 0);
    expect(lines[0]).toMatch(new RegExp(`^${expectedRows} release-project rows in acme, most sessions first `));
    expect(rows).toHaveLength(expectedRows);
    const labels = rows.map(rowLabel);
    expect(labels.every(Boolean)).toBe(true);
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels.filter((l) => l!.startsWith(`${version} `)).sort()).toEqual([`${version} (api-backend)`, `${version} (web-frontend)`]);
  });

  it("rejects a bad sort or window before sending anything", async () => {
    sandbox.clearRequests();
    const cases: Array<[string[], RegExp]> = [
      [["--sort", "newest"], /invalid --sort "newest"/],
      [["--period", "3d"], /--period 3d is not a window Sentry keeps health for/],
      [["--period", "soon"], /invalid --period/],
      [["--project", "Web Frontend"], /invalid project slug/],
    ];
    for (const [args, message] of cases) {
      const res = await runTool("list-releases", args, { env: orgWide() });
      expect(res.code, args.join(" ")).toBe(2);
      expect(res.stderr).toMatch(message);
    }
    expect(sandbox.requests()).toEqual([]);
  });
});
