// The sandbox's core endpoints answer with every field Sentry's OpenAPI schema requires, in the documented types.

import { describe, expect, it } from "vitest";
import { expectMatchesSchema, HAVE_SCHEMA, schemaErrors } from "./helpers/contract.js";
import { useSandbox } from "./helpers/sandbox.js";

const sandbox = useSandbox();

async function getJson(path: string): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${sandbox.url}${path}`, { headers: { Authorization: "Bearer sandbox" } });
  return { status: res.status, body: await res.json() };
}

describe.skipIf(!HAVE_SCHEMA)("sandbox contract › core endpoints", () => {
  const cases: Array<{ story: string; template: string; path: string }> = [
    { story: "lists organizations", template: "/api/0/organizations/", path: "/api/0/organizations/" },
    { story: "shows one organization", template: "/api/0/organizations/{organization_id_or_slug}/", path: "/api/0/organizations/acme/" },
    {
      story: "lists an organization's projects",
      template: "/api/0/organizations/{organization_id_or_slug}/projects/",
      path: "/api/0/organizations/acme/projects/",
    },
    {
      story: "shows a project's settings",
      template: "/api/0/projects/{organization_id_or_slug}/{project_id_or_slug}/",
      path: "/api/0/projects/acme/api-backend/",
    },
    {
      story: "shows the settings of a project that never received an event",
      template: "/api/0/projects/{organization_id_or_slug}/{project_id_or_slug}/",
      path: "/api/0/projects/acme/legacy-php/",
    },
    {
      story: "lists a project's client keys",
      template: "/api/0/projects/{organization_id_or_slug}/{project_id_or_slug}/keys/",
      path: "/api/0/projects/acme/web-frontend/keys/",
    },
    { story: "lists teams with their projects", template: "/api/0/organizations/{organization_id_or_slug}/teams/", path: "/api/0/organizations/acme/teams/" },
    { story: "lists repositories", template: "/api/0/organizations/{organization_id_or_slug}/repos/", path: "/api/0/organizations/acme/repos/" },
    { story: "lists members", template: "/api/0/organizations/{organization_id_or_slug}/members/", path: "/api/0/organizations/acme/members/" },
    {
      story: "lists the second organization's projects",
      template: "/api/0/organizations/{organization_id_or_slug}/projects/",
      path: "/api/0/organizations/globex/projects/",
    },
  ];

  for (const c of cases) {
    it(`${c.story} as the schema says`, async () => {
      const { status, body } = await getJson(c.path);
      expect(status).toBe(200);
      if (Array.isArray(body)) expect(body.length).toBeGreaterThan(0);
      expectMatchesSchema("GET", c.template, status, body);
    });
  }
});

describe.skipIf(!HAVE_SCHEMA)("sandbox contract › the checker itself", () => {
  it("rejects an organization without links and with a numeric id", async () => {
    const { body } = await getJson("/api/0/organizations/acme/");
    const broken: Record<string, unknown> = { ...(body as Record<string, unknown>), id: 42 };
    delete broken.links;
    const errors = schemaErrors("GET", "/api/0/organizations/{organization_id_or_slug}/", 200, broken);
    expect(errors.join("\n")).toMatch(/links/);
    expect(errors.join("\n")).toMatch(/\/id must be string/);
  });

  it("accepts null where the schema says nullable (a project with no release)", async () => {
    const { body } = await getJson("/api/0/projects/acme/legacy-php/");
    expect((body as Record<string, unknown>).latestRelease).toBeNull();
    expect(schemaErrors("GET", "/api/0/projects/{organization_id_or_slug}/{project_id_or_slug}/", 200, body)).toEqual([]);
  });
});
