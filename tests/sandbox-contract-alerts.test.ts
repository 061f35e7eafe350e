// The sandbox's alert endpoints answer as Sentry's OpenAPI schema says: the current workflows and detectors
// (list and detail) and the legacy rules and alert-rules, whose schemas survive only in the subset file.

import { describe, expect, it } from "vitest";
import { expectMatchesSchema, HAVE_SCHEMA } from "./helpers/contract.js";
import { useSandbox } from "./helpers/sandbox.js";

const sandbox = useSandbox();

async function getJson(path: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${sandbox.url}${path}`, { headers: { Authorization: "Bearer sandbox" } });
  return { status: res.status, body: await res.json() };
}

describe.skipIf(!HAVE_SCHEMA)("sandbox contract › alerts", () => {
  it("lists workflows (issue alerts, metric notifications, an unattached draft) as the schema says", async () => {
    const { status, body } = await getJson("/api/0/organizations/acme/workflows/");
    expect(status).toBe(200);
    expect((body as unknown[]).length).toBeGreaterThan(10);
    expectMatchesSchema("GET", "/api/0/organizations/{organization_id_or_slug}/workflows/", status, body);
  });

  it("shows one workflow as the schema says", async () => {
    const list = (await getJson("/api/0/organizations/acme/workflows/")).body as Array<{ id: string }>;
    const { status, body } = await getJson(`/api/0/organizations/acme/workflows/${list[0]!.id}/`);
    expectMatchesSchema("GET", "/api/0/organizations/{organization_id_or_slug}/workflows/{workflow_id}/", status, body);
  });

  it("lists every kind of detector as the schema says", async () => {
    const { status, body } = await getJson("/api/0/organizations/acme/detectors/");
    expect(new Set((body as Array<{ type: string }>).map((d) => d.type))).toEqual(new Set(["error", "issue_stream", "metric_issue"]));
    expectMatchesSchema("GET", "/api/0/organizations/{organization_id_or_slug}/detectors/", status, body);
  });

  it("shows one metric detector as the schema says", async () => {
    const list = (await getJson("/api/0/organizations/acme/detectors/?query=type:metric_issue")).body as Array<{ id: string }>;
    const { status, body } = await getJson(`/api/0/organizations/acme/detectors/${list[0]!.id}/`);
    expectMatchesSchema("GET", "/api/0/organizations/{organization_id_or_slug}/detectors/{detector_id}/", status, body);
  });

  it("lists a project's legacy issue alert rules as the last schema that had them says", async () => {
    for (const project of ["web-frontend", "api-backend", "mobile-ios", "payments"]) {
      const { status, body } = await getJson(`/api/0/projects/acme/${project}/rules/`);
      expect((body as unknown[]).length).toBeGreaterThan(0);
      expectMatchesSchema("GET", "/api/0/projects/{organization_id_or_slug}/{project_id_or_slug}/rules/", status, body);
    }
  });

  it("lists the organization's legacy metric alert rules as the last schema that had them says", async () => {
    const { status, body } = await getJson("/api/0/organizations/acme/alert-rules/");
    expect((body as unknown[]).length).toBeGreaterThan(0);
    expectMatchesSchema("GET", "/api/0/organizations/{organization_id_or_slug}/alert-rules/", status, body);
    const first = (body as Array<{ id: string }>)[0]!;
    const detail = await getJson(`/api/0/organizations/acme/alert-rules/${first.id}/`);
    expectMatchesSchema("GET", "/api/0/organizations/{organization_id_or_slug}/alert-rules/{alert_rule_id}/", detail.status, detail.body);
  });
});
