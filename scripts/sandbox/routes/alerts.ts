// Alert endpoints, current and legacy, over one seeded model (seed/alerts.ts): issue alerts as workflows and
// as project rules, metric alerts as metric_issue detectors (plus the workflow that notifies for them) and as
// organization alert rules (docs/sentry-api.md §13). The legacy endpoints carry Sentry's deprecation headers and
// answer 410 during a brownout (options.legacyAlertsGone); the current ones can be made to 404 as on older
// self-hosted servers (options.currentAlertsMissing).

import { NOT_FOUND, requireOrg, requireProject, selectedProjects } from "../lookup.js";
import { wildcardMatcher } from "../match.js";
import { paginate } from "../paginate.js";
import {
  LEVELS,
  type AlertActionRecord,
  type IssueAlert,
  type IssueFilter,
  type IssueTrigger,
  type MetricAlert,
  type SystemDetector,
  type UnattachedWorkflow,
} from "../seed/alerts.js";
import type { Org, Project, RequestContext, Reply, RouteDef, World } from "../types.js";
import { SandboxHttpError } from "../types.js";
import { memberById } from "./users.js";

/** What Sentry sends on the deprecated alert-rule endpoints (src/sentry/api/helpers/deprecation.py). */
const ALERTS_DEPRECATION_DATE = "2026-05-14T00:00:00+00:00";
const BROWNOUT_BODY = { message: "This API no longer exists." };
/** DetectorPriorityLevel: what a detector condition raises (HIGH for critical, MEDIUM for warning, OK to resolve). */
const PRIORITY = { high: 75, medium: 50, ok: 0 } as const;
/** SnubaQuery subscription status "active". */
const SUBSCRIPTION_ACTIVE = 0;
/** The frequency of the workflow that notifies for a metric detector: every priority change notifies. */
const METRIC_WORKFLOW_FREQUENCY = 0;

const ALERT_READ_SCOPES = ["alerts:read", "org:read", "org:write", "org:admin"];
const RULE_READ_SCOPES = ["alerts:read", "alerts:write", "project:read", "project:write", "project:admin"];

// ---------------------------------------------------------------------------------------------------------------
// Shared pieces.

function teamById(world: World, id: string) {
  return world.teams.find((t) => t.id === id);
}

function projectOf(world: World, projectId: string): Project {
  return world.projects.find((p) => p.id === projectId)!;
}

function levelName(level: number): string {
  return Object.entries(LEVELS).find(([, value]) => value === level)?.[0] ?? String(level);
}

/** Query strings of workflows/detectors: `key:value`, `!key:value`, `key:[a,b]`, quoted values, `*` wildcards. */
interface SearchToken {
  key: string | null;
  values: string[];
  /** `name:` compares whole names, `*` wildcards allowed, ignoring case. */
  nameMatchers: Array<(name: string) => boolean>;
  negated: boolean;
}

function parseSearch(query: string, allowedKeys: readonly string[]): SearchToken[] {
  const tokens: SearchToken[] = [];
  for (const match of query.matchAll(/(!?)(?:(\w+):)?("(?:[^"\\]|\\.)*"|\[[^\]]*\]|\S+)/g)) {
    let raw = match[3]!;
    const key = match[2] ?? null;
    if (key !== null && !allowedKeys.includes(key)) {
      throw new SandboxHttpError(400, { detail: `Invalid key for this search: ${key}` });
    }
    if (raw.startsWith('"') && raw.endsWith('"')) raw = raw.slice(1, -1);
    const values = raw.startsWith("[") ? raw.slice(1, -1).split(",").map((v) => v.trim()) : [raw];
    const nameMatchers = key === "name" ? values.map((v) => wildcardMatcher(v, { caseInsensitive: true })) : [];
    tokens.push({ key, values, nameMatchers, negated: match[1] === "!" });
  }
  return tokens;
}

/** Every token must hit (or, negated, miss); `hitOf` says whether one token hits the row. */
function matchesSearch(tokens: readonly SearchToken[], hitOf: (token: SearchToken) => boolean): boolean {
  return tokens.every((t) => hitOf(t) !== t.negated);
}

/** `name:` compares the whole name; free text finds its words anywhere in the name. Both ignore case. */
function nameHit(token: SearchToken, name: string): boolean {
  if (token.key === "name") return token.nameMatchers.some((matches) => matches(name));
  const lower = name.toLowerCase();
  return token.values.some((v) => lower.includes(v.toLowerCase()));
}

