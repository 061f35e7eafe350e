// Seeded alerts for the sandbox (list-alerts): issue alerts and metric alerts on the first organization's
// projects, kept in one neutral model that both APIs serialize — the current workflows/detectors
// (docs/sentry-api.md §13) and the legacy rules/alert-rules — so the two always tell the same story.
// Some projects have none: the abandoned one, and every project of the second organization.

import type { Member, Org, Project, Team, World } from "../types.js";
import { rngFor, type Rng } from "./rng.js";
import { DAY, HOUR, iso, MINUTE } from "../time.js";

/** Alerts that fired at all fired within this many hours before `now`. */
const MAX_HOURS_SINCE_TRIGGER = 240;

export type IssueTrigger = "first_seen_event" | "regression_event" | "reappeared_event";

/** Sentry's numeric log levels, as the level condition stores them. */
export const LEVELS = { debug: 10, info: 20, warning: 30, error: 40, fatal: 50 } as const;
export type LevelName = keyof typeof LEVELS;

export type IssueFilter =
  | { kind: "level"; level: LevelName; match: "gte" | "eq" }
  /** "The issue is seen more than N times (or by N users) in an interval": a frequency condition. */
  | { kind: "frequency"; of: "events" | "users"; value: number; interval: string }
  | { kind: "tagged"; key: string; match: "eq" | "co"; value: string };

export type AlertAction =
  | { kind: "email"; target: "team"; teamId: string }
  | { kind: "email"; target: "user"; memberId: string }
  | { kind: "email"; target: "issue_owners" }
  | { kind: "slack"; integrationId: string; workspace: string; channel: string; channelId: string }
  | { kind: "pagerduty"; integrationId: string; account: string; service: string; serviceId: string; severity: "critical" | "warning" };

/** An action with the IDs each API gives it. */
export interface AlertActionRecord {
  action: AlertAction;
  /** Workflow engine Action.id. */
  id: string;
  /** Legacy metric trigger action ID (AlertRuleTriggerAction.id); unused for issue rules. */
  legacyId: string;
}

interface Timestamps {
  dateCreated: string;
  dateUpdated: string;
  lastTriggered: string | null;
  createdById: string | null;
  /** "team:<id>" or "user:<id>", or null. */
  owner: string | null;
}

export interface IssueAlert extends Timestamps {
  /** Legacy Rule.id (GET /projects/{org}/{project}/rules/). */
  ruleId: string;
  /** Workflow.id (GET /organizations/{org}/workflows/). */
  workflowId: string;
  orgSlug: string;
  projectId: string;
  name: string;
  /** What starts an evaluation; empty for alerts driven by frequency only. */
  triggers: Array<{ type: IssueTrigger; id: string }>;
  actionMatch: "all" | "any";
  filters: Array<{ filter: IssueFilter; id: string }>;
  filterMatch: "all" | "any";
  actions: AlertActionRecord[];
  /** Minimum minutes between two notifications for the same issue. */
  frequencyMinutes: number;
  environment: string | null;
  /** "disabled" when Sentry turned it off (e.g. its Slack workspace was removed) or someone disabled it. */
  status: "active" | "disabled";
  /** Muted for everyone (legacy `snooze: true`). */
  snoozed: boolean;
  triggerGroupId: string;
  filterGroupId: string;
}

export interface MetricTrigger {
  label: "critical" | "warning";
  threshold: number;
  /** AlertRuleTrigger.id (legacy API). */
  id: string;
  /** The detector's DataCondition for this threshold. */
  conditionId: string;
  /** The notifying workflow's action filter for this priority, and its priority condition. */
  filterGroupId: string;
  filterConditionId: string;
  actions: AlertActionRecord[];
}

export interface MetricAlert extends Timestamps {
  /** Legacy AlertRule.id (GET /organizations/{org}/alert-rules/). */
  ruleId: string;
  /** Detector.id of type metric_issue, and the workflow that notifies for it. */
  detectorId: string;
  workflowId: string;
  orgSlug: string;
  projectId: string;
  name: string;
  aggregate: string;
  query: string;
  dataset: "events" | "events_analytics_platform";
  eventTypes: string[];
  /** 0 errors, 1 performance (SnubaQuery.type). */
  queryType: 0 | 1;
  timeWindowMinutes: number;
  environment: string | null;
  detection: "static" | "percent" | "dynamic";
  /** For percent detection: compare with this many minutes earlier. */
  comparisonDeltaMinutes: number | null;
  /** "above" fires when the value rises past the threshold, "below" when it drops under it. */
  direction: "above" | "below";
  triggers: MetricTrigger[];
  resolveThreshold: number | null;
  /** Anomaly detection settings (dynamic detection only). */
  sensitivity: "low" | "medium" | "high" | null;
  enabled: boolean;
  snoozed: boolean;
  dataSourceId: string;
  snubaQueryId: string;
  subscriptionId: string;
  /** The detector's condition group, and the notifying workflow's (empty) trigger group. */
  conditionGroupId: string;
  workflowTriggerGroupId: string;
  resolveConditionId: string;
}

