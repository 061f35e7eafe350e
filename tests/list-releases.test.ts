// list-releases against the sandbox, as an agent runs it: health per release, the health sorts, pages,
// filters, bad input, the organization token, and how small the output is next to the API's answer.

import { describe, expect, it } from "vitest";
import { runTool } from "./helpers/run.js";
import { useSandbox } from "./helpers/sandbox.js";

const sandbox = useSandbox();

/** The output budget of a list tool: at most this share of the raw API bytes (tools-guide.md). */
const LIST_OUTPUT_BUDGET = 0.05;

interface ApiRelease {
  version: string;
  newGroups: number;
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

/** The release-list calls the tools made (each run also looks up the organization's region first). */
function listCalls() {
  return sandbox.requests().filter((r) => r.path === "/api/0/organizations/acme/releases/");
}

const shorten = (version: string) => version.replace(/[0-9a-f]{20,64}/gi, (h) => h.slice(0, 12));

describe("list-releases", () => {
  it("shows the 20 newest releases, one line each with health, deploys and projects", async () => {
    sandbox.clearRequests();
    const res = await runTool("list-releases", [], { env: sandbox.env() });
    expect(res.code).toBe(0);
    expect(res.stderr).toBe("");
    const lines = res.stdout.trim().split("\n");
    expect(lines[0]).toBe("20 releases in acme, newest first (crash-free sessions/users over 24h):");
    const expected = newestFirst().slice(0, 20);
    const rows = lines.slice(1, 21);
    expect(rows.map((l) => l.split(/\s+/)[0])).toEqual(expected.map(shorten));
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
      expect(rows[i]!.endsWith(release.projects.map((p) => p.slug).join(", "))).toBe(true);
    }

    const [request] = listCalls();
    expect(request!.query).toMatchObject({ health: "1", summaryStatsPeriod: "24h", per_page: "20" });
    expect(request!.query.flatten).toBeUndefined();
    expect(request!.query.sort).toBeUndefined();
  });

  it("says a release without session data has none, instead of printing zeros", async () => {
    const res = await runTool("list-releases", ["--project", "api-backend", "--limit", "3"], { env: sandbox.env() });
    expect(res.code).toBe(0);
    const rows = res.stdout.trim().split("\n").slice(1, 4);
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row).toContain("no sessions");
      expect(row).not.toMatch(/0\.00%/);
    }
  });

  it("ranks releases by crash-free sessions over a week, flattened as Sentry requires", async () => {
    sandbox.clearRequests();
    const res = await runTool("list-releases", ["--sort", "crash_free_sessions", "--period", "7d", "--limit", "5"], { env: sandbox.env() });
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split("\n");
    expect(lines[0]).toBe("5 releases in acme, by crash-free sessions (crash-free sessions/users over 7d, adoption over 24h):");
    const query = listCalls()[0]!.query;
    expect(query).toMatchObject({ health: "1", flatten: "1", sort: "crash_free_sessions", summaryStatsPeriod: "7d" });
    const { body } = await apiReleases("health=1&flatten=1&sort=crash_free_sessions&summaryStatsPeriod=7d&per_page=5");
    expect(lines.slice(1, 6).map((l) => l.split(/\s+/)[0])).toEqual(body.map((r) => shorten(r.version)));
  });

  it("sorts by sessions and by crash-free users too", async () => {
    for (const sort of ["sessions", "users", "crash_free_users"]) {
      const res = await runTool("list-releases", ["--sort", sort, "--limit", "3", "--json"], { env: sandbox.env() });
      expect(res.code, sort).toBe(0);
      expect(res.json.data).toHaveLength(3);
    }
  });

  it("pages through every release with --cursor and --all", async () => {
    const all = newestFirst();
    const first = await runTool("list-releases", ["--limit", "7", "--json"], { env: sandbox.env() });
    expect(first.json.nextCursor).toBe("0:7:0");
    const second = await runTool("list-releases", ["--limit", "7", "--cursor", first.json.nextCursor, "--ndjson"], { env: sandbox.env() });
    const versions = second.stdout.trim().split("\n").map((l) => JSON.parse(l).version);
    expect(versions).toEqual(all.slice(7, 14));

    const everything = await runTool("list-releases", ["--all", "--json", "--fields", "version"], { env: sandbox.env() });
    expect(everything.json.data.map((r: { version: string }) => r.version)).toEqual(all);
    expect(everything.json.nextCursor).toBeNull();
  });

  it("keeps full versions in JSON and shortens commit hashes only in text", async () => {
    const res = await runTool("list-releases", ["--project", "api-backend", "--limit", "1", "--json"], { env: sandbox.env() });
    const [record] = res.json.data;
    expect(record.version).toMatch(/^[0-9a-f]{40}$/);
    expect(record.shortVersion).toBe(record.version.slice(0, 12));
    const text = await runTool("list-releases", ["--project", "api-backend", "--limit", "1"], { env: sandbox.env() });
    expect(text.stdout).toContain(`\n${record.version.slice(0, 12)} `);
    expect(text.stdout).toContain("Long hashes in versions are shortened; --json shows full versions.");
  });

  it("filters by project, environment and query, and says so when nothing matches", async () => {
    sandbox.clearRequests();
    const res = await runTool("list-releases", ["--project", "web-frontend", "--environment", "production", "--query", "2.13", "--json"], { env: sandbox.env() });
    expect(res.code).toBe(0);
    expect(res.json.data.length).toBeGreaterThan(0);
    for (const r of res.json.data) {
      expect(r.projects).toEqual(["web-frontend"]);
      expect(r.version).toContain("2.13");
    }
    expect(listCalls()[0]!.query).toMatchObject({ project: "web-frontend", environment: "production", query: "2.13" });

    const none = await runTool("list-releases", ["--query", "no-such-version"], { env: sandbox.env() });
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
    const res = await runTool("list-releases", ["--limit", "100"], { env: sandbox.env() });
    const { bytes } = await apiReleases("health=1&summaryStatsPeriod=24h&per_page=100");
    expect(Buffer.byteLength(res.stdout)).toBeLessThan(bytes * LIST_OUTPUT_BUDGET);
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
      const res = await runTool("list-releases", args, { env: sandbox.env() });
      expect(res.code, args.join(" ")).toBe(2);
      expect(res.stderr).toMatch(message);
    }
    expect(sandbox.requests()).toEqual([]);
  });
});