/** One page of already filtered and sorted rows, answered with each row's serialized body. */
function pageOfBodies(ctx: RequestContext, rows: ReadonlyArray<{ body: Record<string, unknown> }>): Reply {
  const reply = paginate(ctx, rows);
  reply.body = (reply.body as Array<{ body: Record<string, unknown> }>).map((r) => r.body);
  return reply;
}

/** `sortBy=name` / `sortBy=-dateCreated`: the key with an optional leading "-" for descending. */
function sortByParam<T>(ctx: RequestContext, keys: Record<string, (item: T) => string | number>, fallback: string): (a: T, b: T) => number {
  const raw = ctx.query.get("sortBy") || fallback;
  const descending = raw.startsWith("-");
  const keyOf = keys[descending ? raw.slice(1) : raw];
  if (!keyOf) throw new SandboxHttpError(400, { sortBy: [`"${raw}" is not a valid choice.`] });
  return (a, b) => {
    const ka = keyOf(a);
    const kb = keyOf(b);
    const cmp = typeof ka === "number" && typeof kb === "number" ? ka - kb : String(ka).localeCompare(String(kb));
    return descending ? -cmp : cmp;
  };
}

function idFilter(ctx: RequestContext): Set<string> | undefined {
  const ids = [...ctx.query.getAll("id"), ...ctx.query.getAll("id[]")].filter((v) => v !== "");
  return ids.length ? new Set(ids) : undefined;
}

/** Current endpoints missing, as on self-hosted releases from before the workflow engine. */
function requireCurrentAlertsApi(ctx: RequestContext): Org {
  if (ctx.world.options.currentAlertsMissing) throw new SandboxHttpError(404, NOT_FOUND);
  return requireOrg(ctx);
}

function deprecationHeaders(org: Org, replacement: "workflows" | "detectors"): Record<string, string> {
  return {
    "X-Sentry-Deprecation-Date": ALERTS_DEPRECATION_DATE,
    "X-Sentry-Replacement-Endpoint": `/api/0/organizations/${org.slug}/${replacement}/`,
  };
}

/** During a brownout the deprecated endpoint answers 410, still with its deprecation headers. */
function checkBrownout(ctx: RequestContext, headers: Record<string, string>): void {
  if (ctx.world.options.legacyAlertsGone) throw new SandboxHttpError(410, BROWNOUT_BODY, headers);
}

// ---------------------------------------------------------------------------------------------------------------
// Current API: workflows (GET /organizations/{org}/workflows/).

function workflowAction(record: AlertActionRecord): Record<string, unknown> {
  const action = record.action;
  const base = { id: record.id, status: "active" };
  switch (action.kind) {
    case "email":
      if (action.target === "issue_owners") {
        return {
          ...base,
          type: "email",
          integrationId: null,
          data: { fallthroughType: "ActiveMembers" },
          config: { targetType: "issue_owners", targetIdentifier: null, targetDisplay: null },
        };
      }
      return {
        ...base,
        type: "email",
        integrationId: null,
        data: {},
        config: {
          targetType: action.target,
          targetIdentifier: action.target === "team" ? action.teamId : action.memberId,
          targetDisplay: null,
        },
      };
    case "slack":
      return {
        ...base,
        type: "slack",
        integrationId: action.integrationId,
        data: { tags: "environment,level", notes: "" },
        config: { targetType: "specific", targetIdentifier: action.channelId, targetDisplay: action.channel },
      };
    case "pagerduty":
      return {
        ...base,
        type: "pagerduty",
        integrationId: action.integrationId,
        data: { priority: action.severity },
        config: { targetType: "specific", targetIdentifier: action.serviceId, targetDisplay: action.service },
      };
  }
}

function workflowFilterCondition(id: string, filter: IssueFilter): Record<string, unknown> {
  switch (filter.kind) {
    case "level":
      return { id, type: "level", comparison: { level: LEVELS[filter.level], match: filter.match }, conditionResult: true };
    case "frequency":
      return {
        id,
        type: filter.of === "events" ? "event_frequency_count" : "event_unique_user_frequency_count",
        comparison: { value: filter.value, interval: filter.interval },
        conditionResult: true,
      };
    case "tagged":
      return { id, type: "tagged_event", comparison: { key: filter.key, match: filter.match, value: filter.value }, conditionResult: true };
  }
}

function errorDetectorOf(world: World, projectId: string): SystemDetector | undefined {
  return world.alerts.detectors.find((d) => d.projectId === projectId && d.type === "error");
}

