// issue-details against the sandbox: one issue in one read, by numeric ID, short ID or URL, for every kind
// of event the sandbox seeds, a merged issue, missing issues, and the output budget.

import { describe, expect, it } from "vitest";
import { shellQuote } from "../scripts/lib/output.js";
import type { Issue } from "../scripts/sandbox/seed/issues.js";
import { expectGolden } from "./helpers/golden.js";
import { roundTrips } from "./helpers/round-trips.js";
import { runTool, tempDir } from "./helpers/run.js";
import { useSandbox } from "./helpers/sandbox.js";

const sandbox = useSandbox();
/** Added before every answer of the second sandbox, to tell parallel reads from sequential ones. */
const LATENCY_MS = 800;
const slow = useSandbox({ latencyMs: LATENCY_MS });
/** The text for a typical issue may cost at most this share of the raw bytes of the responses it used. */
const DETAILS_BUDGET = 0.1;

function orgSlug(): string {
  return sandbox.world.orgs[0]!.slug;
}

function withStatus(status: string, substatus?: string): Issue {
  const issue = sandbox.world.issues.issues.find((i) => i.orgSlug === orgSlug() && i.status === status && (!substatus || i.substatus === substatus));
  if (!issue) throw new Error(`the sandbox seeds no ${status} ${substatus ?? ""} issue`);
  return issue;
}

function shown(kind: Issue["spec"]["kind"]): Issue {
  const issue = sandbox.world.issues.issues.find((i) => i.orgSlug === orgSlug() && i.status === "unresolved" && i.spec.kind === kind);
  if (!issue) throw new Error(`the sandbox seeds no unresolved ${kind} issue`);
  return issue;
}

