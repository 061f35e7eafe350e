// Sentry's own CLI (@sentry/cli, a dev dependency) pointed at the sandbox: it lists organizations,
// projects and releases and creates a release, so the sandbox speaks the API faithfully enough for
// a client we did not write.

import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, tempDir } from "./helpers/run.js";
import { useSandbox } from "./helpers/sandbox.js";

const CLI = join(ROOT, "node_modules", ".bin", "sentry-cli");
const HAVE_CLI = existsSync(CLI) && spawnSync(CLI, ["--version"], { encoding: "utf8" }).status === 0;
if (!HAVE_CLI) console.warn("sentry-cli compatibility tests skipped: node_modules/.bin/sentry-cli is missing (run npm install)");

const sandbox = useSandbox();

/** Runs sentry-cli asynchronously: the sandbox answers from this same process, so it must not block. */
function sentryCli(args: string[], token = "sandbox"): Promise<{ code: number | null; out: string }> {
  const home = tempDir();
  return new Promise((resolve, reject) => {
    const child = spawn(CLI, args, {
      cwd: home,
      // Only the sandbox's loopback URL; no update check, no other host.
      env: { PATH: process.env.PATH ?? "", HOME: home, ...sandbox.env(token), SENTRY_DISABLE_UPDATE_CHECK: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (out += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (out += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe.skipIf(!HAVE_CLI)("sentry-cli against the sandbox", () => {
  it("lists organizations and projects", async () => {
    const orgs = await sentryCli(["organizations", "list"]);
    expect(orgs.code, orgs.out).toBe(0);
    for (const org of sandbox.world.orgs) expect(orgs.out).toContain(org.slug);
    const projects = await sentryCli(["projects", "list"]);
    expect(projects.code, projects.out).toBe(0);
    for (const p of sandbox.world.projects.filter((p) => p.orgSlug === sandbox.world.orgs[0]!.slug)) expect(projects.out).toContain(p.slug);
  });

  it("creates a release, finds it again, and lists releases", async () => {
    const version = "web-frontend@9.9.9-compat";
    const created = await sentryCli(["releases", "new", version]);
    expect(created.code, created.out).toBe(0);
    expect(created.out).toContain(version);
    const again = await sentryCli(["releases", "new", version]);
    expect(again.code, again.out).toBe(0);
    const info = await sentryCli(["releases", "info", version]);
    expect(info.code, info.out).toBe(0);
    const list = await sentryCli(["releases", "list"]);
    expect(list.code, list.out).toBe(0);
    expect(list.out).toContain("9.9.9-compat");
    expect(sandbox.requests().every((r) => r.path.startsWith("/api/0/"))).toBe(true);
  });

  it("manages releases with the organization token", async () => {
    const res = await sentryCli(["releases", "list"], sandbox.orgToken);
    expect(res.code, res.out).toBe(0);
  });
});