type WorkflowSource = Pick<IssueAlert, "workflowId" | "name" | "createdById" | "dateCreated" | "dateUpdated">;

/** The fields every workflow body opens with, whichever alert it stands for. */
function workflowIdentity(org: Org, source: WorkflowSource): Record<string, unknown> {
  return {
    id: source.workflowId,
    name: source.name,
    organizationId: org.id,
    createdBy: source.createdById,
    dateCreated: source.dateCreated,
    dateUpdated: source.dateUpdated,
  };
}

/** The migrated shape of an issue alert: its triggers become the "when" group, filters the action filter. */
function serializeIssueWorkflow(world: World, org: Org, alert: IssueAlert): Record<string, unknown> {
  return {
    ...workflowIdentity(org, alert),
    triggers: {
      id: alert.triggerGroupId,
      organizationId: org.id,
      logicType: alert.actionMatch === "all" ? "all" : "any-short",
      conditions: alert.triggers.map((t) => ({ id: t.id, type: t.type, comparison: true, conditionResult: true })),
      actions: [],
    },
    actionFilters: [
      {
        id: alert.filterGroupId,
        organizationId: org.id,
        logicType: alert.filterMatch === "all" ? "all" : "any-short",
        conditions: alert.filters.map((f) => workflowFilterCondition(f.id, f.filter)),
        actions: alert.actions.map(workflowAction),
      },
    ],
    environment: alert.environment,
    config: { frequency: alert.frequencyMinutes },
    detectorIds: [errorDetectorOf(world, alert.projectId)?.id].filter((id): id is string => id !== undefined),
    // A disabled or snoozed (muted) rule does not notify: the workflow is off.
    enabled: alert.status === "active" && !alert.snoozed,
    lastTriggered: alert.lastTriggered,
    owner: alert.owner,
  };
}

/** The workflow that notifies for a metric detector: one action filter per priority the detector can raise. */
function serializeMetricWorkflow(org: Org, alert: MetricAlert): Record<string, unknown> {
  return {
    ...workflowIdentity(org, alert),
    triggers: { id: alert.workflowTriggerGroupId, organizationId: org.id, logicType: "any-short", conditions: [], actions: [] },
    actionFilters: alert.triggers.map((trigger) => ({
      id: trigger.filterGroupId,
      organizationId: org.id,
      logicType: "any-short",
      conditions: [
        {
          id: trigger.filterConditionId,
          type: "issue_priority_greater_or_equal",
          comparison: trigger.label === "critical" ? PRIORITY.high : PRIORITY.medium,
          conditionResult: true,
        },
      ],
      actions: trigger.actions.map(workflowAction),
    })),
    environment: alert.environment,
    config: { frequency: METRIC_WORKFLOW_FREQUENCY },
    detectorIds: [alert.detectorId],
    enabled: alert.enabled && !alert.snoozed,
    lastTriggered: alert.lastTriggered,
    owner: alert.owner,
  };
}

function serializeUnattachedWorkflow(org: Org, workflow: UnattachedWorkflow): Record<string, unknown> {
  return {
    ...workflowIdentity(org, workflow),
    triggers: {
      id: workflow.triggerGroupId,
      organizationId: org.id,
      logicType: "any-short",
      conditions: [],
      actions: [],
    },
    actionFilters: [
      {
        id: workflow.filterGroupId,
        organizationId: org.id,
        logicType: "all",
        conditions: [],
        actions: workflow.actions.map(workflowAction),
      },
    ],
    environment: null,
    config: { frequency: 1440 },
    detectorIds: [],
    enabled: workflow.enabled,
    lastTriggered: workflow.lastTriggered,
    owner: workflow.owner,
  };
}

interface WorkflowRow {
  id: string;
  name: string;
  dateCreated: string;
  dateUpdated: string;
  /** null for an unattached workflow. */
  projectId: string | null;
  actions: number;
  body: Record<string, unknown>;
}