async function details(args: string[], env: Record<string, string | undefined> = sandbox.env()) {
  const res = await runTool("issue-details", args, { env });
  // "of undefined (reading 'x')" is a JavaScript error message, not a missing value.
  expect(res.stdout).not.toMatch(/\bundefined\b(?! \(reading)|\[object Object\]|\bNaN\b/);
  return res;
}

describe("issue-details", () => {
  it("shows an error issue by short ID: identity, numbers, exception, in-app frames, request, tags", async () => {
    const issue = shown("error");
    sandbox.clearRequests();
    const res = await details([issue.shortId.toLowerCase()]);
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split("\n");
    expect(lines[0]).toBe(`${issue.shortId}: ${issue.spec.title}`);
    expect(lines[1]).toContain(`${issue.level}, unresolved`);
    expect(res.stdout).toMatch(/^First seen .* ago.*, last seen .*; (assigned to \S+|unassigned)$/m);
    expect(res.stdout).toMatch(/^Event [0-9a-f]{12} \(error, /m);
    // The exception that surfaced is the title: named by its type, not repeated in full.
    const exceptionLine = lines[lines.findIndex((l) => l.startsWith("Event ")) + 1]!;
    if (issue.spec.title.includes(": ")) expect(exceptionLine).toMatch(/^ {2}\S+ \(message as in the title\)( \[unhandled\])?$/);
    expect(res.stdout).toMatch(/^Stack, \d+ of \d+ in-app frames, innermost first/m);
    expect(res.stdout).toMatch(/^ {2}\S+:\d+ in \S+/m);
    expect(res.stdout).toMatch(/^Tags: environment /m);
    expect(lines.at(-1)).toBe(`Next: node dist/resolve-issue.mjs ${issue.shortId}   or   node dist/ignore-issue.mjs ${issue.shortId}`);

    const paths = sandbox.requests().map((r) => r.path).sort();
    const base = `/api/0/organizations/${orgSlug()}/issues/${issue.shortId}/`;
    expect(paths).toEqual(expect.arrayContaining([base, `${base}events/latest/`, `${base}tags/`]));
  });

  it("reads the issue, its event and its tags in parallel", async () => {
    const issue = shown("error");
    slow.clearRequests();
    const res = await runTool("issue-details", [issue.id], { env: { ...sandbox.env(), SENTRY_URL: slow.url }, home: tempDir() });
    expect(res.code).toBe(0);
    // Counted from the sandbox's timestamps, not timed: every read arrived before any answer was sent
    // (each waits LATENCY_MS), so the three went out in one wave.
    const log = slow.requests();
    expect(log).toHaveLength(3);
    expect(roundTrips(log)).toBe(1);
  });

  it("takes a Sentry issue URL and uses the organization it names", async () => {
    const issue = shown("chained");
    sandbox.clearRequests();
    const url = `https://sentry.example.com/organizations/${orgSlug()}/issues/${issue.id}/?project=1`;
    const res = await details([url], { ...sandbox.env(), SENTRY_ORG: undefined });
    expect(res.code).toBe(0);
    expect(res.stderr).not.toMatch(/using organization/);
    expect(sandbox.requests().every((r) => r.path.startsWith(`/api/0/organizations/${orgSlug()}/`))).toBe(true);
    // A chained exception shows what surfaced and what caused it.
    expect(res.stdout).toMatch(/^ {2}caused by \S+/m);
  });

  it("summarizes a message event by its message", async () => {
    const issue = shown("message");
    const res = await details([issue.id]);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^Event [0-9a-f]{12} \(message, /m);
    expect(res.stdout).toMatch(/^ {2}Message: \S+/m);
  });

  it("summarizes a CSP report by directive, blocked URI and page", async () => {
    const issue = shown("csp");
    const res = await details([issue.id]);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^ {2}CSP violation: \S+ blocked \S+ on \S+/m);
  });

  it("summarizes a performance issue by its evidence, the offending spans first", async () => {
    const issue = shown("performance");
    const perf = issue.spec.perf!;
    const res = await details([issue.id]);
    expect(res.code).toBe(0);
    const lines = res.stdout.split("\n");
    const at = lines.findIndex((l) => /^Event [0-9a-f]{12} \(performance, /.test(l));
    expect(at).toBeGreaterThan(0);
    // The occurrence's evidenceDisplay as the seed wrote it: the important entry, then the rest in order.
    const offending = `${perf.op} - ${perf.offenderDescription}`;
    expect(offending.length, "short enough to be shown whole").toBeLessThanOrEqual(200);
    expect(lines.slice(at + 1, at + 4)).toEqual([
      `  Offending Spans: ${offending}`,
      `  Transaction Name: ${issue.spec.transaction}`,
      `  Repeating Spans: ${perf.repeat}`,
    ]);
  });

  it("points a performance issue at its transaction's timings and, for database issues, its queries", async () => {
    const perfIssues = sandbox.world.issues.issues.filter((i) => i.orgSlug === orgSlug() && i.status === "unresolved" && i.spec.kind === "performance");
    const db = perfIssues.find((i) => i.spec.perf!.issueType.includes("_db_"))!;
    const http = perfIssues.find((i) => !i.spec.perf!.issueType.includes("_db_"));
    const slug = (i: Issue) => sandbox.world.projects.find((p) => p.id === i.projectId)!.slug;
    const res = await details([db.shortId]);
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split("\n");
    const t = shellQuote(db.spec.transaction);
    expect(lines.at(-2)).toBe(`Next: node dist/transaction-summary.mjs ${t} --project ${slug(db)}   or   node dist/slow-queries.mjs --transaction ${t} --project ${slug(db)}`);
    expect(lines.at(-1)).toBe(`Then: node dist/resolve-issue.mjs ${db.shortId}   or   node dist/ignore-issue.mjs ${db.shortId}`);
    if (http) {
      const other = await details([http.shortId]);
      expect(other.stdout).toContain("Next: node dist/transaction-summary.mjs ");
      expect(other.stdout).not.toContain("slow-queries");
    }
    // An error issue keeps the plain next step.
    const error = await details([shown("error").shortId]);
    expect(error.stdout.trim().split("\n").at(-1)).toMatch(/^Next: node dist\/resolve-issue\.mjs /);
  });

  it("explains a 403 for an organization token as list-issues does: the scope, and what such a token can do", async () => {
    const res = await details([shown("error").shortId], sandbox.env("sandbox-ci"));
    expect(res.code).toBe(4);
    expect(res.stderr).toContain("hint: this call needs a token with scope event:read (an organization token, scope org:ci, can manage releases only)");
  });

  it("reports a merged issue as merged into its successor", async () => {
    const [ghost, successorId] = [...sandbox.world.issues.redirects].find(([from]) => /^\d+$/.test(from))!;
    const successor = sandbox.world.issues.byId.get(successorId)!;
    const res = await details([ghost]);
    expect(res.code).toBe(0);
    expect(res.stdout.split("\n")[0]).toBe(`${ghost} was merged into ${successor.shortId}; showing ${successor.shortId}.`);
    const json = await runTool("issue-details", [ghost, "--json", "--fields", "id,mergedFrom"], { env: sandbox.env() });
    expect(json.json).toEqual({ id: successor.id, mergedFrom: ghost });
  });

  it("prints as JSON exactly the fields it documents, with and without --full", async () => {
    const issue = shown("error");
    const help = await runTool("issue-details", ["--help"], { env: sandbox.env() });
    const documented = /^JSON fields: (.*)$/m.exec(help.stdout)![1]!.split(", ");
    for (const extra of [[], ["--full"], ["--frames", "2"]]) {
      const res = await runTool("issue-details", [issue.id, "--json", ...extra], { env: sandbox.env() });
      expect(Object.keys(res.json), extra.join(" ")).toEqual(documented);
    }
  });

  it("limits frames with --frames and shows every frame and tag with --full", async () => {
    const issue = shown("error");
    const few = await runTool("issue-details", [issue.id, "--frames", "1", "--json", "--fields", "event,tags"], { env: sandbox.env() });
    expect(few.json.event.frames).toHaveLength(1);
    expect(few.json.event.framesFrom).toBe("in-app");
    const full = await runTool("issue-details", [issue.id, "--full", "--json", "--fields", "event,tags"], { env: sandbox.env() });
    expect(full.json.event.frames).toHaveLength(full.json.event.framesTotal);
    expect(full.json.event.framesFrom).toBe("all");
    expect(full.json.event.framesTotal).toBeGreaterThan(full.json.event.framesInApp);
    // Without --full the telling tags with their top three values; with it, every tag the issue has.
    expect(few.json.tags.map((t: { key: string }) => t.key)).toEqual(expect.arrayContaining(["environment", "release"]));
    expect(few.json.tags.every((t: { top: unknown[] }) => t.top.length <= 3)).toBe(true);
    expect(full.json.tags.length).toBeGreaterThan(few.json.tags.length);
    const text = await details([issue.id, "--full"]);
    expect(text.stdout).toMatch(/^Stack, all \d+ frames/m);
    expect(text.stdout).toContain("[library]");
  });

  it("fetches a given event by ID", async () => {
    const issue = shown("error");
    const latest = await runTool("issue-details", [issue.id, "--json", "--fields", "event"], { env: sandbox.env() });
    const eventId = latest.json.event.id as string;
    sandbox.clearRequests();
    const res = await details([issue.id, "--event", eventId]);
    expect(res.code).toBe(0);
    expect(sandbox.requests().some((r) => r.path.endsWith(`/events/${eventId}/`))).toBe(true);
  });

  it("prints at most 10% of the raw bytes of the responses it used", async () => {
    const issue = shown("error");
    sandbox.clearRequests();
    const res = await details([issue.shortId]);
    let rawBytes = 0;
    for (const r of sandbox.requests().filter((q) => q.path.includes("/issues/"))) {
      const answer = await fetch(`${sandbox.url}${r.path}`, { headers: { Authorization: "Bearer sandbox" } });
      rawBytes += Buffer.byteLength(await answer.text());
    }
    expect(Buffer.byteLength(res.stdout) / rawBytes).toBeLessThanOrEqual(DETAILS_BUDGET);
  });

  it("still shows the issue when its event cannot be read", async () => {
    const issue = shown("error");
    // More failures than the client's retries, so the event read fails for good.
    sandbox.faults.add({ path: "*/events/latest/", kind: "status", status: 503, times: 10 });
    try {
      const res = await details([issue.shortId]);
      expect(res.code).toBe(0);
      expect(res.stdout.split("\n")[0]).toBe(`${issue.shortId}: ${issue.spec.title}`);
      expect(res.stdout).toMatch(/^No event shown: Sentry answered 503/m);
      expect(res.stdout).toMatch(/^Tags: /m);
    } finally {
      sandbox.faults.clear();
    }
  });

  it("exits 5 with a hint for an issue that does not exist or waits for deletion", async () => {
    const missing = await runTool("issue-details", ["999999999999"], { env: sandbox.env() });
    expect(missing.code).toBe(5);
    expect(missing.stderr).toMatch(/not found \(404\)/);
    expect(missing.stderr).toMatch(/hint: no issue 999999999999 in organization/);
    const doomed = sandbox.world.issues.issues.find((i) => i.status === "pending_deletion")!;
    const gone = await runTool("issue-details", [doomed.shortId], { env: sandbox.env() });
    expect(gone.code).toBe(5);
  });

  it("rejects a malformed issue or event before sending anything", async () => {
    sandbox.clearRequests();
    for (const args of [["not an issue"], ["https://example.com/dashboard/"], ["4242", "--event", "newest"], ["4242", "--frames", "0"]]) {
      const res = await runTool("issue-details", args, { env: sandbox.env() });
      expect(res.code, args.join(" ")).toBe(2);
    }
    expect(sandbox.requests()).toEqual([]);
  });

  it("suggests what fits the status: resolve or ignore when unresolved, resolve when ignored (saying until when), nothing when resolved", async () => {
    const resolved = await details([withStatus("resolved").shortId]);
    expect(resolved.code).toBe(0);
    expect(resolved.stdout.split("\n")[1]).toMatch(/^\w+, resolved/);
    expect(resolved.stdout).not.toMatch(/resolve-issue|ignore-issue/);

    const condition = withStatus("ignored", "archived_until_condition_met");
    const ignored = await details([condition.shortId]);
    expect(ignored.stdout.split("\n")[1]).toMatch(/^\w+, ignored until (\d{4}-\d\d-\d\d \d\d:\d\dZ \(in \d+[mhd]\)|\d+ (more )?(events|users))/);
    expect(ignored.stdout.trim().split("\n").at(-1)).toBe(`Next: node dist/resolve-issue.mjs ${condition.shortId}`);
    const escalating = await details([withStatus("ignored", "archived_until_escalating").shortId]);
    expect(escalating.stdout.split("\n")[1]).toMatch(/^\w+, ignored until escalating/);
    expect(escalating.stdout).not.toContain("ignore-issue");
  });

  it("carries the organization an issue URL or --org chose into every suggested command", async () => {
    const issue = shown("error");
    const url = `https://sentry.example.com/organizations/${orgSlug()}/issues/${issue.id}/`;
    const res = await details([url], { ...sandbox.env(), SENTRY_ORG: undefined });
    expect(res.stdout.trim().split("\n").at(-1)).toBe(
      `Next: node dist/resolve-issue.mjs ${issue.shortId} --org ${orgSlug()}   or   node dist/ignore-issue.mjs ${issue.shortId} --org ${orgSlug()}`,
    );
    const flagged = await details([issue.shortId, "--org", orgSlug()]);
    expect(flagged.stdout.trim().split("\n").at(-1)).toContain(`resolve-issue.mjs ${issue.shortId} --org ${orgSlug()} `);
    // From the environment the next command finds the organization by itself.
    const plain = await details([issue.shortId]);
    expect(plain.stdout).not.toContain("--org");
  });

  it("labels its counts as the issue's lifetime and gives the event's user as an object in JSON", async () => {
    const issue = shown("error");
    const res = await details([issue.shortId]);
    expect(res.stdout.split("\n")[1]).toMatch(/, \S+ events?, \S+ users? in its lifetime, project /);
    const json = await runTool("issue-details", [issue.shortId, "--json"], { env: sandbox.env() });
    const user = json.json.event.user;
    expect(Object.keys(user)).toEqual(["id", "email", "username", "name", "ipAddress"]);
    expect(res.stdout).toContain(`User id ${user.id}`);
    expect(json.json.next).toEqual([`node dist/resolve-issue.mjs ${issue.shortId}`, `node dist/ignore-issue.mjs ${issue.shortId}`]);
    expect(JSON.stringify(json.json)).not.toMatch(/"[-?]"/);
  });

  it("prints each kind of issue exactly as the golden transcripts have it (fixed clock)", async () => {
    const cases: Array<[string, Issue]> = [
      ["error", shown("error")],
      ["chained", shown("chained")],
      ["message", shown("message")],
      ["csp", shown("csp")],
      ["performance", shown("performance")],
      ["ignored", withStatus("ignored", "archived_until_condition_met")],
      ["resolved", withStatus("resolved")],
    ];
    for (const [name, issue] of cases) {
      const res = await details([issue.shortId]);
      expect(res.code, res.stderr).toBe(0);
      expectGolden(`issue-details/${name}`, res.stdout, sandbox.url);
    }
    const full = await details([shown("error").shortId, "--full"]);
    expectGolden("issue-details/error-full", full.stdout, sandbox.url);
  });
});
