// The sandbox's investigation endpoints (issue 17) as the tools that will read them meet them: an issue's events,
// one event by ID anywhere in the org, its suspect commits, traces from an error event, errors and logs tables,
// and time series where an escalation shows as a spike. Everything must agree with the rest of the seeded world.

import { describe, expect, it } from "vitest";
import { createWorld } from "../scripts/sandbox/world.js";
import { issueTimeline } from "../scripts/sandbox/seed/error-rows.js";
import { issueEvents } from "../scripts/sandbox/seed/issue-events.js";
import type { Issue } from "../scripts/sandbox/seed/issues.js";
import { findTrace, showcaseEvent } from "../scripts/sandbox/seed/traces.js";
import { TEST_NOW, useSandbox } from "./helpers/sandbox.js";

const sandbox = useSandbox({ now: TEST_NOW });
const HOUR = 3_600_000;

type Json = Record<string, unknown>;
interface Answer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

async function get<T = Json>(path: string, token = "sandbox"): Promise<Answer<T>> {
  const res = await fetch(`${sandbox.url}/api/0${path}`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: res.status, headers: res.headers, body: (await res.json()) as T };
}

const org = (): string => sandbox.world.orgs[0]!.slug;
const slugOf = (issue: Issue): string => sandbox.world.projects.find((p) => p.id === issue.projectId)!.slug;
const nextCursor = (link: string | null): string | undefined => /<[^>]*cursor=([^&>]+)[^>]*>; rel="next"; results="true"/.exec(link ?? "")?.[1];

interface TraceItem extends Json {
  event_id: string;
  op?: string;
  description?: string;
  duration?: number;
  children?: TraceItem[];
  errors?: Json[];
  additional_attributes?: Json;
}

function flatten(items: TraceItem[]): TraceItem[] {
  return items.flatMap((i) => [i, ...flatten(i.children ?? [])]);
}

describe("sandbox › an issue's events", () => {
  it("pages through every event of a busy issue, newest first, with Sentry's Link headers", async () => {
    const issue = showcaseEvent(sandbox.world)!.issue;
    const seen: Json[] = [];
    let cursor: string | undefined = "0:0:0";
    while (cursor) {
      const page: Answer<Json[]> = await get<Json[]>(`/organizations/${org()}/issues/${issue.id}/events/?per_page=100&cursor=${cursor}`);
      expect(page.status).toBe(200);
      seen.push(...page.body);
      cursor = nextCursor(page.headers.get("link"));
    }
    // Every event the issue's stats count over its 30 days, plus the stored ones older than that.
    expect(seen.length).toBe(issueTimeline(sandbox.world, issue).length);
    expect(seen.length).toBeGreaterThan([...issue.earlierDays, ...issue.lastDay].reduce((a, b) => a + b, 0) * 0.9);
    const times = seen.map((e) => Date.parse(e.dateCreated as string));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(new Set(seen.map((e) => e.eventID)).size).toBe(seen.length);
    expect(seen[0]!.eventID).toBe(issueEvents(sandbox.world, issue)[0]!.eventID);
  });

  it("narrows the events by period, environment and query", async () => {
    const issue = showcaseEvent(sandbox.world)!.issue;
    const base = `/organizations/${org()}/issues/${issue.id}/events/`;
    const lastHour = await get<Json[]>(`${base}?statsPeriod=1h`);
    expect(lastHour.body.length).toBeGreaterThan(0);
    expect(lastHour.body.every((e) => Date.parse(e.dateCreated as string) >= TEST_NOW - HOUR)).toBe(true);
    const env = issue.environments.at(-1)!;
    const inEnv = await get<Array<{ tags: Array<{ key: string; value: string }> }>>(`${base}?environment=${env}&per_page=100`);
    expect(inEnv.body.every((e) => e.tags.some((t) => t.key === "environment" && t.value === env))).toBe(true);
    const target = issueTimeline(sandbox.world, issue).find((r) => !r.stored)!;
    const byTrace = await get<Json[]>(`${base}?query=${encodeURIComponent(`trace:${target.traceId}`)}`);
    expect(byTrace.body.map((e) => e.eventID)).toEqual([target.eventId]);
    const notEnv = await get<Array<{ tags: Array<{ key: string; value: string }> }>>(`${base}?query=${encodeURIComponent(`!environment:${env}`)}&per_page=100`);
    expect(notEnv.body.length).toBeGreaterThan(0);
    expect(notEnv.body.some((e) => e.tags.some((t) => t.key === "environment" && t.value === env))).toBe(false);
  });

  it("answers any listed event by ID with its own time, user and trace, and the issue's exception and breadcrumbs", async () => {
    const issue = showcaseEvent(sandbox.world)!.issue;
    const row = issueTimeline(sandbox.world, issue).find((r) => !r.stored && r.userId !== null)!;
    const { status, body } = await get(`/organizations/${org()}/issues/${issue.id}/events/${row.eventId}/`);
    expect(status).toBe(200);
    expect(body.dateCreated).toBe(new Date(row.timestamp).toISOString());
    expect((body.user as Json).id).toBe(row.userId);
    expect(((body.contexts as Json).trace as Json).trace_id).toBe(row.traceId);
    const types = (body.entries as Array<{ type: string }>).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["exception", "breadcrumbs"]));
    const crumbs = (body.entries as Array<{ type: string; data: { values: Array<{ timestamp: string }> } }>).find((e) => e.type === "breadcrumbs")!.data.values;
    expect(crumbs.every((c) => Date.parse(c.timestamp) <= row.timestamp)).toBe(true);
    // A poll or retried warning repeats: some crumb follows an identical one (same category and message).
    const same = (a: Json, b: Json): boolean => a.category === b.category && a.message === b.message && JSON.stringify(a.data) === JSON.stringify(b.data);
    expect(crumbs.some((c, i) => i > 0 && same(c as unknown as Json, crumbs[i - 1] as unknown as Json))).toBe(true);
  });
});

