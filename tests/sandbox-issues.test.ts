// The sandbox's issues, as a tool or a person with curl meets them: searching and sorting the issue stream,
// paging, short IDs and merged issues, every kind of event, tag summaries, and changing an issue's status with
// Sentry's rules (including the ignore-mode quirk), with the scopes Sentry checks.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startSandbox } from "../scripts/sandbox/server.js";
import type { Issue } from "../scripts/sandbox/seed/issues.js";
import { createWorld } from "../scripts/sandbox/world.js";
import { statsSeries } from "../scripts/sandbox/routes/issue-serializers.js";
import { useSandbox } from "./helpers/sandbox.js";

const sandbox = useSandbox();
const DAY = 86_400_000;
const HOUR = 3_600_000;

type Row = Record<string, unknown>;

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

async function call(method: string, path: string, body?: unknown, token = "sandbox", base = sandbox.url): Promise<Answer> {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(`${base}/api/0${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as unknown) : undefined };
}

const org = (): string => sandbox.world.orgs[0]!.slug;
const list = (params: string, token?: string) => call("GET", `/organizations/${org()}/issues/?${params}`, undefined, token);
const rows = (a: Answer): Row[] => a.body as Row[];
const ids = (a: Answer): string[] => rows(a).map((r) => r.id as string);

function listable(): Issue[] {
  return sandbox.world.issues.issues.filter((i) => i.orgSlug === org() && i.status !== "pending_deletion");
}

function slugOf(issue: Issue): string {
  return sandbox.world.projects.find((p) => p.id === issue.projectId)!.slug;
}

/** Every page of a search, following the Link header's next cursor while it says results="true". */
async function allPages(params: string): Promise<Row[]> {
  const out: Row[] = [];
  let cursor = "";
  for (;;) {
    const page = await list(`${params}&limit=100${cursor ? `&cursor=${cursor}` : ""}`);
    expect(page.status).toBe(200);
    out.push(...rows(page));
    const next = /<[^>]+>; rel="next"; results="(true|false)"; cursor="([^"]+)"/.exec(page.headers.get("link") ?? "");
    if (!next || next[1] !== "true") return out;
    cursor = next[2]!;
  }
}

/** Picks an issue for a write test and never hands it out twice, so tests in this file do not collide. */
const taken = new Set<string>();
function takeIssue(test: (i: Issue) => boolean): Issue {
  const issue = listable().find((i) => !taken.has(i.id) && i.mergedIds.length === 0 && test(i));
  if (!issue) throw new Error("no seeded issue fits this test");
  taken.add(issue.id);
  return issue;
}

describe("sandbox issues › the issue stream", () => {
  it("lists unresolved issues seen in the last 14 days, latest first, by default", async () => {
    const res = await list("");
    expect(res.status).toBe(200);
    const expected = listable()
      .filter((i) => i.status === "unresolved" && i.lastSeen >= sandbox.world.now - 14 * DAY)
      .sort((a, b) => b.lastSeen - a.lastSeen);
    expect(res.headers.get("x-hits")).toBe(String(expected.length));
    expect(ids(res)).toEqual(expected.slice(0, 100).map((i) => i.id));
  });

  it("serializes counts as strings, with a permalink on the listener's own URL and 24 hourly stats", async () => {
    const [first] = rows(await list("limit=1"));
    const seeded = sandbox.world.issues.byId.get(first!.id as string)!;
    expect(first!.count).toMatch(/^\d+$/);
    expect(first!.lifetime).toMatchObject({ count: String(seeded.count), userCount: seeded.userCount });
    expect(first!.permalink).toBe(`${sandbox.url}/organizations/${org()}/issues/${seeded.id}/`);
    const hourly = (first!.stats as Record<string, Array<[number, number]>>)["24h"]!;
    expect(hourly).toHaveLength(24);
    expect(hourly[1]![0] - hourly[0]![0]).toBe(3600);
    expect(hourly.reduce((s, [, n]) => s + n, 0)).toBeLessThanOrEqual(seeded.count);
  });

  it("counts events and users of the searched window and environment, with the totals under lifetime", async () => {
    const hour = rows(await list("statsPeriod=1h&limit=100"));
    expect(hour.length).toBeGreaterThan(3);
    for (const r of hour) {
      const seeded = sandbox.world.issues.byId.get(r.id as string)!;
      const count = Number(r.count);
      // The last hour is the last hour of the issue's seeded series, whatever minute the clock is at.
      expect(count).toBeGreaterThanOrEqual(1);
      expect(count).toBe(seeded.lastDay.at(-1));
      expect(r.userCount as number).toBeLessThanOrEqual(Math.min(count, seeded.userCount));
      expect(r.lifetime).toMatchObject({ count: String(seeded.count), userCount: seeded.userCount });
    }
    expect(hour.some((r) => Number(r.count) < sandbox.world.issues.byId.get(r.id as string)!.count)).toBe(true);
    // An environment keeps its share of the window's events: never more than all environments together.
    const all = new Map(rows(await list("statsPeriod=14d&limit=100")).map((r) => [r.id, Number(r.count)]));
    const staging = rows(await list("statsPeriod=14d&limit=100&environment=staging"));
    expect(staging.length).toBeGreaterThan(0);
    for (const r of staging) if (all.has(r.id)) expect(Number(r.count)).toBeLessThanOrEqual(all.get(r.id)!);
    expect(staging.some((r) => all.has(r.id) && Number(r.count) < all.get(r.id)!)).toBe(true);
  });

  it("gives 14 daily buckets with groupStatsPeriod=14d and refuses other periods", async () => {
    const [first] = rows(await list("limit=1&groupStatsPeriod=14d"));
    const daily = (first!.stats as Record<string, Array<[number, number]>>)["14d"]!;
    expect(daily).toHaveLength(14);
    expect(daily[1]![0] - daily[0]![0]).toBe(86_400);
    const bad = await list("groupStatsPeriod=7d");
    expect(bad.status).toBe(400);
    expect((bad.body as Row).detail).toMatch(/Invalid stats_period/);
  });

  it("pages through every issue of the organization with cursors, X-Hits and Link results flags", async () => {
    const all = await allPages("query=&statsPeriod=90d");
    const expected = listable().filter((i) => i.lastSeen >= sandbox.world.now - 90 * DAY);
    expect(all.length).toBeGreaterThanOrEqual(150);
    expect(new Set(all.map((r) => r.id))).toEqual(new Set(expected.map((i) => i.id)));
    expect(all).toHaveLength(expected.length);
    const last = await list(`query=&statsPeriod=90d&limit=100&cursor=0:${Math.floor((expected.length - 1) / 100) * 100}:0`);
    expect(last.headers.get("link")).toMatch(/rel="previous"; results="true".*rel="next"; results="false"/);
  });

  it("caps limit at 100", async () => {
    const res = await list("query=&statsPeriod=90d&limit=500");
    expect(rows(res)).toHaveLength(100);
  });

  it("never lists an issue waiting for deletion", async () => {
    const doomed = sandbox.world.issues.issues.find((i) => i.status === "pending_deletion")!;
    const all = await allPages("query=&statsPeriod=90d");
    expect(all.some((r) => r.id === doomed.id)).toBe(false);
  });

  it("finds older issues only with a wider statsPeriod or start/end", async () => {
    const stale = listable().find((i) => i.status === "unresolved" && i.lastSeen < sandbox.world.now - 15 * DAY)!;
    expect(ids(await list("limit=100&query=is:unresolved"))).not.toContain(stale.id);
    const wide = await allPages("query=is:unresolved&statsPeriod=60d");
    expect(wide.some((r) => r.id === stale.id)).toBe(true);
    const start = new Date(stale.lastSeen - HOUR).toISOString();
    const end = new Date(stale.lastSeen + HOUR).toISOString();
    expect(ids(await list(`query=&start=${start}&end=${end}`))).toContain(stale.id);
  });
});

describe("sandbox issues › search", () => {
  const search = async (query: string, extra = "statsPeriod=90d"): Promise<Row[]> => allPages(`query=${encodeURIComponent(query)}&${extra}`);
  const expectOnly = async (query: string, test: (i: Issue) => boolean): Promise<void> => {
    const found = await search(query);
    const expected = listable().filter((i) => i.lastSeen >= sandbox.world.now - 90 * DAY && test(i));
    expect(expected.length, `the seed has issues for ${query}`).toBeGreaterThan(0);
    expect(new Set(found.map((r) => r.id)), query).toEqual(new Set(expected.map((i) => i.id)));
  };

  it("filters by status, with archived as an alias of ignored and substatuses as is: values", async () => {
    await expectOnly("is:resolved", (i) => i.status === "resolved");
    await expectOnly("is:archived", (i) => i.status === "ignored");
    await expectOnly("is:ignored", (i) => i.status === "ignored");
    await expectOnly("is:regressed", (i) => i.substatus === "regressed");
    await expectOnly("is:escalating", (i) => i.substatus === "escalating");
    await expectOnly("is:archived_until_escalating", (i) => i.substatus === "archived_until_escalating");
  });

  it("combines terms, negates with ! and takes [a, b] lists", async () => {
    await expectOnly("is:unresolved level:fatal", (i) => i.status === "unresolved" && i.level === "fatal");
    await expectOnly("!is:unresolved", (i) => i.status !== "unresolved");
    await expectOnly("level:[warning, info]", (i) => i.level === "warning" || i.level === "info");
  });

  it("filters by assignee: me, a team, an email, nobody", async () => {
    const me = sandbox.world.members[0]!;
    await expectOnly("assigned:me", (i) => i.assignee?.type === "user" && i.assignee.id === me.id);
    const team = sandbox.world.teams.find((t) => listable().some((i) => i.assignee?.type === "team" && i.assignee.id === t.id))!;
    await expectOnly(`assigned:#${team.slug}`, (i) => i.assignee?.type === "team" && i.assignee.id === team.id);
    const other = sandbox.world.members.find((m) => m.orgSlug === org() && m !== me && listable().some((i) => i.assignee?.id === m.id))!;
    await expectOnly(`assigned:${other.email}`, (i) => i.assignee?.type === "user" && i.assignee.id === other.id);
    await expectOnly("assigned:none", (i) => i.assignee === null);
    await expectOnly("is:unassigned", (i) => i.assignee === null);
  });

  it("filters by environment in the query and in the environment parameter", async () => {
    await expectOnly("environment:staging", (i) => i.environments.includes("staging"));
    const viaParam = await search("", "statsPeriod=90d&environment=staging");
    expect(new Set(viaParam.map((r) => r.id))).toEqual(new Set((await search("environment:staging")).map((r) => r.id)));
  });

  it("filters by first and last seen with relative times and dates", async () => {
    const now = sandbox.world.now;
    await expectOnly("firstSeen:-24h", (i) => i.firstSeen >= now - DAY);
    await expectOnly("lastSeen:+7d", (i) => i.lastSeen <= now - 7 * DAY);
    const day = new Date(now - 3 * DAY).toISOString().slice(0, 10);
    await expectOnly(`firstSeen:>${day}`, (i) => i.firstSeen > Date.parse(day));
    const bad = await list("query=firstSeen:yesterday");
    expect(bad.status).toBe(400);
  });

  it("filters by priority, category, issue type and times seen", async () => {
    await expectOnly("issue.priority:high", (i) => i.priority === "high");
    await expectOnly("issue.category:performance", (i) => i.spec.kind === "performance");
    await expectOnly("issue.type:performance_n_plus_one_db_queries", (i) => i.spec.perf?.issueType === "performance_n_plus_one_db_queries");
    await expectOnly("timesSeen:>1000", (i) => i.count > 1000);
  });

  it("matches quoted free text on the title and the culprit", async () => {
    await expectOnly('"Cannot read properties"', (i) => i.spec.title.includes("Cannot read properties"));
    const culprit = listable().find((i) => i.spec.culprit.startsWith("/api/orders/"))!.spec.culprit;
    await expectOnly(`"${culprit}"`, (i) => i.spec.title.includes(culprit) || i.spec.culprit.includes(culprit));
  });

  it("filters by release, including latest", async () => {
    const issue = listable().find((i) => i.firstRelease !== null && i.firstRelease === i.lastRelease)!;
    const found = await search(`release:${issue.firstRelease}`);
    expect(found.map((r) => r.id)).toContain(issue.id);
    expect(found.length).toBeGreaterThan(0);
    const latest = await search("release:latest");
    expect(latest.length).toBeGreaterThan(0);
    await expectOnly(`firstRelease:${issue.firstRelease}`, (i) => i.firstRelease === issue.firstRelease);
  });

  it("matches * wildcards in error types and tag values, ignoring case", async () => {
    await expectOnly("error.type:*ERROR", (i) => i.spec.exceptions.some((e) => /error$/i.test(e.type)));
    await expectOnly("error.type:typeerror", (i) => i.spec.exceptions.some((e) => e.type === "TypeError"));
    const chrome = await search("browser.name:chrom*");
    expect(new Set(chrome.map((r) => r.id))).toEqual(new Set((await search("browser.name:Chrome")).map((r) => r.id)));
    expect(chrome.length).toBeGreaterThan(0);
  });

  it("treats other keys as tags of the issue's events", async () => {
    const found = await search("browser.name:Firefox");
    expect(found.length).toBeGreaterThan(0);
    for (const r of found.slice(0, 5)) {
      const tags = await call("GET", `/organizations/${org()}/issues/${r.id as string}/tags/browser.name/`);
      expect((tags.body as { topValues: Row[] }).topValues.map((v) => v.value)).toContain("Firefox");
    }
  });

  it("takes projects by slug or ID, -1 for all, and answers 403 for an unknown one", async () => {
    const project = sandbox.world.projects.find((p) => p.orgSlug === org() && p.firstEvent !== null)!;
    const bySlug = await search("", `statsPeriod=90d&project=${project.slug}`);
    const byId = await search("", `statsPeriod=90d&project=${project.id}`);
    expect(bySlug.map((r) => r.id)).toEqual(byId.map((r) => r.id));
    expect(bySlug.every((r) => (r.project as Row).slug === project.slug)).toBe(true);
    expect((await search("", "statsPeriod=90d&project=-1")).length).toBe((await search("")).length);
    expect((await list("project=no-such-project")).status).toBe(403);
  });

  it("refuses an unknown is: value with Sentry's message", async () => {
    const res = await list("query=is:sleeping");
    expect(res.status).toBe(400);
    expect((res.body as Row).detail).toMatch(/^Invalid value for "is" search, valid values are \[/);
  });

  it("answers a short ID search directly with shortIdLookup=1", async () => {
    const issue = listable().find((i) => i.status === "resolved")!;
    const res = await list(`query=${issue.shortId}&shortIdLookup=1`);
    expect(ids(res)).toEqual([issue.id]);
    expect(res.headers.get("x-sentry-direct-hit")).toBe("1");
  });
});

