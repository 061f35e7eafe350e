// Contract: the sandbox's investigation endpoints (issue 17) answer with the shapes Sentry's OpenAPI schema
// publishes for listOrganizationIssueEvents and getOrganizationIssueEvent (generated events too),
// resolveOrganizationEventId, getOrganizationTrace, getOrganizationTraceMeta, listOrganizationEvents (errors and
// logs) and listOrganizationEventsTimeseries. The committers and events-stats endpoints have no operation in the
// schema; tests/sandbox-investigate.test.ts covers them.

import { describe, expect, it } from "vitest";
import { issueTimeline } from "../scripts/sandbox/seed/error-rows.js";
import { showcaseEvent } from "../scripts/sandbox/seed/traces.js";
import { expectMatchesSchema, HAVE_SCHEMA } from "./helpers/contract.js";
import { TEST_NOW, useSandbox } from "./helpers/sandbox.js";

const sandbox = useSandbox({ now: TEST_NOW });
const ORG = "/api/0/organizations/{organization_id_or_slug}";

async function get(path: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${sandbox.url}/api/0${path}`, { headers: { Authorization: "Bearer sandbox" } });
  return { status: res.status, body: (await res.json()) as unknown };
}

const org = (): string => sandbox.world.orgs[0]!.slug;

describe.skipIf(!HAVE_SCHEMA)("sandbox contract › investigation", () => {
  it("pages an issue's generated and stored events, short and full, in the schema's event shapes", async () => {
    const shown = showcaseEvent(sandbox.world)!;
    for (const params of ["per_page=50", "statsPeriod=24h&query=environment:production&cursor=0:10:0"]) {
      const { status, body } = await get(`/organizations/${org()}/issues/${shown.issue.id}/events/?${params}`);
      expect(status).toBe(200);
      expect((body as unknown[]).length).toBeGreaterThan(0);
      expectMatchesSchema("GET", `${ORG}/issues/{issue_id}/events/`, 200, body);
    }
    // full=true answers whole events (EventSerializer, not the list's SimpleEventSerializer): the one-event shape.
    const full = await get(`/organizations/${org()}/issues/${shown.issue.id}/events/?full=true&per_page=5`);
    for (const event of full.body as Array<Record<string, unknown>>) {
      expectMatchesSchema("GET", `${ORG}/issues/{issue_id}/events/{event_id}/`, 200, { ...event, nextEventID: null, previousEventID: null });
    }
  });

  it("answers what issue-events, event-details and tag-values send: full=false lists, trace IDs by event ID, tags per environment", async () => {
    const shown = showcaseEvent(sandbox.world)!;
    const list = await get(`/organizations/${org()}/issues/${shown.issue.id}/events/?full=false&statsPeriod=14d&environment=production&per_page=5`);
    expectMatchesSchema("GET", `${ORG}/issues/{issue_id}/events/`, 200, list.body);
    const ids = (list.body as Array<{ eventID: string }>).map((e) => e.eventID);
    const traces = await get(`/organizations/${org()}/events/?dataset=errors&field=id&field=trace&query=${encodeURIComponent(`id:[${ids.join(",")}]`)}&project=${shown.event.body.projectID}&statsPeriod=90d&per_page=5`);
    expect(traces.status).toBe(200);
    expectMatchesSchema("GET", `${ORG}/events/`, 200, traces.body);
    for (const key of ["release", "environment", "user"]) {
      const tag = await get(`/organizations/${org()}/issues/${shown.issue.id}/tags/${key}/?environment=staging`);
      expect(tag.status).toBe(200);
      expectMatchesSchema("GET", `${ORG}/issues/{issue_id}/tags/{key}/`, 200, tag.body);
    }
  });

  it("answers a generated event by ID in the shape of getOrganizationIssueEvent and resolveOrganizationEventId", async () => {
    const shown = showcaseEvent(sandbox.world)!;
    const generated = issueTimeline(sandbox.world, shown.issue).find((r) => !r.stored)!;
    const byIssue = await get(`/organizations/${org()}/issues/${shown.issue.id}/events/${generated.eventId}/`);
    expect(byIssue.status).toBe(200);
    expectMatchesSchema("GET", `${ORG}/issues/{issue_id}/events/{event_id}/`, 200, byIssue.body);
    for (const id of [generated.eventId, shown.event.eventID]) {
      const lookup = await get(`/organizations/${org()}/eventids/${id}/`);
      expect(lookup.status).toBe(200);
      expectMatchesSchema("GET", `${ORG}/eventids/{event_id}/`, 200, lookup.body);
    }
  });

  it("answers the 1,000-span trace, a one-transaction trace and their metadata in the schema's shapes", async () => {
    const shown = showcaseEvent(sandbox.world)!;
    const spansTrace = sandbox.world.spans.spans.at(-1)!.traceId;
    for (const id of [shown.traceId, spansTrace]) {
      const trace = await get(`/organizations/${org()}/trace/${id}/?statsPeriod=14d&additional_attributes=span.self_time`);
      expect((trace.body as unknown[]).length).toBeGreaterThan(0);
      expectMatchesSchema("GET", `${ORG}/trace/{trace_id}/`, 200, trace.body);
      expectMatchesSchema("GET", `${ORG}/trace-meta/{trace_id}/`, 200, (await get(`/organizations/${org()}/trace-meta/${id}/?statsPeriod=14d`)).body);
    }
  });

  it("answers errors and logs tables and a time series as listOrganizationEvents and listOrganizationEventsTimeseries describe them", async () => {
    const queries = [
      "dataset=errors&field=id&field=issue&field=title&field=timestamp&field=trace&sort=-timestamp&statsPeriod=24h&per_page=20",
      "dataset=errors&field=issue&field=count()&field=count_unique(user)&sort=-count()&statsPeriod=7d",
      "dataset=logs&field=timestamp&field=severity&field=message&field=trace&sort=-timestamp&statsPeriod=24h&per_page=20",
    ];
    for (const q of queries) {
      const { status, body } = await get(`/organizations/${org()}/events/?${q}`);
      expect(status).toBe(200);
      expectMatchesSchema("GET", `${ORG}/events/`, 200, body);
    }
    const series = await get(`/organizations/${org()}/events-timeseries/?dataset=errors&yAxis=count()&interval=3600000&statsPeriod=24h`);
    expect(series.status).toBe(200);
    expectMatchesSchema("GET", `${ORG}/events-timeseries/`, 200, series.body);
  });
});
