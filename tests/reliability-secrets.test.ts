// Secrets: whatever a tool prints, in text, --json or --verbose, succeeding or failing, must not contain the
// token (in full or its first 12 characters), a Bearer value, or credentials from a git remote URL. The token
// here is a real-looking sntryu_ user token the sandbox accepts, so full outputs are scanned, not only 401s.

import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runTool, tempDir } from "./helpers/run.js";
import { useSandbox } from "./helpers/sandbox.js";
import { expectNoSecrets, findSecrets, GIT_REMOTE_PASSWORD, GIT_REMOTE_USER, SECRET_TOKEN } from "./helpers/secrets.js";
import { builtTools, isBuilt, SEEDED } from "./helpers/tool-table.js";

const sandbox = useSandbox();
const { built, missing } = builtTools();
if (missing.length) console.warn(`reliability-secrets: not built yet, skipped: ${missing.join(", ")}`);

/** A server that echoes the caller's Authorization header in every error it sends, as a careless proxy might. */
let echoUrl = "";
const echo = createServer((req, res) => {
  const auth = req.headers.authorization ?? "";
  res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ detail: `Invalid token; you sent Authorization: ${auth} (token ${auth.replace(/^Bearer /, "")})` }));
});
beforeAll(async () => {
  await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
  echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => echo.close(() => resolve()));
});

// Text output with the token from the environment, previews and applied writes are scanned by the fault matrix
// (every faulted run, successes after a retry included, uses SECRET_TOKEN and --verbose); this file adds the
// other ways a token arrives or comes back.
describe.concurrent.each(built)("$tool", (row) => {
  it("prints no secret with --verbose --json, with the token from .sentryclirc", async () => {
    const inv = row.typical(sandbox);
    const cwd = tempDir("sm-secrets-rc-");
    writeFileSync(join(cwd, ".sentryclirc"), `[auth]\ntoken = ${SECRET_TOKEN}\n`);
    const { SENTRY_AUTH_TOKEN: _unused, ...env } = sandbox.env();
    const res = await runTool(row.tool, [...inv.args, "--verbose", "--json"], { env, cwd });
    expect(res.code, res.stderr).toBe(inv.exit);
    if (inv.critical) expect(res.stderr, "--verbose logs the requests").toMatch(/^> GET /m);
    expectNoSecrets(res);
  });

  it("masks the token when a server echoes it back in an error", async () => {
    // A preview that sends nothing (create-release) meets the server only when applying.
    const preview = row.typical(sandbox);
    const inv = preview.critical ? preview : row.apply!(sandbox);
    const res = await runTool(row.tool, [...inv.args, "--verbose"], { env: { ...sandbox.env(SECRET_TOKEN), SENTRY_URL: echoUrl } });
    expect(res.code).toBe(4);
    expect(res.stderr).toMatch(/401/);
    expectNoSecrets(res);
  });
});

describe("a tool's own --url (create-release: the release's link)", () => {
  it.skipIf(!isBuilt("create-release"))("never becomes the server the token is sent to", async () => {
    const linkRequests: string[] = [];
    const link = createServer((req, res) => {
      linkRequests.push(`${req.method} ${req.url} ${req.headers.authorization ?? ""}`);
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
    await new Promise<void>((resolve) => link.listen(0, "127.0.0.1", resolve));
    try {
      const linkUrl = `http://127.0.0.1:${(link.address() as AddressInfo).port}/ci/runs/42`;
      const version = `${SEEDED.FRONTEND}@9.8.${process.pid % 1000}`;
      sandbox.clearRequests();
      const res = await runTool("create-release", [version, "--project", SEEDED.FRONTEND, "--url", linkUrl, "--yes", "--verbose"], { env: sandbox.env(SECRET_TOKEN) });
      expect(res.code, res.stderr).toBe(0);
      expect(linkRequests, "the token went to the release link's host").toEqual([]);
      const created = sandbox.requests().find((r) => r.method === "POST");
      expect((created?.body as { url?: string } | undefined)?.url).toBe(linkUrl);
      expectNoSecrets(res);
    } finally {
      await new Promise<void>((resolve) => link.close(() => resolve()));
    }
  });
});

describe("an organization token (sntrys_, with its claims)", () => {
  it.skipIf(!isBuilt("list-releases"))("is never printed, nor its first 12 characters", async () => {
    const token = sandbox.orgToken;
    const res = await runTool("list-releases", ["--verbose"], { env: { ...sandbox.env(token) } });
    expect(res.code, res.stderr).toBe(0);
    expect(findSecrets(res, token)).toEqual([]);
  });
});

describe("git remote credentials (set-commits)", () => {
  /** A CI-style checkout whose remote carries a token: https://user:token@github.com/acme/web-frontend.git. */
  function checkoutWithCredentials(): string {
    const repo = tempDir("sm-secrets-git-");
    const git = (...args: string[]) => execFileSync("git", ["-C", repo, ...args], { stdio: "ignore" });
    git("init", "-q");
    git("remote", "add", "origin", `https://${GIT_REMOTE_USER}:${GIT_REMOTE_PASSWORD}@github.com/acme/web-frontend.git`);
    for (const name of ["checkout.ts", "cart.ts"]) {
      mkdirSync(join(repo, "src"), { recursive: true });
      writeFileSync(join(repo, "src", name), `export const file = ${JSON.stringify(name)};\n`);
      git("add", "-A");
      git("-c", "user.name=CI", "-c", "user.email=ci@acme.example", "-c", "commit.gpgsign=false", "commit", "-q", "-m", `Add ${name}`);
    }
    return repo;
  }

  it.skipIf(!isBuilt("set-commits"))("never prints or sends them, in --auto and --local, preview and --yes", async () => {
    const repo = checkoutWithCredentials();
    const version = `${SEEDED.FRONTEND}@9.9.${process.pid % 1000}`;
    const created = await runTool("create-release", [version, "--project", SEEDED.FRONTEND, "--yes"], { env: sandbox.env(SECRET_TOKEN) });
    expect(created.code, created.stderr).toBe(0);
    sandbox.clearRequests();
    const runs = [
      ["--auto", "--verbose"],
      ["--local", "--ignore-missing", "--verbose"],
      ["--local", "--ignore-missing", "--verbose", "--json", "--yes"],
    ];
    for (const args of runs) {
      const res = await runTool("set-commits", [version, ...args], { env: sandbox.env(SECRET_TOKEN), cwd: repo });
      expect([0, 3], `${args.join(" ")}: ${res.stderr}`).toContain(res.code);
      expectNoSecrets(res);
    }
    const sent = JSON.stringify(sandbox.requests().map((r) => [r.path, r.query, r.body]));
    expect(sent).toContain("acme/web-frontend");
    expect(sent).not.toContain(GIT_REMOTE_PASSWORD);
    expect(sent).not.toContain(`${GIT_REMOTE_USER}:`);
  });
});
