// set-commits against the sandbox with real temporary git repositories (renamed and deleted files, https
// remotes with credentials, ssh remotes): the exact refs and commits each mode sends, the auto → local
// fallback, the previous release's commit (present, missing, --ignore-missing), previews, and org tokens.

import { execFileSync } from "node:child_process";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { runTool, tempDir } from "./helpers/run.js";
import { useSandbox, type SandboxHandle } from "./helpers/sandbox.js";

/** A token-looking secret inside a remote URL: it must never be sent or printed. */
const REMOTE_SECRET = "ghp_RemoteSecret0123456789abcdef";
const HTTPS_REMOTE_WITH_TOKEN = `https://ci-bot:${REMOTE_SECRET}@github.com/Acme/Web-Frontend.git`;

const AUTHORS = {
  ada: { name: "Ada Lovelace", email: "ada@example.com" },
  grace: { name: "Grace Hopper", email: "grace@example.com" },
};

interface CommitSpec {
  message: string;
  author: { name: string; email: string };
  /** Strict ISO 8601 with offset, as git's %aI prints it back. */
  date: string;
  /** Files to write (path → content), move ([from, to]) and delete. */
  write?: Record<string, string>;
  move?: Array<[string, string]>;
  remove?: string[];
}

/** A git repository in a temporary directory, driven with the git CLI and no global configuration. */
class TestRepo {
  readonly dir = tempDir("sm-git-");

  constructor() {
    this.git("init", "--quiet");
  }

  git(...args: string[]): string {
    // -c user.*: a clean CI machine has no git identity; the GIT_* variables fix author, committer and dates.
    return execFileSync("git", ["-c", "user.name=Test Runner", "-c", "user.email=runner@example.com", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", ...args], {
      cwd: this.dir,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", HOME: this.dir, GIT_CONFIG_NOSYSTEM: "1", ...this.identity },
    }).trim();
  }

  private identity: Record<string, string> = {};

  commit(spec: CommitSpec): string {
    for (const [path, content] of Object.entries(spec.write ?? {})) {
      mkdirSync(dirname(join(this.dir, path)), { recursive: true });
      writeFileSync(join(this.dir, path), content);
    }
    for (const [from, to] of spec.move ?? []) {
      mkdirSync(dirname(join(this.dir, to)), { recursive: true });
      renameSync(join(this.dir, from), join(this.dir, to));
    }
    for (const path of spec.remove ?? []) rmSync(join(this.dir, path));
    this.git("add", "--all");
    this.identity = {
      GIT_AUTHOR_NAME: spec.author.name,
      GIT_AUTHOR_EMAIL: spec.author.email,
      GIT_AUTHOR_DATE: spec.date,
      GIT_COMMITTER_NAME: spec.author.name,
      GIT_COMMITTER_EMAIL: spec.author.email,
      GIT_COMMITTER_DATE: spec.date,
    };
    try {
      this.git("commit", "--quiet", "-m", spec.message);
    } finally {
      this.identity = {};
    }
    return this.git("rev-parse", "HEAD");
  }

  remote(name: string, url: string): this {
    this.git("remote", "add", name, url);
    return this;
  }
}

/** Three commits: files added, then a rename with a modification, then a deletion and a path with a space. */
function checkoutRepo(): { repo: TestRepo; shas: string[] } {
  const repo = new TestRepo();
  const shas = [
    repo.commit({
      message: "Add the checkout page",
      author: AUTHORS.ada,
      date: "2026-03-01T09:00:00+01:00",
      write: { "src/checkout.ts": "export const total = 0;\n", "src/cart.ts": "export const cart = [];\n", "README.md": "# shop\n" },
    }),
    repo.commit({
      message: "Rename the cart to basket\n\nThe product team calls it a basket.",
      author: AUTHORS.grace,
      date: "2026-03-02T14:30:00-05:00",
      move: [["src/cart.ts", "src/basket.ts"]],
      write: { "src/checkout.ts": "export const total = 42;\n" },
    }),
    repo.commit({
      message: "Move the readme into docs",
      author: AUTHORS.ada,
      date: "2026-03-03T08:15:00+00:00",
      remove: ["README.md"],
      write: { "docs/read me.md": "# shop\n" },
    }),
  ];
  return { repo, shas };
}

