// The sandbox's releases: seeded release trains with commits, deploys and session health, and the release
// endpoints answering as Sentry does (health=1, flatten for session sorts, 201/208, refs and commits, deploys).

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startSandbox } from "../scripts/sandbox/server.js";
import { seedCore } from "../scripts/sandbox/seed/core.js";
import { seedReleases, type ReleasesWorld } from "../scripts/sandbox/seed/releases.js";
import type { World } from "../scripts/sandbox/types.js";
import { TEST_NOW, useSandbox } from "./helpers/sandbox.js";

const sandbox = useSandbox({ now: TEST_NOW });

type Json = Record<string, any>;

async function api(method: string, path: string, body?: unknown, token = "sandbox"): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${sandbox.url}/api/0${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

const releasePath = (version: string, suffix = ""): string => `/organizations/acme/releases/${encodeURIComponent(version)}/${suffix}`;

async function allReleases(query: string): Promise<Json[]> {
  const { body } = await api("GET", `/organizations/acme/releases/?per_page=100&${query}`);
  return body as Json[];
}

describe("sandbox releases › the seeded release trains", () => {
  it("gives every active project at least ten releases, newest first, with parsed versions", async () => {
    for (const project of ["web-frontend", "api-backend", "mobile-ios", "payments"]) {
      const releases = await allReleases(`project=${project}&status=open`);
      expect(releases.length, project).toBeGreaterThanOrEqual(10);
      const created = releases.map((r) => Date.parse(r.dateCreated));
      expect(created).toEqual([...created].sort((a, b) => b - a));
    }
    const [mobile] = await allReleases("project=mobile-ios");
    expect(mobile!.versionInfo).toMatchObject({ package: "com.acme.shop", version: { buildCode: expect.stringMatching(/^\d+$/) } });
    expect(mobile!.versionInfo.description).toMatch(/^\d+\.\d+\.\d+ \(\d+\)$/);
    const [sha] = await allReleases("project=api-backend");
    expect(sha!.version).toMatch(/^[0-9a-f]{40}$/);
    expect(sha!.versionInfo).toEqual({ package: null, version: { raw: sha!.version }, description: sha!.version.slice(0, 12), buildHash: sha!.version });
  });

  it("ties commits with real-looking authors and file changes to most releases, in the org's repositories", async () => {
    const releases = await allReleases("project=web-frontend");
    const withCommits = releases.filter((r) => r.commitCount > 0);
    expect(withCommits.length).toBeGreaterThan(releases.length / 2);
    const release = withCommits[0]!;
    expect(release.lastCommit.id).toMatch(/^[0-9a-f]{40}$/);
    expect(release.lastCommit.repository.name).toBe("acme/web-frontend");
    expect(release.authors.length).toBeGreaterThan(0);
    const { body: commits } = await api("GET", releasePath(release.version, "commits/"));
    expect(commits).toHaveLength(release.commitCount);
    expect(commits[0].id).toBe(release.lastCommit.id);
    for (const commit of commits as Json[]) {
      expect(commit.message.length).toBeGreaterThan(5);
      expect(commit.releases.map((r: Json) => r.version)).toContain(release.version);
    }
    // Authors who are org members come back as Sentry users, the others as {name, email}.
    const members = new Set(sandbox.world.members.map((m) => m.email));
    for (const author of release.authors as Json[]) {
      if (members.has(author.email)) expect(author).toHaveProperty("username");
      else expect(Object.keys(author).sort()).toEqual(["email", "name"]);
    }
  });

  it("reports deploys to staging before production, and none for a release nobody deployed yet", async () => {
    const releases = await allReleases("project=web-frontend");
    const finalized = releases.filter((r) => r.dateReleased !== null && r.deployCount === 2);
    expect(finalized.length).toBeGreaterThan(3);
    const { body: deploys } = await api("GET", releasePath(finalized[0]!.version, "deploys/"));
    expect(deploys.map((d: Json) => d.environment)).toEqual(["production", "staging"]);
    expect(finalized[0]!.lastDeploy.environment).toBe("production");
    const unreleased = releases.filter((r) => r.dateReleased === null);
    expect(unreleased.length).toBeGreaterThanOrEqual(1);
    expect(unreleased.every((r) => r.lastDeploy === null || r.lastDeploy.environment !== "production")).toBe(true);
  });
});

describe("sandbox releases › release health", () => {
  it("only adds health data when health is the string 1, as Sentry checks it", async () => {
    const [withTrue] = await allReleases("project=web-frontend&health=true");
    expect(withTrue!.projects[0]).not.toHaveProperty("healthData");
    expect(withTrue!.projects[0]).toHaveProperty("hasHealthData");
    const [withOne] = await allReleases("project=web-frontend&health=1");
    expect(withOne!.projects[0].healthData).toMatchObject({ hasHealthData: expect.any(Boolean), stats: { "24h": expect.any(Array) } });
    expect(withOne!.projects[0].healthData.stats["24h"]).toHaveLength(24);
  });

  it("shows mostly 97–99.9 % crash-free sessions, one bad mobile release near 90 %, and adoption adding up", async () => {
    const releases = await allReleases("project=mobile-ios&health=1&summaryStatsPeriod=30d");
    const health = releases.map((r) => r.projects[0].healthData).filter((h) => h.crashFreeSessions !== null);
    expect(health.length).toBeGreaterThan(5);
    const bad = health.filter((h) => h.crashFreeSessions < 95);
    expect(bad).toHaveLength(1);
    expect(bad[0].crashFreeSessions).toBeGreaterThan(89);
    expect(bad[0].crashFreeSessions).toBeLessThan(92);
    for (const h of health.filter((x) => x.crashFreeSessions >= 95)) {
      expect(h.crashFreeSessions).toBeGreaterThanOrEqual(96.9);
      expect(h.crashFreeSessions).toBeLessThanOrEqual(99.95);
      // Heavy users crash more often: fewer users than sessions are crash-free.
      expect(h.crashFreeUsers).toBeLessThanOrEqual(h.crashFreeSessions);
    }
    const adoption = health.reduce((sum, h) => sum + (h.adoption ?? 0), 0);
    expect(adoption).toBeGreaterThan(97);
    expect(adoption).toBeLessThan(103);
  });

  it("keeps the 24-hour numbers inside the 14-day ones, and the hourly stats adding up to the 24-hour total", async () => {
    const releases = await allReleases("project=web-frontend&project=mobile-ios&health=1&healthStatsPeriod=24h&summaryStatsPeriod=14d");
    let checked = 0;
    for (const release of releases) {
      const h = release.projects[0].healthData;
      if (!h.hasHealthData) continue;
      expect(h.totalSessions24h).toBeLessThanOrEqual(h.totalSessions);
      expect(h.totalUsers24h).toBeLessThanOrEqual(h.totalUsers);
      const buckets = (h.stats["24h"] as Array<[number, number]>).map(([, n]) => n);
      const hourly = buckets.reduce((sum, n) => sum + n, 0);
      // Buckets are whole clock hours (the last one running), the total the last 24 hours: one hour's edge apart,
      // plus half a session of rounding per bucket.
      expect(Math.abs(hourly - h.totalSessions24h)).toBeLessThanOrEqual(Math.max(...buckets) * 1.2 + buckets.length / 2);
      checked++;
    }
    expect(checked).toBeGreaterThan(5);
  });

  it("says projects without sessions have no health data instead of showing zeros", async () => {
    const [release] = await allReleases("project=api-backend&health=1");
    expect(release!.projects[0].hasHealthData).toBe(false);
    expect(release!.projects[0].healthData).toMatchObject({ hasHealthData: false, crashFreeSessions: null, crashFreeUsers: null, adoption: null });
  });

  it("refuses session sorts without flatten=1 and flattens to one row per release and project with it", async () => {
    const refused = await api("GET", "/organizations/acme/releases/?sort=crash_free_sessions");
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ detail: "sorting by crash statistics requires flattening (flatten=1)" });

    const rows = await allReleases("sort=crash_free_sessions&flatten=1&health=1&project=mobile-ios&project=web-frontend");
    expect(rows.every((r) => r.projects.length === 1)).toBe(true);
    const rates = rows.map((r) => r.projects[0].healthData.crashFreeSessions);
    const firstNull = rates.indexOf(null);
    const ranked = (firstNull < 0 ? rates : rates.slice(0, firstNull)) as number[];
    expect(ranked.length).toBeGreaterThan(5);
    // Sentry ranks by crash rate, highest first: the least crash-free row leads (release_health/metrics.py).
    expect(ranked).toEqual([...ranked].sort((a, b) => a - b));
    // Releases without sessions in the window follow, newest first.
    if (firstNull >= 0) expect(rates.slice(firstNull).every((r) => r === null)).toBe(true);
  });

  it("answers 400 with Sentry's wording for an unknown sort or stats period", async () => {
    expect((await api("GET", "/organizations/acme/releases/?sort=popularity")).body).toEqual({ detail: "invalid sort" });
    const period = await api("GET", "/organizations/acme/releases/?health=1&healthStatsPeriod=5d");
    expect(period.status).toBe(400);
    expect(period.body.detail).toMatch(/^Invalid healthStatsPeriod\. Valid choices are '1h', '24h'/);
  });

  it("names adoption stages when asked: the current version adopted, older ones replaced", async () => {
    const releases = await allReleases("project=mobile-ios&adoptionStages=1");
    const stages = releases.map((r) => r.adoptionStages["mobile-ios"].stage);
    expect(stages).toContain("adopted");
    expect(stages).toContain("replaced");
    expect(stages[0]).toBe("low_adoption");
  });
});

