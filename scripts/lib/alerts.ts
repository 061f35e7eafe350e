// Sentry's two alert APIs in words. The current one (workflows for issue alerts, detectors of type
// metric_issue for metric alerts, docs/sentry-api.md §13) and the legacy one (project rules, organization
// alert-rules) store the same ideas in different shapes; both are turned here into one AlertRecord
// whose trigger and notification targets read as a sentence ("a new issue is created, level ≥ error").
// gatherAlerts (at the end) decides which API answered and reads them, through lib/sentry/alerts.ts.

import type { SentryApi } from "./api.js";
import { mapLimit } from "./concurrency.js";
import { AuthError, NotFoundError } from "./errors.js";
import { unique } from "./output.js";
import {
  ALERT_SCOPES,
  LEGACY_RULE_SCOPES,
  listDetectors,
  listLegacyMetricRules,
  listLegacyRules,
  listWorkflows,
  tryListMembers,
  tryListTeams,
} from "./sentry/alerts.js";
import { listProjects, noSuchProject } from "./sentry/projects.js";
import type {
  LegacyRuleItem,
  RawAction,
  RawCondition,
  RawDetector,
  RawLegacyMetricAction,
  RawLegacyMetricRule,
  RawLegacyRule,
  RawWorkflow,
} from "./sentry/alerts.js";
import { formatDuration } from "./validate.js";

/** The raw shapes live (and are checked) in the resource layer; the wording below reads them. */
export type { RawDetector, RawLegacyMetricRule, RawLegacyRule, RawWorkflow } from "./sentry/alerts.js";

// ---------------------------------------------------------------------------------------------
// The normalized record.

export type AlertApi = "workflows" | "detectors" | "rules" | "alert-rules";

export interface AlertRecord {
  id: string;
  type: "issue" | "metric";
  name: string;
  /** Project slugs the alert watches; empty when it is connected to none (it never fires). */
  projects: string[];
  status: "enabled" | "disabled" | "snoozed";
  /** What makes it fire, in words. */
  trigger: string;
  /** Who is notified through what, e.g. "critical: PagerDuty Backend On-Call". Empty: nobody. */
  notify: string[];
  environment: string | null;
  /** When it last fired; null when it never did, or when the API does not say (see lastTriggeredKnown). */
  lastTriggered: string | null;
  /**
   * False when the API gives no firing history: legacy metric alert rules (GET /organizations/{org}/alert-rules/)
   * have no lastTriggered field, so a null there means "unknown", not "never fired".
   */
  lastTriggeredKnown: boolean;
  /** Metric alerts: the issue the monitor has open right now (it is firing). */
  openIssue: string | null;
  /** Minimum minutes between two notifications for one issue (issue alerts). */
  frequencyMinutes: number | null;
  api: AlertApi;
}

/** Names for IDs the alert APIs give (team IDs in targets, project IDs of detectors, user IDs in targets). */
export interface Directory {
  teamSlug(id: string): string | undefined;
  projectSlug(id: string): string | undefined;
  /** A user's email (or name) for a user ID; undefined when unknown, and the ID is shown instead. */
  userLabel?(id: string): string | undefined;
}

// ---------------------------------------------------------------------------------------------
// Words.

/** Sentry's numeric log levels (sentry.constants.LOG_LEVELS). */
const LEVEL_NAMES: Record<number, string> = { 0: "sample", 10: "debug", 20: "info", 30: "warning", 40: "error", 50: "fatal" };

/** MatchType values of sentry.rules.match. */
const MATCH_WORDS: Record<string, string> = {
  eq: "=",
  ne: "≠",
  gte: "≥",
  lte: "≤",
  co: "contains",
  nc: "does not contain",
  sw: "starts with",
  nsw: "does not start with",
  ew: "ends with",
  new: "does not end with",
  is: "is set",
  ns: "is not set",
  in: "is one of",
  nin: "is not one of",
};

/** PriorityLevel of sentry.types.group; detectors use the same numbers for their results. */
const PRIORITY_NAMES: Record<number, string> = { 25: "low", 50: "medium", 75: "high" };

/** What a metric detector's condition result means: DetectorPriorityLevel HIGH pages as critical, MEDIUM warns. */
const DETECTOR_PRIORITY_HIGH = 75;
const DETECTOR_PRIORITY_MEDIUM = 50;
const PRIORITY_LABELS: Record<number, string> = { [DETECTOR_PRIORITY_HIGH]: "critical", [DETECTOR_PRIORITY_MEDIUM]: "warning" };

/** GroupCategory of sentry.issues.grouptype, as issue_category conditions store it. */
const ISSUE_CATEGORIES: Record<string, string> = {
  "1": "error",
  "2": "performance",
  "3": "profile",
  "4": "cron",
  "5": "replay",
  "6": "feedback",
  "7": "uptime",
  "8": "metric alert",
};

const AGE_UNITS: Record<string, string> = { minute: "m", hour: "h", day: "d", week: "w" };