describe("sandbox issues › sorting", () => {
  const sorted = async (sort: string, period = "90d"): Promise<Row[]> => allPages(`query=&statsPeriod=${period}&sort=${sort}`);
  const seeded = (r: Row): Issue => sandbox.world.issues.byId.get(r.id as string)!;
  const descending = (values: number[]): boolean => values.every((v, i) => i === 0 || values[i - 1]! >= v);

  it("sorts by last seen, first seen, and the window's events and users", async () => {
    expect(descending((await sorted("date")).map((r) => seeded(r).lastSeen))).toBe(true);
    expect(descending((await sorted("new")).map((r) => seeded(r).firstSeen))).toBe(true);
    // freq and user rank by the figures the items show: those of the searched window.
    expect(descending((await sorted("freq", "24h")).map((r) => Number(r.count)))).toBe(true);
    expect(descending((await sorted("user", "24h")).map((r) => r.userCount as number))).toBe(true);
  });

  it("accepts trends, inbox and recommended, and refuses unknown sorts", async () => {
    for (const sort of ["trends", "inbox", "recommended"]) expect((await list(`sort=${sort}`)).status).toBe(200);
    expect((await list("sort=popular")).status).toBe(400);
  });
});

describe("sandbox issues › one issue", () => {
  it("answers by numeric ID and by short ID in any case, with details", async () => {
    const issue = listable().find((i) => i.assignee !== null && i.firstRelease !== null && i.numComments > 0)!;
    const byShort = await call("GET", `/organizations/${org()}/issues/${issue.shortId.toLowerCase()}/`);
    expect(byShort.status).toBe(200);
    const body = byShort.body as Row;
    expect(body.id).toBe(issue.id);
    expect((await call("GET", `/organizations/${org()}/issues/${issue.id}/`)).body).toEqual(body);
    expect((body.firstRelease as Row).version).toBe(issue.firstRelease);
    expect((body.assignedTo as Row).id).toBe(issue.assignee!.id);
    const activity = body.activity as Row[];
    expect(activity.at(-1)!.type).toBe("first_seen");
    expect(activity.filter((a) => a.type === "note")).toHaveLength(issue.numComments);
    expect((body.stats as Record<string, unknown[]>)["30d"]).toHaveLength(30);
    expect((body.tags as Row[]).map((t) => t.key)).toContain("environment");
  });

  it("names each release by the same ID the release endpoints answer for that version", async () => {
    const withReleases = listable().filter((i) => i.firstRelease !== null && i.lastRelease !== null && i.firstRelease !== i.lastRelease);
    const picked = [...new Map(withReleases.map((i) => [i.firstRelease, i])).values()].slice(0, 4);
    expect(picked.length).toBeGreaterThanOrEqual(3);
    const releaseIds = new Set<number>();
    let checkedEvents = 0;
    for (const issue of picked) {
      const details = (await call("GET", `/organizations/${org()}/issues/${issue.id}/`)).body as Row;
      for (const side of ["firstRelease", "lastRelease"] as const) {
        const version = issue[side]!;
        const release = await call("GET", `/organizations/${org()}/releases/${encodeURIComponent(version)}/`);
        expect(release.status).toBe(200);
        const id = (release.body as Row).id as number;
        expect(details[side]).toMatchObject({ id, version, ref: (release.body as Row).ref, commitCount: (release.body as Row).commitCount });
        releaseIds.add(id);
      }
      const latest = (await call("GET", `/organizations/${org()}/issues/${issue.id}/events/latest/`)).body as Row;
      const eventRelease = latest.release as Row | null;
      if (eventRelease) {
        checkedEvents++;
        const release = await call("GET", `/organizations/${org()}/releases/${encodeURIComponent(eventRelease.version as string)}/`);
        expect(eventRelease.id).toBe((release.body as Row).id);
      }
    }
    expect(checkedEvents).toBeGreaterThan(0);
    // Distinct versions keep distinct IDs (a shared constant would pass the equality checks above).
    expect(releaseIds.size).toBe(new Set(picked.flatMap((i) => [i.firstRelease, i.lastRelease])).size);
  });

  it("resolves a short ID through /shortids/", async () => {
    const issue = listable()[0]!;
    const res = await call("GET", `/organizations/${org()}/shortids/${issue.shortId}/`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ organizationSlug: org(), projectSlug: slugOf(issue), groupId: issue.id, shortId: issue.shortId });
  });

  it("answers a merged-away ID or short ID with the successor's body", async () => {
    const redirects = [...sandbox.world.issues.redirects];
    const [oldId, successorId] = redirects.find(([from]) => /^\d+$/.test(from))!;
    const res = await call("GET", `/organizations/${org()}/issues/${oldId}/`);
    expect(res.status).toBe(200);
    expect((res.body as Row).id).toBe(successorId);
    expect(((res.body as Row).activity as Row[]).some((a) => a.type === "merge")).toBe(true);
    const [oldShort, successorOfShort] = redirects.find(([from]) => !/^\d+$/.test(from))!;
    expect(((await call("GET", `/organizations/${org()}/issues/${oldShort}/`)).body as Row).id).toBe(successorOfShort);
  });

  it("answers 404 for unknown issues, issues waiting for deletion and another organization's issues", async () => {
    const doomed = sandbox.world.issues.issues.find((i) => i.status === "pending_deletion")!;
    const foreign = sandbox.world.issues.issues.find((i) => i.orgSlug !== org())!;
    for (const ref of ["999999999999", doomed.id, doomed.shortId, foreign.id, "NOPE-1"]) {
      const res = await call("GET", `/organizations/${org()}/issues/${ref}/`);
      expect(res.status, ref).toBe(404);
      expect(res.body).toEqual({ detail: "The requested resource does not exist" });
    }
  });
});

