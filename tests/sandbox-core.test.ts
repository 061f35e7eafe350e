// The sandbox's core as a tool (or a person with curl) meets it: tokens, organizations and projects,
// pagination, unknown paths, injected faults, the request log, rate limits, regions, the state file and the CLI.

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, it } from "vitest";
import { startSandbox } from "../scripts/sandbox/server.js";
import { roundTrips } from "./helpers/round-trips.js";
import { useSandbox } from "./helpers/sandbox.js";

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: () => unknown;
}

async function call(
  base: string,
  path: string,
  init: { token?: string | null; method?: string; body?: string; signal?: AbortSignal } = {},
): Promise<Answer> {
  const token = init.token === undefined ? "sandbox" : init.token;
  const headers: Record<string, string> = {};
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(`${base}${path}`, { method: init.method ?? "GET", headers, body: init.body, signal: init.signal });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as unknown };
}

type Row = Record<string, unknown>;

describe("sandbox core", () => {
  const sandbox = useSandbox();
  const get = (path: string, token?: string | null) => call(sandbox.url, path, { token });

  describe("authentication", () => {
    it("tells a full-access token its scopes and its user", async () => {
      const res = await get("/api/0/");
      expect(res.status).toBe(200);
      const body = res.json() as { version: string; auth: { scopes: string[] }; user: { email: string } };
      expect(body.version).toBe("0");
      expect(body.auth.scopes).toEqual(expect.arrayContaining(["org:read", "event:write", "project:releases", "alerts:read"]));
      expect(body.user.email).toBe(sandbox.world.members[0]!.email);
    });

    it("answers the API root without a token, with no auth and no user", async () => {
      const res = await get("/api/0/", null);
      expect(res.status).toBe(200);
      expect(res.json()).toEqual({ version: "0", auth: null, user: null });
    });

    it("refuses a request without Authorization with Sentry's 401 body", async () => {
      const res = await get("/api/0/organizations/", null);
      expect(res.status).toBe(401);
      expect(res.json()).toEqual({ detail: "Authentication credentials were not provided." });
    });

    it("refuses an unknown token with 401 Invalid token", async () => {
      const res = await get("/api/0/organizations/", "not-a-real-token");
      expect(res.status).toBe(401);
      expect(res.json()).toEqual({ detail: "Invalid token" });
    });

    it("lets the read-only token read but not change a project", async () => {
      expect((await get("/api/0/projects/acme/api-backend/", "sandbox-read")).status).toBe(200);
      const write = await call(sandbox.url, "/api/0/projects/acme/api-backend/", {
        token: "sandbox-read",
        method: "PUT",
        body: JSON.stringify({ resolveAge: 24 }),
      });
      expect(write.status).toBe(403);
      expect(write.json()).toEqual({ detail: "You do not have permission to perform this action." });
    });

    it("gives the CI token (org:ci) repositories but not organizations or projects", async () => {
      const info = (await get("/api/0/", "sandbox-ci")).json() as { auth: { scopes: string[] }; user: unknown };
      expect(info).toEqual({ version: "0", auth: { scopes: ["org:ci"] }, user: null });
      expect((await get("/api/0/organizations/acme/repos/", "sandbox-ci")).status).toBe(200);
      expect((await get("/api/0/organizations/", "sandbox-ci")).status).toBe(403);
      expect((await get("/api/0/organizations/acme/projects/", "sandbox-ci")).status).toBe(403);
      expect((await get("/api/0/projects/acme/web-frontend/", "sandbox-ci")).status).toBe(403);
    });

    it("binds the CI token to its own organization", async () => {
      const res = await get("/api/0/organizations/globex/repos/", "sandbox-ci");
      expect(res.status).toBe(403);
    });

    it("issues an sntrys_ organization token whose claims name this sandbox", async () => {
      const match = /^sntrys_([A-Za-z0-9+/=]+)_([A-Za-z0-9+/]+)$/.exec(sandbox.orgToken);
      expect(match).not.toBeNull();
      const claims = JSON.parse(Buffer.from(match![1]!, "base64").toString("utf8")) as Row;
      expect(claims).toMatchObject({ url: sandbox.url, region_url: sandbox.url, org: "acme" });
      expect(typeof claims.iat).toBe("number");
      expect((await get("/api/0/organizations/acme/repos/", sandbox.orgToken)).status).toBe(200);
      expect((await get("/api/0/organizations/acme/projects/", sandbox.orgToken)).status).toBe(403);
    });
  });

  describe("organizations and projects", () => {
    it("lists both organizations with links to their API", async () => {
      const orgs = (await get("/api/0/organizations/")).json() as Row[];
      expect(orgs.map((o) => o.slug).sort()).toEqual(["acme", "globex"]);
      for (const org of orgs) expect(org.links).toEqual({ organizationUrl: sandbox.url, regionUrl: sandbox.url });
    });

    it("shows the abandoned project with no first event and no release", async () => {
      const project = (await get("/api/0/projects/acme/legacy-php/")).json() as Row;
      expect(project).toMatchObject({ slug: "legacy-php", platform: "php", firstEvent: null, latestRelease: null });
    });

    it("names each active project's newest release as its latest", async () => {
      const projects = (await get("/api/0/organizations/acme/projects/")).json() as Row[];
      const web = projects.find((p) => p.slug === "web-frontend")!;
      expect((web.latestRelease as Row).version).toMatch(/^web-frontend@\d+\.\d+\.\d+$/);
      const stubs = sandbox.world.releaseStubs.filter((s) => s.projectIds.includes(web.id as string));
      expect(stubs.length).toBeGreaterThanOrEqual(12);
      expect((web.latestRelease as Row).version).toBe(stubs.at(-1)!.version);
    });

    it("finds a project by slug or numeric ID and answers 404 for an unknown one", async () => {
      const byId = sandbox.world.projects.find((p) => p.slug === "payments")!.id;
      expect(((await get(`/api/0/projects/acme/${byId}/`)).json() as Row).slug).toBe("payments");
      const missing = await get("/api/0/projects/acme/no-such-project/");
      expect(missing.status).toBe(404);
      expect(missing.json()).toEqual({ detail: "The requested resource does not exist" });
    });

    it("filters projects by team:, slug:, id: and free text, and answers an unknown key with none", async () => {
      const slugs = async (query: string) =>
        ((await get(`/api/0/organizations/acme/projects/?query=${encodeURIComponent(query)}`)).json() as Row[]).map((p) => p.slug);
      // organization_projects.py has no platform: key; unknown keys select nothing.
      expect(await slugs("platform:php")).toEqual([]);
      expect(await slugs("team:backend")).toEqual(["api-backend", "legacy-php", "payments"]);
      expect(await slugs("team:backend !team:payments")).toEqual(["api-backend", "legacy-php"]);
      expect(await slugs("slug:mobile-ios")).toEqual(["mobile-ios"]);
      const webId = sandbox.world.projects.find((p) => p.slug === "web-frontend")!.id;
      expect(await slugs(`id:${webId}`)).toEqual(["web-frontend"]);
      expect(await slugs("front")).toEqual(["web-frontend"]);
    });

    it("pages through the projects with Sentry's Link and X-Hits headers", async () => {
      const seen: string[] = [];
      let path: string | undefined = "/api/0/organizations/acme/projects/?per_page=2";
      let pages = 0;
      while (path) {
        const res = await get(path);
        pages += 1;
        expect(res.headers.get("x-hits")).toBe("5");
        seen.push(...(res.json() as Row[]).map((p) => p.slug as string));
        const next = /<([^>]+)>; rel="next"; results="(true|false)"; cursor="([^"]+)"/.exec(res.headers.get("link")!)!;
        expect(res.headers.get("link")).toMatch(/rel="previous"; results="(true|false)"; cursor="0:\d+:1"/);
        path = next[2] === "true" ? new URL(next[1]!).pathname + new URL(next[1]!).search : undefined;
      }
      expect(pages).toBe(3);
      expect(seen).toEqual(["api-backend", "legacy-php", "mobile-ios", "payments", "web-frontend"]);
    });

    it("lists client keys with DSNs pointing at the sandbox, one of them inactive", async () => {
      const keys = (await get("/api/0/projects/acme/web-frontend/keys/")).json() as Row[];
      expect(keys.map((k) => k.isActive)).toEqual([true, false]);
      const project = sandbox.world.projects.find((p) => p.slug === "web-frontend")!;
      const port = new URL(sandbox.url).port;
      expect((keys[0]!.dsn as Row).public).toBe(`http://${keys[0]!.public}@127.0.0.1:${port}/${project.id}`);
      expect(keys[0]!.projectId).toBe(Number(project.id));
      const active = (await get("/api/0/projects/acme/web-frontend/keys/?status=active")).json() as Row[];
      expect(active).toHaveLength(1);
    });

    it("lists teams with member counts and repositories with their provider", async () => {
      const teams = (await get("/api/0/organizations/acme/teams/")).json() as Row[];
      expect(teams.map((t) => t.slug)).toEqual(["backend", "frontend", "mobile", "payments"]);
      expect(teams.every((t) => (t.memberCount as number) > 0)).toBe(true);
      const repos = (await get("/api/0/organizations/acme/repos/")).json() as Row[];
      expect(repos.map((r) => r.name)).toContain("acme/web-frontend");
      expect(repos.map((r) => r.name)).not.toContain("acme/legacy-shop");
      expect(repos[0]!.provider).toEqual({ id: "integrations:github", name: "GitHub" });
    });

    it("rejects a project update with Sentry-style field errors and applies a valid one", async () => {
      const bad = await call(sandbox.url, "/api/0/projects/acme/payments/", { method: "PUT", body: JSON.stringify({ resolveAge: 9999 }) });
      expect(bad.status).toBe(400);
      expect(Object.keys(bad.json() as Row)).toEqual(["resolveAge"]);
      const ok = await call(sandbox.url, "/api/0/projects/acme/payments/", { method: "PUT", body: JSON.stringify({ subjectPrefix: "[pay]" }) });
      expect(ok.status).toBe(200);
      expect(((await get("/api/0/projects/acme/payments/")).json() as Row).subjectPrefix).toBe("[pay]");
    });
  });

  describe("routing", () => {
    it("answers an unknown path 404 whatever the token", async () => {
      for (const token of ["sandbox", null, "bogus"]) {
        const res = await get("/api/0/organizations/acme/no-such-thing/", token);
        expect(res.status).toBe(404);
        expect(res.json()).toEqual({ detail: "The requested resource does not exist" });
      }
    });

    it("accepts a path without its trailing slash", async () => {
      expect((await get("/api/0/organizations/acme")).status).toBe(200);
    });

    it("answers a wrong method on a known path 405", async () => {
      const res = await call(sandbox.url, "/api/0/organizations/", { method: "DELETE" });
      expect(res.status).toBe(405);
    });

    it("answers a body that is not JSON 400", async () => {
      const res = await call(sandbox.url, "/api/0/projects/acme/payments/", { method: "PUT", body: "{not json" });
      expect(res.status).toBe(400);
      expect((res.json() as Row).detail).toMatch(/JSON parse error/);
    });
  });

  describe("fault injection", () => {
    const projectsPath = "/api/0/organizations/acme/projects/";

    it("answers 429 like Sentry's limiter: rate-limit headers, its body and no Retry-After", async () => {
      sandbox.faults.add({ path: "/projects/", kind: "status", status: 429 });
      const res = await get(projectsPath);
      expect(res.status).toBe(429);
      expect(res.headers.get("retry-after")).toBeNull();
      expect(res.headers.get("x-sentry-rate-limit-remaining")).toBe("0");
      expect(Number(res.headers.get("x-sentry-rate-limit-reset"))).toBeGreaterThan(Date.now() / 1000 - 1);
      expect((res.json() as Row).detail).toMatch(/^You are attempting to use this endpoint too frequently\. Limit is \d+ requests in \d+ seconds$/);
      expect((await get(projectsPath)).status).toBe(200);
    });

    it("answers 429 with Retry-After when a rule plays a proxy that sends it", async () => {
      sandbox.faults.add({ path: "/projects/", kind: "status", status: 429, retryAfter: 2 });
      expect((await get(projectsPath)).headers.get("retry-after")).toBe("2");
    });

    it("plays a brownout (410) and server errors with Sentry-like bodies, N times", async () => {
      sandbox.faults.add({ path: "/projects/", kind: "status", status: 410 });
      const gone = await get(projectsPath);
      expect(gone.status).toBe(410);
      expect(gone.json()).toEqual({ message: "This API no longer exists." });
      sandbox.faults.add({ path: "/projects/", kind: "status", status: 503, times: 2 });
      expect((await get(projectsPath)).status).toBe(503);
      expect((await get(projectsPath)).status).toBe(503);
      expect((await get(projectsPath)).status).toBe(200);
      for (const status of [500, 502, 401, 403, 404]) {
        sandbox.faults.add({ path: "/projects/", kind: "status", status });
        const res = await get(projectsPath);
        expect(res.status).toBe(status);
        expect(res.json()).toHaveProperty("detail");
      }
    });

    it("resets the connection", async () => {
      sandbox.faults.add({ path: "/projects/", kind: "reset" });
      await expect(get(projectsPath)).rejects.toThrow();
      expect((await get(projectsPath)).status).toBe(200);
    });

    it("hangs until the client gives up", async () => {
      sandbox.faults.add({ path: "/projects/", kind: "hang" });
      sandbox.clearRequests();
      await expect(call(sandbox.url, projectsPath, { signal: AbortSignal.timeout(300) })).rejects.toThrow();
      // The client gave up on a request the sandbox received and never answered.
      const hung = sandbox.requests().filter((r) => r.path === projectsPath);
      expect(hung).toHaveLength(1);
      expect(hung[0]!.answeredAt).toBeUndefined();
      expect((await get(projectsPath)).status).toBe(200);
    });

    it("sends an HTML page, truncated JSON or an empty body", async () => {
      sandbox.faults.add({ path: "/projects/", kind: "html" });
      const html = await get(projectsPath);
      expect(html.status).toBe(502);
      expect(html.headers.get("content-type")).toMatch(/^text\/html/);
      expect(html.text).toMatch(/^<!DOCTYPE html>/);

      sandbox.faults.add({ path: "/projects/", kind: "html", status: 200 });
      expect((await get(projectsPath)).status).toBe(200);

      sandbox.faults.add({ path: "/projects/", kind: "truncated" });
      const cut = await get(projectsPath);
      expect(cut.status).toBe(200);
      expect(cut.text.startsWith('[{"id":')).toBe(true);
      expect(() => cut.json()).toThrow();

      sandbox.faults.add({ path: "/projects/", kind: "empty" });
      const empty = await get(projectsPath);
      expect([empty.status, empty.text, empty.headers.get("content-type")]).toEqual([200, "", "application/json"]);
    });

    it("matches by method and by a * pattern", async () => {
      sandbox.faults.add({ method: "PUT", path: "/projects/acme/*/", kind: "status", status: 500 });
      expect((await get("/api/0/projects/acme/payments/")).status).toBe(200);
      const put = await call(sandbox.url, "/api/0/projects/acme/payments/", { method: "PUT", body: "{}" });
      expect(put.status).toBe(500);
    });

    it("is controlled over the admin API without a token, which it leaves out of the log", async () => {
      sandbox.clearRequests();
      const add = await call(sandbox.url, "/__sandbox/faults", {
        token: null,
        method: "POST",
        body: JSON.stringify({ path: "/teams/", kind: "status", status: 502, times: 5 }),
      });
      expect(add.status).toBe(201);
      expect((await get("/api/0/organizations/acme/teams/")).status).toBe(502);
      expect((await call(sandbox.url, "/__sandbox/faults", { token: null, method: "DELETE" })).status).toBe(204);
      expect((await get("/api/0/organizations/acme/teams/")).status).toBe(200);
      const bad = await call(sandbox.url, "/__sandbox/faults", { token: null, method: "POST", body: JSON.stringify({ path: "/x/", kind: "explode" }) });
      expect(bad.status).toBe(400);
      expect(sandbox.requests().map((r) => r.path)).toEqual(["/api/0/organizations/acme/teams/", "/api/0/organizations/acme/teams/"]);
    });
  });

  describe("request log", () => {
    it("records method, path, query, body, listener and a masked Authorization", async () => {
      sandbox.clearRequests();
      await get("/api/0/organizations/acme/projects/?per_page=2&query=team:backend&project=1&project=2");
      await call(sandbox.url, "/api/0/projects/acme/payments/", { method: "PUT", body: JSON.stringify({ isBookmarked: true }) });
      await get("/api/0/organizations/", null);
      const log = sandbox.requests();
      expect(log).toEqual([
        {
          method: "GET",
          path: "/api/0/organizations/acme/projects/",
          query: { per_page: "2", query: "team:backend", project: ["1", "2"] },
          body: undefined,
          listener: "main",
          authorization: "Bearer sand…",
          status: 200,
          receivedAt: expect.any(Number),
          answeredAt: expect.any(Number),
        },
        expect.objectContaining({ method: "PUT", body: { isBookmarked: true }, status: 200 }),
        expect.objectContaining({ path: "/api/0/organizations/", authorization: null, status: 401 }),
      ]);
      const overHttp = (await call(sandbox.url, "/__sandbox/requests", { token: null })).json() as Row[];
      expect(overHttp).toHaveLength(3);
      expect(JSON.stringify(overHttp)).not.toContain("Bearer sandbox");
      expect((await call(sandbox.url, "/__sandbox/requests", { token: null, method: "DELETE" })).status).toBe(204);
      expect(sandbox.requests()).toEqual([]);
    });
  });
});

