// list-alerts: the issue and metric alerts guarding the projects in scope (or every project of the organization),
// each with its trigger in words and who is notified through what, and which projects have no alerts at all.

import { ALERT_TYPES, gatherAlerts, mergeNotifyLabels, type AlertRecord, type AlertSource, type AlertType } from "./lib/alerts.js";
import { choice } from "./lib/flags.js";
import { commandLine, listWithMore, plural, relativeTime, truncate } from "./lib/output.js";
import { PROJECT_SCOPE_FLAGS, projectScopeOf, resolveProjectScope, scopeArgs, scopeLabel, type ProjectScope } from "./lib/projects.js";
import { ALERT_SCOPES } from "./lib/sentry/alerts.js";
import { itemTool, runIfMain } from "./lib/tool.js";
import { cleanText } from "./lib/text.js";

const MAX_NAMES_SHOWN = 12;
const NAME_WIDTH = 70;

export interface AlertList {
  org: string;
  /** The projects in scope; empty for every project of the organization. */
  projects: string[];
  /** Where the project came from when no --project named it (SENTRY_PROJECT, .sentryclirc); null otherwise. */
  projectFrom: string | null;
  type: AlertType;
  alerts: AlertRecord[];
  /** Projects with no alert of the requested type at all; a disabled or snoozed alert still counts as one. */
  projectsWithoutAlerts: string[];
  /** Projects whose alerts are all disabled or snoozed. */
  projectsWithOnlyInactiveAlerts: string[];
  sources: { issue: AlertSource; metric: AlertSource };
  notes: string[];
}

const ALERT_FIELDS = ["id", "type", "name", "projects", "status", "trigger", "notify", "environment", "lastTriggered", "lastTriggeredKnown", "openIssue", "frequencyMinutes", "api"];

export const tool = itemTool({
  name: "list-alerts",
  category: "projects",
  summary: "List issue and metric alerts in words, and projects without alerts",
  flags: {
    ...PROJECT_SCOPE_FLAGS,
    type: choice(ALERT_TYPES, "all", { placeholder: "KIND", help: "issue, metric or all" }),
  },
  fields: ["org", "projects", "projectFrom", "type", "alerts", "projectsWithoutAlerts", "projectsWithOnlyInactiveAlerts", "sources", "notes"],
  // --ndjson: one alert per line; the projects without alerts are in the --json document.
  records: { key: "alerts", fields: ALERT_FIELDS },
  examples: [
    { args: "--all-projects", about: "every alert by project, and the projects that have none" },
    { args: "--project api-backend", about: "what would page the on-call for one project" },
    { args: "--type metric --ndjson", about: "metric alerts, one JSON record per line" },
  ],
  scopes: ALERT_SCOPES,
  api: [
    "GET /api/0/organizations/{org}/workflows/?project={project}",
    "GET /api/0/organizations/{org}/detectors/?project={project}",
    "GET /api/0/organizations/{org}/detectors/?id={id}",
    "GET /api/0/organizations/{org}/projects/",
    "GET /api/0/organizations/{org}/teams/?detailed=0",
    "GET /api/0/organizations/{org}/members/ (names user IDs; needs member:read, else IDs are shown)",
    "legacy: GET /api/0/projects/{org}/{project}/rules/",
    "legacy: GET /api/0/organizations/{org}/alert-rules/",
  ],
  parse({ flags }) {
    return { scope: projectScopeOf(flags), type: flags.type };
  },
  async run(input, ctx): Promise<AlertList> {
    const org = await ctx.api.org();
    const scope = resolveProjectScope(input.scope, ctx.config);
    const got = await gatherAlerts(ctx.api, org, scope.projects, input.type);
    for (const n of got.notes) ctx.warn(n);
    const byProject = new Map<string, AlertRecord[]>();
    for (const a of got.alerts) for (const slug of a.projects) byProject.set(slug, [...(byProject.get(slug) ?? []), a]);
    return {
      org,
      projects: scope.projects,
      projectFrom: scope.defaultedFrom ?? null,
      type: input.type,
      alerts: got.alerts,
      projectsWithoutAlerts: got.inScope.filter((s) => !byProject.has(s)),
      projectsWithOnlyInactiveAlerts: got.inScope.filter((s) => byProject.get(s)?.every((a) => a.status !== "enabled")),
      sources: got.sources,
      notes: got.notes,
    };
  },
  render(result, ctx) {
    // The scope again, for suggested commands: --all-projects only when it overrode a configured project.
    const scope: ProjectScope = result.projects.length
      ? { projects: result.projects, ...(result.projectFrom ? { defaultedFrom: result.projectFrom } : {}) }
      : { projects: [], widened: ctx.config.project !== undefined };
    // Names, triggers and targets are server text: each printed line is cleaned whole.
    return renderAlerts(result, scope, ctx.now).map(cleanText).join("\n");
  },
});

