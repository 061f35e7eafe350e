// Contract: the sandbox's issues endpoints answer with the shapes Sentry's OpenAPI schema publishes for
// listOrganizationIssues, getOrganizationIssue, getOrganizationIssueEvent, listOrganizationIssueEvents,
// getOrganizationIssueTag, resolveOrganizationShortId, updateOrganizationIssue and updateOrganizationIssues.

import { describe, expect, it } from "vitest";
import type { Issue } from "../scripts/sandbox/seed/issues.js";
import { expectMatchesSchema, HAVE_SCHEMA, schemaErrors } from "./helpers/contract.js";
import { useSandbox } from "./helpers/sandbox.js";

const sandbox = useSandbox();
const ORG = "/api/0/organizations/{organization_id_or_slug}";

/**
 * Where the schema and real Sentry disagree, the sandbox answers as Sentry does, and only these errors are let
 * through, each for the items it concerns:
 * - A resolved or ignored issue is removed from the inbox (update.py remove_group_from_inbox), so the stream
 *   answers "inbox": null for it; the list schema types inbox as a non-null object.
 * - statusDetails.inCommit is the serialized commit object (update.py handle_resolve_in_release,
 *   serialize(commit)); the group schema types it as a string.
 */
function errorsBesidesKnownGaps(method: string, template: string, body: unknown): string[] {
  const closed = (item: unknown): boolean => (item as { status?: string }).status !== "unresolved";
  const gap = (error: string, item: unknown): boolean =>
    (/^\/(\d+\/)?inbox must be object/.test(error) && closed(item)) || /^(\/\d+)?\/statusDetails\/inCommit must be string/.test(error);
  // One item at a time, so no error is lost to the checker's cap on how many it lists.
  if (Array.isArray(body)) return body.flatMap((item, i) => schemaErrors(method, template, 200, [item]).filter((e) => !gap(e, item)).map((e) => `item ${i}: ${e}`));
  return schemaErrors(method, template, 200, body).filter((e) => !gap(e, body));
}

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const headers: Record<string, string> = { Authorization: "Bearer sandbox" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch(`${sandbox.url}/api/0${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

const org = (): string => sandbox.world.orgs[0]!.slug;

/** A few issues of every event kind and status, so each serializer branch is checked. */
function sample(): Issue[] {
  const picked = new Map<string, Issue[]>();
  for (const issue of sandbox.world.issues.issues) {
    if (issue.orgSlug !== org() || issue.status === "pending_deletion") continue;
    const key = `${issue.spec.kind}/${issue.spec.family}/${issue.status}`;
    const group = picked.get(key) ?? [];
    if (group.length < 2) picked.set(key, [...group, issue]);
  }
  return [...picked.values()].flat();
}

describe.skipIf(!HAVE_SCHEMA)("sandbox contract › issues", () => {
  it("lists unresolved issues as listOrganizationIssues describes them, with 24h and 14d stats", async () => {
    for (const params of ["", "groupStatsPeriod=14d&limit=100", "sort=freq&statsPeriod=90d&limit=25&cursor=0:25:0"]) {
      const { status, body } = await call("GET", `/organizations/${org()}/issues/?${params}`);
      expect(status).toBe(200);
      expect((body as unknown[]).length).toBeGreaterThan(0);
      expectMatchesSchema("GET", `${ORG}/issues/`, 200, body);
    }
  });

  it("lists issues of every status with no schema errors beyond the inbox of closed issues", async () => {
    for (const cursor of ["0:0:0", "0:100:0"]) {
      const { body } = await call("GET", `/organizations/${org()}/issues/?query=&statsPeriod=90d&limit=100&cursor=${cursor}`);
      expect((body as Array<{ status: string }>).some((i) => i.status !== "unresolved")).toBe(true);
      expect(errorsBesidesKnownGaps("GET", `${ORG}/issues/`, body)).toEqual([]);
    }
  });

  it("answers issue details, latest and oldest events, event lists, tags and short IDs in the schema's shapes", async () => {
    const issues = sample();
    expect(issues.length).toBeGreaterThan(20);
    for (const issue of issues) {
      const base = `/organizations/${org()}/issues/${issue.id}`;
      expectMatchesSchema("GET", `${ORG}/issues/{issue_id}/`, 200, (await call("GET", `${base}/`)).body);
      for (const which of ["latest", "oldest"]) {
        expectMatchesSchema("GET", `${ORG}/issues/{issue_id}/events/{event_id}/`, 200, (await call("GET", `${base}/events/${which}/`)).body);
      }
      expectMatchesSchema("GET", `${ORG}/issues/{issue_id}/events/`, 200, (await call("GET", `${base}/events/`)).body);
      expectMatchesSchema("GET", `${ORG}/issues/{issue_id}/tags/{key}/`, 200, (await call("GET", `${base}/tags/environment/`)).body);
      expectMatchesSchema("GET", `${ORG}/shortids/{issue_id}/`, 200, (await call("GET", `/organizations/${org()}/shortids/${issue.shortId}/`)).body);
    }
  });

  it("answers a merged-away ID with a successor body that matches the schema", async () => {
    const [oldId] = [...sandbox.world.issues.redirects].find(([from]) => /^\d+$/.test(from))!;
    expectMatchesSchema("GET", `${ORG}/issues/{issue_id}/`, 200, (await call("GET", `/organizations/${org()}/issues/${oldId}/`)).body);
  });

  it("answers single and bulk updates in the shapes of updateOrganizationIssue and updateOrganizationIssues", async () => {
    const open = sandbox.world.issues.issues.filter((i) => i.orgSlug === org() && i.status === "unresolved" && i.mergedIds.length === 0);
    const [a, b, c, d] = open;
    const repo = sandbox.world.repos.find((r) => r.orgSlug === org())!;
    const single: Array<[Issue, unknown]> = [
      [a!, { status: "ignored", statusDetails: { ignoreCount: 100, ignoreWindow: 60 } }],
      [b!, { status: "resolved", statusDetails: { inRelease: "latest" } }],
      [c!, { status: "resolved", statusDetails: { inCommit: { commit: "0123456789abcdef0123456789abcdef01234567", repository: repo.name } } }],
    ];
    for (const [issue, change] of single) {
      const { status, body } = await call("PUT", `/organizations/${org()}/issues/${issue.id}/`, change);
      expect(status).toBe(200);
      expect(errorsBesidesKnownGaps("PUT", `${ORG}/issues/{issue_id}/`, body)).toEqual([]);
    }
    const member = sandbox.world.members.find((m) => m.orgSlug === org())!;
    const bulk = await call("PUT", `/organizations/${org()}/issues/?id=${d!.id}`, { status: "ignored", ignoreUserCount: 10, ignoreUserWindow: 60, assignedTo: member.email });
    expect(bulk.status).toBe(200);
    expectMatchesSchema("PUT", `${ORG}/issues/`, 200, bulk.body);
  });
});