describe("sandbox rate limiting (--rate-limit 3/3600)", () => {
  const sandbox = useSandbox({ rateLimit: { limit: 3, windowSeconds: 3600 } });

  it("counts down in X-Sentry-Rate-Limit-* headers, then answers 429 without Retry-After", async () => {
    const remaining: Array<string | null> = [];
    for (let i = 0; i < 3; i++) {
      const res = await call(sandbox.url, "/api/0/organizations/");
      expect(res.status).toBe(200);
      expect(res.headers.get("x-sentry-rate-limit-limit")).toBe("3");
      expect(res.headers.get("x-sentry-rate-limit-concurrentlimit")).not.toBeNull();
      remaining.push(res.headers.get("x-sentry-rate-limit-remaining"));
    }
    expect(remaining).toEqual(["2", "1", "0"]);
    const limited = await call(sandbox.url, "/api/0/organizations/");
    expect(limited.status).toBe(429);
    expect(limited.json()).toEqual({ detail: "You are attempting to use this endpoint too frequently. Limit is 3 requests in 3600 seconds" });
    expect(limited.headers.get("retry-after")).toBeNull();
    const reset = Number(limited.headers.get("x-sentry-rate-limit-reset"));
    expect(reset).toBeGreaterThan(Date.now() / 1000);
    expect(reset % 3600).toBe(0);
  });

  it("keeps a separate window per token", async () => {
    expect((await call(sandbox.url, "/api/0/organizations/", { token: "sandbox-read" })).status).toBe(200);
  });
});