describe("sandbox releases › filtering and paging", () => {
  it("pages through releases with Link cursors and X-Hits", async () => {
    const first = await api("GET", "/organizations/acme/releases/?per_page=5");
    expect(first.body).toHaveLength(5);
    const hits = Number(first.headers.get("x-hits"));
    expect(hits).toBeGreaterThan(40);
    const next = /<([^>]+)>; rel="next"; results="true"/.exec(first.headers.get("link")!)![1]!;
    const second = await fetch(next, { headers: { Authorization: "Bearer sandbox" } });
    const page2 = (await second.json()) as Json[];
    expect(page2).toHaveLength(5);
    expect(page2.map((r) => r.version)).not.toContain(first.body[0].version);
  });

  it("filters by free text, release:, finalized: and package as Sentry's release search does", async () => {
    const text = await allReleases("query=web-frontend@2.1");
    expect(text.length).toBeGreaterThan(0);
    expect(text.every((r) => r.version.includes("web-frontend@2.1"))).toBe(true);
    const prefix = await allReleases(`query=${encodeURIComponent("release:com.acme.shop@4.*")}`);
    expect(prefix.length).toBeGreaterThan(0);
    expect(prefix.every((r) => r.version.startsWith("com.acme.shop@4."))).toBe(true);
    expect(await allReleases(`query=${encodeURIComponent("release:COM.ACME.SHOP@4.*")}`), "versions keep their case").toEqual([]);
    const unreleased = await allReleases("query=finalized:false");
    expect(unreleased.length).toBeGreaterThan(0);
    expect(unreleased.every((r) => r.dateReleased === null)).toBe(true);
    const pkg = await allReleases("query=release.package:web-frontend");
    expect(pkg.every((r) => r.versionInfo.package === "web-frontend")).toBe(true);
    expect((await api("GET", "/organizations/acme/releases/?query=colour:blue")).status).toBe(400);
  });

  it("filters by project slug or ID and refuses an unknown project with 403", async () => {
    const mobile = sandbox.world.projects.find((p) => p.slug === "mobile-ios")!;
    const bySlug = await allReleases("project=mobile-ios");
    const byId = await allReleases(`project=${mobile.id}`);
    expect(byId.map((r) => r.version)).toEqual(bySlug.map((r) => r.version));
    expect((await api("GET", "/organizations/acme/releases/?project=nope")).status).toBe(403);
  });

  it("filters by environment and shows archived releases only when asked", async () => {
    const testflight = await allReleases("environment=testflight");
    expect(testflight.length).toBeGreaterThan(0);
    expect(testflight.every((r) => r.projects.some((p: Json) => p.slug === "mobile-ios"))).toBe(true);
    const archived = await allReleases("status=archived");
    expect(archived.length).toBeGreaterThan(0);
    expect(archived.every((r) => r.status === "archived")).toBe(true);
    const open = await allReleases("status=open");
    expect(open.map((r) => r.version)).not.toContain(archived[0]!.version);
  });

  it("serves one project's releases and release details on the project-scoped paths sentry-cli uses", async () => {
    const { body: scoped } = await api("GET", "/projects/acme/mobile-ios/releases/?per_page=100");
    const orgWide = await allReleases("project=mobile-ios");
    expect(scoped.map((r: Json) => r.version)).toEqual(orgWide.map((r) => r.version));
    const detail = await api("GET", `/projects/acme/mobile-ios/releases/${encodeURIComponent(orgWide[0]!.version)}/`);
    expect(detail.body.version).toBe(orgWide[0]!.version);
    const [web] = await allReleases("project=web-frontend");
    expect((await api("GET", `/projects/acme/mobile-ios/releases/${encodeURIComponent(web!.version)}/`)).status).toBe(404);
  });

  it("counts new issues per release from the issues first seen in it", async () => {
    const releases = await allReleases("");
    const total = releases.reduce((sum, r) => sum + r.newGroups, 0);
    const issuesWithRelease = sandbox.world.issues.issues.filter(
      (i) => i.orgSlug === "acme" && i.firstRelease !== null && releases.some((r) => r.version === i.firstRelease),
    );
    expect(total).toBe(issuesWithRelease.length);
  });
});

