// resolve-issue against the sandbox: the preview sends no write and exits 3; --yes sends exactly the
// request the preview showed, one per issue or one bulk request, per project where Sentry requires it.

import { describe, expect, it } from "vitest";
import type { Issue } from "../scripts/sandbox/seed/issues.js";
import { runTool } from "./helpers/run.js";
import { useSandbox } from "./helpers/sandbox.js";

const sandbox = useSandbox();
const used = new Set<string>();

function orgSlug(): string {
  return sandbox.world.orgs[0]!.slug;
}

/** Unresolved issues no other test of this file touched (merge successors are kept for the merge test), from one project. */
function freshIssues(n: number, project?: string): Issue[] {
  const successors = new Set(sandbox.world.issues.redirects.values());
  const candidates = sandbox.world.issues.issues.filter((i) => i.orgSlug === orgSlug() && i.status === "unresolved" && !used.has(i.id) && !successors.has(i.id));
  const inProject = project ?? candidates[0]!.projectId;
  const picked = candidates.filter((i) => i.projectId === inProject).slice(0, n);
  if (picked.length < n) throw new Error("not enough unresolved issues in the sandbox");
  for (const i of picked) used.add(i.id);
  return picked;
}

function writes() {
  return sandbox.requests().filter((r) => r.method !== "GET");
}

