// Region routing: organization calls go to the organization's links.regionUrl, looked up once and
// cached on disk; a region URL on a host the user never named is ignored, so the token stays home.

import { existsSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runTool, tempDir } from "./helpers/run.js";
import { useSandbox } from "./helpers/sandbox.js";

const sandbox = useSandbox({ regions: true });
/** The sandbox plays sentry.io's regions on loopback; the tools look regions up only on sentry.io otherwise. */
const PLAYS_SENTRY_IO = { SENTRY_MONITORING_TEST_REGIONS: "1" };

describe("region routing", () => {
  it("looks the organization's region up once, then sends its calls there", async () => {
    const home = tempDir();
    const org = sandbox.world.orgs.find((o) => o.home === "region")!;
    sandbox.clearRequests();
    const first = await runTool("list-projects", ["--json"], { env: { ...sandbox.env(), ...PLAYS_SENTRY_IO, SENTRY_ORG: org.slug }, home });
    expect(first.code).toBe(0);
    const log = sandbox.requests();
    expect(log[0]).toMatchObject({ method: "GET", path: `/api/0/organizations/${org.slug}/`, listener: "main" });
    expect(log.slice(1).every((r) => r.listener === "region")).toBe(true);
    expect(log.some((r) => r.path.endsWith("/projects/"))).toBe(true);

    const cache = join(home, ".cache", "sentry-monitoring", "regions.json");
    expect(existsSync(cache)).toBe(true);
    const cached = readFileSync(cache, "utf8");
    expect(cached).toContain(sandbox.regionUrl!);
    expect(cached).not.toContain("sandbox");

    sandbox.clearRequests();
    const second = await runTool("list-projects", ["--json"], { env: { ...sandbox.env(), ...PLAYS_SENTRY_IO, SENTRY_ORG: org.slug }, home });
    expect(second.json).toEqual(first.json);
    expect(sandbox.requests().every((r) => r.listener === "region")).toBe(true);
  });

  it("lets an organization token that may not read the organization work through the main host", async () => {
    const org = sandbox.world.orgs.find((o) => o.home === "region")!;
    sandbox.clearRequests();
    const res = await runTool("list-releases", ["--limit", "3"], { env: { ...sandbox.env("sandbox-ci"), ...PLAYS_SENTRY_IO, SENTRY_ORG: org.slug } });
    expect(res.code, res.stderr).toBe(0);
    const log = sandbox.requests();
    expect(log[0]).toMatchObject({ path: `/api/0/organizations/${org.slug}/`, status: 403 });
    expect(log.some((r) => r.path.endsWith("/releases/") && r.status === 200 && r.listener === "main")).toBe(true);
  });

  it("keeps an organization on the main host when that is its region", async () => {
    const org = sandbox.world.orgs.find((o) => o.home === "main")!;
    sandbox.clearRequests();
    const res = await runTool("list-projects", [], { env: { ...sandbox.env(), ...PLAYS_SENTRY_IO, SENTRY_ORG: org.slug } });
    expect(res.code).toBe(0);
    expect(sandbox.requests().every((r) => r.listener === "main")).toBe(true);
  });

  it("asks a server that is not sentry.io for no region: one request, to the configured host", async () => {
    const org = sandbox.world.orgs.find((o) => o.home === "region")!;
    sandbox.clearRequests();
    const res = await runTool("list-projects", ["--json"], { env: { ...sandbox.env(), SENTRY_ORG: org.slug } });
    expect(res.code, res.stderr).toBe(0);
    const log = sandbox.requests();
    expect(log.map((r) => r.path)).toEqual([`/api/0/organizations/${org.slug}/projects/`]);
    expect(log[0]!.listener).toBe("main");
  });

  it("ignores a region URL on a foreign host and never sends it the token", async () => {
    let foreignHits = 0;
    const foreign = createServer((_req, res) => {
      foreignHits++;
      res.end("[]");
    });
    await new Promise<void>((r) => foreign.listen(0, "127.0.0.1", r));
    const foreignUrl = `http://localhost:${(foreign.address() as AddressInfo).port}`;
    // A server on 127.0.0.1 that claims its organization lives on "localhost": another host name.
    const liar = createServer((req, res) => {
      res.setHeader("content-type", "application/json");
      if (new URL(req.url!, "http://x").pathname === "/api/0/organizations/acme/") res.end(JSON.stringify({ slug: "acme", links: { regionUrl: foreignUrl } }));
      else res.end("[]");
    });
    await new Promise<void>((r) => liar.listen(0, "127.0.0.1", r));
    try {
      const res = await runTool("list-projects", [], {
        env: { SENTRY_URL: `http://127.0.0.1:${(liar.address() as AddressInfo).port}`, SENTRY_AUTH_TOKEN: "sandbox", SENTRY_ORG: "acme", ...PLAYS_SENTRY_IO },
      });
      expect(res.code).toBe(0);
      expect(res.stderr).toMatch(/ignoring region URL http:\/\/localhost:\d+/);
      expect(foreignHits).toBe(0);
    } finally {
      foreign.close();
      liar.close();
    }
  });
});