/** What Sentry should receive for checkoutRepo's commits, newest first, named as the given repository. */
function expectedCommits(shas: string[], repository: string) {
  return [
    {
      id: shas[2],
      repository,
      message: "Move the readme into docs",
      author_name: "Ada Lovelace",
      author_email: "ada@example.com",
      timestamp: "2026-03-03T08:15:00+00:00",
      patch_set: [
        { path: "README.md", type: "D" },
        { path: "docs/read me.md", type: "A" },
      ],
    },
    {
      id: shas[1],
      repository,
      message: "Rename the cart to basket\n\nThe product team calls it a basket.",
      author_name: "Grace Hopper",
      author_email: "grace@example.com",
      timestamp: "2026-03-02T14:30:00-05:00",
      // A rename is sent as the old path deleted and the new one added (Sentry accepts only A, M and D).
      patch_set: [
        { path: "src/basket.ts", type: "A" },
        { path: "src/cart.ts", type: "D" },
        { path: "src/checkout.ts", type: "M" },
      ],
    },
    {
      id: shas[0],
      repository,
      message: "Add the checkout page",
      author_name: "Ada Lovelace",
      author_email: "ada@example.com",
      timestamp: "2026-03-01T09:00:00+01:00",
      patch_set: [
        { path: "README.md", type: "A" },
        { path: "src/cart.ts", type: "A" },
        { path: "src/checkout.ts", type: "A" },
      ],
    },
  ];
}

async function createRelease(sandbox: SandboxHandle, version: string, projects: string[]): Promise<void> {
  const res = await fetch(`${sandbox.url}/api/0/organizations/acme/releases/`, {
    method: "POST",
    headers: { Authorization: "Bearer sandbox", "Content-Type": "application/json" },
    body: JSON.stringify({ version, projects }),
  });
  expect(res.status).toBe(201);
}

function releasePath(version: string): string {
  return `/api/0/organizations/acme/releases/${encodeURIComponent(version)}/`;
}

function puts(sandbox: SandboxHandle) {
  return sandbox.requests().filter((r) => r.method !== "GET");
}

function storedCommits(sandbox: SandboxHandle, version: string) {
  return sandbox.world.releases.releases.find((r) => r.orgSlug === "acme" && r.version === version)!.commits;
}