describe("sandbox issues › events", () => {
  const latestOf = async (issue: Issue): Promise<Row> => {
    const res = await call("GET", `/organizations/${org()}/issues/${issue.id}/events/latest/`);
    expect(res.status).toBe(200);
    return res.body as Row;
  };
  const kind = (k: Issue["spec"]["kind"]): Issue => listable().find((i) => i.spec.kind === k)!;
  const entry = (event: Row, type: string): Row | undefined => (event.entries as Row[]).find((e) => e.type === type);

  it("gives an error event with in-app and library frames, source context, breadcrumbs, request, tags and trace", async () => {
    const issue = listable().find((i) => i.spec.kind === "error" && i.spec.family === "python")!;
    const event = await latestOf(issue);
    expect(event.eventID).toMatch(/^[0-9a-f]{32}$/);
    expect(event.groupID).toBe(issue.id);
    expect(event.dateCreated).toBe(new Date(issue.lastSeen).toISOString());
    const values = (entry(event, "exception")!.data as { values: Row[] }).values;
    const frames = (values.at(-1)!.stacktrace as { frames: Row[] }).frames;
    expect(frames.some((f) => f.inApp === true)).toBe(true);
    expect(frames.some((f) => f.inApp === false)).toBe(true);
    const top = frames.filter((f) => f.inApp).at(-1)!;
    expect((top.context as Array<[number, string]>).some(([line]) => line === top.lineNo)).toBe(true);
    expect(entry(event, "breadcrumbs")).toBeDefined();
    expect((entry(event, "request")!.data as Row).url).toMatch(/^https:\/\//);
    expect((event.contexts as Record<string, Row>).trace!.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect((event.tags as Row[]).map((t) => t.key)).toEqual(expect.arrayContaining(["environment", "level", "handled"]));
  });

  it("gives a chained exception with the cause first and the raised exception last", async () => {
    const event = await latestOf(kind("chained"));
    const values = (entry(event, "exception")!.data as { values: Array<{ type: string; mechanism: Row }> }).values;
    expect(values.length).toBeGreaterThanOrEqual(2);
    expect(values[0]!.mechanism).toMatchObject({ type: "chained", parent_id: 0 });
    expect(values.at(-1)!.mechanism.exception_id).toBe(0);
    expect(event.title).toContain(values.at(-1)!.type);
  });

  it("gives a message event with a message entry and no exception", async () => {
    const issue = kind("message");
    const event = await latestOf(issue);
    expect(entry(event, "exception")).toBeUndefined();
    expect((entry(event, "message")!.data as Row).formatted).toBe(issue.spec.message);
    expect(event.type).toBe("default");
  });

  it("gives a CSP report with its directive and blocked URI", async () => {
    const event = await latestOf(kind("csp"));
    expect(event.type).toBe("csp");
    const csp = entry(event, "csp")!.data as Row;
    expect(csp.effective_directive).toBeTruthy();
    expect(csp.blocked_uri).toMatch(/^https:\/\//);
  });

  it("gives a performance issue's transaction with spans and the occurrence's evidence", async () => {
    const issue = listable().find((i) => i.spec.perf?.issueType === "performance_n_plus_one_db_queries")!;
    const detail = (await call("GET", `/organizations/${org()}/issues/${issue.id}/`)).body as Row;
    expect(detail).toMatchObject({ issueCategory: "performance", issueType: "performance_n_plus_one_db_queries", title: "N+1 Query" });
    const event = await latestOf(issue);
    expect(event.type).toBe("transaction");
    const occurrence = event.occurrence as { evidenceDisplay: Row[]; evidenceData: { offenderSpanIds: string[] } };
    expect(occurrence.evidenceDisplay[0]).toMatchObject({ name: "Offending Spans", important: true });
    const spans = entry(event, "spans")!.data as Row[];
    expect(occurrence.evidenceData.offenderSpanIds.every((id) => spans.some((s) => s.span_id === id))).toBe(true);
  });

  it("walks from the latest to the oldest event and fetches one by ID", async () => {
    const issue = listable().find((i) => i.count > 20)!;
    const listed = await call("GET", `/organizations/${org()}/issues/${issue.id}/events/`);
    const events = listed.body as Row[];
    expect(events.length).toBeGreaterThanOrEqual(2);
    const latest = await latestOf(issue);
    expect(latest.eventID).toBe(events[0]!.eventID);
    expect(latest.nextEventID).toBeNull();
    expect(latest.previousEventID).toBe(events[1]!.eventID);
    const oldest = (await call("GET", `/organizations/${org()}/issues/${issue.id}/events/oldest/`)).body as Row;
    expect(oldest.dateCreated).toBe(new Date(issue.firstSeen).toISOString());
    expect(oldest.previousEventID).toBeNull();
    const byId = await call("GET", `/organizations/${org()}/issues/${issue.id}/events/${events[1]!.eventID as string}/`);
    expect((byId.body as Row).eventID).toBe(events[1]!.eventID);
    expect((await call("GET", `/organizations/${org()}/issues/${issue.id}/events/${"0".repeat(32)}/`)).status).toBe(404);
  });

  it("summarizes tags whose counts agree with the issue", async () => {
    const issue = listable().find((i) => i.spec.family === "javascript" && i.userCount > 5)!;
    const res = await call("GET", `/organizations/${org()}/issues/${issue.id}/tags/`);
    const tags = res.body as Array<{ key: string; totalValues: number; topValues: Row[] }>;
    const env = tags.find((t) => t.key === "environment")!;
    expect(env.totalValues).toBe(issue.count);
    expect(env.topValues.reduce((s, v) => s + (v.count as number), 0)).toBe(issue.count);
    const browser = tags.find((t) => t.key === "browser")!;
    expect(browser.topValues[0]).toMatchObject({ key: "browser", name: expect.any(String), count: expect.any(Number) });
    const user = await call("GET", `/organizations/${org()}/issues/${issue.id}/tags/user/`);
    expect((user.body as Row).uniqueValues).toBe(issue.userCount);
    const filtered = await call("GET", `/organizations/${org()}/issues/${issue.id}/tags/?key=release&key=environment`);
    expect((filtered.body as Row[]).map((t) => t.key)).toEqual(["environment", "release"]);
  });
});

describe("sandbox issues › changing status", () => {
  const put = (issue: Issue, body: unknown, token?: string) => call("PUT", `/organizations/${org()}/issues/${issue.id}/`, body, token);
  const bulk = (query: string, body: unknown) => call("PUT", `/organizations/${org()}/issues/?${query}`, body);
  const unresolved = (i: Issue): boolean => i.status === "unresolved" && i.substatus === "ongoing";

  it("resolves now: status resolved, no substatus, empty statusDetails, and the change sticks", async () => {
    const issue = takeIssue(unresolved);
    const res = await put(issue, { status: "resolved" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: issue.id, status: "resolved", substatus: null, statusDetails: {} });
    expect(((await call("GET", `/organizations/${org()}/issues/${issue.id}/`)).body as Row).status).toBe("resolved");
    expect(ids(await list(`query=is:resolved issue:${issue.shortId}&statsPeriod=90d`))).toEqual([issue.id]);
  });

  it("resolves in a named release, in the latest release, in the next release and in a commit", async () => {
    const a = takeIssue((i) => unresolved(i) && i.lastRelease !== null);
    const res = await put(a, { status: "resolved", statusDetails: { inRelease: a.lastRelease } });
    expect(res.body).toMatchObject({ status: "resolved", statusDetails: { inRelease: a.lastRelease, actor: { id: sandbox.world.members[0]!.id } } });

    const b = takeIssue((i) => unresolved(i) && i.projectId === a.projectId);
    const latest = await put(b, { status: "resolved", statusDetails: { inRelease: "latest" } });
    const versions = sandbox.world.releaseStubs.filter((s) => s.projectIds.includes(b.projectId)).map((s) => s.version);
    expect(versions).toContain(((latest.body as Row).statusDetails as Row).inRelease);

    const c = takeIssue((i) => unresolved(i) && i.projectId === a.projectId);
    expect(((await put(c, { status: "resolvedInNextRelease" })).body as Row).statusDetails).toMatchObject({ inNextRelease: true });

    const d = takeIssue((i) => unresolved(i) && i.projectId === a.projectId);
    const repo = sandbox.world.repos.find((r) => r.orgSlug === org())!;
    const commit = await put(d, { status: "resolved", statusDetails: { inCommit: { commit: "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678", repository: repo.name } } });
    expect(commit.status).toBe(200);
    expect(((commit.body as Row).statusDetails as { inCommit: Row }).inCommit).toMatchObject({ id: "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678" });
  });

  it("refuses an unknown release or repository with field errors, changing nothing", async () => {
    const issue = takeIssue(unresolved);
    const res = await put(issue, { status: "resolved", statusDetails: { inRelease: "does-not-exist@0.0.1" } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ statusDetails: { inRelease: ["Unable to find a release with the given version."] } });
    const repo = await put(issue, { status: "resolved", statusDetails: { inCommit: { commit: "abcdef1", repository: "nobody/nothing" } } });
    expect(repo.body).toEqual({ statusDetails: { inCommit: { repository: ["Unable to find the given repository."] } } });
    const status = await put(issue, { status: "fixed" });
    expect(status.body).toEqual({ status: ['"fixed" is not a valid choice.'] });
    expect(issue.status).toBe("unresolved");
  });

  it("reopens a resolved issue as regressed", async () => {
    const issue = takeIssue((i) => i.status === "resolved");
    const res = await put(issue, { status: "unresolved" });
    expect(res.body).toMatchObject({ status: "unresolved", substatus: "regressed", statusDetails: {} });
  });

  it("ignores until escalating, forever, for a duration, until a count or user count in a window", async () => {
    const escalating = takeIssue(unresolved);
    expect((await put(escalating, { status: "ignored", substatus: "archived_until_escalating", statusDetails: {} })).body).toMatchObject({
      status: "ignored",
      substatus: "archived_until_escalating",
    });
    const forever = takeIssue(unresolved);
    expect((await put(forever, { status: "ignored" })).body).toMatchObject({ substatus: "archived_forever", statusDetails: {} });

    const duration = takeIssue(unresolved);
    const snoozed = (await put(duration, { status: "ignored", statusDetails: { ignoreDuration: 60 } })).body as Row;
    expect(snoozed.substatus).toBe("archived_until_condition_met");
    const until = Date.parse((snoozed.statusDetails as Row).ignoreUntil as string);
    // The sandbox's clock stands still at world.now, so the snooze ends exactly an hour after it.
    expect(until).toBe(sandbox.world.now + HOUR);

    const count = takeIssue(unresolved);
    expect(((await put(count, { status: "ignored", statusDetails: { ignoreCount: 100, ignoreWindow: 60 } })).body as Row).statusDetails).toMatchObject({ ignoreCount: 100, ignoreWindow: 60 });

    // The ignore keys are also read at the top level of the body, as sentry-mcp sends them.
    const users = takeIssue(unresolved);
    const byUsers = (await put(users, { status: "ignored", ignoreUserCount: 10, ignoreUserWindow: 1440 })).body as Row;
    expect(byUsers).toMatchObject({ substatus: "archived_until_condition_met", statusDetails: { ignoreUserCount: 10, ignoreUserWindow: 1440 } });
  });

  it("refuses ignore windows longer than a week, in statusDetails and at the top level", async () => {
    const issue = takeIssue(unresolved);
    const nested = await put(issue, { status: "ignored", statusDetails: { ignoreCount: 10, ignoreWindow: 10081 } });
    expect(nested.status).toBe(400);
    expect(nested.body).toEqual({ statusDetails: { ignoreWindow: ["Ensure this value is less than or equal to 10080."] } });
    const top = await put(issue, { status: "ignored", ignoreUserCount: 5, ignoreUserWindow: 20000 });
    expect(top.body).toEqual({ ignoreUserWindow: ["Ensure this value is less than or equal to 10080."] });
  });

  it("keeps an ignored issue's ignore mode on a second ignore, until it is unresolved first", async () => {
    const issue = takeIssue((i) => i.status === "ignored" && i.substatus === "archived_until_escalating");
    const again = await put(issue, { status: "ignored", substatus: "archived_forever" });
    expect(again.status).toBe(200);
    expect((again.body as Row).substatus).toBe("archived_until_escalating");

    expect(((await put(issue, { status: "unresolved" })).body as Row).status).toBe("unresolved");
    expect(((await put(issue, { status: "ignored", substatus: "archived_forever" })).body as Row).substatus).toBe("archived_forever");
  });

  it("assigns by email, to a team and unassigns", async () => {
    const issue = takeIssue((i) => unresolved(i) && i.assignee === null);
    const member = sandbox.world.members.find((m) => m.orgSlug === org())!;
    expect(((await put(issue, { assignedTo: member.email })).body as Row).assignedTo).toEqual({ type: "user", id: member.id, name: member.name, email: member.email });
    const project = sandbox.world.projects.find((p) => p.id === issue.projectId)!;
    const team = sandbox.world.teams.find((t) => t.orgSlug === org() && project.teamSlugs.includes(t.slug))!;
    expect(((await put(issue, { assignedTo: `team:${team.id}` })).body as Row).assignedTo).toEqual({ type: "team", id: team.id, name: team.slug });
    expect(((await put(issue, { assignedTo: "" })).body as Row).assignedTo).toBeNull();
    expect((await put(issue, { assignedTo: "nobody@nowhere.example" })).status).toBe(400);
  });

  it("bulk-resolves several issues of one project and answers with the changed fields", async () => {
    const first = takeIssue(unresolved);
    const second = takeIssue((i) => unresolved(i) && i.projectId === first.projectId);
    const res = await bulk(`id=${first.id}&id=${second.id}`, { status: "resolved" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "resolved", statusDetails: {} });
    expect([first.status, second.status]).toEqual(["resolved", "resolved"]);
  });

  it("refuses a release resolution over several projects, and changes nothing", async () => {
    const first = takeIssue(unresolved);
    const second = takeIssue((i) => unresolved(i) && i.projectId !== first.projectId);
    const res = await bulk(`id=${first.id}&id=${second.id}`, { status: "resolvedInNextRelease" });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ detail: "Cannot set resolved in next release for multiple projects." });
    const inRelease = await bulk(`id=${first.id}&id=${second.id}`, { status: "resolved", statusDetails: { inRelease: "latest" } });
    expect(inRelease.body).toEqual({ detail: "Cannot set resolved in release for multiple projects." });
    expect([first.status, second.status]).toEqual(["unresolved", "unresolved"]);
  });

  it("answers 204 when the IDs match nothing, and updates a search's issues without IDs", async () => {
    expect((await bulk("id=999999999999", { status: "resolved" })).status).toBe(204);
    const target = takeIssue(unresolved);
    const res = await bulk(`query=${encodeURIComponent(`is:unresolved issue:${target.shortId}`)}&statsPeriod=90d`, { status: "ignored", substatus: "archived_until_escalating" });
    expect(res.status).toBe(200);
    expect(target.substatus).toBe("archived_until_escalating");
    expect((await bulk("query=is:unresolved", { isBookmarked: true })).status).toBe(400);
  });

  it("needs event:write to change an issue and event:read to see one", async () => {
    const issue = takeIssue(unresolved);
    const readOnly = await put(issue, { status: "resolved" }, "sandbox-read");
    expect(readOnly.status).toBe(403);
    expect(readOnly.body).toEqual({ detail: "You do not have permission to perform this action." });
    expect(issue.status).toBe("unresolved");
    expect((await call("GET", `/organizations/${org()}/issues/${issue.id}/`, undefined, "sandbox-read")).status).toBe(200);
    for (const path of [`/organizations/${org()}/issues/`, `/organizations/${org()}/issues/${issue.id}/`, `/organizations/${org()}/issues/${issue.id}/events/latest/`]) {
      expect((await call("GET", path, undefined, "sandbox-ci")).status, path).toBe(403);
    }
  });
});

describe("sandbox issues › the seeded world", () => {
  it("is the same for the same seed and clock, and every kind and status is there", () => {
    const now = Date.parse("2026-03-15T12:00:00.000Z");
    const a = createWorld({ seed: 7 }, now).issues.issues;
    const b = createWorld({ seed: 7 }, now).issues.issues;
    expect(a.map((i) => [i.id, i.shortId, i.spec.title, i.count, i.status])).toEqual(b.map((i) => [i.id, i.shortId, i.spec.title, i.count, i.status]));
    const first = a.filter((i) => i.orgSlug === "acme");
    expect(first.length).toBeGreaterThanOrEqual(150);
    expect(new Set(first.map((i) => i.spec.kind))).toEqual(new Set(["error", "chained", "message", "csp", "performance"]));
    expect(new Set(first.map((i) => i.substatus))).toEqual(
      new Set(["new", "ongoing", "regressed", "escalating", "archived_until_escalating", "archived_until_condition_met", "archived_forever", null]),
    );
    expect(new Set(first.filter((i) => i.resolution).map((i) => i.resolution!.kind))).toEqual(new Set(["now", "inRelease", "inNextRelease"]));
    expect(a.some((i) => i.orgSlug !== "acme")).toBe(true);
  });

  it("keeps stats consistent with counts and shows a rising 24h curve for escalating issues", () => {
    // The same checks run at many clocks in tests/sandbox-clock.test.ts; here at the suite's fixed clock.
    const world = sandbox.world;
    for (const issue of world.issues.issues) {
      const daily = statsSeries(world, issue, "30d").reduce((s, [, n]) => s + n, 0);
      const hourly = statsSeries(world, issue, "24h").map(([, n]) => n);
      expect(daily).toBeLessThanOrEqual(issue.count);
      expect(hourly.reduce((s, n) => s + n, 0)).toBeLessThanOrEqual(issue.count);
      expect(issue.userCount).toBeLessThanOrEqual(issue.count);
      expect(issue.firstSeen).toBeLessThanOrEqual(issue.lastSeen);
    }
    for (const issue of world.issues.issues.filter((i) => i.substatus === "escalating")) {
      const hourly = statsSeries(world, issue, "24h").map(([, n]) => n);
      const early = hourly.slice(0, 6).reduce((s, n) => s + n, 0);
      const late = hourly.slice(-6).reduce((s, n) => s + n, 0);
      expect(late).toBeGreaterThan(early);
    }
  });
});

describe("sandbox issues › state file and load", () => {
  const dir = mkdtempSync(join(tmpdir(), "sandbox-issues-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps status changes across a restart with --state FILE", async () => {
    const stateFile = join(dir, "state.json");
    const now = Date.parse("2026-03-15T12:00:00.000Z");
    const first = await startSandbox({ port: 0, now, stateFile });
    const issue = first.world.issues.issues.find((i) => i.orgSlug === "acme" && i.status === "unresolved")!;
    const res = await call("PUT", `/organizations/acme/issues/${issue.id}/`, { status: "ignored", statusDetails: { ignoreCount: 50 } }, "sandbox", first.url);
    expect(res.status).toBe(200);
    await first.close();
    const second = await startSandbox({ port: 0, now, stateFile });
    try {
      const again = await call("GET", `/organizations/acme/issues/${issue.id}/`, undefined, "sandbox", second.url);
      expect(again.body).toMatchObject({ status: "ignored", substatus: "archived_until_condition_met", statusDetails: { ignoreCount: 50 } });
    } finally {
      await second.close();
    }
  });

  it("seeds ten thousand extra issues and searches them", async () => {
    // How long seeding and searching take is a figure of the bench (npm run bench, its load section), not a test.
    const big = await startSandbox({ port: 0, extraIssues: 10_000 });
    try {
      const res = await call("GET", "/organizations/acme/issues/?query=&statsPeriod=90d&sort=freq&limit=100", undefined, "sandbox", big.url);
      expect(Number(res.headers.get("x-hits"))).toBeGreaterThan(10_000);
      const filtered = await call("GET", "/organizations/acme/issues/?query=is:unresolved%20level:error%20TypeError&limit=100", undefined, "sandbox", big.url);
      expect(filtered.status).toBe(200);
    } finally {
      await big.close();
    }
  });
});