function workflowRows(world: World, org: Org): WorkflowRow[] {
  const alerts = world.alerts;
  const row = (base: Omit<WorkflowRow, "body">, body: Record<string, unknown>): WorkflowRow => ({ ...base, body });
  return [
    ...alerts.issueAlerts
      .filter((a) => a.orgSlug === org.slug)
      .map((a) =>
        row(
          { id: a.workflowId, name: a.name, dateCreated: a.dateCreated, dateUpdated: a.dateUpdated, projectId: a.projectId, actions: a.actions.length },
          serializeIssueWorkflow(world, org, a),
        ),
      ),
    ...alerts.metricAlerts
      .filter((a) => a.orgSlug === org.slug)
      .map((a) =>
        row(
          {
            id: a.workflowId,
            name: a.name,
            dateCreated: a.dateCreated,
            dateUpdated: a.dateUpdated,
            projectId: a.projectId,
            actions: a.triggers.reduce((n, t) => n + t.actions.length, 0),
          },
          serializeMetricWorkflow(org, a),
        ),
      ),
    ...alerts.unattachedWorkflows
      .filter((w) => w.orgSlug === org.slug)
      .map((w) =>
        row(
          { id: w.workflowId, name: w.name, dateCreated: w.dateCreated, dateUpdated: w.dateUpdated, projectId: null, actions: w.actions.length },
          serializeUnattachedWorkflow(org, w),
        ),
      ),
  ];
}

function listWorkflows(ctx: RequestContext): Reply {
  const org = requireCurrentAlertsApi(ctx);
  const projectParams = [...ctx.query.getAll("project"), ...ctx.query.getAll("project[]")].filter((v) => v !== "" && v !== "-1");
  const projectIds = projectParams.length ? new Set(selectedProjects(ctx, org).map((p) => p.id)) : undefined;
  const ids = idFilter(ctx);
  const tokens = parseSearch(ctx.query.get("query") ?? "", ["name"]);
  const sort = sortByParam<WorkflowRow>(
    ctx,
    {
      id: (r) => Number(r.id),
      name: (r) => r.name.toLowerCase(),
      dateCreated: (r) => Date.parse(r.dateCreated),
      dateUpdated: (r) => Date.parse(r.dateUpdated),
      connectedDetectors: (r) => (r.projectId ? 1 : 0),
      actions: (r) => r.actions,
      priorityDetector: (r) => (r.projectId ? 1 : 0),
    },
    "id",
  );
  // Workflows connected to no monitor are organization-level: a specific project filter leaves them out, an
  // id filter takes precedence over the project filter, and project=-1 (all projects) is no filter at all
  // (organization_workflow_index.py filter_workflows, has_specific_project_filter).
  const specificProjectFilter = projectIds !== undefined && !ids;
  const rows = workflowRows(ctx.world, org)
    .filter((r) => (r.projectId === null ? !specificProjectFilter : !projectIds || projectIds.has(r.projectId)))
    .filter((r) => !ids || ids.has(r.id))
    .filter((r) => matchesSearch(tokens, (t) => nameHit(t, r.name)))
    .sort(sort);
  return pageOfBodies(ctx, rows);
}

function getWorkflow(ctx: RequestContext): Reply {
  const org = requireCurrentAlertsApi(ctx);
  const row = workflowRows(ctx.world, org).find((r) => r.id === ctx.params.workflow);
  if (!row) throw new SandboxHttpError(404, NOT_FOUND);
  return { status: 200, body: row.body };
}

// ---------------------------------------------------------------------------------------------------------------
// Current API: detectors (GET /organizations/{org}/detectors/).

function detectorOwner(world: World, owner: string | null): Record<string, unknown> | null {
  if (!owner) return null;
  const [kind, id] = owner.split(":") as ["team" | "user", string];
  if (kind === "team") {
    const team = teamById(world, id);
    return team ? { type: "team", id, name: team.slug } : null;
  }
  const member = memberById(world, id);
  return member ? { type: "user", id, name: member.email, email: member.email } : null;
}

/** The thresholds of a metric detector as data conditions: above → gt…/lte, below → lt…/gte. */
function detectorConditions(alert: MetricAlert): Array<Record<string, unknown>> {
  if (alert.detection === "dynamic") {
    return [
      {
        id: alert.triggers[0]!.conditionId,
        type: "anomaly_detection",
        comparison: { seasonality: "auto", sensitivity: alert.sensitivity ?? "medium", thresholdType: alert.direction === "above" ? 0 : 1 },
        conditionResult: PRIORITY.high,
      },
    ];
  }
  const raise = alert.direction === "above" ? "gt" : "lt";
  const settle = alert.direction === "above" ? "lte" : "gte";
  const conditions: Array<Record<string, unknown>> = alert.triggers.map((t) => ({
    id: t.conditionId,
    type: raise,
    comparison: t.threshold,
    conditionResult: t.label === "critical" ? PRIORITY.high : PRIORITY.medium,
  }));
  // Without an explicit resolve threshold the alert resolves when it falls back past its lowest threshold.
  const lowest = alert.triggers[alert.triggers.length - 1]!.threshold;
  conditions.push({ id: alert.resolveConditionId, type: settle, comparison: alert.resolveThreshold ?? lowest, conditionResult: PRIORITY.ok });
  return conditions;
}