/** Legacy rule classes (sentry.rules.conditions.*, sentry.rules.filters.*) named as the workflow engine names them. */
const LEGACY_CONDITION_TYPES: Record<string, string> = {
  FirstSeenEventCondition: "first_seen_event",
  RegressionEventCondition: "regression_event",
  ReappearedEventCondition: "reappeared_event",
  NewHighPriorityIssueCondition: "new_high_priority_issue",
  ExistingHighPriorityIssueCondition: "existing_high_priority_issue",
  EveryEventCondition: "every_event",
  EventFrequencyCondition: "event_frequency",
  EventUniqueUserFrequencyCondition: "event_unique_user_frequency",
  EventFrequencyPercentCondition: "percent_sessions",
  LevelCondition: "level",
  LevelFilter: "level",
  TaggedEventCondition: "tagged_event",
  TaggedEventFilter: "tagged_event",
  EventAttributeCondition: "event_attribute",
  EventAttributeFilter: "event_attribute",
  AgeComparisonFilter: "age_comparison",
  IssueOccurrencesFilter: "issue_occurrences",
  AssignedToFilter: "assigned_to",
  LatestReleaseFilter: "latest_release",
  LatestAdoptedReleaseFilter: "latest_adopted_release",
  IssueCategoryFilter: "issue_category",
};

const TICKET_SYSTEMS: Record<string, string> = {
  jira: "Jira",
  jira_server: "Jira Server",
  github: "GitHub",
  github_enterprise: "GitHub Enterprise",
  vsts: "Azure DevOps",
};

const CHAT_SERVICES: Record<string, string> = { slack: "Slack", msteams: "Microsoft Teams", discord: "Discord" };
const PAGING_SERVICES: Record<string, string> = { pagerduty: "PagerDuty", opsgenie: "Opsgenie" };

const str = (v: unknown): string => (v === null || v === undefined ? "" : String(v));
const num = (v: unknown): number | undefined => (v === null || v === undefined || v === "" || Number.isNaN(Number(v)) ? undefined : Number(v));

function levelName(v: unknown): string {
  const n = num(v);
  return n !== undefined ? (LEVEL_NAMES[n] ?? String(n)) : str(v);
}

function matchWord(v: unknown): string {
  return MATCH_WORDS[str(v)] ?? str(v);
}

/**
 * One issue-alert condition in words. `type` is the workflow engine's condition type; `data` its
 * comparison object (current API) or the legacy item's own settings, which use the same keys
 * except comparisonInterval/comparison_interval.
 */
export function describeIssueCondition(type: string, data: Record<string, unknown>, dir?: Directory): string {
  const value = data.value;
  const interval = str(data.interval);
  const since = str(data.comparison_interval ?? data.comparisonInterval);
  switch (type) {
    case "first_seen_event":
      return "a new issue is created";
    case "regression_event":
      return "a resolved issue regresses";
    case "reappeared_event":
      return "an archived issue reappears";
    case "new_high_priority_issue":
      return "a new high-priority issue is created";
    case "existing_high_priority_issue":
      return "an issue escalates to high priority";
    case "every_event":
      return "any event arrives";
    case "event_frequency_count":
      return `an issue has more than ${str(value)} events in ${interval}${tagFilters(data)}`;
    case "event_frequency_percent":
      return `an issue's events in ${interval} rise more than ${str(value)}% vs ${since} earlier${tagFilters(data)}`;
    case "event_unique_user_frequency_count":
      return `an issue affects more than ${str(value)} users in ${interval}${tagFilters(data)}`;
    case "event_unique_user_frequency_percent":
      return `an issue's users in ${interval} rise more than ${str(value)}% vs ${since} earlier${tagFilters(data)}`;
    case "percent_sessions_count":
      return `an issue affects more than ${str(value)}% of sessions in ${interval}`;
    case "percent_sessions_percent":
      return `an issue's share of sessions in ${interval} rises more than ${str(value)}% vs ${since} earlier`;
    case "level":
      return `level ${matchWord(data.match)} ${levelName(data.level)}`;
    case "tagged_event":
      return `tag ${str(data.key)} ${matchWord(data.match)}${data.value !== undefined ? ` ${str(data.value)}` : ""}`;
    case "event_attribute":
      return `${str(data.attribute)} ${matchWord(data.match)}${data.value !== undefined ? ` ${str(data.value)}` : ""}`;
    case "age_comparison":
      return `issue ${str(data.comparison_type)} than ${str(value)}${AGE_UNITS[str(data.time)] ?? ` ${str(data.time)}`}`;
    case "issue_occurrences":
      return `issue seen at least ${str(value)} times`;
    case "assigned_to":
      return `assigned to ${assignee(data, dir)}`;
    case "latest_release":
      return "event from the latest release";
    case "latest_adopted_release":
      return `release ${str(data.age_comparison ?? data.oldest_or_newest)} than the latest adopted one`;
    case "issue_category":
      return `category ${ISSUE_CATEGORIES[str(value)] ?? str(value)}`;
    case "issue_priority_greater_or_equal":
      return `priority ≥ ${PRIORITY_NAMES[num(value) ?? -1] ?? str(value)}`;
    case "issue_priority_equals":
      return `priority = ${PRIORITY_NAMES[num(value) ?? -1] ?? str(value)}`;
    case "issue_priority_deescalating":
      return "priority drops";
    default:
      // A condition type newer than this tool: its name still says what it is.
      return type.replace(/_/g, " ");
  }
}

