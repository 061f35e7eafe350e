// The sandbox's alerts: issue and metric alerts on the first organization's projects (some projects have
// none), served by the current workflows/detectors API and the deprecated rules/alert-rules API alike, with
// Sentry's deprecation headers, brownout 410s and the 404s of servers that predate the current API.

import { describe, expect, it } from "vitest";
import { TEST_NOW, useSandbox, type SandboxHandle } from "./helpers/sandbox.js";

type Json = Record<string, any>;

const sandbox = useSandbox({ now: TEST_NOW });
const brownout = useSandbox({ now: TEST_NOW, legacyAlertsGone: true });
const oldServer = useSandbox({ now: TEST_NOW, currentAlertsMissing: true });

async function get(target: SandboxHandle, path: string, token = "sandbox"): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${target.url}/api/0${path}`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

const projectId = (slug: string): string => sandbox.world.projects.find((p) => p.slug === slug)!.id;

describe("sandbox alerts › what guards which project", () => {
  it("guards every live project of the first organization and leaves the abandoned one and the second org bare", async () => {
    for (const slug of ["web-frontend", "api-backend", "mobile-ios", "payments"]) {
      const { body } = await get(sandbox, `/projects/acme/${slug}/rules/`);
      expect(body.length, slug).toBeGreaterThan(0);
    }
    expect((await get(sandbox, "/projects/acme/legacy-php/rules/")).body).toEqual([]);
    expect((await get(sandbox, "/organizations/globex/workflows/")).body).toEqual([]);
    const globexDetectors = (await get(sandbox, "/organizations/globex/detectors/?query=type:metric_issue")).body;
    expect(globexDetectors).toEqual([]);
  });

  it("lists only metric detectors with type:metric_issue, each with its query, window in seconds and thresholds", async () => {
    const all = (await get(sandbox, "/organizations/acme/detectors/?per_page=100")).body as Json[];
    expect(new Set(all.map((d) => d.type))).toEqual(new Set(["error", "issue_stream", "metric_issue"]));
    const metric = (await get(sandbox, "/organizations/acme/detectors/?query=type:metric_issue")).body as Json[];
    expect(metric.length).toBeGreaterThanOrEqual(4);
    expect(metric.every((d) => d.type === "metric_issue")).toBe(true);
    const latency = metric.find((d) => d.dataSources[0].queryObj.snubaQuery.aggregate === "p95(span.duration)")!;
    expect(latency.dataSources[0].queryObj.snubaQuery).toMatchObject({ timeWindow: 600, environment: "production" });
    expect(latency.conditionGroup.conditions).toEqual([
      expect.objectContaining({ type: "gt", comparison: 800, conditionResult: 75 }),
      expect.objectContaining({ type: "gt", comparison: 500, conditionResult: 50 }),
      expect.objectContaining({ type: "lte", comparison: 450, conditionResult: 0 }),
    ]);
    expect(metric.map((d) => d.config.detectionType).sort()).toEqual(expect.arrayContaining(["dynamic", "percent", "static"]));
    const notMetric = (await get(sandbox, "/organizations/acme/detectors/?query=!type:metric_issue")).body as Json[];
    expect(notMetric.length + metric.length).toBe(all.length);
  });

  it("describes issue alerts as workflows with triggers, filters and email, Slack and PagerDuty actions", async () => {
    const workflows = (await get(sandbox, "/organizations/acme/workflows/")).body as Json[];
    const triggerTypes = new Set(workflows.flatMap((w) => w.triggers.conditions.map((c: Json) => c.type)));
    expect(triggerTypes).toEqual(new Set(["first_seen_event", "regression_event", "reappeared_event"]));
    const filterTypes = new Set(workflows.flatMap((w) => w.actionFilters.flatMap((f: Json) => f.conditions.map((c: Json) => c.type))));
    for (const type of ["level", "event_frequency_count", "event_unique_user_frequency_count", "tagged_event"]) expect(filterTypes.has(type), type).toBe(true);
    const actions = workflows.flatMap((w) => w.actionFilters.flatMap((f: Json) => f.actions));
    expect(new Set(actions.map((a) => a.type))).toEqual(new Set(["email", "slack", "pagerduty"]));
    expect(new Set(actions.filter((a) => a.type === "email").map((a) => a.config.targetType))).toEqual(new Set(["team", "user", "issue_owners"]));
    const slack = actions.find((a) => a.type === "slack")!;
    expect(slack.config).toMatchObject({ targetType: "specific", targetDisplay: expect.stringMatching(/^#/) });
    const newIssues = workflows.find((w) => w.name === "New issues in web-frontend")!;
    expect(newIssues).toMatchObject({ environment: "production", config: { frequency: 30 }, enabled: true });
    expect(newIssues.actionFilters[0].conditions[0]).toMatchObject({ type: "level", comparison: { level: 40, match: "gte" } });
  });

  it("filters workflows by project, leaving out org-level workflows no monitor uses yet", async () => {
    const all = (await get(sandbox, "/organizations/acme/workflows/")).body as Json[];
    const draft = all.find((w) => w.detectorIds.length === 0)!;
    expect(draft).toBeDefined();
    const payments = (await get(sandbox, "/organizations/acme/workflows/?project=payments")).body as Json[];
    // A specific project filter matches workflows through their monitors' projects only (filter_workflows).
    expect(payments.map((w) => w.name)).not.toContain(draft.name);
    expect(payments.length).toBeGreaterThan(0);
    expect(payments.every((w) => w.detectorIds.length > 0 && w.name.includes("payments"))).toBe(true);
    // project=-1 means every project, which is no filter; an id filter takes precedence over the project filter.
    const everyProject = (await get(sandbox, "/organizations/acme/workflows/?project=-1")).body as Json[];
    expect(everyProject.map((w) => w.id)).toEqual(all.map((w) => w.id));
    const byDraftId = (await get(sandbox, `/organizations/acme/workflows/?project=payments&id=${draft.id}`)).body as Json[];
    expect(byDraftId.map((w) => w.id)).toEqual([draft.id]);
    const byId = (await get(sandbox, `/organizations/acme/workflows/?project=${projectId("payments")}`)).body as Json[];
    expect(byId.map((w) => w.id)).toEqual(payments.map((w) => w.id));
  });

  it("finds workflows and detectors by name with * wildcards, ignoring case, and by words in the name", async () => {
    for (const kind of ["workflows", "detectors"]) {
      const names: string[] = (await get(sandbox, `/organizations/acme/${kind}/?per_page=100`)).body.map((r: Json) => r.name);
      const search = async (query: string): Promise<string[]> =>
        (await get(sandbox, `/organizations/acme/${kind}/?per_page=100&query=${encodeURIComponent(query)}`)).body.map((r: Json) => r.name);
      expect(await search("name:error*"), kind).toEqual(names.filter((n) => n.toLowerCase().startsWith("error")));
      expect(await search("name:*WEB-FRONTEND"), kind).toEqual(names.filter((n) => n.toLowerCase().endsWith("web-frontend")));
      expect(await search("!name:*error*"), kind).toEqual(names.filter((n) => !n.toLowerCase().includes("error")));
      expect((await search("name:*web-frontend")).length, kind).toBeGreaterThan(0);
    }
  });

  it("pages workflows and detectors with per_page and cursor", async () => {
    const first = await get(sandbox, "/organizations/acme/workflows/?per_page=4");
    expect(first.body).toHaveLength(4);
    expect(first.headers.get("link")).toContain('rel="next"; results="true"');
    const second = await get(sandbox, "/organizations/acme/workflows/?per_page=4&cursor=0:4:0");
    expect(second.body.map((w: Json) => w.id)).not.toContain(first.body[0].id);
  });
});

describe("sandbox alerts › the legacy API tells the same story", () => {
  it("matches every legacy issue rule with a workflow of the same name, environment, frequency and state", async () => {
    const workflows = (await get(sandbox, "/organizations/acme/workflows/")).body as Json[];
    let rules = 0;
    for (const slug of ["web-frontend", "api-backend", "mobile-ios", "payments"]) {
      for (const rule of (await get(sandbox, `/projects/acme/${slug}/rules/`)).body as Json[]) {
        const workflow = workflows.find((w) => w.name === rule.name)!;
        expect(workflow, rule.name).toBeDefined();
        expect(workflow.environment).toBe(rule.environment);
        expect(workflow.config.frequency).toBe(rule.frequency);
        expect(workflow.enabled).toBe(rule.status === "active" && !rule.snooze);
        expect(workflow.lastTriggered).toBe(rule.lastTriggered);
        expect(workflow.actionFilters[0].actions).toHaveLength(rule.actions.length);
        rules++;
      }
    }
    expect(rules).toBeGreaterThanOrEqual(8);
  });

  it("names conditions and actions by their legacy class paths, with snoozed and disabled rules among them", async () => {
    const rules = [
      ...((await get(sandbox, "/projects/acme/web-frontend/rules/")).body as Json[]),
      ...((await get(sandbox, "/projects/acme/mobile-ios/rules/")).body as Json[]),
      ...((await get(sandbox, "/projects/acme/payments/rules/")).body as Json[]),
    ];
    const conditionIds = new Set(rules.flatMap((r) => r.conditions.map((c: Json) => c.id)));
    expect(conditionIds.has("sentry.rules.conditions.first_seen_event.FirstSeenEventCondition")).toBe(true);
    expect(conditionIds.has("sentry.rules.conditions.event_frequency.EventUniqueUserFrequencyCondition")).toBe(true);
    const actionIds = new Set(rules.flatMap((r) => r.actions.map((a: Json) => a.id)));
    expect(actionIds).toEqual(
      new Set([
        "sentry.mail.actions.NotifyEmailAction",
        "sentry.integrations.slack.notify_action.SlackNotifyServiceAction",
        "sentry.integrations.pagerduty.notify_action.PagerDutyNotifyServiceAction",
      ]),
    );
    expect(rules.some((r) => r.snooze === true)).toBe(true);
    expect(rules.some((r) => r.status === "disabled")).toBe(true);
  });

  it("matches every legacy metric alert rule with a detector: same query, minutes vs seconds, same thresholds", async () => {
    const detectors = (await get(sandbox, "/organizations/acme/detectors/?query=type:metric_issue")).body as Json[];
    const rules = (await get(sandbox, "/organizations/acme/alert-rules/")).body as Json[];
    expect(rules).toHaveLength(detectors.length);
    for (const rule of rules) {
      const detector = detectors.find((d) => d.name === rule.name)!;
      const query = detector.dataSources[0].queryObj.snubaQuery;
      expect(query).toMatchObject({ aggregate: rule.aggregate, query: rule.query, environment: rule.environment, timeWindow: rule.timeWindow * 60 });
      expect(detector.enabled).toBe(!rule.snooze);
      if (detector.config.detectionType === "static") {
        const raised = detector.conditionGroup.conditions.filter((c: Json) => c.conditionResult > 0).map((c: Json) => c.comparison);
        expect(raised).toEqual(rule.triggers.map((t: Json) => t.alertThreshold));
      }
    }
    const mobileOnly = (await get(sandbox, "/organizations/acme/alert-rules/?project=mobile-ios")).body as Json[];
    expect(mobileOnly.length).toBeGreaterThan(0);
    expect(mobileOnly.every((r) => r.projects[0] === "mobile-ios")).toBe(true);
  });

  it("marks the legacy endpoints deprecated and names their replacements", async () => {
    const rules = await get(sandbox, "/projects/acme/web-frontend/rules/");
    expect(rules.headers.get("x-sentry-deprecation-date")).toBe("2026-05-14T00:00:00+00:00");
    expect(rules.headers.get("x-sentry-replacement-endpoint")).toBe("/api/0/organizations/acme/workflows/");
    const metric = await get(sandbox, "/organizations/acme/alert-rules/");
    expect(metric.headers.get("x-sentry-replacement-endpoint")).toBe("/api/0/organizations/acme/detectors/");
    expect((await get(sandbox, "/organizations/acme/workflows/")).headers.get("x-sentry-deprecation-date")).toBeNull();
  });
});

describe("sandbox alerts › brownouts, old servers and tokens", () => {
  it("answers 410 on the legacy endpoints during a brownout while the current ones keep working", async () => {
    const rules = await get(brownout, "/projects/acme/web-frontend/rules/");
    expect(rules.status).toBe(410);
    expect(rules.body).toEqual({ message: "This API no longer exists." });
    expect(rules.headers.get("x-sentry-deprecation-date")).toBe("2026-05-14T00:00:00+00:00");
    expect((await get(brownout, "/organizations/acme/alert-rules/")).status).toBe(410);
    expect((await get(brownout, "/organizations/acme/workflows/")).status).toBe(200);
    expect((await get(brownout, "/organizations/acme/detectors/")).status).toBe(200);
  });

  it("answers 404 on workflows and detectors on a server that predates them, and serves the legacy ones", async () => {
    for (const path of ["/organizations/acme/workflows/", "/organizations/acme/detectors/"]) {
      const res = await get(oldServer, path);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ detail: "The requested resource does not exist" });
    }
    expect((await get(oldServer, "/projects/acme/api-backend/rules/")).status).toBe(200);
    expect((await get(oldServer, "/organizations/acme/alert-rules/")).status).toBe(200);
  });

  it("lets the read-only token read every alert endpoint and keeps the CI token out", async () => {
    for (const path of ["/organizations/acme/workflows/", "/organizations/acme/detectors/", "/projects/acme/payments/rules/", "/organizations/acme/alert-rules/"]) {
      expect((await get(sandbox, path, "sandbox-read")).status, path).toBe(200);
      expect((await get(sandbox, path, "sandbox-ci")).status, path).toBe(403);
    }
  });

  it("404s an unknown workflow, detector or rule, and 400s an unknown search key", async () => {
    expect((await get(sandbox, "/organizations/acme/workflows/999/")).status).toBe(404);
    expect((await get(sandbox, "/organizations/acme/detectors/999/")).status).toBe(404);
    expect((await get(sandbox, "/projects/acme/web-frontend/rules/999/")).status).toBe(404);
    expect((await get(sandbox, "/organizations/acme/detectors/?query=color:red")).status).toBe(400);
  });
});