function serializeMetricDetector(world: World, org: Org, alert: MetricAlert): Record<string, unknown> {
  return {
    id: alert.detectorId,
    projectId: alert.projectId,
    name: alert.name,
    description: null,
    type: "metric_issue",
    workflowIds: [alert.workflowId],
    owner: detectorOwner(world, alert.owner),
    createdBy: alert.createdById,
    dateCreated: alert.dateCreated,
    dateUpdated: alert.dateUpdated,
    dataSources: [
      {
        id: alert.dataSourceId,
        organizationId: org.id,
        type: "snuba_query_subscription",
        sourceId: alert.subscriptionId,
        queryObj: {
          id: alert.subscriptionId,
          status: SUBSCRIPTION_ACTIVE,
          subscription: `${alert.subscriptionId.slice(-2)}/${alert.snubaQueryId}${alert.dataSourceId}`,
          snubaQuery: {
            id: alert.snubaQueryId,
            dataset: alert.dataset,
            query: alert.query,
            aggregate: alert.aggregate,
            // Seconds here, where the legacy alert rule says minutes.
            timeWindow: alert.timeWindowMinutes * 60,
            environment: alert.environment,
            eventTypes: alert.eventTypes,
            extrapolationMode: "unknown",
          },
        },
      },
    ],
    conditionGroup: {
      id: alert.conditionGroupId,
      organizationId: org.id,
      logicType: "any",
      conditions: detectorConditions(alert),
      actions: [],
    },
    config: {
      detectionType: alert.detection,
      comparisonDelta: alert.comparisonDeltaMinutes === null ? null : alert.comparisonDeltaMinutes * 60,
    },
    // A snoozed or disabled metric alert is a disabled monitor.
    enabled: alert.enabled && !alert.snoozed,
    latestGroup: null,
  };
}

function serializeSystemDetector(world: World, detector: SystemDetector): Record<string, unknown> {
  const workflowIds =
    detector.type === "error"
      ? world.alerts.issueAlerts.filter((a) => a.projectId === detector.projectId).map((a) => a.workflowId)
      : [];
  return {
    id: detector.id,
    projectId: detector.projectId,
    name: detector.name,
    description: null,
    type: detector.type,
    workflowIds,
    owner: null,
    createdBy: null,
    dateCreated: detector.dateCreated,
    dateUpdated: detector.dateCreated,
    dataSources: null,
    conditionGroup: null,
    config: {},
    enabled: true,
    latestGroup: null,
  };
}

interface DetectorRow {
  id: string;
  projectId: string;
  name: string;
  type: string;
  workflows: number;
  body: Record<string, unknown>;
}

function detectorRows(world: World, org: Org): DetectorRow[] {
  const rows: DetectorRow[] = [];
  for (const d of world.alerts.detectors.filter((x) => x.orgSlug === org.slug)) {
    const body = serializeSystemDetector(world, d);
    rows.push({ id: d.id, projectId: d.projectId, name: d.name, type: d.type, workflows: (body.workflowIds as string[]).length, body });
  }
  for (const a of world.alerts.metricAlerts.filter((x) => x.orgSlug === org.slug)) {
    const body = serializeMetricDetector(world, org, a);
    rows.push({ id: a.detectorId, projectId: a.projectId, name: a.name, type: "metric_issue", workflows: 1, body });
  }
  return rows;
}

function listDetectors(ctx: RequestContext): Reply {
  const org = requireCurrentAlertsApi(ctx);
  const projectIds = new Set(selectedProjects(ctx, org).map((p) => p.id));
  const ids = idFilter(ctx);
  const tokens = parseSearch(ctx.query.get("query") ?? "", ["name", "type", "assignee"]);
  const sort = sortByParam<DetectorRow>(
    ctx,
    {
      id: (r) => Number(r.id),
      name: (r) => r.name.toLowerCase(),
      type: (r) => r.type,
      connectedWorkflows: (r) => r.workflows,
      latestGroup: () => 0,
      openIssues: () => 0,
    },
    "id",
  );
  const rows = detectorRows(ctx.world, org)
    .filter((r) => projectIds.has(r.projectId))
    .filter((r) => !ids || ids.has(r.id))
    .filter((r) =>
      matchesSearch(tokens, (t) => {
        if (t.key === "type") return t.values.includes(r.type);
        if (t.key === "assignee") {
          const owner = r.body.owner as { name?: string; email?: string } | null;
          return owner !== null && t.values.some((v) => v === owner.email || v === `#${owner.name}` || v === owner.name);
        }
        return nameHit(t, r.name);
      }),
    )
    .sort(sort);
  return pageOfBodies(ctx, rows);
}