function firedLabel(a: AlertRecord, now: number): string {
  if (a.openIssue) return `firing now (${a.openIssue})`;
  if (a.lastTriggered) return `fired ${relativeTime(a.lastTriggered, now)}`;
  return a.lastTriggeredKnown ? "never fired" : "last fired unknown";
}

function alertLines(a: AlertRecord, showProjects: boolean, now: number): string[] {
  // Enabled is the norm, so only the exceptions are named; the environment is said only when the alert has one.
  const facts = [
    a.status === "enabled" ? "" : a.status.toUpperCase(),
    a.environment ?? "",
    firedLabel(a, now),
    showProjects && a.projects.length > 1 ? `also ${a.projects.slice(1).join(", ")}` : "",
  ].filter(Boolean);
  const notify = a.notify.length ? mergeNotifyLabels(a.notify).join(", ") : "nobody is notified";
  return [`  ${a.type} ${truncate(a.name, NAME_WIDTH)} (${facts.join("; ")})`, `    ${a.trigger} -> ${notify}`];
}

/** "project api-backend", "projects a, b", "project web-frontend (from SENTRY_PROJECT; --all-projects for all)", "organization acme". */
function scopeWords(r: AlertList, scope: ProjectScope): string {
  if (r.projects.length === 0) return `organization ${r.org}`;
  return `${r.projects.length === 1 ? "project" : "projects"} ${scopeLabel(scope)}`;
}

function renderAlerts(r: AlertList, scopeOfRun: ProjectScope, now: number): string[] {
  const kinds = r.type === "all" ? "issue and metric alerts" : `${r.type} alerts`;
  const single = r.projects.length === 1 ? r.projects[0] : undefined;
  const scope = scopeWords(r, scopeOfRun);
  const legacy = [r.sources.issue, r.sources.metric].some((s) => s.startsWith("legacy")) ? " (partly from Sentry's legacy alert API)" : "";
  const lines: string[] = [];
  if (r.alerts.length === 0) {
    // "Nothing notifies" is only true when every kind was looked at: a project without metric alerts may
    // still page someone through an issue alert.
    const where = single ? `on ${scope.replace(/^project /, "")}` : `in ${scope}`;
    if (r.type === "all") lines.push(single ? `No alerts ${where}: nothing notifies anyone about it.` : `No alerts ${where}.`);
    else lines.push(`No ${kinds} ${where}; every kind of alert: ${commandLine("list-alerts", ["--type", "all", ...scopeArgs(scopeOfRun)])}`);
  } else {
    const projectCount = new Set(r.alerts.flatMap((a) => a.projects)).size;
    const issues = r.alerts.filter((a) => a.type === "issue").length;
    const split = r.type === "all" ? ` (${issues} issue, ${r.alerts.length - issues} metric)` : "";
    const noun = r.type === "all" ? "alert" : `${r.type} alert`;
    lines.push(`${plural(r.alerts.length, noun)}${split} in ${scope}${single ? "" : ` on ${plural(projectCount, "project")}`}${legacy}:`);
    let current: string | undefined;
    for (const a of r.alerts) {
      const home = a.projects[0] ?? "";
      if (!single && home && home !== current) {
        current = home;
        const own = r.alerts.filter((x) => x.projects[0] === home);
        const ownIssues = own.filter((x) => x.type === "issue").length;
        lines.push(`${home}: ${[ownIssues ? `${ownIssues} issue` : "", own.length - ownIssues ? `${own.length - ownIssues} metric` : ""].filter(Boolean).join(", ")}`);
      }
      if (!home && current !== "") {
        current = "";
        lines.push("Not connected to any project (they never fire):");
      }
      lines.push(...alertLines(a, !single, now));
    }
  }
  if (!single) {
    const none = r.projectsWithoutAlerts;
    const what = r.type === "all" ? "alerts" : kinds;
    lines.push(none.length ? `No ${what}: ${listWithMore(none, MAX_NAMES_SHOWN)}` : `Every project has ${what}.`);
    if (r.projectsWithOnlyInactiveAlerts.length) {
      lines.push(`Only disabled or snoozed alerts: ${listWithMore(r.projectsWithOnlyInactiveAlerts, MAX_NAMES_SHOWN)}`);
    }
  }
  for (const kind of ["issue", "metric"] as const) {
    const source = r.sources[kind];
    if (source.includes("410")) lines.push(`Note: ${kind} alerts are missing: the legacy endpoint answered 410 (brownout); try again later.`);
    else if (source.startsWith("unavailable")) lines.push(`Note: ${kind} alerts are missing: this server has no API for them (404).`);
  }
  return lines;
}

runIfMain(tool, import.meta.url);