/** The detectors Sentry creates for every project by itself; issue alerts are connected to the error one. */
export interface SystemDetector {
  id: string;
  orgSlug: string;
  projectId: string;
  type: "error" | "issue_stream";
  name: string;
  dateCreated: string;
}

/** A workflow not connected to any detector (an org-level draft): the current API lists it, legacy rules do not. */
export interface UnattachedWorkflow extends Timestamps {
  workflowId: string;
  orgSlug: string;
  name: string;
  enabled: boolean;
  triggerGroupId: string;
  filterGroupId: string;
  actions: AlertActionRecord[];
}

export interface AlertsWorld {
  issueAlerts: IssueAlert[];
  metricAlerts: MetricAlert[];
  detectors: SystemDetector[];
  unattachedWorkflows: UnattachedWorkflow[];
}

// This category's part of the world (types.ts leaves it to each seed module, so types flow one way).
declare module "../types.js" {
  interface World {
    alerts: AlertsWorld;
  }
}

type Family = "frontend" | "backend" | "payments" | "mobile";

function familyOf(project: Project): Family {
  if (project.platform.startsWith("apple") || project.platform.startsWith("android")) return "mobile";
  if (project.platform.startsWith("javascript")) return "frontend";
  if (project.slug.includes("pay")) return "payments";
  return "backend";
}

/** Monotonic IDs with gaps, like database sequences shared with other customers. */
function idSequence(rng: Rng, start: number): () => string {
  let current = start;
  return () => {
    current += rng.int(1, 400);
    return String(current);
  };
}

function slackChannelId(rng: Rng): string {
  return `C0${rng.hex(9).toUpperCase()}`;
}

interface SeedContext {
  rng: Rng;
  world: World;
  org: Org;
  nextActionId: () => string;
  nextLegacyActionId: () => string;
  nextConditionId: () => string;
  slack: { integrationId: string; workspace: string };
  pagerDuty: { integrationId: string; account: string };
}

function record(ctx: SeedContext, action: AlertAction): AlertActionRecord {
  return { action, id: ctx.nextActionId(), legacyId: ctx.nextLegacyActionId() };
}

function slackTo(ctx: SeedContext, channel: string): AlertAction {
  return { kind: "slack", ...ctx.slack, channel, channelId: slackChannelId(ctx.rng) };
}

function pagerDutyTo(ctx: SeedContext, team: Team | undefined, severity: "critical" | "warning"): AlertAction {
  return {
    kind: "pagerduty",
    ...ctx.pagerDuty,
    service: `${team?.name ?? "Engineering"} On-Call`,
    serviceId: `P${ctx.rng.hex(6).toUpperCase()}`,
    severity,
  };
}

function timestamps(ctx: SeedContext, project: Project, creator: Member | undefined, owner: string | null, fires: boolean): Timestamps {
  const { rng, world } = ctx;
  const earliest = Date.parse(project.dateCreated) + DAY;
  const created = Math.max(earliest, world.now - rng.int(30, 400) * DAY);
  const updated = Math.min(world.now - HOUR, created + rng.int(0, 60) * DAY);
  return {
    dateCreated: iso(created),
    dateUpdated: iso(updated),
    lastTriggered: fires ? iso(world.now - rng.int(1, MAX_HOURS_SINCE_TRIGGER) * HOUR - rng.int(0, 59) * MINUTE) : null,
    createdById: creator?.id ?? null,
    owner,
  };
}

interface IssueAlertSpec {
  name: string;
  triggers: IssueTrigger[];
  actionMatch?: "all" | "any";
  filters?: IssueFilter[];
  filterMatch?: "all" | "any";
  actions: AlertAction[];
  frequencyMinutes: number;
  environment: string | null;
  status?: "active" | "disabled";
  snoozed?: boolean;
  fires: boolean;
}