function tagFilters(data: Record<string, unknown>): string {
  const filters = Array.isArray(data.filters) ? (data.filters as Array<Record<string, unknown>>) : [];
  if (filters.length === 0) return "";
  return ` where ${filters.map((f) => describeIssueCondition("tagged_event", f)).join(" and ")}`;
}

function assignee(data: Record<string, unknown>, dir?: Directory): string {
  const type = str(data.target_type ?? data.targetType).toLowerCase();
  const id = str(data.target_identifier ?? data.targetIdentifier);
  if (type === "unassigned") return "nobody";
  if (type === "team") return `team #${dir?.teamSlug(id) ?? id}`;
  return `member ${id}`;
}

/** Joins described conditions by a group's logic type (any, any-short, all, none). */
function joinByLogic(parts: string[], logic: string | null | undefined): string {
  if (parts.length <= 1) return parts[0] ?? "";
  const l = str(logic);
  if (l === "none") return `none of: ${parts.join(", ")}`;
  return parts.join(l === "all" ? ", " : " or ");
}

/** A current-API condition's comparison as the data object describeIssueCondition reads. */
function comparisonData(c: RawCondition): Record<string, unknown> {
  const cmp = c.comparison;
  return cmp !== null && typeof cmp === "object" && !Array.isArray(cmp) ? (cmp as Record<string, unknown>) : { value: cmp };
}

// ---------------------------------------------------------------------------------------------
// Notification targets.

/** One workflow-engine action (email, Slack, PagerDuty …) as "who through what". */
export function describeAction(a: RawAction, dir?: Directory): string {
  const cfg = a.config ?? {};
  const display = str(cfg.targetDisplay);
  const target = str(cfg.targetIdentifier);
  const data = a.data ?? {};
  if (a.type === "email") return describeEmail(str(cfg.targetType), target, dir);
  if (CHAT_SERVICES[a.type]) return `${CHAT_SERVICES[a.type]} ${display || target}`;
  if (PAGING_SERVICES[a.type]) {
    const priority = str(data.priority ?? data.severity);
    return `${PAGING_SERVICES[a.type]} ${display || target}${priority ? ` (${priority})` : ""}`;
  }
  if (TICKET_SYSTEMS[a.type]) return `create a ${TICKET_SYSTEMS[a.type]} ticket`;
  if (a.type === "sentry_app") return `app ${display || target}`;
  if (a.type === "webhook") return `webhook ${display || target}`;
  if (a.type === "plugin") return "legacy integrations";
  return `${a.type}${display || target ? ` ${display || target}` : ""}`;
}

function describeEmail(targetType: string, id: string, dir?: Directory): string {
  switch (targetType.toLowerCase()) {
    case "team":
      return `email team #${dir?.teamSlug(id) ?? id}`;
    case "user":
    case "member":
      // The target is a user ID (not an organization member ID); the members list names it when it could be read.
      return `email ${(id && dir?.userLabel?.(id)) || `user ${id}`}`;
    case "issue_owners":
    case "issueowners":
      return "email issue owners";
    default:
      return `email ${targetType || "someone"}${id ? ` ${id}` : ""}`;
  }
}

/** The last segment of a legacy class path: "sentry.rules.filters.level.LevelFilter" → "LevelFilter". */
function legacyClass(id: string): string {
  return id.slice(id.lastIndexOf(".") + 1);
}

/** One legacy issue-rule action (sentry.mail.actions.NotifyEmailAction, …SlackNotifyServiceAction …). */
export function describeLegacyRuleAction(a: LegacyRuleItem, dir?: Directory): string {
  const cls = legacyClass(a.id);
  switch (cls) {
    case "NotifyEmailAction": {
      // The label names a member by email ("Send a notification to Member jane@acme.example"); the target is only an ID.
      const email = /\bMember\s+(\S+@\S+)/.exec(str(a.name))?.[1];
      return email ? `email ${email}` : describeEmail(str(a.targetType), str(a.targetIdentifier), dir);
    }
    case "SlackNotifyServiceAction":
      return `Slack ${str(a.channel)}`;
    case "MsTeamsNotifyServiceAction":
      return `Microsoft Teams ${str(a.channel)}`;
    case "DiscordNotifyServiceAction":
      return `Discord ${str(a.channel_id)}`;
    case "PagerDutyNotifyServiceAction":
      return `PagerDuty ${legacyServiceName(a) ?? `service ${str(a.service)}`}${a.severity ? ` (${str(a.severity)})` : ""}`;
    case "OpsgenieNotifyTeamAction":
      return `Opsgenie ${str(a.team)}${a.priority ? ` (${str(a.priority)})` : ""}`;
    case "NotifyEventServiceAction":
      return `via ${str(a.service)}`;
    case "NotifyEventAction":
      return "legacy integrations";
    default:
      return a.name ? a.name : cls;
  }
}