describe("sandbox › one event anywhere in the organization", () => {
  it("resolves stored and generated event IDs to their project and issue", async () => {
    const shown = showcaseEvent(sandbox.world)!;
    const generated = issueTimeline(sandbox.world, shown.issue).find((r) => !r.stored)!;
    for (const id of [shown.event.eventID, generated.eventId]) {
      const { status, body } = await get(`/organizations/${org()}/eventids/${id}/`);
      expect(status).toBe(200);
      expect(body).toMatchObject({ organizationSlug: org(), projectSlug: slugOf(shown.issue), groupId: shown.issue.id, eventId: id });
      expect((body.event as Json).eventID).toBe(id);
    }
  });

  it("answers 400 for a malformed event ID and 404 for one no event has", async () => {
    expect((await get(`/organizations/${org()}/eventids/abc123/`)).body).toEqual({ detail: "Event ID must be 32 characters." });
    expect((await get(`/organizations/${org()}/eventids/${"0".repeat(32)}/`)).status).toBe(404);
  });
});

describe("sandbox › suspect commits", () => {
  /** The issue's first release and the four released before it, as Sentry searches them (get_previous_releases). */
  function searchedReleases(issue: Issue) {
    const at = (r: { dateReleased: string | null; dateCreated: string }): number => Date.parse(r.dateReleased ?? r.dateCreated);
    const all = sandbox.world.releases.releases.filter((r) => r.orgSlug === org() && r.projectIds.includes(issue.projectId)).sort((a, b) => at(b) - at(a));
    const first = all.findIndex((r) => r.version === issue.firstRelease);
    return first < 0 ? undefined : all.slice(first, first + 5);
  }

  it("names the commits around the issue's first release that changed a file in the stack trace, grouped by author", async () => {
    const shown = showcaseEvent(sandbox.world)!;
    const { status, body } = await get<{ committers: Array<{ author: Json; commits: Array<{ id: string; score: number; suspectCommitType: string }> }> }>(
      `/projects/${org()}/${slugOf(shown.issue)}/events/${shown.event.eventID}/committers/`,
    );
    expect(status).toBe(200);
    expect(body.committers.length).toBeGreaterThan(0);
    const searched = searchedReleases(shown.issue)!;
    const frames = (shown.event.body.entries as Array<{ type: string; data: { values: Array<{ stacktrace: { frames: Array<{ filename: string; inApp: boolean }> } | null }> } }>)
      .filter((e) => e.type === "exception")
      .flatMap((e) => e.data.values.flatMap((v) => v.stacktrace?.frames ?? []))
      .filter((f) => f.inApp)
      .map((f) => f.filename);
    for (const committer of body.committers) {
      expect(committer.author.email).toMatch(/@/);
      for (const commit of committer.commits) {
        expect(commit).toMatchObject({ suspectCommitType: "via commit in release", score: expect.any(Number) });
        const record = searched.flatMap((r) => r.commits).find((c) => c.id === commit.id)!;
        expect(record.author?.email.toLowerCase()).toBe(String(committer.author.email).toLowerCase());
        expect(record.patchSet.some((change) => frames.some((f) => f.endsWith(change.path) || change.path.endsWith(f)))).toBe(true);
      }
    }
  });

  it("answers 404 as Sentry does when the issue's first release is unknown or has no commits around it", async () => {
    const seen = new Set<string>();
    for (const issue of sandbox.world.issues.issues.filter((i) => i.orgSlug === org() && i.status !== "pending_deletion")) {
      const searched = searchedReleases(issue);
      const expected = !searched ? "Release not found" : searched.every((r) => r.commits.length === 0) ? "No Commits found for Release" : null;
      if (expected === null || seen.has(expected)) continue;
      const event = issueEvents(sandbox.world, issue)[0]!;
      const { status, body } = await get(`/projects/${org()}/${slugOf(issue)}/events/${event.eventID}/committers/`);
      expect([status, body]).toEqual([404, { detail: expected }]);
      seen.add(expected);
    }
    expect(seen.has("Release not found")).toBe(true);
    expect((await get(`/projects/${org()}/${slugOf(showcaseEvent(sandbox.world)!.issue)}/events/${"0".repeat(32)}/committers/`)).body).toEqual({ detail: "Event not found" });
  });
});

