// create-release against the sandbox: the preview that reads the release and shows the exact requests,
// creating, adding projects, finalizing (once), validation before any request, and the organization token a
// CI job would use.

import { describe, expect, it } from "vitest";
import { runTool } from "./helpers/run.js";
import { useSandbox } from "./helpers/sandbox.js";

const sandbox = useSandbox();

const RELEASES_PATH = "/api/0/organizations/acme/releases/";

function stored(version: string) {
  return sandbox.world.releases.releases.find((r) => r.orgSlug === "acme" && r.version === version);
}

function calls() {
  return sandbox.requests().filter((r) => r.path.startsWith(RELEASES_PATH)).map((r) => `${r.method} ${r.status}`);
}

function writes() {
  return sandbox.requests().filter((r) => r.method !== "GET");
}

describe("create-release", () => {
  it("previews the release it would create with the exact request, reading only, and exits 3", async () => {
    sandbox.clearRequests();
    const res = await runTool("create-release", ["web-frontend@3.0.0", "--project", "web-frontend", "--ref", "v3.0.0", "--finalize"], { env: sandbox.env() });
    expect(res.code).toBe(3);
    const lines = res.stdout.split("\n");
    expect(lines[0]).toBe("Would create release web-frontend@3.0.0 in acme for web-frontend (ref v3.0.0), finalized now.");
    expect(lines[1]).toBe("Would send:");
    expect(lines[2]).toMatch(
      /^ {2}POST \/api\/0\/organizations\/acme\/releases\/ \{"version":"web-frontend@3\.0\.0","projects":\["web-frontend"\],"ref":"v3\.0\.0","dateReleased":"[^"]+"\}$/,
    );
    expect(res.stderr).toContain("preview only, nothing was changed; once the user confirms this exact change, re-run with --yes");
    // The only request: does the version exist (404: no)?
    // The release (404: new), then the releases whose version starts with it (is it a shortened hash?).
    expect(calls()).toEqual(["GET 404", "GET 200"]);
    expect(stored("web-frontend@3.0.0")).toBeUndefined();
  });

  it("previews what --yes would change on an existing release, and says when there is nothing to do (exit 0)", async () => {
    const version = "web-frontend@3.0.1";
    await runTool("create-release", [version, "--project", "web-frontend", "--yes"], { env: sandbox.env() });

    sandbox.clearRequests();
    const preview = await runTool("create-release", [version, "--project", "web-frontend", "--project", "mobile-ios", "--finalize", "--json"], { env: sandbox.env() });
    expect(preview.code).toBe(3);
    expect(preview.json).toMatchObject({ applied: false, changes: 2, outcome: "would add projects", addedProjects: ["mobile-ios"], updated: ["finalized"] });
    const requests = (preview.json as { requests: Array<{ method: string; path: string; body: Record<string, unknown> }> }).requests;
    expect(requests.map((q) => `${q.method} ${q.path}`)).toEqual([`POST ${RELEASES_PATH}`, `PUT ${RELEASES_PATH}web-frontend%403.0.1/`]);
    expect(requests[0]!.body).toEqual({ version, projects: ["mobile-ios"] });
    expect(Object.keys(requests[1]!.body)).toEqual(["dateReleased"]);
    expect(writes()).toEqual([]);

    const text = await runTool("create-release", [version, "--project", "web-frontend", "--finalize"], { env: sandbox.env() });
    expect(text.code).toBe(3);
    expect(text.stdout.split("\n").slice(0, 2)).toEqual([`Release ${version} exists in acme (not finalized); would finalize it (released now).`, "Would send:"]);

    await runTool("create-release", [version, "--project", "web-frontend", "--finalize", "--yes"], { env: sandbox.env() });
    sandbox.clearRequests();
    const nothing = await runTool("create-release", [version, "--project", "web-frontend", "--finalize"], { env: sandbox.env() });
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toBe(`Release ${version} already exists in acme for web-frontend, released just now; nothing to do.\n`);
    expect(calls()).toEqual(["GET 200"]);
  });

  it("creates the release with --yes (201), then reports the same version as already existing, sending nothing", async () => {
    sandbox.clearRequests();
    const version = "web-frontend@3.1.0+build.7";
    const created = await runTool("create-release", [version, "--project", "web-frontend", "--project", "api-backend", "--ref", "v3.1.0", "--yes"], {
      env: sandbox.env(),
    });
    expect(created.code).toBe(0);
    expect(created.stdout.split("\n")[0]).toBe(`Created release ${version} in acme for web-frontend, api-backend (ref v3.1.0), not finalized.`);
    // The next writes in their preview form: the agent reads what they would do before adding --yes.
    expect(created.stdout).toContain(`Next: node dist/set-commits.mjs ${version}, and after deploying: node dist/create-release.mjs ${version} --finalize\n`);
    expect(created.stdout).not.toContain("--yes");
    const [post] = writes();
    expect(post).toMatchObject({ method: "POST", path: RELEASES_PATH, status: 201 });
    expect(post!.body).toEqual({ version, projects: ["web-frontend", "api-backend"], ref: "v3.1.0" });
    const release = stored(version)!;
    expect(release.dateReleased).toBeNull();
    const slugs = release.projectIds.map((id) => sandbox.world.projects.find((p) => p.id === id)!.slug);
    expect(slugs.sort()).toEqual(["api-backend", "web-frontend"]);

    sandbox.clearRequests();
    const again = await runTool("create-release", [version, "--project", "web-frontend", "--yes", "--json"], { env: sandbox.env() });
    expect(again.code).toBe(0);
    expect(again.json).toMatchObject({ applied: false, changes: 0, outcome: "already existed", updated: [], requests: [], dateReleased: null });
    expect(writes()).toEqual([]);
  });

  it("says it added a project to an existing release (201) instead of claiming it created it", async () => {
    const version = "web-frontend@3.3.0";
    await runTool("create-release", [version, "--project", "web-frontend", "--yes"], { env: sandbox.env() });

    sandbox.clearRequests();
    const res = await runTool("create-release", [version, "--project", "api-backend", "--yes"], { env: sandbox.env() });
    expect(res.code).toBe(0);
    expect(res.stdout.split("\n")[0]).toBe(`Release ${version} already existed in acme; added project api-backend, now for web-frontend, api-backend (not finalized).`);
    expect(res.stdout).toContain(`Sent:\n  POST ${RELEASES_PATH} {"version":"${version}","projects":["api-backend"]}`);
    expect(calls()).toEqual(["GET 200", "POST 201"]);

    const again = await runTool("create-release", [version, "--project", "mobile-ios", "--yes", "--json"], { env: sandbox.env() });
    expect(again.json).toMatchObject({ outcome: "added projects", addedProjects: ["mobile-ios"], changes: 1, projects: ["web-frontend", "api-backend", "mobile-ios"] });
  });

  it("with several projects, reads the release first to tell which were added, and finalizes it too", async () => {
    const version = "web-frontend@3.4.0";
    await runTool("create-release", [version, "--project", "web-frontend", "--yes"], { env: sandbox.env() });

    sandbox.clearRequests();
    const res = await runTool("create-release", [version, "--project", "web-frontend", "--project", "mobile-ios", "--finalize", "--yes"], { env: sandbox.env() });
    expect(res.code).toBe(0);
    expect(res.stdout.split("\n")[0]).toBe(
      `Release ${version} already existed in acme; added project mobile-ios, now for web-frontend, mobile-ios; updated: finalized (released just now).`,
    );
    expect(calls()).toEqual(["GET 200", "POST 201", "PUT 200"]);
    expect(stored(version)!.dateReleased).not.toBeNull();

    // A new version with several projects: the GET answers 404, and the release is created.
    sandbox.clearRequests();
    const fresh = await runTool("create-release", ["web-frontend@3.5.0", "--project", "web-frontend", "--project", "mobile-ios", "--yes", "--json"], { env: sandbox.env() });
    expect(fresh.json).toMatchObject({ outcome: "created", addedProjects: [], changes: 1 });
    expect(calls()).toEqual(["GET 404", "GET 200", "POST 201"]);
  });

  it("finalizes an existing release with a PUT, and keeps that date when finalized again", async () => {
    const version = "web-frontend@3.2.0";
    await runTool("create-release", [version, "--project", "web-frontend", "--yes"], { env: sandbox.env() });

    sandbox.clearRequests();
    const finalized = await runTool("create-release", [version, "--project", "web-frontend", "--finalize", "--url", "https://ci.example.com/runs/42", "--yes"], {
      env: sandbox.env(),
    });
    expect(finalized.code).toBe(0);
    expect(finalized.stdout).toMatch(/^Release web-frontend@3\.2\.0 already existed in acme for web-frontend; updated: finalized, url \(released just now\)\.$/m);
    // The release has the project already: only the PUT is sent.
    const [put, ...more] = writes();
    expect(more).toEqual([]);
    expect(put).toMatchObject({ method: "PUT", path: `${RELEASES_PATH}web-frontend%403.2.0/`, status: 200 });
    const body = put!.body as { dateReleased: string; url: string };
    expect(body.url).toBe("https://ci.example.com/runs/42");
    // The tool's clock is the sandbox's (SENTRY_MONITORING_NOW): "now" is that instant, to the millisecond.
    expect(Date.parse(body.dateReleased)).toBe(sandbox.world.now);
    const releasedAt = stored(version)!.dateReleased;
    expect(releasedAt).not.toBeNull();

    sandbox.clearRequests();
    const twice = await runTool("create-release", [version, "--project", "web-frontend", "--finalize", "--yes"], { env: sandbox.env() });
    expect(twice.code).toBe(0);
    expect(twice.stdout).toContain("nothing to do");
    expect(writes()).toEqual([]);
    expect(stored(version)!.dateReleased).toBe(releasedAt);
  });

  it("creates a finalized release in one call with --finalize", async () => {
    sandbox.clearRequests();
    const res = await runTool("create-release", ["api-backend@1.0.0", "--finalize", "--yes"], { env: { ...sandbox.env(), SENTRY_PROJECT: "api-backend" } });
    expect(res.code).toBe(0);
    expect(res.stdout.split("\n")[0]).toBe("Created release api-backend@1.0.0 in acme for api-backend, released just now.");
    const body = writes()[0]!.body as Record<string, unknown>;
    expect(body.projects).toEqual(["api-backend"]);
    expect(typeof body.dateReleased).toBe("string");
  });

  it("checks the version by Sentry's rules and the flags before sending anything", async () => {
    sandbox.clearRequests();
    const cases: Array<[string[], RegExp]> = [
      [["latest", "--project", "web-frontend"], /invalid release version "latest": 'latest' is reserved/],
      [["web/1.0", "--project", "web-frontend"], /cannot contain \/ or \\/],
      [["..", "--project", "web-frontend"], /cannot be \. or \.\./],
      [["x".repeat(201), "--project", "web-frontend"], /longer than 200 characters/],
      [["1.0\tbeta", "--project", "web-frontend"], /newlines or tabs/],
      [["1.0", "--project", "Web Frontend"], /invalid project slug/],
      [["1.0", "--project", "web-frontend", "--url", "ftp://x"], /--url .*expected http or https/],
      [["1.0", "--project", "web-frontend", "--ref", "two words"], /invalid --ref/],
      [["--project", "web-frontend"], /missing <version>/],
    ];
    for (const [args, message] of cases) {
      const res = await runTool("create-release", [...args, "--yes"], { env: sandbox.env() });
      expect(res.code, args.join(" ")).toBe(2);
      expect(res.stderr).toMatch(message);
    }
    expect(sandbox.requests()).toEqual([]);
  });

  it("asks for a project instead of guessing one, and never prints credentials from --url", async () => {
    sandbox.clearRequests();
    const noProject = await runTool("create-release", ["1.0.0", "--yes"], { env: { ...sandbox.env(), SENTRY_PROJECT: undefined } });
    expect(noProject.code).toBe(2);
    expect(noProject.stderr).toContain("hint: add --project SLUG (repeatable), or set SENTRY_PROJECT");

    const withSecret = await runTool("create-release", ["1.0.0", "--url", "https://bot:hunter2secret@ci.example.com/run/1"], { env: sandbox.env() });
    expect(withSecret.code).toBe(2);
    expect(withSecret.stderr).toContain("--url contains credentials: https://ci.example.com/run/1");
    expect(withSecret.stderr).not.toContain("hunter2secret");
    expect(sandbox.requests()).toEqual([]);
  });

  it("explains Sentry's refusal of an unknown project", async () => {
    const res = await runTool("create-release", ["2.0.0", "--project", "no-such-project", "--yes"], { env: sandbox.env() });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("unknown project no-such-project in this organization (Sentry: projects: Invalid project ids or slugs)");
    expect(res.stderr).toContain("hint: check the slug: node dist/list-projects.mjs lists the projects");
  });

  it("works with the organization token (org:ci) a CI job uses", async () => {
    sandbox.clearRequests();
    const res = await runTool("create-release", ["payments@5.0.0", "--project", "payments", "--yes"], { env: sandbox.env("sandbox-ci") });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("Created release payments@5.0.0 in acme for payments");
    const paths = sandbox.requests().map((r) => r.path);
    expect(paths.filter((p) => p === "/api/0/organizations/" || p.includes("/projects/"))).toEqual([]);
    expect(stored("payments@5.0.0")).toBeDefined();
  });

  it("a shortened hash version is named with the release it is the start of: a warning in create-release, an error naming the whole version in set-commits and resolve-issue", async () => {
    const full = sandbox.world.releases.releases.find((r) => r.orgSlug === "acme" && /^[0-9a-f]{40}$/.test(r.version))!.version;
    const short = full.slice(0, 12);
    const create = await runTool("create-release", [short, "--project", "api-backend"], { env: sandbox.env() });
    expect(create.code).toBe(3);
    expect(create.stdout).toContain(`Warning: release ${full} exists and starts with ${short}: if that is the one, use its whole version`);

    const commits = await runTool("set-commits", [short, "--commit", "acme/api-backend@abcdef1"], { env: sandbox.env() });
    expect(commits.code).toBe(5);
    expect(commits.stderr).toBe(
      `set-commits: error: no release "${short}" in acme; it is the start of release ${full}\nhint: use the whole version: node dist/set-commits.mjs ${full}\n`,
    );

    const issue = sandbox.world.issues.issues.find((i) => i.orgSlug === "acme" && i.status === "unresolved")!;
    const resolve = await runTool("resolve-issue", [issue.id, "--in-release", short], { env: sandbox.env() });
    expect(resolve.code).toBe(5);
    expect(resolve.stderr).toContain(`it is the start of release ${full}\nhint: use the whole version: node dist/resolve-issue.mjs `);
    expect(resolve.stderr).toContain(` --in-release ${full}\n`);
  });
});