/** Sentry labels a PagerDuty action "Send a notification to PagerDuty account X and service Y"; the service name is only there. */
function legacyServiceName(a: LegacyRuleItem): string | undefined {
  const m = /service\s+(.+?)(?:\s+with\s+\w+\s+severity)?$/i.exec(str(a.name));
  return m?.[1]?.trim() || undefined;
}

/** One action of a legacy metric trigger (type email/slack/pagerduty…, targetType user/team/specific). */
export function describeLegacyMetricAction(a: RawLegacyMetricAction, dir?: Directory): string {
  const target = str(a.targetIdentifier);
  if (a.type === "email") {
    // "Send an email to jane@acme.example" names the user the ID stands for.
    const email = /\S+@\S+$/.exec(descTarget(a.desc))?.[0];
    return a.targetType === "user" && email ? `email ${email}` : describeEmail(str(a.targetType), target, dir);
  }
  // For chat services the channel name is in whichever field starts with "#"; the other holds the channel ID.
  const named = [target, str(a.inputChannelId)].find((v) => v.startsWith("#") || v.startsWith("@"));
  if (CHAT_SERVICES[a.type]) return `${CHAT_SERVICES[a.type]} ${named ?? (descTarget(a.desc) || target)}`;
  if (PAGING_SERVICES[a.type]) return `${PAGING_SERVICES[a.type]} ${descTarget(a.desc) || target}${a.priority ? ` (${a.priority})` : ""}`;
  if (a.type === "sentry_app") return `app ${descTarget(a.desc) || target}`;
  return `${a.type}${target ? ` ${target}` : ""}`;
}

/** "Send a PagerDuty notification to Backend On-Call" → "Backend On-Call". */
function descTarget(desc: string | null | undefined): string {
  const m = /\bto\s+(.+)$/i.exec(str(desc));
  return m?.[1]?.trim() ?? "";
}

// ---------------------------------------------------------------------------------------------
// Issue alerts.

export function issueAlertFromWorkflow(w: RawWorkflow, projects: string[], dir: Directory): AlertRecord {
  const triggerParts = (w.triggers?.conditions ?? []).map((c) => describeIssueCondition(c.type, comparisonData(c), dir));
  const when = joinByLogic(triggerParts, w.triggers?.logicType);
  const filters = (w.actionFilters ?? []).filter((f) => (f.conditions ?? []).length > 0 || (f.actions ?? []).length > 0);
  let trigger = when;
  const notify: string[] = [];
  if (filters.length <= 1) {
    // The common shape (every migrated rule): one filter group whose conditions narrow the trigger.
    const f = filters[0];
    const narrowed = joinByLogic((f?.conditions ?? []).map((c) => describeIssueCondition(c.type, comparisonData(c), dir)), f?.logicType);
    trigger = [when, narrowed].filter(Boolean).join(", ");
    notify.push(...(f?.actions ?? []).map((a) => describeAction(a, dir)));
  } else {
    for (const f of filters) {
      const cond = joinByLogic((f.conditions ?? []).map((c) => describeIssueCondition(c.type, comparisonData(c), dir)), f.logicType);
      for (const a of f.actions ?? []) notify.push(`${cond ? `if ${cond}: ` : ""}${describeAction(a, dir)}`);
    }
  }
  return {
    id: w.id,
    type: "issue",
    name: w.name,
    projects,
    status: w.enabled ? "enabled" : "disabled",
    trigger: trigger || "any new event on an issue",
    notify,
    environment: w.environment ?? null,
    lastTriggered: w.lastTriggered ?? null,
    lastTriggeredKnown: true,
    openIssue: null,
    frequencyMinutes: num(w.config?.frequency) ?? null,
    api: "workflows",
  };
}

function legacyItemWords(item: LegacyRuleItem, dir: Directory): string {
  const cls = legacyClass(item.id);
  let type = LEGACY_CONDITION_TYPES[cls];
  if (type === "event_frequency" || type === "event_unique_user_frequency" || type === "percent_sessions") {
    // Legacy frequency conditions say count or percent change in comparisonType (default count).
    type = `${type}_${item.comparisonType === "percent" ? "percent" : "count"}`;
  }
  if (!type) return item.name ?? cls;
  return describeIssueCondition(type, item, dir);
}