function issueAlert(
  ctx: SeedContext,
  project: Project,
  team: Team | undefined,
  creator: Member | undefined,
  spec: IssueAlertSpec,
  ids: { rule: () => string; workflow: () => string },
): IssueAlert {
  return {
    ruleId: ids.rule(),
    workflowId: ids.workflow(),
    orgSlug: project.orgSlug,
    projectId: project.id,
    name: spec.name,
    triggers: spec.triggers.map((type) => ({ type, id: ctx.nextConditionId() })),
    actionMatch: spec.actionMatch ?? "any",
    filters: (spec.filters ?? []).map((filter) => ({ filter, id: ctx.nextConditionId() })),
    filterMatch: spec.filterMatch ?? "all",
    actions: spec.actions.map((a) => record(ctx, a)),
    frequencyMinutes: spec.frequencyMinutes,
    environment: spec.environment,
    status: spec.status ?? "active",
    snoozed: spec.snoozed ?? false,
    triggerGroupId: ctx.nextConditionId(),
    filterGroupId: ctx.nextConditionId(),
    ...timestamps(ctx, project, creator, team ? `team:${team.id}` : null, spec.fires && spec.status !== "disabled"),
  };
}

interface MetricAlertSpec {
  name: string;
  aggregate: string;
  query: string;
  dataset: MetricAlert["dataset"];
  eventTypes: string[];
  queryType: 0 | 1;
  timeWindowMinutes: number;
  environment: string | null;
  detection: MetricAlert["detection"];
  comparisonDeltaMinutes?: number;
  direction: "above" | "below";
  critical: { threshold: number; actions: AlertAction[] };
  warning?: { threshold: number; actions: AlertAction[] };
  resolveThreshold: number | null;
  sensitivity?: "low" | "medium" | "high";
  enabled?: boolean;
  snoozed?: boolean;
  fires: boolean;
}

function metricAlert(
  ctx: SeedContext,
  project: Project,
  team: Team | undefined,
  creator: Member | undefined,
  spec: MetricAlertSpec,
  ids: { rule: () => string; detector: () => string; workflow: () => string; query: () => string },
): MetricAlert {
  const trigger = (label: "critical" | "warning", t: { threshold: number; actions: AlertAction[] }): MetricTrigger => ({
    label,
    threshold: t.threshold,
    id: ctx.nextConditionId(),
    conditionId: ctx.nextConditionId(),
    filterGroupId: ctx.nextConditionId(),
    filterConditionId: ctx.nextConditionId(),
    actions: t.actions.map((a) => record(ctx, a)),
  });
  const enabled = spec.enabled ?? true;
  return {
    ruleId: ids.rule(),
    detectorId: ids.detector(),
    workflowId: ids.workflow(),
    orgSlug: project.orgSlug,
    projectId: project.id,
    name: spec.name,
    aggregate: spec.aggregate,
    query: spec.query,
    dataset: spec.dataset,
    eventTypes: spec.eventTypes,
    queryType: spec.queryType,
    timeWindowMinutes: spec.timeWindowMinutes,
    environment: spec.environment,
    detection: spec.detection,
    comparisonDeltaMinutes: spec.comparisonDeltaMinutes ?? null,
    direction: spec.direction,
    triggers: [trigger("critical", spec.critical), ...(spec.warning ? [trigger("warning", spec.warning)] : [])],
    resolveThreshold: spec.resolveThreshold,
    sensitivity: spec.sensitivity ?? null,
    enabled,
    snoozed: spec.snoozed ?? false,
    dataSourceId: ids.query(),
    snubaQueryId: ids.query(),
    subscriptionId: ids.query(),
    conditionGroupId: ctx.nextConditionId(),
    workflowTriggerGroupId: ctx.nextConditionId(),
    resolveConditionId: ctx.nextConditionId(),
    ...timestamps(ctx, project, creator, team ? `team:${team.id}` : null, spec.fires && enabled),
  };
}