describe("sandbox releases › creating and updating", () => {
  it("creates a release (201), answers 208 when it already exists, and 201 again when a project is added", async () => {
    const created = await api("POST", "/organizations/acme/releases/", { version: "web-frontend@3.0.0", projects: ["web-frontend"] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ version: "web-frontend@3.0.0", dateReleased: null, commitCount: 0, newGroups: 0 });
    const again = await api("POST", "/organizations/acme/releases/", { version: "web-frontend@3.0.0", projects: ["web-frontend"] });
    expect(again.status).toBe(208);
    const wider = await api("POST", "/organizations/acme/releases/", { version: "web-frontend@3.0.0", projects: ["web-frontend", "api-backend"] });
    expect(wider.status).toBe(201);
    expect(wider.body.projects.map((p: Json) => p.slug).sort()).toEqual(["api-backend", "web-frontend"]);
  });

  it("validates versions and projects with Sentry's messages", async () => {
    for (const version of ["latest", "..", "feature/login", "line\nbreak", " "]) {
      const res = await api("POST", "/organizations/acme/releases/", { version, projects: ["web-frontend"] });
      expect(res.status, JSON.stringify(version)).toBe(400);
      expect(res.body).toEqual({ version: [`Release with name ${version} is not allowed`] });
    }
    const tooLong = await api("POST", "/organizations/acme/releases/", { version: "v".repeat(201), projects: ["web-frontend"] });
    expect(tooLong.body).toEqual({ version: ["Ensure this field has no more than 200 characters."] });
    const noProjects = await api("POST", "/organizations/acme/releases/", { version: "ok-1" });
    expect(noProjects.body).toEqual({ projects: ["This field is required."] });
    const unknown = await api("POST", "/organizations/acme/releases/", { version: "ok-1", projects: ["nope"] });
    expect(unknown).toMatchObject({ status: 400, body: { projects: ["Invalid project ids or slugs"] } });
  });

  it("accepts a project ID as a JSON number but not as a string, like Sentry's lookup", async () => {
    const payments = sandbox.world.projects.find((p) => p.slug === "payments")!;
    const asNumber = await api("POST", "/organizations/acme/releases/", { version: "id-as-number", projects: [Number(payments.id)] });
    expect(asNumber.status).toBe(201);
    const asString = await api("POST", "/organizations/acme/releases/", { version: "id-as-string", projects: [payments.id] });
    expect(asString.status).toBe(400);
  });

  it("lets the organization token create releases and refuses the read-only token", async () => {
    const ci = await api("POST", "/organizations/acme/releases/", { version: "ci-made-1", projects: ["payments"] }, "sandbox-ci");
    expect(ci.status).toBe(201);
    const read = await api("POST", "/organizations/acme/releases/", { version: "read-made-1", projects: ["payments"] }, "sandbox-read");
    expect(read).toMatchObject({ status: 403, body: { detail: "You do not have permission to perform this action." } });
    expect((await api("GET", "/organizations/acme/releases/?per_page=1", undefined, "sandbox-read")).status).toBe(200);
  });

  it("finds a release whose version holds @ and + when the path encodes them, and 404s an unknown one", async () => {
    const [mobile] = await allReleases("project=mobile-ios");
    expect(mobile!.version).toMatch(/@.*\+/);
    const found = await api("GET", releasePath(mobile!.version));
    expect(found.status).toBe(200);
    expect(found.body.version).toBe(mobile!.version);
    expect((await api("GET", releasePath("no-such@1.0.0"))).status).toBe(404);
  });

  it("records refs: an unknown repository is refused, a range gives the head commit, refs: [] clears", async () => {
    await api("POST", "/organizations/acme/releases/", { version: "refs-story-1", projects: ["web-frontend"] });
    const unknown = await api("PUT", releasePath("refs-story-1"), { refs: [{ repository: "acme/nope", commit: "a".repeat(40) }] });
    expect(unknown).toMatchObject({ status: 400, body: { refs: ["Invalid repository names: acme/nope"] } });

    const head = "b".repeat(40);
    const range = await api("PUT", releasePath("refs-story-1"), { refs: [{ repository: "acme/web-frontend", commit: `${"c".repeat(40)}..${head}` }] });
    expect(range.status).toBe(200);
    expect(range.body.commitCount).toBe(1);
    expect(range.body.lastCommit).toMatchObject({ id: head, repository: { name: "acme/web-frontend" } });

    const cleared = await api("PUT", releasePath("refs-story-1"), { refs: [] });
    expect(cleared.body).toMatchObject({ commitCount: 0, lastCommit: null });
  });

  it("stores raw commits with authors and patch sets, and refuses a bad patch type", async () => {
    await api("POST", "/organizations/acme/releases/", { version: "commits-story-1", projects: ["payments"] });
    const bad = await api("PUT", releasePath("commits-story-1"), { commits: [{ id: "abc", patch_set: [{ path: "x", type: "R" }] }] });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ commits: { "0": { patch_set: { "0": { type: ["Commit patch_set type R is not supported."] } } } } });

    const res = await api("PUT", releasePath("commits-story-1"), {
      commits: [
        {
          id: "d".repeat(40),
          repository: "acme/payments-service",
          message: "fix(capture): retry once on gateway timeout",
          author_name: "Amara Okafor",
          author_email: "amara.okafor@acme.example",
          timestamp: "2026-03-15T09:30:00Z",
          patch_set: [
            { path: "src/services/capture.ts", type: "M" },
            { path: "src/services/legacy.ts", type: "D" },
          ],
        },
        { id: "e".repeat(40), repository: "acme/payments-service", message: "chore: tidy", author_name: "Visitor", author_email: "visitor@elsewhere.example" },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.commitCount).toBe(2);
    expect(res.body.lastCommit.id).toBe("d".repeat(40));
    expect(res.body.authors).toHaveLength(2);
    expect(res.body.authors[0]).toMatchObject({ email: "amara.okafor@acme.example", username: "amara.okafor" });
    expect(res.body.authors[1]).toEqual({ name: "Visitor", email: "visitor@elsewhere.example" });
  });

  it("finalizes with dateReleased and never un-finalizes with null", async () => {
    await api("POST", "/organizations/acme/releases/", { version: "finalize-story-1", projects: ["payments"] });
    const finalized = await api("PUT", releasePath("finalize-story-1"), { dateReleased: "2026-03-15T11:00:00Z" });
    expect(finalized.body.dateReleased).toBe("2026-03-15T11:00:00.000Z");
    const nulled = await api("PUT", releasePath("finalize-story-1"), { dateReleased: null });
    expect(nulled.body.dateReleased).toBe("2026-03-15T11:00:00.000Z");
    expect((await api("PUT", releasePath("no-such-release"), { dateReleased: null })).status).toBe(404);
  });

  it("finds the previous release with commits, or {} for a project that never had any", async () => {
    const releases = await allReleases("project=web-frontend");
    const dateOf = (r: Json): number => Date.parse(r.dateReleased ?? r.dateCreated);
    const target = releases[0]!;
    const expected = releases
      .filter((r) => r.commitCount > 0 && dateOf(r) <= dateOf(target))
      .sort((a, b) => dateOf(b) - dateOf(a))[0]!;
    const { body } = await api("GET", releasePath(target.version, "previous-with-commits/"));
    expect(body.version).toBe(expected.version);
    expect(body.lastCommit.id).toBe(expected.lastCommit.id);

    await api("POST", "/organizations/acme/releases/", { version: "legacy-first", projects: ["legacy-php"] });
    expect((await api("GET", releasePath("legacy-first", "previous-with-commits/"))).body).toEqual({});
  });

  it("creates deploys that become the release's last deploy", async () => {
    await api("POST", "/organizations/acme/releases/", { version: "deploy-story-1", projects: ["web-frontend"] });
    const missing = await api("POST", releasePath("deploy-story-1", "deploys/"), { name: "x" });
    expect(missing.body).toEqual({ environment: ["This field is required."] });
    const deploy = await api("POST", releasePath("deploy-story-1", "deploys/"), { environment: "staging", name: "staging #1", url: "https://ci.acme.example/runs/1" });
    expect(deploy.status).toBe(201);
    expect(deploy.body).toMatchObject({ environment: "staging", name: "staging #1", dateFinished: expect.any(String) });
    const { body } = await api("GET", releasePath("deploy-story-1"));
    expect(body).toMatchObject({ deployCount: 1, lastDeploy: { id: deploy.body.id, environment: "staging" } });
  });
});

