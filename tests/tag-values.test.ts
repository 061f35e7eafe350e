// tag-values against the sandbox: several tag keys of an issue in one call, each with its top values and their
// share of the issue's events, a flag on a value that holds most of them, keys the issue does not have, and a
// malformed answer to a key's read.

import { afterEach, describe, expect, it } from "vitest";
import { compactNumber } from "../scripts/lib/output.js";
import { issueTags, type TagSummary } from "../scripts/sandbox/seed/issue-events.js";
import type { Issue } from "../scripts/sandbox/seed/issues.js";
import { showcaseEvent } from "../scripts/sandbox/seed/traces.js";
import { proxyTo, startHostileServer, type HostileServer } from "./helpers/hostile-server.js";
import { runTool } from "./helpers/run.js";
import { useSandbox } from "./helpers/sandbox.js";

const sandbox = useSandbox();
const servers: HostileServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const DOMINANT = 0.8;
const showcase = () => showcaseEvent(sandbox.world)!.issue;
const tagsOf = (issue: Issue) => issueTags(sandbox.world, issue);

/** An unresolved issue with a key whose most common value holds more than 80% of its events, and one that does not. */
function dominated(): { issue: Issue; key: TagSummary; spread: TagSummary } {
  for (const issue of sandbox.world.issues.issues.filter((i) => i.orgSlug === "acme" && i.status === "unresolved")) {
    const tags = tagsOf(issue);
    const key = tags.find((t) => t.uniqueValues > 1 && t.values[0]!.count / t.totalValues > DOMINANT);
    const spread = tags.find((t) => t.uniqueValues > 2 && t.values[0]!.count / t.totalValues < 0.5);
    if (key && spread) return { issue, key, spread };
  }
  throw new Error("the sandbox seeds no issue with one dominant and one spread tag");
}

describe("tag-values", () => {
  it("spreads the showcase issue's events over three keys in one call: top 5 values with their share", async () => {
    const issue = showcase();
    sandbox.clearRequests();
    const res = await runTool("tag-values", [issue.shortId, "--key", "release,environment", "--key", "user", "--json"], { env: sandbox.env() });
    expect(res.code, res.stderr).toBe(0);
    expect(sandbox.requests().filter((r) => r.path.includes("/tags/")).map((r) => r.path.split("/").at(-2)).sort()).toEqual(["environment", "release", "user"]);
    for (const key of ["release", "environment", "user"]) {
      const seeded = tagsOf(issue).find((t) => t.key === key)!;
      const got = res.json.tags.find((t: { key: string }) => t.key === key);
      expect(got.total).toBe(seeded.totalValues);
      expect(got.values.map((v: { value: string; count: number; share: number }) => [v.value, v.count, v.share])).toEqual(
        seeded.values.slice(0, 5).map((v) => [v.value, v.count, v.count / seeded.totalValues]),
      );
    }
    expect(res.json.missing).toEqual([]);

    const text = await runTool("tag-values", [issue.shortId, "--key", "environment"], { env: sandbox.env() });
    const env = tagsOf(issue).find((t) => t.key === "environment")!;
    const shares = env.values.map((v) => `${v.value} ${Math.round((v.count / env.totalValues) * 100)}%`).join(", ");
    expect(text.stdout).toBe(`Tag values of ${issue.shortId}, top 5 per key, share of the events carrying the key:\nenvironment (${compactNumber(env.totalValues)} events, ${env.uniqueValues} values): ${shares}\n`);
  });

  it("flags a value that holds more than 80% of the events, and suggests listing those events", async () => {
    const { issue, key, spread } = dominated();
    const res = await runTool("tag-values", [issue.shortId, "--key", `${key.key},${spread.key}`], { env: sandbox.env() });
    expect(res.code, res.stderr).toBe(0);
    const line = (k: string) => res.stdout.split("\n").find((l) => l.startsWith(`${k} (`))!;
    expect(line(key.key)).toMatch(/ <- over 80%(,|$)/);
    expect(line(spread.key)).not.toContain("over 80%");
    const json = await runTool("tag-values", [issue.shortId, "--key", `${key.key},${spread.key}`, "--json"], { env: sandbox.env() });
    expect(json.json.tags.map((t: { dominant: string | null }) => t.dominant)).toEqual([key.values[0]!.value, null]);
    if (key.key !== "environment") expect(res.stdout).toContain(`Next: node dist/issue-events.mjs ${issue.shortId} --query '${key.key}:"${key.values[0]!.value}"'`);
  });

  it("names the keys no event of the issue carries, and fails (exit 5) only when none of them is there", async () => {
    const issue = showcase();
    const some = await runTool("tag-values", [issue.shortId, "--key", "environment,no.such.key"], { env: sandbox.env() });
    expect(some.code, some.stderr).toBe(0);
    expect(some.stdout).toContain("\nNot on any event: no.such.key\n");
    const none = await runTool("tag-values", [issue.shortId, "--key", "no.such.key"], { env: sandbox.env() });
    expect(none.code).toBe(5);
    expect(none.stderr).toMatch(/or no event of the issue carries no\.such\.key$/m);
  });

  it("refuses a bad tag key before sending anything", async () => {
    sandbox.clearRequests();
    const res = await runTool("tag-values", [showcase().shortId, "--key", "release,../x"], { env: sandbox.env() });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('invalid tag key "../x"');
    expect(sandbox.requests()).toEqual([]);
  });

  it("ends with exit 7, printing nothing, when a key's answer has the wrong shape", async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ key: "release", name: "Release", totalValues: 10, topValues: "many" }, /expected a list at topValues/],
      [{ key: "release", name: "Release", totalValues: "10", topValues: [] }, /expected a number at totalValues/],
      [[], /expected an object/],
    ];
    for (const [body, message] of cases) {
      const proxy = await startHostileServer(proxyTo(() => sandbox.url, (answer, req) => (req.url!.includes("/tags/release/") ? { ...answer, status: 200, body } : answer)));
      servers.push(proxy);
      const res = await runTool("tag-values", [showcase().shortId, "--key", "release,environment"], { env: { ...sandbox.env(), SENTRY_URL: proxy.url } });
      expect(res.code, res.stderr).toBe(7);
      expect(res.stderr).toMatch(message);
      expect(res.stdout).toBe("");
    }
  });
});