describe("sandbox › traces", () => {
  it("serves the showcase error's trace: two projects, ~1,000 spans, an N+1 query and the error on its span", async () => {
    const shown = showcaseEvent(sandbox.world)!;
    const { status, body } = await get<TraceItem[]>(`/organizations/${org()}/trace/${shown.traceId}/?additional_attributes=span.self_time`);
    expect(status).toBe(200);
    const spans = flatten(body);
    expect(spans.length).toBeGreaterThanOrEqual(950);
    expect(spans.length).toBeLessThanOrEqual(1100);
    expect(new Set(spans.map((s) => s.project_slug)).size).toBe(2);
    const repeated = new Map<string, number>();
    for (const s of spans) repeated.set(`${s.op} ${s.description}`, (repeated.get(`${s.op} ${s.description}`) ?? 0) + 1);
    expect(Math.max(...repeated.values())).toBeGreaterThan(500);
    const failing = spans.find((s) => s.event_id === shown.spanId)!;
    expect(failing.is_transaction).toBe(true);
    expect(failing.errors).toEqual([expect.objectContaining({ event_id: shown.event.eventID, issue_id: Number(shown.issue.id), short_id: shown.issue.shortId, event_type: "error" })]);
    // Self time: the duration minus what the children cover.
    for (const s of spans.filter((x) => (x.children ?? []).length > 0)) {
      expect(Number(s.additional_attributes!["span.self_time"])).toBeLessThan(Number(s.duration));
    }
  });

  it("counts the same spans, errors and logs in trace-meta", async () => {
    const shown = showcaseEvent(sandbox.world)!;
    const meta = (await get(`/organizations/${org()}/trace-meta/${shown.traceId}/`)).body;
    const spans = flatten((await get<TraceItem[]>(`/organizations/${org()}/trace/${shown.traceId}/`)).body);
    expect(meta.spansCount).toBe(spans.length);
    expect(meta.errorsCount).toBe(1);
    expect(meta.logsCount).toBeGreaterThanOrEqual(3);
    expect(Object.values(meta.spansCountMap as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(spans.length);
  });

  it("resolves every error event's trace ID to a trace holding that error", async () => {
    const issues = sandbox.world.issues.issues.filter((i) => i.orgSlug === org() && i.status !== "pending_deletion" && i.spec.kind !== "performance").slice(0, 12);
    for (const issue of issues) {
      const rows = issueTimeline(sandbox.world, issue);
      for (const row of [rows[0]!, rows[Math.floor(rows.length / 2)]!]) {
        const { body } = await get<TraceItem[]>(`/organizations/${org()}/trace/${row.traceId}/?statsPeriod=90d`);
        const errors = flatten(body).flatMap((s) => s.errors ?? []);
        expect(errors.map((e) => e.event_id)).toContain(row.eventId);
      }
    }
  });

  it("hangs a performance issue's occurrence on each offender span of its transaction", async () => {
    const issue = sandbox.world.issues.issues.find((i) => i.orgSlug === org() && i.spec.kind === "performance" && i.status !== "pending_deletion")!;
    const event = issueEvents(sandbox.world, issue)[0]!;
    const traceId = ((event.body.contexts as Json).trace as Json).trace_id as string;
    const offenders = ((event.body.occurrence as Json).evidenceData as { offenderSpanIds: string[] }).offenderSpanIds;
    const spans = flatten((await get<TraceItem[]>(`/organizations/${org()}/trace/${traceId}/?statsPeriod=90d`)).body);
    const carrying = spans.filter((s) => ((s.occurrences ?? []) as Json[]).some((o) => o.event_id === event.eventID && o.short_id === issue.shortId));
    expect(carrying.map((s) => s.event_id).sort()).toEqual([...offenders].sort());
    expect((await get(`/organizations/${org()}/trace-meta/${traceId}/?statsPeriod=90d`)).body.performanceIssuesCount).toBe(1);
  });

  it("serves a performance transaction's trace as stored, and answers [] for a trace it does not hold", async () => {
    const records = sandbox.world.spans.spans.filter((s) => s.traceId === sandbox.world.spans.spans.at(-1)!.traceId);
    const { body } = await get<TraceItem[]>(`/organizations/${org()}/trace/${records[0]!.traceId}/`);
    expect(flatten(body).length).toBe(records.length);
    expect(body[0]!.is_transaction).toBe(true);
    expect((await get(`/organizations/${org()}/trace/${"f".repeat(32)}/`)).body).toEqual([]);
    expect((await get(`/organizations/${org()}/trace/not-a-trace/`)).status).toBe(400);
  });

  it("needs a token that may read the organization", async () => {
    const shown = showcaseEvent(sandbox.world)!;
    expect((await get(`/organizations/${org()}/trace/${shown.traceId}/`, "sandbox-read")).status).toBe(200);
    expect((await get(`/organizations/${org()}/trace/${shown.traceId}/`, sandbox.orgToken)).status).toBe(403);
  });
});

describe("sandbox › errors and logs tables", () => {
  it("counts an issue's errors in the errors dataset exactly as its event list holds them", async () => {
    const issue = showcaseEvent(sandbox.world)!.issue;
    const { body } = await get<{ data: Json[] }>(`/organizations/${org()}/events/?dataset=errors&field=issue&field=count()&query=issue:${issue.shortId}&statsPeriod=90d`);
    expect(body.data).toEqual([{ issue: issue.shortId, "count()": issueTimeline(sandbox.world, issue).length }]);
  });

  it("lists error events newest first with their trace IDs", async () => {
    const { body } = await get<{ data: Json[] }>(`/organizations/${org()}/events/?dataset=errors&field=id&field=timestamp&field=trace&field=issue&sort=-timestamp&statsPeriod=1h&per_page=10`);
    expect(body.data.length).toBe(10);
    for (const row of body.data.slice(0, 3)) expect(findTrace(sandbox.world, String(row.trace))).toBeDefined();
  });

  it("finds the showcase trace's logs by trace and severity, and refuses a timestamp filter in a logs query", async () => {
    const shown = showcaseEvent(sandbox.world)!;
    const logs = await get<{ data: Json[] }>(`/organizations/${org()}/events/?dataset=logs&field=severity&field=message&field=trace&query=${encodeURIComponent(`trace:${shown.traceId}`)}&sort=-timestamp&field=timestamp&statsPeriod=24h`);
    expect(logs.body.data.map((l) => l.severity)).toEqual(["error", "warn", "info"]);
    expect(String(logs.body.data[1]!.message)).toMatch(/queries on "order_items"/);
    const bySeverity = await get<{ data: Json[] }>(`/organizations/${org()}/events/?dataset=logs&field=severity&field=count()&sort=-count()&statsPeriod=7d`);
    expect(bySeverity.body.data[0]!.severity).toBe("info");
    const refused = await get(`/organizations/${org()}/events/?dataset=logs&field=message&query=${encodeURIComponent("timestamp:>2026-03-14T00:00:00")}`);
    expect(refused.status).toBe(400);
    expect(String(refused.body.detail)).toMatch(/timestamp/);
  });

  it("names a field the dataset does not have", async () => {
    const { status, body } = await get(`/organizations/${org()}/events/?dataset=logs&field=span.duration`);
    expect([status, body]).toEqual([400, { detail: "span.duration is not a valid field for the logs dataset." }]);
  });
});

describe("sandbox › time series", () => {
  it("shows an escalating issue's spike in the hour its escalation began", async () => {
    const issue = showcaseEvent(sandbox.world)!.issue;
    const { status, body } = await get<{ data: Array<[number, Array<{ count: number }>]> }>(
      `/organizations/${org()}/events-stats/?dataset=errors&yAxis=count()&interval=1h&statsPeriod=24h&query=issue:${issue.shortId}`,
    );
    expect(status).toBe(200);
    const counts = body.data.map(([, [v]]) => v!.count);
    const baseline = [...counts.slice(0, 12)].sort((a, b) => a - b)[6]!;
    const peak = Math.max(...counts);
    expect(peak).toBeGreaterThan(5 * Math.max(1, baseline));
    const escalatedAt = issue.activity.find((a) => a.type === "set_escalating")!.at;
    const firstHigh = body.data.find(([, [v]]) => v!.count > 5 * Math.max(1, baseline))![0] * 1000;
    expect(Math.abs(firstHigh - Math.floor(escalatedAt / HOUR) * HOUR)).toBeLessThanOrEqual(HOUR);
  });

  it("sums to the table's count over the window it covers (starts aligned down to the interval), one series per yAxis", async () => {
    const q = `dataset=errors&statsPeriod=24h&query=level:error`;
    type Stats = { data: Array<[number, Array<{ count: number }>]>; start: number; end: number };
    const series = await get<Record<string, Stats>>(`/organizations/${org()}/events-stats/?${q}&interval=1h&yAxis=count()&yAxis=count_unique(user)`);
    const counts = series.body["count()"]!;
    // Sentry aligns the first bucket down to the interval, so the series covers a little more than the 24 h asked.
    expect(counts.start % 3600).toBe(0);
    expect(counts.end * 1000).toBe(Math.floor(TEST_NOW / 1000) * 1000);
    const window = `start=${new Date(counts.start * 1000).toISOString()}&end=${new Date(counts.end * 1000).toISOString()}`;
    const table = await get<{ data: Json[] }>(`/organizations/${org()}/events/?dataset=errors&query=level:error&${window}&field=count()`);
    const total = counts.data.reduce((s, [, [v]]) => s + v!.count, 0);
    expect(total).toBe(table.body.data[0]!["count()"]);
    expect(series.body["count_unique(user)"]!.data.length).toBe(Math.ceil((counts.end - counts.start) / 3600));
  });
});

describe("sandbox › determinism", () => {
  it("builds the same showcase trace and the same errors for the same seed and clock", () => {
    const a = createWorld({}, TEST_NOW);
    const b = createWorld({}, TEST_NOW);
    expect(showcaseEvent(a)!.traceId).toBe(showcaseEvent(b)!.traceId);
    expect(findTrace(a, showcaseEvent(a)!.traceId)!.spans.map((s) => s.spanId)).toEqual(findTrace(b, showcaseEvent(b)!.traceId)!.spans.map((s) => s.spanId));
    const issue = showcaseEvent(a)!.issue;
    expect(issueTimeline(a, issue).map((r) => r.eventId)).toEqual(issueTimeline(b, b.issues.byId.get(issue.id)!).map((r) => r.eventId));
  });
});

describe("sandbox › an issue's tag values per environment", () => {
  it("narrows a tag's values to the events of the environments asked for, and answers 404 where there are none", async () => {
    const issue = showcaseEvent(sandbox.world)!.issue;
    const base = `/organizations/${org()}/issues/${issue.id}/tags`;
    const all = (await get<{ totalValues: number; topValues: Array<{ value: string; count: number }> }>(`${base}/environment/`)).body;
    const staging = all.topValues.find((v) => v.value === "staging")!;
    const env = (await get<{ totalValues: number; topValues: Array<{ value: string }> }>(`${base}/environment/?environment=staging`)).body;
    expect(env.topValues.map((v) => v.value)).toEqual(["staging"]);
    expect(env.totalValues).toBe(staging.count);
    // Other keys scale by the environment's share of the issue's events.
    const release = (await get<{ totalValues: number }>(`${base}/release/`)).body;
    const narrowed = (await get<{ totalValues: number }>(`${base}/release/?environment=staging`)).body;
    expect(narrowed.totalValues).toBeLessThan(release.totalValues);
    expect(Math.abs(narrowed.totalValues - (release.totalValues * staging.count) / all.totalValues)).toBeLessThanOrEqual(all.topValues.length * 9);
    expect((await get(`${base}/release/?environment=nowhere`)).status).toBe(404);
  });
});