describe("set-commits", () => {
  const sandbox = useSandbox();

  it("--auto matches an https remote with credentials to the organization's repository and sends HEAD", async () => {
    const { repo, shas } = checkoutRepo();
    repo.remote("origin", HTTPS_REMOTE_WITH_TOKEN).remote("fork", "git@gitlab.example.com:someone/fork.git");
    await createRelease(sandbox, "web-frontend@4.0.0", ["web-frontend"]);
    sandbox.clearRequests();

    const res = await runTool("set-commits", ["web-frontend@4.0.0", "--auto", "--path", repo.dir, "--yes"], { env: sandbox.env() });
    expect(res.code).toBe(0);
    expect(res.stdout.split("\n")[0]).toBe(`Set release web-frontend@4.0.0 in acme to acme/web-frontend at HEAD ${shas[2]!.slice(0, 12)} (auto: remote origin matches).`);
    const [put] = puts(sandbox);
    expect(put).toMatchObject({ method: "PUT", path: releasePath("web-frontend@4.0.0"), status: 200 });
    expect(put!.body).toEqual({ refs: [{ repository: "acme/web-frontend", commit: shas[2] }] });
    expect(res.stdout).toContain("Release web-frontend@4.0.0 now has 1 commit in Sentry (the integration fetches the range in the background; the count may still grow).");
    expect(res.stdout).toContain(`Sent:\n  PUT /api/0/organizations/acme/releases/web-frontend%404.0.0/ {"refs":[{"repository":"acme/web-frontend","commit":"${shas[2]}"}]}`);
    expect(sandbox.requests().map((r) => r.path)).toContain("/api/0/organizations/acme/repos/");

    const everything = JSON.stringify(sandbox.requests()) + res.stdout + res.stderr;
    expect(everything).not.toContain(REMOTE_SECRET);
    expect(everything).not.toContain("ci-bot");
  });

  it("--auto sends nothing when HEAD already is the release's last commit (a CI re-run)", async () => {
    const { repo, shas } = checkoutRepo();
    repo.remote("origin", "https://github.com/acme/web-frontend.git");
    await createRelease(sandbox, "web-frontend@4.0.5", ["web-frontend"]);
    const first = await runTool("set-commits", ["web-frontend@4.0.5", "--auto", "--path", repo.dir, "--yes"], { env: sandbox.env() });
    expect(first.code, first.stderr).toBe(0);
    sandbox.clearRequests();

    const again = await runTool("set-commits", ["web-frontend@4.0.5", "--auto", "--path", repo.dir, "--yes"], { env: sandbox.env() });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout.trim()).toBe(`Nothing to send to release web-frontend@4.0.5: it already has the commits up to HEAD ${shas[2]!.slice(0, 12)}.`);
    expect(puts(sandbox)).toEqual([]);
  });

  it("does not suggest finalizing a release that is already finalized", async () => {
    const version = "web-frontend@4.0.6";
    const created = await runTool("create-release", [version, "--project", "web-frontend", "--finalize", "--yes"], { env: sandbox.env() });
    expect(created.code, created.stderr).toBe(0);
    const res = await runTool("set-commits", [version, "--commit", "acme/web-frontend@abcdef1234567", "--yes"], { env: sandbox.env() });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(`Release ${version} now has 1 commit in Sentry`);
    expect(res.stdout).not.toContain("--finalize");
  });

  it("--auto matches ssh remotes in scp and ssh:// form, whatever their case and .git suffix", async () => {
    await createRelease(sandbox, "payments@9.0.0", ["payments"]);
    const cases: Array<[string, string]> = [
      ["git@GitHub.com:ACME/Api-Backend", "acme/api-backend"],
      ["ssh://git@github.com:22/acme/payments-service.git", "acme/payments-service"],
      ["https://www.github.com/acme/ios-app/", "acme/ios-app"],
    ];
    for (const [url, repository] of cases) {
      const repo = new TestRepo().remote("origin", url);
      const head = repo.commit({ message: "init", author: AUTHORS.ada, date: "2026-03-01T09:00:00+01:00", write: { "a.txt": "a\n" } });
      sandbox.clearRequests();
      const res = await runTool("set-commits", ["payments@9.0.0", "--auto", "--path", repo.dir, "--json"], { env: sandbox.env() });
      expect(res.code, url).toBe(3);
      expect(res.json).toMatchObject({ applied: false, changes: 1, mode: "auto", repository, refs: [{ repository, commit: head }] });
      expect(puts(sandbox)).toEqual([]);
    }
  });

  it("without a mode, uses auto when a remote matches", async () => {
    const { repo, shas } = checkoutRepo();
    repo.remote("origin", "git@github.com:acme/web-frontend.git");
    await createRelease(sandbox, "web-frontend@4.0.1", ["web-frontend"]);
    sandbox.clearRequests();
    const res = await runTool("set-commits", ["web-frontend@4.0.1", "--yes"], { env: sandbox.env(), cwd: repo.dir });
    expect(res.code).toBe(0);
    expect(res.stdout).not.toContain("Mode: local");
    expect(puts(sandbox)[0]!.body).toEqual({ refs: [{ repository: "acme/web-frontend", commit: shas[2] }] });
  });

  it("--auto fails with a hint when no remote matches, without writing", async () => {
    const { repo } = checkoutRepo();
    repo.remote("origin", "https://github.com/someone/unrelated.git");
    sandbox.clearRequests();
    const res = await runTool("set-commits", ["web-frontend@4.0.0", "--auto", "--path", repo.dir, "--yes"], { env: sandbox.env() });
    expect(res.code).toBe(5);
    expect(res.stderr).toContain("--auto: no repository of acme matches the remotes origin (https://github.com/someone/unrelated.git)");
    expect(res.stderr).toContain("hint: connect the repository integration in Sentry (Settings > Integrations), or use --local");
    expect(puts(sandbox)).toEqual([]);
  });

  it("--commit sends the refs as given, with the previous commit when a range is named", async () => {
    await createRelease(sandbox, "web-frontend@4.1.0", ["web-frontend", "api-backend"]);
    sandbox.clearRequests();
    const previous = "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b";
    const head = "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432";
    const res = await runTool(
      "set-commits",
      ["web-frontend@4.1.0", "--commit", `acme/web-frontend@${previous}..${head}`, "--commit", "acme/api-backend@abcdef1234567", "--yes"],
      { env: sandbox.env() },
    );
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`  acme/web-frontend ${previous.slice(0, 12)}..${head.slice(0, 12)}`);
    expect(puts(sandbox)[0]!.body).toEqual({
      refs: [
        { repository: "acme/web-frontend", commit: head, previousCommit: previous },
        { repository: "acme/api-backend", commit: "abcdef1234567" },
      ],
    });
  });

  it("--commit naming a repository Sentry does not know is refused in the preview already, naming the known ones", async () => {
    sandbox.clearRequests();
    const preview = await runTool("set-commits", ["web-frontend@4.1.0", "--commit", "acme/not-connected@abcdef1"], { env: sandbox.env() });
    expect(preview.code).toBe(2);
    expect(preview.stderr).toMatch(/error: no repository "acme\/not-connected" in acme \(it has acme\/api-backend, acme\/ios-app, acme\/payments-service, acme\/web-frontend\)/);
    expect(puts(sandbox)).toEqual([]);
    const res = await runTool("set-commits", ["web-frontend@4.1.0", "--commit", "acme/not-connected@abcdef1", "--yes"], { env: sandbox.env() });
    expect(res.code).toBe(2);
    expect(puts(sandbox)).toEqual([]);
    expect(res.stderr).toContain("hint: connect the repository integration in Sentry (or check REPO's spelling), or send the local history with --local");
  });

  it("--clear previews how many commits it would remove, then removes them with refs: []", async () => {
    await createRelease(sandbox, "web-frontend@4.2.0", ["web-frontend"]);
    await runTool("set-commits", ["web-frontend@4.2.0", "--commit", "acme/web-frontend@abcdef1234567", "--yes"], { env: sandbox.env() });
    expect(storedCommits(sandbox, "web-frontend@4.2.0")).toHaveLength(1);

    sandbox.clearRequests();
    const preview = await runTool("set-commits", ["web-frontend@4.2.0", "--clear"], { env: sandbox.env() });
    expect(preview.code).toBe(3);
    expect(preview.stdout.trim()).toBe(
      "Would clear the 1 commit of release web-frontend@4.2.0 in acme.\n" +
        "Would send:\n" +
        '  PUT /api/0/organizations/acme/releases/web-frontend%404.2.0/ {"refs":[]}',
    );
    expect(puts(sandbox)).toEqual([]);

    const cleared = await runTool("set-commits", ["web-frontend@4.2.0", "--clear", "--yes"], { env: sandbox.env() });
    expect(cleared.code).toBe(0);
    expect(cleared.stdout).toContain("Release web-frontend@4.2.0 now has 0 commits in Sentry.\nSent:\n");
    expect(puts(sandbox)[0]!.body).toEqual({ refs: [] });
    expect(storedCommits(sandbox, "web-frontend@4.2.0")).toEqual([]);

    const again = await runTool("set-commits", ["web-frontend@4.2.0", "--clear", "--yes"], { env: sandbox.env() });
    expect(again.code).toBe(0);
    expect(again.stdout.trim()).toBe("Nothing to send to release web-frontend@4.2.0: the release has no commits.");
  });

  it("works with the organization token (org:ci) in auto and local mode", async () => {
    const { repo, shas } = checkoutRepo();
    repo.remote("origin", HTTPS_REMOTE_WITH_TOKEN);
    await createRelease(sandbox, "web-frontend@4.3.0", ["web-frontend"]);
    // The previous payments release with commits is a seeded one, whose commits this repository lacks.
    await createRelease(sandbox, "payments@9.1.0", ["payments"]);
    sandbox.clearRequests();
    const auto = await runTool("set-commits", ["web-frontend@4.3.0", "--auto", "--path", repo.dir, "--yes"], { env: sandbox.env("sandbox-ci") });
    expect(auto.code).toBe(0);
    const local = await runTool("set-commits", ["payments@9.1.0", "--local", "--ignore-missing", "--path", repo.dir, "--yes"], { env: sandbox.env("sandbox-ci") });
    expect(local.code).toBe(0);
    const bodies = puts(sandbox).map((r) => r.body as { refs?: unknown; commits?: Array<{ id: string }> });
    expect(bodies[0]!.refs).toEqual([{ repository: "acme/web-frontend", commit: shas[2] }]);
    expect(bodies[1]!.commits!.map((c) => c.id)).toEqual([...shas].reverse());
    const paths = sandbox.requests().map((r) => r.path);
    expect(paths.filter((p) => p === "/api/0/organizations/" || p.includes("/projects/"))).toEqual([]);
  });

  it("refuses bad input before sending anything", async () => {
    const notARepo = tempDir();
    sandbox.clearRequests();
    const cases: Array<[string[], RegExp]> = [
      [["web-frontend@4.0.0", "--path", notARepo], /is not a git repository/],
      [["web-frontend@4.0.0", "--auto", "--local"], /choose one of --auto, --local, --commit and --clear/],
      [["web-frontend@4.0.0", "--clear", "--initial-depth", "5"], /--initial-depth goes with --local/],
      [["web-frontend@4.0.0", "--commit", "acme/web-frontend"], /invalid --commit/],
      [["web-frontend@4.0.0", "--commit", "acme/web-frontend@not-a-sha"], /invalid --commit/],
      [["web-frontend@4.0.0", "--local", "--initial-depth", "0"], /--initial-depth must be between 1 and 10000/],
      [["latest", "--clear"], /'latest' is reserved/],
    ];
    for (const [args, message] of cases) {
      const res = await runTool("set-commits", [...args, "--yes"], { env: sandbox.env() });
      expect(res.code, args.join(" ")).toBe(2);
      expect(res.stderr).toMatch(message);
    }
    expect(sandbox.requests()).toEqual([]);
  });

  it("says how to create a release that does not exist", async () => {
    const res = await runTool("set-commits", ["web-frontend@0.0.0-missing", "--clear", "--yes"], { env: sandbox.env() });
    expect(res.code).toBe(5);
    expect(res.stderr).toContain('hint: no release "web-frontend@0.0.0-missing" in this organization: create it first (preview, then --yes): node dist/create-release.mjs web-frontend@0.0.0-missing --project SLUG\n');
  });
});

