// project-settings against the sandbox, as an agent asks "how is this project configured" and "where does
// its data go": grouped settings with Sentry's defaults hidden, --defaults, JSON groups, and the client keys.

import { describe, expect, it } from "vitest";
import { runTool } from "./helpers/run.js";
import { useSandbox } from "./helpers/sandbox.js";
import { tool as projectSettingsTool } from "../scripts/project-settings.js";
import type { Config } from "../scripts/lib/config.js";

const READ_ONLY = "sandbox-read";
/** A detail view may print at most this share of the API bytes it read. */
const MAX_OUTPUT_SHARE = 0.1;

const sandbox = useSandbox();

function project(slug: string) {
  return sandbox.world.projects.find((p) => p.slug === slug)!;
}

function keysOf(slug: string) {
  return sandbox.world.keys.filter((k) => k.projectId === project(slug).id);
}

/** The line of a group ("issue handling: …"), or undefined when the group is not shown. */
function groupLine(stdout: string, title: string): string | undefined {
  return stdout.split("\n").find((l) => l.startsWith(`${title}: `));
}

describe("project-settings", () => {
  it("shows what differs from Sentry's defaults, grouped, and counts what it left out", async () => {
    const p = project("api-backend");
    const res = await runTool("project-settings", ["api-backend"], { env: sandbox.env(READ_ONLY) });
    expect(res.code).toBe(0);
    expect(res.stderr).toBe("");
    const lines = res.stdout.trim().split("\n");
    expect(lines[0]).toMatch(new RegExp(`^api-backend \\(${p.name}\\): ${p.platform}; teams ${p.teamSlugs.join(", ")}; created \\S+ ago; first event \\S+ ago$`));
    const issueHandling = groupLine(res.stdout, "issue handling")!;
    // resolveAge is in hours: 168 h reads as a week.
    expect(p.settings.resolveAge).toBe(168);
    expect(issueHandling).toContain("auto-resolve after 1w without events");
    expect(issueHandling).toContain(`fingerprint 1 rule: ${p.settings.fingerprintingRules as string}`);
    expect(issueHandling).toContain(`email subject prefix "${p.settings.subjectPrefix as string}"`);
    expect(groupLine(res.stdout, "data privacy")).toBe(
      `data privacy: sensitive fields ${(p.settings.sensitiveFields as string[]).join(", ")}; safe fields ${(p.settings.safeFields as string[]).join(", ")}`,
    );
    // Settings at their defaults (data scrubber on, allowed domains *) are not repeated.
    expect(groupLine(res.stdout, "security")).toBeUndefined();
    expect(lines.at(-1)).toMatch(/^\d+ settings at Sentry's default hidden; --defaults shows them\.$/);
  });

  it("shows every setting with --defaults", async () => {
    const res = await runTool("project-settings", ["api-backend", "--defaults"], { env: sandbox.env(READ_ONLY) });
    expect(res.code).toBe(0);
    expect(groupLine(res.stdout, "data privacy")).toContain("data scrubber on; default scrubbing rules on; IP address scrubbing off");
    expect(groupLine(res.stdout, "security")).toContain("allowed domains *; scrape JavaScript sources on; verify TLS when scraping off");
    expect(groupLine(res.stdout, "notifications")).toBe("notifications: email digest min delay 5m; email digest max delay 30m");
    expect(groupLine(res.stdout, "releases")).toBe("releases: create releases automatically off");
    expect(res.stdout).not.toContain("--defaults shows them");
  });

  it("gives the same groups as JSON, with the API's own setting names and units", async () => {
    const p = project("payments");
    const res = await runTool("project-settings", ["payments", "--json"], { env: sandbox.env(READ_ONLY) });
    expect(res.code).toBe(0);
    expect(Object.keys(res.json)).toEqual(["general", "issueHandling", "notifications", "dataPrivacy", "security", "releases", "dsns", "moreDsns", "hiddenDefaults"]);
    expect(res.json.general).toMatchObject({ slug: "payments", platform: p.platform, teams: p.teamSlugs, defaultEnvironment: p.settings.defaultEnvironment });
    expect(res.json.notifications).toEqual({ digestsMinDelay: p.settings.digestsMinDelay, digestsMaxDelay: p.settings.digestsMaxDelay });
    expect(res.json.dataPrivacy).toEqual({ scrubIPAddresses: true, sensitiveFields: p.settings.sensitiveFields });
    expect(res.json.security).toEqual({});
    const all = await runTool("project-settings", ["payments", "--json", "--defaults", "--fields", "security,hiddenDefaults"], { env: sandbox.env(READ_ONLY) });
    expect(all.json).toEqual({
      security: { allowedDomains: ["*"], scrapeJavaScript: true, verifySSL: false, securityTokenHeader: null },
      hiddenDefaults: 0,
    });
  });

  it("renders ages from the run's clock, not the clock at render time", async () => {
    const res = await runTool("project-settings", ["api-backend", "--json"], { env: sandbox.env(READ_ONLY) });
    const general = res.json.general as { firstEvent: string; dateCreated: string };
    const HOUR = 3_600_000;
    const now = Date.parse(general.firstEvent) + 2 * HOUR;
    const first = projectSettingsTool.render(res.json, { now, config: {} as Config, verbose: false }).split("\n")[0];
    expect(first).toMatch(/; created \S+ ago; first event 2h ago$/);
    // A day later by the run's clock, both ages move with it.
    const later = projectSettingsTool.render(res.json, { now: now + 24 * HOUR, config: {} as Config, verbose: false }).split("\n")[0];
    expect(later).toMatch(/; created \d+d ago; first event 1d ago$/);
  });

  it("lists the client keys: where the SDK sends data, which key is disabled, rate limits", async () => {
    const keys = keysOf("web-frontend");
    expect(keys.length).toBe(2);
    const res = await runTool("project-settings", ["web-frontend"], { env: sandbox.env(READ_ONLY) });
    expect(res.code).toBe(0);
    const lines = res.stdout.split("\n");
    const start = lines.indexOf(`DSNs (${keys.length}):`);
    expect(start).toBeGreaterThan(0);
    const host = new URL(sandbox.url).host;
    for (const k of keys) {
      const line = lines.slice(start + 1).find((l) => l.includes(k.public))!;
      expect(line).toBe(`  ${k.name} (${k.isActive ? "active, rate limit 50000/1h" : "disabled"}): http://${k.public}@${host}/${k.projectId}`);
    }
    // The secret half of a key and the project's security token are credentials: never printed.
    for (const k of keys) expect(res.stdout).not.toContain(k.secret);
    const json = await runTool("project-settings", ["web-frontend", "--json", "--defaults"], { env: sandbox.env(READ_ONLY) });
    for (const k of keys) expect(json.stdout).not.toContain(k.secret);
    expect(json.stdout).not.toContain(project("web-frontend").settings.securityToken as string);
    expect(json.json.dsns.map((d: { active: boolean }) => d.active)).toEqual(keys.map((k) => k.isActive));
  });

  it("fetches the project and its keys, once each, for the configured project by default", async () => {
    sandbox.clearRequests();
    const res = await runTool("project-settings", [], { env: sandbox.env(READ_ONLY) });
    expect(res.code).toBe(0);
    const configured = sandbox.env().SENTRY_PROJECT!;
    expect(res.stdout.startsWith(`${configured} (`)).toBe(true);
    const paths = sandbox.requests().map((r) => r.path);
    const org = sandbox.world.orgs[0]!.slug;
    expect(paths.filter((p) => p === `/api/0/projects/${org}/${configured}/`)).toHaveLength(1);
    expect(paths.filter((p) => p === `/api/0/projects/${org}/${configured}/keys/`)).toHaveLength(1);
    const viaFlag = await runTool("project-settings", ["--project", "mobile-ios"], { env: sandbox.env(READ_ONLY) });
    expect(viaFlag.stdout.startsWith("mobile-ios (")).toBe(true);
  });

  it("still shows the settings when the token may not read the keys", async () => {
    sandbox.faults.add({ path: "/projects/*/keys/", kind: "status", status: 403, times: 1 });
    const res = await runTool("project-settings", ["legacy-php"], { env: sandbox.env(READ_ONLY) });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("\nsecurity: scrape JavaScript sources off\n");
    expect(res.stdout).toContain("DSNs: the token may not read this project's client keys (403)");
  });

  it("says which project was not found and how to list them", async () => {
    const res = await runTool("project-settings", ["no-such-project"], { env: sandbox.env(READ_ONLY) });
    expect(res.code).toBe(5);
    expect(res.stderr).toBe(
      `project-settings: error: no project no-such-project in ${sandbox.world.orgs[0]!.slug}: not found (404)\nhint: list the projects the token can see with: node dist/list-projects.mjs\n`,
    );
  });

  it("rejects a malformed slug or two different projects before sending anything", async () => {
    sandbox.clearRequests();
    const bad = await runTool("project-settings", ["Web Frontend"], { env: sandbox.env(READ_ONLY) });
    expect(bad.code).toBe(2);
    const two = await runTool("project-settings", ["payments", "--project", "mobile-ios"], { env: sandbox.env(READ_ONLY) });
    expect(two.code).toBe(2);
    expect(two.stderr).toContain("two different projects given: payments and --project mobile-ios");
    expect(sandbox.requests()).toEqual([]);
  });

  it("prints at most a tenth of the bytes Sentry sent", async () => {
    const res = await runTool("project-settings", ["api-backend", "--verbose"], { env: sandbox.env(READ_ONLY) });
    const apiBytes = [...res.stderr.matchAll(/^< 200 (\d+) B/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    expect(apiBytes).toBeGreaterThan(0);
    expect(Buffer.byteLength(res.stdout)).toBeLessThanOrEqual(apiBytes * MAX_OUTPUT_SHARE);
  });
});