describe("resolve-issue", () => {
  it("previews without --yes: reads the issue, prints its status and the exact request, sends no write, exits 3", async () => {
    const [issue] = freshIssues(1);
    sandbox.clearRequests();
    const res = await runTool("resolve-issue", [issue!.shortId], { env: sandbox.env() });
    expect(res.code).toBe(3);
    expect(writes()).toEqual([]);
    const issueCalls = sandbox.requests().filter((r) => r.path.includes("/issues/"));
    expect(issueCalls.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /api/0/organizations/${orgSlug()}/issues/${issue!.shortId}/`]);
    const lines = res.stdout.trim().split("\n");
    expect(lines[0]).toBe("Preview (nothing sent): resolve 1 of 1 issue, to resolved.");
    expect(lines[1]).toMatch(new RegExp(`^${issue!.shortId} {2}unresolved \\(${issue!.substatus}\\) -> resolved {2}`));
    expect(lines).toContain(`  PUT /api/0/organizations/${orgSlug()}/issues/${issue!.id}/ {"status":"resolved","statusDetails":{}}`);
    expect(res.stderr).toMatch(/preview only, nothing was changed; once the user confirms this exact change, re-run with --yes/);
    expect(sandbox.world.issues.byId.get(issue!.id)!.status).toBe("unresolved");
  });

  it("with --yes sends exactly one PUT with the previewed body and prints the new state", async () => {
    const [issue] = freshIssues(1);
    sandbox.clearRequests();
    const res = await runTool("resolve-issue", [issue!.shortId, "--yes"], { env: sandbox.env() });
    expect(res.code).toBe(0);
    expect(writes()).toEqual([
      expect.objectContaining({ method: "PUT", path: `/api/0/organizations/${orgSlug()}/issues/${issue!.id}/`, body: { status: "resolved", statusDetails: {} }, status: 200 }),
    ]);
    expect(res.stdout.split("\n")[0]).toBe("Done: 1 of 1 issue now resolved.");
    expect(sandbox.world.issues.byId.get(issue!.id)!.status).toBe("resolved");
    expect(res.stderr).toBe("");
  });

  it("resolves in a release, in the next release and in a commit with Sentry's statusDetails", async () => {
    const [a, b, c] = freshIssues(3);
    const version = sandbox.world.releaseStubs.find((s) => s.projectIds.includes(a!.projectId))!.version;
    const repo = sandbox.world.repos.find((r) => r.orgSlug === orgSlug())!.name;
    const cases: Array<[Issue, string[], unknown, RegExp]> = [
      [a!, ["--in-release", version], { inRelease: version }, new RegExp(`now resolved in ${version.replace(/[.+]/g, "\\$&")}`)],
      [b!, ["--in-next-release"], { inNextRelease: true }, /now resolved in the next release/],
      [c!, ["--in-commit", `${repo}@1a2b3c4d5e6f`], { inCommit: { commit: "1a2b3c4d5e6f", repository: repo } }, /now resolved in commit 1a2b3c4d5e6f/],
    ];
    for (const [issue, flags, statusDetails, done] of cases) {
      sandbox.clearRequests();
      const res = await runTool("resolve-issue", [issue.id, ...flags, "--yes"], { env: sandbox.env() });
      expect(res.code, flags.join(" ")).toBe(0);
      expect(writes().map((w) => w.body)).toEqual([{ status: "resolved", statusDetails }]);
      expect(res.stdout).toMatch(done);
    }
  });

  it("checks in the preview that the release exists, and exits 5 before any write when it does not", async () => {
    const [issue] = freshIssues(1);
    const project = sandbox.world.projects.find((p) => p.id === issue!.projectId)!;
    for (const yes of [[], ["--yes"]]) {
      sandbox.clearRequests();
      const res = await runTool("resolve-issue", [issue!.shortId, "--in-release", "9.9.9-never-made", ...yes], { env: sandbox.env() });
      expect(res.code, yes.join(" ")).toBe(5);
      expect(writes()).toEqual([]);
      expect(sandbox.requests().map((r) => [r.path, r.status])).toContainEqual([`/api/0/organizations/${orgSlug()}/releases/9.9.9-never-made/`, 404]);
      expect(res.stderr).toContain(`hint: no release "9.9.9-never-made" in ${orgSlug()}: create it first with node dist/create-release.mjs 9.9.9-never-made --project ${project.slug} (preview; then add --yes)`);
    }
    expect(sandbox.world.issues.byId.get(issue!.id)!.status).toBe("unresolved");
  });

  it("refuses a release of another project before any write, since Sentry resolves in the issue's own project", async () => {
    const [issue] = freshIssues(1);
    const project = sandbox.world.projects.find((p) => p.id === issue!.projectId)!;
    const other = sandbox.world.releases.releases.find((r) => r.orgSlug === orgSlug() && !r.projectIds.includes(project.id))!;
    sandbox.clearRequests();
    const res = await runTool("resolve-issue", [issue!.shortId, "--in-release", other.version, "--yes"], { env: sandbox.env() });
    expect(res.code).toBe(5);
    expect(writes()).toEqual([]);
    expect(res.stderr).toContain(`error: release ${other.version} is not a release of 1 project ${project.slug}`);
    expect(res.stderr).toMatch(new RegExp(`hint: add the project to it with node dist/create-release.mjs \\S+ --project ${project.slug} \\(preview; then add --yes\\)`));
  });

  it("resolves in the project's latest release with inRelease \"latest\", as Sentry accepts it", async () => {
    const [issue] = freshIssues(1);
    const newest = sandbox.world.releases.releases
      .filter((r) => r.orgSlug === orgSlug() && r.projectIds.includes(issue!.projectId))
      .sort((a, b) => Date.parse(a.dateReleased ?? a.dateCreated) - Date.parse(b.dateReleased ?? b.dateCreated))
      .at(-1)!;
    const preview = await runTool("resolve-issue", [issue!.shortId, "--in-release", "latest"], { env: sandbox.env() });
    expect(preview.code).toBe(3);
    // The preview names the release it looked up, the one Sentry will pick.
    expect(preview.stdout.split("\n")[0]).toBe(`Preview (nothing sent): resolve 1 of 1 issue, to resolved in the latest release (${newest.version}).`);
    sandbox.clearRequests();
    const res = await runTool("resolve-issue", [issue!.shortId, "--in-release", "latest", "--yes"], { env: sandbox.env() });
    expect(res.code).toBe(0);
    // The check, then the write: Sentry picks the release, and the answer names it.
    expect(sandbox.requests().find((r) => r.path === `/api/0/organizations/${orgSlug()}/releases/`)!.query).toMatchObject({ project: issue!.projectId, per_page: "1" });
    expect(writes().map((w) => w.body)).toEqual([{ status: "resolved", statusDetails: { inRelease: "latest" } }]);
    expect(res.stdout).toContain(`-> resolved in ${newest.version}`);
  });

  it("warns in the preview when the issue was already seen in a later release than the one it is resolved in", async () => {
    const when = (r: { dateReleased: string | null; dateCreated: string }) => Date.parse(r.dateReleased ?? r.dateCreated);
    const releasesOf = (projectId: string) => sandbox.world.releases.releases.filter((r) => r.orgSlug === orgSlug() && r.projectIds.includes(projectId));
    const successors = new Set(sandbox.world.issues.redirects.values());
    const issue = sandbox.world.issues.issues.find((i) => {
      const last = releasesOf(i.projectId).find((r) => r.version === i.lastRelease);
      return i.orgSlug === orgSlug() && i.status === "unresolved" && !used.has(i.id) && !successors.has(i.id) && last !== undefined && releasesOf(i.projectId).some((r) => when(r) < when(last));
    })!;
    used.add(issue.id);
    const last = releasesOf(issue.projectId).find((r) => r.version === issue.lastRelease)!;
    const older = releasesOf(issue.projectId).find((r) => when(r) < when(last))!;
    const res = await runTool("resolve-issue", [issue.shortId, "--in-release", older.version], { env: sandbox.env() });
    expect(res.code).toBe(3);
    expect(res.stdout).toContain(`Warning: ${issue.shortId} was last seen in ${last.version}, a later release than ${older.version}: it will likely regress at its next event there`);
    const json = await runTool("resolve-issue", [issue.shortId, "--in-release", older.version, "--json"], { env: sandbox.env() });
    expect(json.json.warnings).toHaveLength(1);
    // Resolving in the release it was last seen in is no regression risk.
    const same = await runTool("resolve-issue", [issue.shortId, "--in-release", last.version], { env: sandbox.env() });
    expect(same.code).toBe(3);
    expect(same.stdout).not.toContain("Warning:");
  });

  it("explains a 403 for an organization token as list-issues does: the scope, and what such a token can do", async () => {
    const [issue] = freshIssues(1);
    const res = await runTool("resolve-issue", [issue!.shortId], { env: sandbox.env("sandbox-ci") });
    expect(res.code).toBe(4);
    expect(res.stderr).toContain("hint: this call needs a token with scope event:write (an organization token, scope org:ci, can manage releases only)");
  });

  it("gives a 400 from the PUT a hint about what Sentry checks", async () => {
    const [issue] = freshIssues(1);
    sandbox.clearRequests();
    const res = await runTool("resolve-issue", [issue!.shortId, "--in-commit", "acme/not-connected@1a2b3c4d5e6f", "--yes"], { env: sandbox.env() });
    expect(res.code).toBe(2);
    expect(writes().map((w) => w.status)).toEqual([400]);
    expect(res.stderr).toMatch(/Sentry rejected the request \(400\).*Unable to find the given repository/);
    expect(res.stderr).toContain("hint: Sentry needs the repository under the name it shows (Settings > Repositories) and a commit it knows, by its full SHA");
  });

  it("resolves several issues of one project with one bulk request", async () => {
    const issues = freshIssues(3);
    sandbox.clearRequests();
    const res = await runTool("resolve-issue", [...issues.map((i) => i.shortId), "--yes"], { env: sandbox.env() });
    expect(res.code).toBe(0);
    const sent = writes();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.path).toBe(`/api/0/organizations/${orgSlug()}/issues/`);
    expect(sent[0]!.query.id).toEqual(issues.map((i) => i.id));
    expect(sent[0]!.query.project).toBe(issues[0]!.projectId);
    for (const i of issues) expect(sandbox.world.issues.byId.get(i.id)!.status).toBe("resolved");
  });

  it("splits a next-release resolution across projects into one request per project", async () => {
    const projects = [...new Set(sandbox.world.issues.issues.filter((i) => i.orgSlug === orgSlug() && i.status === "unresolved").map((i) => i.projectId))];
    const issues = [...freshIssues(2, projects[0]!), ...freshIssues(1, projects[1]!)];
    sandbox.clearRequests();
    const preview = await runTool("resolve-issue", [...issues.map((i) => i.id), "--in-next-release"], { env: sandbox.env() });
    expect(preview.code).toBe(3);
    expect(preview.stdout.split("\n").filter((l) => l.startsWith("  PUT "))).toHaveLength(2);
    const res = await runTool("resolve-issue", [...issues.map((i) => i.id), "--in-next-release", "--yes"], { env: sandbox.env() });
    expect(res.code).toBe(0);
    const sent = writes();
    expect(sent).toHaveLength(2);
    expect(sent.every((w) => w.status === 200)).toBe(true);
  });

  it("changes nothing for an issue already resolved that way, and exits 0", async () => {
    const resolved = sandbox.world.issues.issues.find((i) => i.orgSlug === orgSlug() && i.status === "resolved" && i.resolution?.kind === "now")!;
    sandbox.clearRequests();
    const res = await runTool("resolve-issue", [resolved.shortId, "--yes"], { env: sandbox.env() });
    expect(res.code).toBe(0);
    expect(writes()).toEqual([]);
    expect(res.stdout.trim()).toBe(`Nothing to change: ${resolved.shortId} is already resolved.`);
  });

  it("acts on the successor of a merged issue", async () => {
    const [ghost, successorId] = [...sandbox.world.issues.redirects].find(([from]) => /^\d+$/.test(from))!;
    const successor = sandbox.world.issues.byId.get(successorId)!;
    const res = await runTool("resolve-issue", [ghost], { env: sandbox.env() });
    expect(res.stdout).toContain(`${successor.shortId}  `);
    expect(res.stdout).toContain(`(${ghost} was merged into it)`);
    expect(res.stdout).toContain(`/issues/${successor.id}/`);
  });

  it("needs event:write: the read-only token gets exit 4 with a hint naming the scope, in the preview already", async () => {
    const [issue] = freshIssues(1);
    const preview = await runTool("resolve-issue", [issue!.shortId], { env: sandbox.env("sandbox-read") });
    expect(preview.code).toBe(4);
    expect(preview.stdout).toBe("");
    const res = await runTool("resolve-issue", [issue!.shortId, "--yes"], { env: sandbox.env("sandbox-read") });
    expect(res.code).toBe(4);
    expect(res.stderr).toMatch(/this token cannot make this change: it has .*event:read.*, and the write needs one of event:write, event:admin/);
    expect(res.stderr).toMatch(/hint: .*event:write/);
    expect(sandbox.world.issues.byId.get(issue!.id)!.status).toBe("unresolved");
  });

  it("exits 5 for an issue that does not exist, before any write", async () => {
    const [issue] = freshIssues(1);
    sandbox.clearRequests();
    const res = await runTool("resolve-issue", [issue!.shortId, "999999999999", "--yes"], { env: sandbox.env() });
    expect(res.code).toBe(5);
    expect(writes()).toEqual([]);
  });

  it("rejects conflicting or malformed flags before sending anything", async () => {
    sandbox.clearRequests();
    const cases: Array<[string[], RegExp]> = [
      [["WEB-1", "--in-next-release", "--in-release", "1.0"], /choose one of --in-release, --in-next-release/],
      [["WEB-1", "--in-release", "a/b"], /invalid release version/],
      [["WEB-1", "--in-commit", "nosha"], /invalid --in-commit/],
      [["WEB-1", "--in-commit", "acme/web@xyz"], /invalid --in-commit/],
      // The release tools' REPO@SHA rules, where a range names no single commit to resolve in.
      [["WEB-1", "--in-commit", "acme/web@1a2b3c4..5d6e7f8"], /invalid --in-commit "acme\/web@1a2b3c4..5d6e7f8": use REPO@SHA/],
      [["WEB-1", "--in-commit", "acme web@1a2b3c4"], /invalid --in-commit/],
      [["WEB-1", "--in-release", "Latest/"], /invalid release version/],
      [[], /missing <issue>/],
    ];
    for (const [args, message] of cases) {
      const res = await runTool("resolve-issue", args, { env: sandbox.env() });
      expect(res.code, args.join(" ")).toBe(2);
      expect(res.stderr).toMatch(message);
    }
    expect(sandbox.requests()).toEqual([]);
  });
});