// Releases of legacy-php only: it has no seeded releases, so "the previous release with commits" is exactly
// what these stories created, in order.
describe("set-commits --local › the range since the previous release", () => {
  const sandbox = useSandbox();
  const { repo, shas } = checkoutRepo();
  repo.remote("origin", HTTPS_REMOTE_WITH_TOKEN);

  it("sends the newest --initial-depth commits, renames as D + A, when no earlier release has commits", async () => {
    await createRelease(sandbox, "legacy-php@1.0.0", ["legacy-php"]);
    sandbox.clearRequests();
    const res = await runTool("set-commits", ["legacy-php@1.0.0", "--local", "--initial-depth", "2", "--path", repo.dir, "--yes"], { env: sandbox.env() });
    expect(res.code).toBe(0);
    const lines = res.stdout.split("\n");
    expect(lines[0]).toBe(
      "Set 2 commits of acme/web-frontend on release legacy-php@1.0.0 in acme, the newest 2 (Sentry knows no earlier release with commits); 5 file changes:",
    );
    expect(lines[1]).toMatch(new RegExp(`^  newest ${shas[2]!.slice(0, 12)}  Move the readme into docs \\(Ada Lovelace, \\d+d ago\\)$`));
    expect(lines[2]).toMatch(new RegExp(`^  oldest ${shas[1]!.slice(0, 12)}  Rename the cart to basket \\(Grace Hopper, \\d+d ago\\)$`));
    // What Sentry now holds, the preview form of the next write, and the request as sent (its commit list summarised).
    expect(lines.slice(3)).toEqual([
      "Release legacy-php@1.0.0 now has 2 commits in Sentry.",
      "Next, once deployed: node dist/create-release.mjs legacy-php@1.0.0 --finalize",
      "Sent:",
      `  PUT /api/0/organizations/acme/releases/legacy-php%401.0.0/ {"commits":{"count":2,"repository":"acme/web-frontend","first":"${shas[2]}","last":"${shas[1]}"}}`,
      "",
    ]);
    // The repository is named as Sentry spells it (the matching acme/web-frontend), not as the remote writes it.
    expect(puts(sandbox)[0]!.body).toEqual({ commits: expectedCommits(shas, "acme/web-frontend").slice(0, 2) });
    expect(JSON.stringify(sandbox.requests()) + res.stdout + res.stderr).not.toContain(REMOTE_SECRET);
  });

  it("sends only the commits after the previous release's last commit", async () => {
    const newer = [
      repo.commit({ message: "Add the basket badge", author: AUTHORS.grace, date: "2026-03-04T10:00:00+01:00", write: { "src/badge.ts": "x\n" } }),
      repo.commit({ message: "Fix the badge count", author: AUTHORS.ada, date: "2026-03-05T11:00:00+01:00", write: { "src/badge.ts": "y\n" } }),
    ];
    await createRelease(sandbox, "legacy-php@1.1.0", ["legacy-php"]);
    sandbox.clearRequests();
    const res = await runTool("set-commits", ["legacy-php@1.1.0", "--path", repo.dir, "--local", "--yes"], { env: sandbox.env() });
    expect(res.code).toBe(0);
    expect(res.stdout.split("\n")[0]).toBe(
      `Set 2 commits of acme/web-frontend on release legacy-php@1.1.0 in acme, since ${shas[2]!.slice(0, 12)} (last commit of release legacy-php@1.0.0); 2 file changes:`,
    );
    const body = puts(sandbox)[0]!.body as { commits: Array<{ id: string; patch_set: unknown }> };
    expect(body.commits.map((c) => c.id)).toEqual([newer[1], newer[0]]);
    expect(body.commits.map((c) => c.patch_set)).toEqual([[{ path: "src/badge.ts", type: "M" }], [{ path: "src/badge.ts", type: "A" }]]);
  });

  it("sends nothing when re-run on an unchanged HEAD", async () => {
    sandbox.clearRequests();
    const res = await runTool("set-commits", ["legacy-php@1.1.0", "--local", "--path", repo.dir, "--yes"], { env: sandbox.env() });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^Nothing to send to release legacy-php@1\.1\.0: it already has the commits up to HEAD [0-9a-f]{12}\.$/m);
    expect(puts(sandbox)).toEqual([]);
  });

  it("stops when the previous release's commit is not in the local history, unless --ignore-missing", async () => {
    const fresh = new TestRepo().remote("origin", "git@github.com:acme/web-frontend.git");
    fresh.commit({ message: "Start over", author: AUTHORS.ada, date: "2026-03-06T09:00:00+01:00", write: { "main.php": "<?php\n" } });
    const head = fresh.commit({ message: "Second", author: AUTHORS.ada, date: "2026-03-06T10:00:00+01:00", write: { "main.php": "<?php echo 1;\n" } });
    await createRelease(sandbox, "legacy-php@1.2.0", ["legacy-php"]);
    sandbox.clearRequests();

    const refused = await runTool("set-commits", ["legacy-php@1.2.0", "--local", "--path", fresh.dir, "--yes"], { env: sandbox.env() });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("the last commit of the previous release legacy-php@1.1.0");
    expect(refused.stderr).toContain("is not in the local history");
    expect(refused.stderr).toContain("hint: fetch the history that holds it (git fetch, or git fetch --unshallow in a shallow clone), or add --ignore-missing");
    expect(puts(sandbox)).toEqual([]);

    const ignored = await runTool("set-commits", ["legacy-php@1.2.0", "--local", "--ignore-missing", "--initial-depth", "1", "--path", fresh.dir, "--yes"], {
      env: sandbox.env(),
    });
    expect(ignored.code).toBe(0);
    expect(ignored.stderr).toMatch(/not in the local history; sending up to the newest 1 commits \(--ignore-missing\)/);
    // What happened, said on stdout too: an earlier release has commits, only its last one is not here.
    const previous = sandbox.world.releases.releases.find((r) => r.version === "legacy-php@1.1.0")!.commits[0]!.id;
    expect(ignored.stdout.split("\n")[0]).toBe(
      `Set 1 commit of acme/web-frontend on release legacy-php@1.2.0 in acme, the newest 1 (--ignore-missing: ${previous.slice(0, 12)}, the last commit of release legacy-php@1.1.0, is not in the local history); 1 file change:`,
    );
    expect(ignored.stdout).not.toContain("no earlier release");
    const body = puts(sandbox)[0]!.body as { commits: Array<{ id: string }> };
    expect(body.commits.map((c) => c.id)).toEqual([head]);
  });
});

