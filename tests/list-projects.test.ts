// list-projects against the sandbox, as an agent runs it: text, JSON, pages, filters, and bad input.

import { describe, expect, it } from "vitest";
import { runTool } from "./helpers/run.js";
import { useSandbox } from "./helpers/sandbox.js";

const sandbox = useSandbox();

describe("list-projects", () => {
  it("lists every project of the organization with platform, teams and activity", async () => {
    const res = await runTool("list-projects", [], { env: sandbox.env() });
    expect(res.code).toBe(0);
    const org = sandbox.world.orgs[0]!;
    const projects = sandbox.world.projects.filter((p) => p.orgSlug === org.slug);
    const lines = res.stdout.trim().split("\n");
    // SENTRY_PROJECT narrows the tools that take --project; the header says it is not applied to the project list.
    expect(lines[0]).toBe(`${projects.length} projects in ${org.slug} (SENTRY_PROJECT ${sandbox.env().SENTRY_PROJECT} narrows the other tools, not this list):`);
    for (const p of projects) {
      const line = lines.find((l) => l.startsWith(`${p.slug} `));
      expect(line, p.slug).toBeDefined();
      expect(line).toContain(p.platform);
      if (p.firstEvent === null) expect(line).toContain("never sent events");
      else expect(line).toMatch(/\d+(\.\d)?k? events in 14d, last (today|\d+d ago)/);
    }
    expect(res.stderr).toBe("");
  });

  it("gives the same records as JSON, with --fields picking keys", async () => {
    const res = await runTool("list-projects", ["--json", "--fields", "slug,platform,activity"], { env: sandbox.env() });
    expect(res.code).toBe(0);
    expect(res.json.nextCursor).toBeNull();
    expect(Object.keys(res.json.data[0])).toEqual(["slug", "platform", "activity"]);
    const abandoned = sandbox.world.projects.find((p) => p.orgSlug === sandbox.world.orgs[0]!.slug && p.firstEvent === null)!;
    expect(res.json.data.find((r: any) => r.slug === abandoned.slug).activity).toBe("no events ever");
  });

  it("pages with --limit and continues with the --cursor the footer prints", async () => {
    const first = await runTool("list-projects", ["--limit", "2"], { env: sandbox.env() });
    const footer = first.stdout.trim().split("\n").at(-1)!;
    expect(footer).toMatch(/^More: node dist\/list-projects\.mjs --limit 2 --cursor \S+$/);
    const cursor = footer.split(" ").at(-1)!;
    const second = await runTool("list-projects", ["--limit", "2", "--cursor", cursor, "--ndjson"], { env: sandbox.env() });
    const slugsFirst = first.stdout.split("\n").slice(1, 3).map((l) => l.split(" ")[0]);
    const slugsSecond = second.stdout.trim().split("\n").map((l) => JSON.parse(l).slug);
    expect(slugsSecond).toHaveLength(2);
    expect(slugsSecond.some((s) => slugsFirst.includes(s))).toBe(false);
  });

  it("follows every page with --all", async () => {
    sandbox.clearRequests();
    const res = await runTool("list-projects", ["--all", "--json"], { env: sandbox.env() });
    const expected = sandbox.world.projects.filter((p) => p.orgSlug === sandbox.world.orgs[0]!.slug).length;
    expect(res.json.data).toHaveLength(expected);
    expect(res.json.nextCursor).toBeNull();
  });

  it("filters by --platform, matching a platform family (python finds python-django), and by --query", async () => {
    const orgProjects = sandbox.world.projects.filter((p) => p.orgSlug === sandbox.world.orgs[0]!.slug);
    const target = orgProjects.find((p) => p.platform.includes("-"))!;
    const family = target.platform.split("-")[0]!;
    const expected = orgProjects.filter((p) => p.platform === family || p.platform.startsWith(`${family}-`)).map((p) => p.slug).sort();
    const byFamily = await runTool("list-projects", ["--platform", family, "--json"], { env: sandbox.env() });
    expect(byFamily.json.data.map((r: any) => r.slug).sort()).toEqual(expected);
    const exact = await runTool("list-projects", ["--platform", target.platform, "--limit", "1"], { env: sandbox.env() });
    const configured = `(SENTRY_PROJECT ${sandbox.env().SENTRY_PROJECT} narrows the other tools, not this list)`;
    expect(exact.stdout.split("\n")[0]).toBe(`1 project in ${sandbox.world.orgs[0]!.slug} matching platform ${target.platform} ${configured}:`);
    const none = await runTool("list-projects", ["--query", "no-such-project-anywhere"], { env: sandbox.env() });
    expect(none.code).toBe(0);
    expect(none.stdout.trim()).toBe(`No projects in ${sandbox.world.orgs[0]!.slug} matching no-such-project-anywhere ${configured}.`);
  });

  it("picks the first organization when none is configured, and says so on stderr", async () => {
    const env = { ...sandbox.env(), SENTRY_ORG: undefined };
    const res = await runTool("list-projects", ["--json"], { env });
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/using organization \S+ \(the first the token can see/);
  });

  it("rejects bad input before sending anything", async () => {
    sandbox.clearRequests();
    const cases: Array<[string[], RegExp]> = [
      [["--limit", "0"], /--limit must be between 1 and 1000/],
      [["--limit", "ten"], /--limit must be a whole number/],
      [["--cursor", "abc"], /invalid --cursor/],
      [["--platform", "../x"], /invalid --platform/],
      [["--org", "Bad Org"], /invalid organization slug/],
      [["--json", "--ndjson"], /choose one of --json and --ndjson/],
      [["--fields", "slug"], /--fields works with --json/],
      [["--json", "--fields", "nope"], /unknown field nope/],
      [["--wat"], /unknown flag --wat/],
      [["extra"], /unexpected argument "extra"/],
      [["--timeout=-1"], /--timeout must be between/],
      [["--limit", "-5"], /--limit needs a value/],
      [["--limit=-5"], /--limit must be between 1 and 1000/],
      [["--all", "--limit", "5"], /--all and --limit/],
    ];
    for (const [args, message] of cases) {
      const res = await runTool("list-projects", args, { env: sandbox.env() });
      expect(res.code, args.join(" ")).toBe(2);
      expect(res.stderr).toMatch(message);
      expect(res.stderr.trim().split("\n").length).toBeLessThanOrEqual(2);
      expect(res.stdout).toBe("");
    }
    expect(sandbox.requests()).toEqual([]);
  });

  it("explains authentication and permission failures with exit 4", async () => {
    const invalid = await runTool("list-projects", [], { env: sandbox.env("not-a-real-token") });
    expect(invalid.code).toBe(4);
    expect(invalid.stderr).toMatch(/401.*Invalid token/);
    expect(invalid.stderr).toMatch(/hint: the token is invalid, expired or revoked/);
    const ci = await runTool("list-projects", [], { env: sandbox.env("sandbox-ci") });
    expect(ci.code).toBe(4);
    expect(ci.stderr).toMatch(/403/);
    expect(ci.stderr).toMatch(/org:read/);
    const none = await runTool("list-projects", [], { env: { ...sandbox.env(), SENTRY_AUTH_TOKEN: undefined } });
    expect(none.code).toBe(4);
    expect(none.stderr).toMatch(/no Sentry auth token configured/);
  });

  it("says which organization was not found with exit 5", async () => {
    const res = await runTool("list-projects", ["--org", "no-such-org"], { env: sandbox.env() });
    expect(res.code).toBe(5);
    expect(res.stderr).toMatch(/404/);
    expect(res.stderr).toMatch(/hint: check the organization slug "no-such-org"/);
  });
});