export function issueAlertFromLegacyRule(r: RawLegacyRule, fallbackProject: string | undefined, dir: Directory): AlertRecord {
  const when = joinByLogic(r.conditions.map((c) => legacyItemWords(c, dir)), r.actionMatch);
  const narrowed = joinByLogic((r.filters ?? []).map((f) => legacyItemWords(f, dir)), r.filterMatch);
  const projects = r.projects?.length ? r.projects : fallbackProject ? [fallbackProject] : [];
  return {
    id: r.id,
    type: "issue",
    name: r.name,
    projects,
    status: r.status === "disabled" ? "disabled" : r.snooze ? "snoozed" : "enabled",
    trigger: [when, narrowed].filter(Boolean).join(", ") || "any new event on an issue",
    notify: r.actions.map((a) => describeLegacyRuleAction(a, dir)),
    environment: r.environment ?? null,
    // The rules list expands lastTriggered by default (project_rules.py: expand defaults to ["lastTriggered"]).
    lastTriggered: r.lastTriggered ?? null,
    lastTriggeredKnown: true,
    openIssue: null,
    frequencyMinutes: num(r.frequency) ?? null,
    api: "rules",
  };
}

// ---------------------------------------------------------------------------------------------
// Metric alerts.

export interface MetricShape {
  aggregate: string;
  query: string;
  windowSeconds: number;
  detection: string;
  direction: "above" | "below" | "above or below";
  critical: number | null;
  warning: number | null;
  comparisonDeltaSeconds: number | null;
  sensitivity: string | null;
}

/**
 * Value-preserving functions (avg, percentiles, min, max, sum) over these fields are durations in
 * milliseconds (span.duration is ms in Sentry's span schema); apdex, failure_rate or count are unitless.
 */