describe("set-commits without a mode › falls back to the local history", () => {
  const sandbox = useSandbox();

  it("says auto found no match, previews with reads only, then sends the local commits", async () => {
    const { repo, shas } = checkoutRepo();
    repo.remote("origin", `https://deploy:${REMOTE_SECRET}@github.com/someone/unrelated.git`);
    await createRelease(sandbox, "legacy-php@2.0.0", ["legacy-php"]);
    sandbox.clearRequests();

    const preview = await runTool("set-commits", ["legacy-php@2.0.0", "--path", repo.dir], { env: sandbox.env() });
    expect(preview.code).toBe(3);
    expect(preview.stdout.split("\n")[0]).toBe(
      "Mode: local history (auto found no match: no repository of acme matches the remotes origin (https://github.com/someone/unrelated.git)).",
    );
    expect(puts(sandbox)).toEqual([]);
    const asJson = await runTool("set-commits", ["legacy-php@2.0.0", "--path", repo.dir, "--json"], { env: sandbox.env() });
    expect(asJson.json).toMatchObject({
      applied: false,
      releaseCommitCount: null,
      requests: [
        {
          method: "PUT",
          path: "/api/0/organizations/acme/releases/legacy-php%402.0.0/",
          body: { commits: { count: shas.length, repository: "someone/unrelated", first: shas.at(-1), last: shas[0] } },
        },
      ],
    });

    const res = await runTool("set-commits", ["legacy-php@2.0.0", "--path", repo.dir, "--yes"], { env: sandbox.env() });
    expect(res.code).toBe(0);
    expect(puts(sandbox)[0]!.body).toEqual({ commits: expectedCommits(shas, "someone/unrelated") });
    expect(JSON.stringify(sandbox.requests()) + preview.stdout + res.stdout + res.stderr).not.toContain(REMOTE_SECRET);
  });
});