function getDetector(ctx: RequestContext): Reply {
  const org = requireCurrentAlertsApi(ctx);
  const row = detectorRows(ctx.world, org).find((r) => r.id === ctx.params.detector);
  if (!row) throw new SandboxHttpError(404, NOT_FOUND);
  return { status: 200, body: row.body };
}

// ---------------------------------------------------------------------------------------------------------------
// Legacy: issue alert rules (GET /projects/{org}/{project}/rules/).

const LEGACY_TRIGGERS: Record<IssueTrigger, { id: string; name: string }> = {
  first_seen_event: { id: "sentry.rules.conditions.first_seen_event.FirstSeenEventCondition", name: "A new issue is created" },
  regression_event: {
    id: "sentry.rules.conditions.regression_event.RegressionEventCondition",
    name: "The issue changes state from resolved to unresolved",
  },
  reappeared_event: {
    id: "sentry.rules.conditions.reappeared_event.ReappearedEventCondition",
    name: "The issue changes state from archived to escalating",
  },
};

function creatorOf(world: World, memberId: string | null): Record<string, unknown> | null {
  const member = memberId ? memberById(world, memberId) : undefined;
  return member ? { id: Number(member.id), name: member.name, email: member.email } : null;
}

function legacyIssueAction(world: World, record: AlertActionRecord): Record<string, unknown> {
  const action = record.action;
  switch (action.kind) {
    case "email":
      if (action.target === "issue_owners") {
        return {
          id: "sentry.mail.actions.NotifyEmailAction",
          targetType: "IssueOwners",
          targetIdentifier: "",
          fallthroughType: "ActiveMembers",
          name: "Send a notification to IssueOwners and if none can be found then send a notification to ActiveMembers",
        };
      }
      if (action.target === "team") {
        const team = teamById(world, action.teamId);
        return {
          id: "sentry.mail.actions.NotifyEmailAction",
          targetType: "Team",
          targetIdentifier: Number(action.teamId),
          fallthroughType: "ActiveMembers",
          name: `Send a notification to Team #${team?.slug ?? action.teamId}`,
        };
      }
      return {
        id: "sentry.mail.actions.NotifyEmailAction",
        targetType: "Member",
        targetIdentifier: Number(action.memberId),
        fallthroughType: "ActiveMembers",
        name: `Send a notification to Member ${memberById(world, action.memberId)?.email ?? action.memberId}`,
      };
    case "slack":
      return {
        id: "sentry.integrations.slack.notify_action.SlackNotifyServiceAction",
        workspace: action.integrationId,
        channel: action.channel,
        channel_id: action.channelId,
        tags: "environment,level",
        notes: "",
        name: `Send a notification to the ${action.workspace} workspace to ${action.channel} and show tags [environment, level] in notification`,
      };
    case "pagerduty":
      return {
        id: "sentry.integrations.pagerduty.notify_action.PagerDutyNotifyServiceAction",
        account: action.integrationId,
        service: action.serviceId,
        severity: action.severity,
        name: `Send a notification to PagerDuty account ${action.account} and service ${action.service} with ${action.severity} severity`,
      };
  }
}