const DURATION_AGGREGATE =
  /^(avg|p\d+|percentile|min|max|sum)\((span\.duration|span\.self_time|transaction\.duration|measurements\.(lcp|fcp|fp|ttfb|fid|inp|app_start_cold|app_start_warm|time_to_initial_display|time_to_full_display))\b/;

/** "p95(span.duration) > 800ms over 10m where is_transaction:true; warning > 500ms". */
export function describeMetric(m: MetricShape): string {
  // Crash-rate alerts carry an SQL-style alias ("… AS _crash_rate_alert_aggregate") that says nothing to a reader.
  const aggregate = m.aggregate.replace(/\s+AS\s+\w+$/i, "");
  const unit = DURATION_AGGREGATE.test(aggregate) ? "ms" : "";
  const window = `over ${formatDuration(m.windowSeconds)}`;
  const where = m.query.trim() ? ` where ${m.query.trim()}` : "";
  const op = m.direction === "below" ? "<" : ">";
  if (m.detection === "dynamic") {
    return `${aggregate} ${window}${where} is anomalous (${m.direction}, ${m.sensitivity ?? "default"} sensitivity)`;
  }
  if (m.detection === "percent") {
    const change = m.direction === "below" ? "drops" : "rises";
    const vs = m.comparisonDeltaSeconds ? ` vs ${formatDuration(m.comparisonDeltaSeconds)} earlier` : "";
    const warn = m.warning !== null ? `; warning at ${m.warning}%` : "";
    return `${aggregate} ${window}${where} ${change} more than ${m.critical ?? "?"}%${vs}${warn}`;
  }
  const warn = m.warning !== null ? `; warning ${op} ${m.warning}${unit}` : "";
  return `${aggregate} ${op} ${m.critical ?? "?"}${unit} ${window}${where}${warn}`;
}

const OPERATOR_DIRECTION: Record<string, "above" | "below"> = { gt: "above", gte: "above", lt: "below", lte: "below" };
/** threshold_type of anomaly detection conditions (AnomalyDetectionThresholdType). */
const ANOMALY_DIRECTIONS: Record<number, MetricShape["direction"]> = { 0: "above", 1: "below", 2: "above or below" };

/**
 * A metric_issue detector with the workflows that notify for it. Its condition group holds one
 * condition per priority (75 critical, 50 warning) and one returning 0 (the resolve threshold, not shown).
 */
export function metricAlertFromDetector(d: RawDetector, workflows: RawWorkflow[], dir: Directory): AlertRecord {
  const snuba = (d.dataSources ?? []).map((s) => s.queryObj?.snubaQuery).find((q) => q) ?? undefined;
  const conditions = d.conditionGroup?.conditions ?? [];
  const byResult = (result: number) => conditions.find((c) => num(c.conditionResult) === result && c.type !== "anomaly_detection");
  const critical = byResult(DETECTOR_PRIORITY_HIGH);
  const warning = byResult(DETECTOR_PRIORITY_MEDIUM);
  const anomaly = conditions.find((c) => c.type === "anomaly_detection");
  const anomalyData = anomaly ? comparisonData(anomaly) : {};
  const direction = anomaly
    ? (ANOMALY_DIRECTIONS[num(anomalyData.threshold_type ?? anomalyData.thresholdType) ?? 0] ?? "above")
    : (OPERATOR_DIRECTION[str(critical?.type)] ?? "above");
  const trigger = snuba
    ? describeMetric({
        aggregate: snuba.aggregate,
        query: snuba.query ?? "",
        windowSeconds: snuba.timeWindow,
        detection: str(d.config?.detectionType) || (anomaly ? "dynamic" : "static"),
        direction,
        critical: num(critical?.comparison) ?? null,
        warning: num(warning?.comparison) ?? null,
        comparisonDeltaSeconds: num(d.config?.comparisonDelta) ?? null,
        sensitivity: str(anomalyData.sensitivity) || null,
      })
    : `monitor of type ${d.type}`;
  const notify: string[] = [];
  for (const w of workflows) {
    for (const f of w.actionFilters ?? []) {
      // Migrated metric alerts notify per priority: issue_priority_greater_or_equal 75 is the critical trigger's actions.
      const priority = (f.conditions ?? []).find((c) => c.type === "issue_priority_greater_or_equal");
      const label = priority ? PRIORITY_LABELS[num(priority.comparison) ?? -1] : undefined;
      for (const a of f.actions ?? []) notify.push(`${label ? `${label}: ` : ""}${describeAction(a, dir)}`);
    }
  }
  const lastTriggered = workflows.map((w) => w.lastTriggered).filter((t): t is string => !!t).sort().at(-1) ?? null;
  const slug = d.projectId ? dir.projectSlug(String(d.projectId)) : undefined;
  return {
    id: d.id,
    type: "metric",
    name: d.name,
    projects: slug ? [slug] : [],
    status: d.enabled ? "enabled" : "disabled",
    trigger,
    notify: unique(notify),
    environment: snuba?.environment ?? null,
    lastTriggered,
    lastTriggeredKnown: true,
    openIssue: d.latestGroup && d.latestGroup.status === "unresolved" ? (d.latestGroup.shortId ?? null) : null,
    frequencyMinutes: null,
    api: "detectors",
  };
}

export function metricAlertFromLegacyRule(r: RawLegacyMetricRule, dir: Directory): AlertRecord {
  const threshold = (label: string) => num(r.triggers?.find((t) => t.label === label)?.alertThreshold) ?? null;
  const notify: string[] = [];
  for (const t of r.triggers ?? []) for (const a of t.actions ?? []) notify.push(`${t.label}: ${describeLegacyMetricAction(a, dir)}`);
  const detection = r.detectionType ?? (r.comparisonDelta ? "percent" : "static");
  return {
    id: r.id,
    type: "metric",
    name: r.name,
    projects: r.projects ?? [],
    status: r.status === LEGACY_METRIC_DISABLED ? "disabled" : r.snooze ? "snoozed" : "enabled",
    trigger: describeMetric({
      aggregate: r.aggregate,
      query: r.query ?? "",
      // Legacy alert rules count their window and comparison delta in minutes.
      windowSeconds: r.timeWindow * 60,
      detection,
      direction: r.thresholdType === 1 ? "below" : "above",
      critical: threshold("critical"),
      warning: threshold("warning"),
      comparisonDeltaSeconds: r.comparisonDelta ? r.comparisonDelta * 60 : null,
      sensitivity: r.sensitivity ?? null,
    }),
    notify: unique(notify),
    environment: r.environment ?? null,
    // The legacy metric rule has no firing history in its body: unknown, which is not "never fired".
    lastTriggered: null,
    lastTriggeredKnown: false,
    openIssue: null,
    frequencyMinutes: null,
    api: "alert-rules",
  };
}

/** AlertRuleStatus.DISABLED (src/sentry/incidents/models/alert_rule.py). */
const LEGACY_METRIC_DISABLED = 5;


// ---------------------------------------------------------------------------------------------
// Gathering: which API answered, one round of reads in parallel, and the list by project.

/** Legacy issue rules are per project: this many projects are asked at once. */
const FANOUT_CONCURRENCY = 4;
/** Detector IDs per lookup request, so the query string stays well under URL limits. */
const DETECTOR_IDS_PER_REQUEST = 50;

export type AlertType = "issue" | "metric" | "all";
export const ALERT_TYPES = ["issue", "metric", "all"] as const;

/** Where one kind of alert was read from, or why it could not be. */
export type AlertSource =
  | "workflows"
  | "detectors"
  | "legacy rules"
  | "legacy alert-rules"
  | "unavailable (legacy API gone, 410)"
  | "unavailable (no alert API, 404)"
  | "not requested";

export interface GatheredAlerts {
  alerts: AlertRecord[];
  /** Every project slug in scope, sorted: the named ones, or the organization's. */
  inScope: string[];
  sources: { issue: AlertSource; metric: AlertSource };
  notes: string[];
}

interface KnownDetector {
  type: string;
  projectId: string | null;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The alerts of `projects` (empty: the whole organization) of the kinds asked for, from the current API, else
 * the legacy one. The organization's project list is read in the same round: it names project IDs, and it is
 * how an unknown --project is told apart (exit 5) from a server without an alert API.
 */
export async function gatherAlerts(api: SentryApi, org: string, projects: readonly string[], type: AlertType): Promise<GatheredAlerts> {
  const notes: string[] = [];
  const current = { scopes: ALERT_SCOPES };
  const projectList = readOrgProjects(api, org);
  const unknownIn = (list: Array<{ slug: string }>) => projects.filter((p) => !list.some((o) => o.slug === p));
  const [orgProjects, teams, members, workflows, detectors] = await Promise.all([
    projectList,
    tryListTeams(api, org),
    tryListMembers(api, org),
    listWorkflows(api, org, projects, current),
    listDetectors(api, org, { projects }, current),
  ]).catch(async (err: unknown) => {
    // Sentry answers 403 to a `project` filter naming a project it does not know (or the token cannot see):
    // the project list read beside it says which, so the answer is the same exit 5 as every other tool's.
    const unknown = err instanceof AuthError && projects.length ? unknownIn(await projectList.catch(() => projects.map((slug) => ({ slug })))) : [];
    throw unknown.length ? noSuchProject(org, unknown) : err;
  });
  const unknown = unknownIn(orgProjects);
  if (unknown.length) throw noSuchProject(org, unknown);
  const single = projects.length === 1 ? projects[0] : undefined;
  const projectById = new Map(orgProjects.map((p) => [String(p.id), p.slug]));
  const unnamedUsers = new Set<string>();
  const dir: Directory = {
    teamSlug: (id) => teams?.get(String(id)),
    projectSlug: (id) => projectById.get(String(id)) ?? single,
    userLabel: (id) => {
      const label = typeof members === "string" ? undefined : members.get(String(id));
      if (!label) unnamedUsers.add(String(id));
      return label;
    },
  };
  const alerts: AlertRecord[] = [];
  const sources: GatheredAlerts["sources"] = { issue: "not requested", metric: "not requested" };
  for (const list of [workflows, detectors]) {
    if (list.ok && !list.complete) notes.push("Sentry has more alerts than this tool reads (its page cap); the list is incomplete");
  }
  const known = new Map<string, KnownDetector>(
    (detectors.ok ? detectors.items : []).map((d) => [String(d.id), { type: d.type, projectId: d.projectId == null ? null : String(d.projectId) }]),
  );
  const filtered = projects.length > 0;

  if (type !== "metric" && workflows.ok) {
    sources.issue = "workflows";
    // Workflows name their detectors, not their projects: unless one project was asked for, the projects come
    // from the detectors, and those the list did not hold (it failed, or stopped at the cap) are looked up by ID.
    if (!single || !detectors.ok) await lookUpDetectors(api, org, workflows.items, known);
    const isMetric = (id: string) => known.get(id)?.type === "metric_issue";
    for (const w of workflows.items) {
      const ids = (w.detectorIds ?? []).map(String);
      // Workflows connected to no monitor are organization-level, not a project's. Sentry leaves them out of
      // a project-filtered listing (organization_workflow_index.py); older servers listed them.
      if (ids.length === 0 && filtered) continue;
      // Workflows connected only to metric detectors are how those metric alerts notify; they are shown with them.
      if (ids.length > 0 && ids.every(isMetric)) continue;
      const slugs = single
        ? [single]
        : unique(
            ids
              .filter((id) => !isMetric(id))
              .flatMap((id) => {
                const pid = known.get(id)?.projectId;
                return pid ? [dir.projectSlug(pid) ?? `project ${pid}`] : [];
              }),
          ).filter((s) => !filtered || projects.includes(s));
      if (filtered && slugs.length === 0) continue;
      alerts.push(issueAlertFromWorkflow(w, slugs, dir));
    }
  } else if (type !== "metric") {
    const slugs = filtered ? [...projects] : orgProjects.map((p) => p.slug);
    const legacy = { scopes: LEGACY_RULE_SCOPES };
    const perProject = await mapLimit(slugs, FANOUT_CONCURRENCY, async (slug) => ({ slug, rules: await listLegacyRules(api, org, slug, legacy) }));
    const failed = perProject.find((p) => !p.rules.ok)?.rules;
    if (failed && !failed.ok) {
      sources.issue = failed.gone ? "unavailable (legacy API gone, 410)" : "unavailable (no alert API, 404)";
    } else {
      notes.push("the workflows API is missing on this server (404): issue alerts come from the legacy rules API");
      sources.issue = "legacy rules";
      for (const p of perProject) if (p.rules.ok) for (const r of p.rules.items) alerts.push(issueAlertFromLegacyRule(r, p.slug, dir));
    }
  }

  if (type !== "issue" && detectors.ok) {
    sources.metric = "detectors";
    const allWorkflows = workflows.ok ? workflows.items : [];
    for (const d of detectors.items.filter((x) => x.type === "metric_issue")) {
      const wanted = (d.workflowIds ?? []).map(String);
      const connected = allWorkflows.filter((w) => (w.detectorIds ?? []).map(String).includes(String(d.id)) || wanted.includes(String(w.id)));
      alerts.push(metricAlertFromDetector(d, connected, dir));
    }
  } else if (type !== "issue") {
    const rules = await listLegacyMetricRules(api, org, current);
    if (rules.ok) {
      notes.push("the detectors API is missing on this server (404): metric alerts come from the legacy alert-rules API");
      sources.metric = "legacy alert-rules";
      for (const r of rules.items) {
        if (filtered && !(r.projects ?? []).some((p) => projects.includes(p))) continue;
        alerts.push(metricAlertFromLegacyRule(r, dir));
      }
    } else {
      sources.metric = rules.gone ? "unavailable (legacy API gone, 410)" : "unavailable (no alert API, 404)";
    }
  }

  const requested = (["issue", "metric"] as const).filter((k) => sources[k] !== "not requested");
  const unavailable = requested.filter((k) => sources[k].startsWith("unavailable"));
  if (unavailable.length > 0 && unavailable.length === requested.length) throw noAlertApi(org, unavailable.map((k) => sources[k]));
  for (const kind of unavailable) notes.push(`${kind} alerts could not be read: ${unavailableWords(sources[kind])}`);
  if (unnamedUsers.size > 0 && typeof members === "string") notes.push(`users are shown by ID: the organization's members could not be read (${members})`);

  alerts.sort(compareAlerts);
  const inScope = filtered ? [...projects].sort() : orgProjects.map((p) => p.slug).sort();
  return { alerts, inScope, sources, notes };
}

function unavailableWords(source: AlertSource): string {
  return source.includes("410") ? "the legacy endpoint answered 410 (a Sentry brownout); try again later" : "this server has neither the current nor the legacy endpoint (404)";
}

/**
 * Every alert endpoint asked answered 404 or 410. The organization and its projects were just read, so the
 * slug is right: what is missing is the alert API on this server (or, for 410, Sentry's brownout of the legacy one).
 */
function noAlertApi(org: string, reasons: AlertSource[]): NotFoundError {
  if (reasons.every((r) => r.includes("410"))) {
    return new NotFoundError(
      "no alert API answered: this server has no workflows/detectors API and the legacy alert endpoints answer 410 Gone",
      "Sentry is browning out its deprecated alert endpoints; try again in a few minutes",
    );
  }
  return new NotFoundError(
    `this server has no alert API: organization ${org} and its projects were read, but the workflows/detectors endpoints and the legacy rules/alert-rules endpoints answered not found (404)`,
    "the server's Sentry version serves neither alert API to this tool; see the alerts in its web UI",
  );
}

/** The organization's projects (ID and slug), every page. */
async function readOrgProjects(api: SentryApi, org: string): Promise<Array<{ id: string; slug: string }>> {
  const out: Array<{ id: string; slug: string }> = [];
  for await (const page of listProjects(api, org, { limit: 0, all: true })) out.push(...page.items.map((p) => ({ id: p.id, slug: p.slug })));
  return out;
}

/** Detectors the workflows name but the first round's list did not hold, looked up by ID in one more round. */
async function lookUpDetectors(api: SentryApi, org: string, workflows: RawWorkflow[], known: Map<string, KnownDetector>): Promise<void> {
  const missing = unique(workflows.flatMap((w) => (w.detectorIds ?? []).map(String)).filter((id) => !known.has(id)));
  if (missing.length === 0) return;
  const found = await Promise.all(chunks(missing, DETECTOR_IDS_PER_REQUEST).map((ids) => listDetectors(api, org, { ids }, { scopes: ALERT_SCOPES })));
  for (const page of found) {
    if (page.ok) for (const d of page.items) known.set(String(d.id), { type: d.type, projectId: d.projectId == null ? null : String(d.projectId) });
  }
}

/** By project (alerts connected to none last), issue before metric, then by name. */
export function compareAlerts(a: AlertRecord, b: AlertRecord): number {
  const pa = a.projects[0];
  const pb = b.projects[0];
  if (pa === undefined || pb === undefined) return pa === pb ? a.name.localeCompare(b.name) : pa === undefined ? 1 : -1;
  return pa.localeCompare(pb) || a.type.localeCompare(b.type) || a.name.localeCompare(b.name);
}

/** "critical: email team #x", "warning: email team #x" → "critical+warning: email team #x". */
export function mergeNotifyLabels(notify: string[]): string[] {
  const labels = new Map<string, string[]>();
  for (const n of notify) {
    const m = /^(critical|warning): (.*)$/.exec(n);
    const [label, target] = m ? [m[1]!, m[2]!] : ["", n];
    labels.set(target, [...(labels.get(target) ?? []), label]);
  }
  return [...labels].map(([target, ls]) => (ls.some(Boolean) ? `${ls.filter(Boolean).join("+")}: ${target}` : target));
}