describe("sandbox regions (--regions)", () => {
  const sandbox = useSandbox({ regions: true });

  it("lists every organization on the main listener, the first one pointing at the region", async () => {
    const orgs = (await call(sandbox.url, "/api/0/organizations/")).json() as Row[];
    const links = Object.fromEntries(orgs.map((o) => [o.slug, (o.links as Row).regionUrl]));
    expect(sandbox.regionUrl).toBeDefined();
    expect(links).toEqual({ acme: sandbox.regionUrl, globex: sandbox.url });
  });

  it("serves the region's organization there, and through the main listener as sentry.io's gateway does", async () => {
    expect((await call(sandbox.url, "/api/0/organizations/acme/projects/")).status).toBe(200);
    expect((await call(sandbox.regionUrl!, "/api/0/organizations/acme/projects/")).status).toBe(200);
    expect((await call(sandbox.url, "/api/0/organizations/globex/projects/")).status).toBe(200);
    expect((await call(sandbox.regionUrl!, "/api/0/organizations/globex/projects/")).status).toBe(404);
  });

  it("logs which listener took each request and names the region in the org token", async () => {
    sandbox.clearRequests();
    await call(sandbox.regionUrl!, "/api/0/organizations/acme/teams/");
    expect(sandbox.requests().map((r) => r.listener)).toEqual(["region"]);
    const claims = JSON.parse(Buffer.from(sandbox.orgToken.split("_")[1]!, "base64").toString("utf8")) as Row;
    expect(claims).toMatchObject({ url: sandbox.url, region_url: sandbox.regionUrl });
  });
});