/** What guards each kind of project: the alerts a team of that kind typically sets up. */
function alertsFor(
  ctx: SeedContext,
  project: Project,
  team: Team | undefined,
  teamMembers: Member[],
): { issue: IssueAlertSpec[]; metric: MetricAlertSpec[] } {
  const family = familyOf(project);
  const slug = project.slug;
  const someone = teamMembers[0];
  const teamEmail: AlertAction[] = team ? [{ kind: "email", target: "team", teamId: team.id }] : [];
  const newIssues: IssueAlertSpec = {
    name: `New issues in ${slug}`,
    triggers: ["first_seen_event"],
    filters: [{ kind: "level", level: "error", match: "gte" }],
    actions: teamEmail,
    frequencyMinutes: 30,
    environment: "production",
    fires: true,
  };
  switch (family) {
    case "frontend":
      return {
        issue: [
          newIssues,
          {
            name: `Regressions in ${slug}`,
            triggers: ["regression_event", "reappeared_event"],
            actions: [slackTo(ctx, `#alerts-${slug}`)],
            frequencyMinutes: 60,
            environment: null,
            fires: true,
          },
          {
            name: "Checkout errors to issue owners (old)",
            triggers: ["first_seen_event"],
            filters: [{ kind: "tagged", key: "transaction", match: "co", value: "checkout" }],
            actions: [{ kind: "email", target: "issue_owners" }],
            frequencyMinutes: 1440,
            environment: "production",
            status: "disabled",
            fires: false,
          },
        ],
        metric: [
          {
            name: `Error spike on ${slug}`,
            aggregate: "count()",
            query: "",
            dataset: "events",
            eventTypes: ["error", "default"],
            queryType: 0,
            timeWindowMinutes: 5,
            environment: "production",
            detection: "percent",
            comparisonDeltaMinutes: 60,
            direction: "above",
            critical: { threshold: 50, actions: [slackTo(ctx, `#alerts-${slug}`)] },
            resolveThreshold: null,
            fires: true,
          },
          {
            name: `Apdex of ${slug} page loads`,
            aggregate: "apdex(span.duration,300)",
            query: "span.op:pageload",
            dataset: "events_analytics_platform",
            eventTypes: ["trace_item_span"],
            queryType: 1,
            timeWindowMinutes: 60,
            environment: "production",
            detection: "static",
            direction: "below",
            critical: { threshold: 0.8, actions: teamEmail },
            warning: { threshold: 0.9, actions: teamEmail },
            resolveThreshold: 0.9,
            fires: false,
          },
        ],
      };
    case "backend":
      return {
        issue: [
          { ...newIssues, name: `New errors in ${slug}` },
          {
            name: `${slug}: more than 500 events in an hour`,
            triggers: [],
            filters: [{ kind: "frequency", of: "events", value: 500, interval: "1h" }],
            actions: [pagerDutyTo(ctx, team, "critical"), ...(someone ? [{ kind: "email", target: "user", memberId: someone.id } as const] : [])],
            frequencyMinutes: 60,
            environment: "production",
            fires: true,
          },
        ],
        metric: [
          {
            name: `p95 latency of ${slug}`,
            aggregate: "p95(span.duration)",
            query: "is_transaction:true",
            dataset: "events_analytics_platform",
            eventTypes: ["trace_item_span"],
            queryType: 1,
            timeWindowMinutes: 10,
            environment: "production",
            detection: "static",
            direction: "above",
            critical: { threshold: 800, actions: [pagerDutyTo(ctx, team, "critical")] },
            warning: { threshold: 500, actions: [slackTo(ctx, `#alerts-${slug}`)] },
            resolveThreshold: 450,
            fires: true,
          },
          {
            name: `Failure rate of ${slug}`,
            aggregate: "failure_rate()",
            query: "is_transaction:true",
            dataset: "events_analytics_platform",
            eventTypes: ["trace_item_span"],
            queryType: 1,
            timeWindowMinutes: 15,
            environment: "production",
            detection: "static",
            direction: "above",
            critical: { threshold: 0.05, actions: teamEmail },
            resolveThreshold: 0.02,
            snoozed: true,
            fires: false,
          },
        ],
      };
    case "payments":
      return {
        issue: [
          {
            name: `Page on-call for new ${slug} issues`,
            triggers: ["first_seen_event", "regression_event"],
            filters: [{ kind: "level", level: "error", match: "gte" }],
            actions: [pagerDutyTo(ctx, team, "critical"), slackTo(ctx, `#${slug}-oncall`)],
            frequencyMinutes: 5,
            environment: "production",
            fires: true,
          },
          {
            name: `${slug}: issue affecting 50+ users in 15 minutes`,
            triggers: [],
            filters: [{ kind: "frequency", of: "users", value: 50, interval: "15m" }],
            actions: teamEmail,
            frequencyMinutes: 30,
            environment: null,
            fires: false,
          },
        ],
        metric: [],
      };
    case "mobile":
      return {
        issue: [
          {
            name: `Crash affecting many ${slug} users`,
            triggers: [],
            filters: [
              { kind: "frequency", of: "users", value: 100, interval: "1h" },
              { kind: "level", level: "fatal", match: "eq" },
            ],
            actions: [slackTo(ctx, "#mobile-crashes")],
            frequencyMinutes: 60,
            environment: "production",
            snoozed: true,
            fires: true,
          },
          { ...newIssues, environment: null },
        ],
        metric: [
          {
            name: `Anomalous error volume in ${slug}`,
            aggregate: "count()",
            query: "",
            dataset: "events",
            eventTypes: ["error", "default"],
            queryType: 0,
            timeWindowMinutes: 15,
            environment: "production",
            detection: "dynamic",
            direction: "above",
            critical: { threshold: 0, actions: [slackTo(ctx, "#mobile-crashes")] },
            resolveThreshold: null,
            sensitivity: "medium",
            fires: true,
          },
        ],
      };
  }
}