function serializeLegacyRule(world: World, alert: IssueAlert): Record<string, unknown> {
  // Legacy rules keep frequency conditions beside the triggers and level/tag checks as filters.
  const conditions: Array<Record<string, unknown>> = alert.triggers.map((t) => ({ ...LEGACY_TRIGGERS[t.type] }));
  const filters: Array<Record<string, unknown>> = [];
  for (const { filter } of alert.filters) {
    if (filter.kind === "frequency") {
      const users = filter.of === "users";
      conditions.push({
        id: `sentry.rules.conditions.event_frequency.${users ? "EventUniqueUserFrequencyCondition" : "EventFrequencyCondition"}`,
        interval: filter.interval,
        value: filter.value,
        comparisonType: "count",
        name: `The issue is seen ${users ? "by more than" : "more than"} ${filter.value} ${users ? "users" : "times"} in ${filter.interval}`,
      });
    } else if (filter.kind === "level") {
      const level = LEVELS[filter.level];
      filters.push({
        id: "sentry.rules.filters.level.LevelFilter",
        match: filter.match,
        level: String(level),
        name: `The event's level is ${filter.match === "gte" ? "greater than or equal to" : "equal to"} ${levelName(level)}`,
      });
    } else {
      filters.push({
        id: "sentry.rules.filters.tagged_event.TaggedEventFilter",
        key: filter.key,
        match: filter.match,
        value: filter.value,
        name: `The event's tags match ${filter.key} ${filter.match === "co" ? "contains" : "equals"} ${filter.value}`,
      });
    }
  }
  const creator = creatorOf(world, alert.createdById);
  return {
    id: alert.ruleId,
    conditions,
    filters,
    actions: alert.actions.map((a) => legacyIssueAction(world, a)),
    actionMatch: alert.actionMatch,
    filterMatch: alert.filterMatch,
    frequency: alert.frequencyMinutes,
    name: alert.name,
    dateCreated: alert.dateCreated,
    owner: alert.owner,
    createdBy: creator,
    environment: alert.environment,
    projects: [projectOf(world, alert.projectId).slug],
    status: alert.status,
    snooze: alert.snoozed,
    snoozeCreatedBy: alert.snoozed ? ((creator?.name as string | undefined) ?? null) : null,
    snoozeForEveryone: alert.snoozed ? true : null,
    lastTriggered: alert.lastTriggered,
    errors: [],
  };
}

function listProjectRules(ctx: RequestContext): Reply {
  const { org, project } = requireProject(ctx);
  const headers = deprecationHeaders(org, "workflows");
  checkBrownout(ctx, headers);
  const rules = ctx.world.alerts.issueAlerts
    .filter((a) => a.projectId === project.id)
    .sort((a, b) => Number(b.ruleId) - Number(a.ruleId));
  const reply = paginate(ctx, rules, { headers });
  reply.body = (reply.body as IssueAlert[]).map((a) => serializeLegacyRule(ctx.world, a));
  return reply;
}

function getProjectRule(ctx: RequestContext): Reply {
  const { org, project } = requireProject(ctx);
  const headers = deprecationHeaders(org, "workflows");
  checkBrownout(ctx, headers);
  const rule = ctx.world.alerts.issueAlerts.find((a) => a.projectId === project.id && a.ruleId === ctx.params.rule);
  if (!rule) throw new SandboxHttpError(404, NOT_FOUND, headers);
  return { status: 200, body: serializeLegacyRule(ctx.world, rule), headers };
}

// ---------------------------------------------------------------------------------------------------------------
// Legacy: metric alert rules (GET /organizations/{org}/alert-rules/).

function legacyMetricAction(world: World, triggerId: string, record: AlertActionRecord, dateCreated: string): Record<string, unknown> {
  const action = record.action;
  const base = { id: record.legacyId, alertRuleTriggerId: triggerId, sentryAppId: null, dateCreated };
  switch (action.kind) {
    case "email": {
      if (action.target === "issue_owners") {
        return {
          ...base,
          type: "email",
          targetType: "user",
          targetIdentifier: null,
          inputChannelId: null,
          integrationId: null,
          desc: "Send an email to issue owners",
        };
      }
      const isTeam = action.target === "team";
      const targetIdentifier = isTeam ? action.teamId : action.memberId;
      const desc = isTeam
        ? `Send an email to members of #${teamById(world, action.teamId)?.slug ?? action.teamId}`
        : `Send an email to ${memberById(world, action.memberId)?.email ?? action.memberId}`;
      return { ...base, type: "email", targetType: isTeam ? "team" : "user", targetIdentifier, inputChannelId: null, integrationId: null, desc };
    }
    case "slack":
      return {
        ...base,
        type: "slack",
        targetType: "specific",
        targetIdentifier: action.channelId,
        inputChannelId: action.channelId,
        integrationId: Number(action.integrationId),
        desc: `Send a Slack notification to ${action.channel}`,
      };
    case "pagerduty":
      return {
        ...base,
        type: "pagerduty",
        targetType: "specific",
        targetIdentifier: action.serviceId,
        inputChannelId: null,
        integrationId: Number(action.integrationId),
        priority: action.severity,
        desc: `Send a PagerDuty notification to ${action.service}`,
      };
  }
}