describe("sandbox state file (--state FILE)", () => {
  const dir = mkdtempSync(join(tmpdir(), "sandbox-state-"));
  const file = join(dir, "state.json");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps a project change across a restart and refuses a file from another seed", async () => {
    const first = await startSandbox({ port: 0, stateFile: file });
    try {
      const res = await call(first.url, "/api/0/projects/acme/api-backend/", { method: "PUT", body: JSON.stringify({ resolveAge: 48 }) });
      expect(res.status).toBe(200);
    } finally {
      await first.close();
    }
    const saved = JSON.parse(readFileSync(file, "utf8")) as { seed: number; now: number };
    expect(saved.seed).toBe(1);

    const second = await startSandbox({ port: 0, stateFile: file });
    try {
      expect(second.world.now).toBe(saved.now);
      const project = (await call(second.url, "/api/0/projects/acme/api-backend/")).json() as Row;
      expect(project.resolveAge).toBe(48);
    } finally {
      await second.close();
    }
    await expect(startSandbox({ port: 0, stateFile: file, seed: 2 })).rejects.toThrow(/seed 1/);
  });
});

describe("sandbox lifecycle", () => {
  it("closes promptly while a request hangs", async () => {
    const sandbox = await startSandbox({ port: 0 });
    sandbox.faults.add({ path: "/organizations/", kind: "hang" });
    const pending = call(sandbox.url, "/api/0/organizations/");
    await new Promise((r) => setTimeout(r, 100));
    // The hang never ends by itself: close() returning at all (within the test's timeout) shows it did not wait for it.
    await sandbox.close();
    await expect(pending).rejects.toThrow();
  });

  it("delays every answer by --latency", async () => {
    const sandbox = await startSandbox({ port: 0, latencyMs: 250 });
    try {
      await Promise.all([call(sandbox.url, "/api/0/"), call(sandbox.url, "/api/0/organizations/")]);
      // Read from the sandbox's own timestamps, not timed here: each answer waited the latency, and both
      // waited in parallel (each arrived before either was answered), one round trip, not two.
      const log = sandbox.requests();
      expect(log).toHaveLength(2);
      for (const r of log) expect(r.answeredAt! - r.receivedAt).toBeGreaterThanOrEqual(245);
      expect(roundTrips(log)).toBe(1);
    } finally {
      await sandbox.close();
    }
  });

  it("seeds the same world for the same seed and now", async () => {
    const now = Date.parse("2026-03-15T12:00:00Z");
    const [a, b] = await Promise.all([startSandbox({ port: 0, now }), startSandbox({ port: 0, now })]);
    try {
      expect(JSON.stringify(b.world.projects)).toBe(JSON.stringify(a.world.projects));
      expect(JSON.stringify(b.world.releaseStubs)).toBe(JSON.stringify(a.world.releaseStubs));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});

describe("sandbox CLI (dist/sandbox.mjs)", () => {
  const cli = resolve(import.meta.dirname, "../dist/sandbox.mjs");

  it("prints its URL first, then the environment hint, serves, and exits 0 on SIGTERM", async () => {
    const child = spawn(process.execPath, [cli, "--port", "0", "--seed", "3"], { stdio: ["ignore", "pipe", "pipe"] });
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const url = (await lines.next()).value as string;
    // How long the start takes is a figure of the bench (npm run bench), not a test.
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await lines.next()).value).toBe(`export SENTRY_URL=${url} SENTRY_AUTH_TOKEN=sandbox SENTRY_ORG=acme SENTRY_PROJECT=web-frontend`);
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    expect((await call(url, "/api/0/organizations/")).status).toBe(200);
    const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/^GET \/api\/0\/organizations\/ 200 \d+ms/m);
  });

  it("rejects an unknown flag with one line and exit code 2", async () => {
    const child = spawn(process.execPath, [cli, "--prot", "1"], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.on("exit", (c) => done(c)));
    expect(code).toBe(2);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/--prot/);
  });
});