describe("sandbox releases › determinism and state", () => {
  /** Releases are seeded right after the core (world.ts), so the later categories are not needed here. */
  function seededReleases(seed: number): ReleasesWorld {
    const core = seedCore(seed, TEST_NOW, false);
    return seedReleases({ seed, now: TEST_NOW, options: {}, ...core } as unknown as World);
  }

  it("seeds the same releases, commits and health for the same seed and clock", () => {
    const a = seededReleases(7);
    const b = seededReleases(7);
    expect(b.releases).toEqual(a.releases);
    expect([...b.health.keys()]).toEqual([...a.health.keys()]);
    expect(b.health.get([...a.health.keys()][0]!)!.sessions).toEqual(a.health.get([...a.health.keys()][0]!)!.sessions);
    const c = seededReleases(8);
    expect(c.releases.map((r) => r.commits[0]?.id)).not.toEqual(a.releases.map((r) => r.commits[0]?.id));
  });

  const dir = mkdtempSync(join(tmpdir(), "sandbox-releases-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps created releases, their commits and deploys across a restart on the same --state file", async () => {
    const stateFile = join(dir, "state.json");
    const first = await startSandbox({ port: 0, now: TEST_NOW, stateFile });
    const call = (base: string, method: string, path: string, body?: unknown) =>
      fetch(`${base}/api/0${path}`, { method, headers: { Authorization: "Bearer sandbox", "Content-Type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    try {
      await call(first.url, "POST", "/organizations/acme/releases/", { version: "persisted@1.0.0", projects: ["payments"] });
      await call(first.url, "PUT", releasePath("persisted@1.0.0"), {
        commits: [{ id: "f".repeat(40), repository: "acme/payments-service", message: "feat: persist" }],
      });
      await call(first.url, "POST", releasePath("persisted@1.0.0", "deploys/"), { environment: "production", name: "prod #1" });
    } finally {
      await first.close();
    }
    const second = await startSandbox({ port: 0, now: TEST_NOW, stateFile });
    try {
      const res = await call(second.url, "GET", releasePath("persisted@1.0.0"));
      const body = (await res.json()) as Json;
      expect(body).toMatchObject({ version: "persisted@1.0.0", commitCount: 1, deployCount: 1, lastCommit: { id: "f".repeat(40) } });
    } finally {
      await second.close();
    }
  });
});