function serializeLegacyMetricRule(world: World, org: Org, alert: MetricAlert): Record<string, unknown> {
  // AlertRuleThresholdType: 0 above, 1 below.
  const thresholdType = alert.direction === "above" ? 0 : 1;
  return {
    id: alert.ruleId,
    name: alert.name,
    organizationId: org.id,
    status: 0,
    queryType: alert.queryType,
    dataset: alert.dataset,
    query: alert.query,
    aggregate: alert.aggregate,
    thresholdType,
    resolveThreshold: alert.resolveThreshold,
    // Minutes here, where the detector's snubaQuery says seconds.
    timeWindow: alert.timeWindowMinutes,
    environment: alert.environment,
    triggers: alert.triggers.map((t) => ({
      id: t.id,
      alertRuleId: alert.ruleId,
      label: t.label,
      thresholdType,
      // Anomaly detection has no fixed threshold: Sentry stores 0.
      alertThreshold: alert.detection === "dynamic" ? 0 : t.threshold,
      resolveThreshold: alert.resolveThreshold,
      dateCreated: alert.dateCreated,
      actions: t.actions.map((a) => legacyMetricAction(world, t.id, a, alert.dateCreated)),
    })),
    projects: [projectOf(world, alert.projectId).slug],
    owner: alert.owner,
    originalAlertRuleId: null,
    comparisonDelta: alert.comparisonDeltaMinutes,
    dateModified: alert.dateUpdated,
    dateCreated: alert.dateCreated,
    createdBy: creatorOf(world, alert.createdById) ?? {},
    eventTypes: alert.eventTypes,
    snooze: alert.snoozed,
    errors: [],
    extrapolationMode: "unknown",
    detectionType: alert.detection,
    sensitivity: alert.sensitivity,
    seasonality: alert.detection === "dynamic" ? "auto" : null,
  };
}

function listOrgAlertRules(ctx: RequestContext): Reply {
  const org = requireOrg(ctx);
  const headers = deprecationHeaders(org, "detectors");
  checkBrownout(ctx, headers);
  const projectIds = new Set(selectedProjects(ctx, org).map((p) => p.id));
  const rules = ctx.world.alerts.metricAlerts
    .filter((a) => a.orgSlug === org.slug && projectIds.has(a.projectId))
    .sort((a, b) => Number(b.ruleId) - Number(a.ruleId));
  const reply = paginate(ctx, rules, { headers });
  reply.body = (reply.body as MetricAlert[]).map((a) => serializeLegacyMetricRule(ctx.world, org, a));
  return reply;
}

function getOrgAlertRule(ctx: RequestContext): Reply {
  const org = requireOrg(ctx);
  const headers = deprecationHeaders(org, "detectors");
  checkBrownout(ctx, headers);
  const rule = ctx.world.alerts.metricAlerts.find((a) => a.orgSlug === org.slug && a.ruleId === ctx.params.rule);
  if (!rule) throw new SandboxHttpError(404, NOT_FOUND, headers);
  return { status: 200, body: serializeLegacyMetricRule(ctx.world, org, rule), headers };
}

export const alertRoutes: RouteDef[] = [
  { method: "GET", pattern: "/organizations/:org/workflows/", scopes: ALERT_READ_SCOPES, handler: listWorkflows },
  { method: "GET", pattern: "/organizations/:org/workflows/:workflow/", scopes: ALERT_READ_SCOPES, handler: getWorkflow },
  { method: "GET", pattern: "/organizations/:org/detectors/", scopes: ALERT_READ_SCOPES, handler: listDetectors },
  { method: "GET", pattern: "/organizations/:org/detectors/:detector/", scopes: ALERT_READ_SCOPES, handler: getDetector },
  { method: "GET", pattern: "/projects/:org/:project/rules/", scopes: RULE_READ_SCOPES, handler: listProjectRules },
  { method: "GET", pattern: "/projects/:org/:project/rules/:rule/", scopes: RULE_READ_SCOPES, handler: getProjectRule },
  { method: "GET", pattern: "/organizations/:org/alert-rules/", scopes: ALERT_READ_SCOPES, handler: listOrgAlertRules },
  { method: "GET", pattern: "/organizations/:org/alert-rules/:rule/", scopes: ALERT_READ_SCOPES, handler: getOrgAlertRule },
];
