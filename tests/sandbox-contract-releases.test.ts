// The sandbox's release endpoints answer with every field Sentry's OpenAPI schema requires, in the documented
// types: list (with and without health), create, details, update, commits, deploys and repositories.

import { describe, expect, it } from "vitest";
import { expectMatchesSchema, HAVE_SCHEMA } from "./helpers/contract.js";
import { useSandbox } from "./helpers/sandbox.js";

const sandbox = useSandbox();

const RELEASES = "/api/0/organizations/{organization_id_or_slug}/releases/";
const RELEASE = "/api/0/organizations/{organization_id_or_slug}/releases/{version}/";
const COMMITS = "/api/0/organizations/{organization_id_or_slug}/releases/{version}/commits/";
const DEPLOYS = "/api/0/organizations/{organization_id_or_slug}/releases/{version}/deploys/";
const REPOS = "/api/0/organizations/{organization_id_or_slug}/repos/";

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: { Authorization: "Bearer sandbox", "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

const path = (version: string, suffix = ""): string => `/api/0/organizations/acme/releases/${encodeURIComponent(version)}/${suffix}`;

describe.skipIf(!HAVE_SCHEMA)("sandbox contract › releases", () => {
  it("lists releases with health for every project as the schema says", async () => {
    const { status, body } = await call("GET", "/api/0/organizations/acme/releases/?health=1&adoptionStages=1&per_page=100");
    expect(status).toBe(200);
    expect((body as unknown[]).length).toBeGreaterThan(30);
    expectMatchesSchema("GET", RELEASES, status, body);
  });

  it("lists releases without health and flattened per project as the schema says", async () => {
    const plain = await call("GET", "/api/0/organizations/acme/releases/?per_page=100");
    expectMatchesSchema("GET", RELEASES, plain.status, plain.body);
    const flat = await call("GET", "/api/0/organizations/acme/releases/?health=1&flatten=1&sort=crash_free_sessions&per_page=50");
    expect(flat.status).toBe(200);
    expectMatchesSchema("GET", RELEASES, flat.status, flat.body);
  });

  it("shows one release with commits, deploys and project meta as the schema says", async () => {
    const list = (await call("GET", "/api/0/organizations/acme/releases/?project=web-frontend&per_page=100")).body as Array<{
      version: string;
      commitCount: number;
    }>;
    const withCommits = list.find((r) => r.commitCount > 0)!;
    const { status, body } = await call("GET", `${path(withCommits.version)}?health=1&project=web-frontend&adoptionStages=1`);
    expect(status).toBe(200);
    expectMatchesSchema("GET", RELEASE, status, body);

    const commits = await call("GET", path(withCommits.version, "commits/"));
    expect(commits.status).toBe(200);
    expect((commits.body as unknown[]).length).toBe(withCommits.commitCount);
    expectMatchesSchema("GET", COMMITS, commits.status, commits.body);
  });

  it("lists a release's deploys to staging and production as the schema says", async () => {
    const list = (await call("GET", "/api/0/organizations/acme/releases/?project=web-frontend&per_page=100")).body as Array<{
      version: string;
      deployCount: number;
    }>;
    const deployed = list.find((r) => r.deployCount === 2)!;
    const { status, body } = await call("GET", path(deployed.version, "deploys/"));
    expect(status).toBe(200);
    expect((body as Array<{ environment: string }>).map((d) => d.environment)).toEqual(["production", "staging"]);
    expectMatchesSchema("GET", DEPLOYS, status, body);
  });

  it("records a deploy with 201 and then lists it, both as the schema says", async () => {
    await call("POST", "/api/0/organizations/acme/releases/", { version: "contract-deploys-1", projects: ["api-backend"] });
    const created = await call("POST", path("contract-deploys-1", "deploys/"), {
      environment: "staging",
      name: "contract deploy",
      url: "https://ci.acme.example/deploys/1",
    });
    expect(created.status).toBe(201);
    expectMatchesSchema("POST", DEPLOYS, created.status, created.body);
    const { status, body } = await call("GET", path("contract-deploys-1", "deploys/"));
    expect(body).toEqual([created.body]);
    expectMatchesSchema("GET", DEPLOYS, status, body);
  });

  it("creates a release and answers 201 with the schema's release body", async () => {
    const { status, body } = await call("POST", "/api/0/organizations/acme/releases/", {
      version: "web-frontend@9.0.0-contract",
      projects: ["web-frontend", "api-backend"],
      ref: "v9.0.0",
    });
    expect(status).toBe(201);
    expectMatchesSchema("POST", RELEASES, status, body);
  });

  it("updates a release with raw commits and answers with the schema's release body", async () => {
    await call("POST", "/api/0/organizations/acme/releases/", { version: "contract-update-1", projects: ["payments"] });
    await call("POST", path("contract-update-1", "deploys/"), { environment: "production", name: "contract deploy" });
    const { status, body } = await call("PUT", path("contract-update-1"), {
      dateReleased: "2026-03-15T10:00:00Z",
      commits: [
        {
          id: "4f1e2d3c4b5a69788796a5b4c3d2e1f001234567",
          repository: "acme/payments-service",
          message: "fix(capture): retry once on gateway timeout",
          author_name: "Amara Okafor",
          author_email: "amara.okafor@acme.example",
          timestamp: "2026-03-15T09:30:00Z",
          patch_set: [{ path: "src/services/capture.ts", type: "M" }],
        },
        { id: "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567", repository: "acme/payments-service", author_email: "bot@ci.example" },
      ],
    });
    expect(status).toBe(200);
    expectMatchesSchema("PUT", RELEASE, status, body);
    const commits = await call("GET", path("contract-update-1", "commits/"));
    expectMatchesSchema("GET", COMMITS, commits.status, commits.body);
  });

  it("records a head commit from refs that still matches the commits schema (no author yet)", async () => {
    await call("POST", "/api/0/organizations/acme/releases/", { version: "contract-refs-1", projects: ["web-frontend"] });
    const { status, body } = await call("PUT", path("contract-refs-1"), {
      refs: [{ repository: "acme/web-frontend", commit: "1111111111111111111111111111111111111111" }],
    });
    expect(status).toBe(200);
    expectMatchesSchema("PUT", RELEASE, status, body);
    const commits = await call("GET", path("contract-refs-1", "commits/"));
    expectMatchesSchema("GET", COMMITS, commits.status, commits.body);
  });

  it("lists one project's releases (what sentry-cli reads with a project set) as the schema says", async () => {
    const { status, body } = await call("GET", "/api/0/projects/acme/mobile-ios/releases/");
    expect(status).toBe(200);
    expect((body as unknown[]).length).toBeGreaterThan(5);
    expectMatchesSchema("GET", "/api/0/projects/{organization_id_or_slug}/{project_id_or_slug}/releases/", status, body);
  });

  it("lists the repositories releases refer to as the schema says", async () => {
    const { status, body } = await call("GET", "/api/0/organizations/acme/repos/");
    expectMatchesSchema("GET", REPOS, status, body);
  });
});