export function seedAlerts(world: World): AlertsWorld {
  const rng = rngFor(world.seed, "alerts");
  const out: AlertsWorld = { issueAlerts: [], metricAlerts: [], detectors: [], unattachedWorkflows: [] };
  const nextDetectorId = idSequence(rng, 1_180_000);
  const nextWorkflowId = idSequence(rng, 640_000);
  const nextRuleId = idSequence(rng, 14_230_000);
  const nextAlertRuleId = idSequence(rng, 311_000);
  const nextQueryId = idSequence(rng, 5_600_000);
  const nextConditionId = idSequence(rng, 88_000_000);
  const nextActionId = idSequence(rng, 2_900_000);
  const nextLegacyActionId = idSequence(rng, 490_000);

  // Every project has its error and issue-stream detectors, alerts or not (Sentry creates them itself).
  for (const project of world.projects) {
    for (const type of ["error", "issue_stream"] as const) {
      out.detectors.push({
        id: nextDetectorId(),
        orgSlug: project.orgSlug,
        projectId: project.id,
        type,
        name: type === "error" ? "Error Monitor" : "Issue Stream",
        dateCreated: project.dateCreated,
      });
    }
  }

  const org = world.orgs[0]!;
  const ctx: SeedContext = {
    rng,
    world,
    org,
    nextActionId,
    nextLegacyActionId,
    nextConditionId,
    slack: { integrationId: String(rng.int(90_000, 99_999)), workspace: `${org.name.split(" ")[0]} Slack` },
    pagerDuty: { integrationId: String(rng.int(90_000, 99_999)), account: org.slug },
  };
  // Only the first organization's live projects are guarded; the abandoned one never got alerts.
  for (const project of world.projects.filter((p) => p.orgSlug === org.slug && p.firstEvent !== null)) {
    const team = world.teams.find((t) => t.orgSlug === org.slug && t.slug === project.teamSlugs[0]);
    const teamMembers = world.members.filter((m) => m.orgSlug === org.slug && (m.teamSlugs ?? []).includes(team?.slug ?? ""));
    const creator = teamMembers.length ? rng.pick(teamMembers) : undefined;
    const specs = alertsFor(ctx, project, team, teamMembers);
    for (const spec of specs.issue) {
      out.issueAlerts.push(issueAlert(ctx, project, team, creator, spec, { rule: nextRuleId, workflow: nextWorkflowId }));
    }
    for (const spec of specs.metric) {
      out.metricAlerts.push(
        metricAlert(ctx, project, team, creator, spec, {
          rule: nextAlertRuleId,
          detector: nextDetectorId,
          workflow: nextWorkflowId,
          query: nextQueryId,
        }),
      );
    }
  }

  // An org-level workflow someone started and never connected to a monitor.
  const drafter = world.members.find((m) => m.orgSlug === org.slug);
  const firstProject = world.projects.find((p) => p.orgSlug === org.slug)!;
  out.unattachedWorkflows.push({
    workflowId: nextWorkflowId(),
    orgSlug: org.slug,
    name: "Weekly triage reminder (draft)",
    enabled: false,
    triggerGroupId: nextConditionId(),
    filterGroupId: nextConditionId(),
    actions: drafter ? [record(ctx, { kind: "email", target: "user", memberId: drafter.id })] : [],
    ...timestamps(ctx, firstProject, drafter, drafter ? `user:${drafter.id}` : null, false),
  });
  return out;
}
