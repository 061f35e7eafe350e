// list-alerts: the issue and metric alerts guarding one project or every project of the organization,
// each with its trigger in words and who is notified through what, and which projects have no alerts at all.

import {
  issueAlertFromLegacyRule,
  issueAlertFromWorkflow,
  metricAlertFromDetector,
  metricAlertFromLegacyRule,
  type AlertRecord,
  type Directory,
  type RawDetector,
  type RawLegacyMetricRule,
  type RawLegacyRule,
  type RawWorkflow,
} from "./lib/alerts.js";
import type { ErrorContext } from "./lib/http.js";
import { AuthError, CliError, NotFoundError, UsageError } from "./lib/errors.js";
import { mapLimit } from "./lib/concurrency.js";
import { listWithMore, plural, relativeTime, truncate, unique } from "./lib/output.js";
import { defineTool, runIfMain, type ToolContext } from "./lib/tool.js";
import { apiPath, type Query } from "./lib/urls.js";
import { parseChoice, parseSlug } from "./lib/validate.js";

/** Legacy issue rules are per project: this many projects are asked at once. */
const FANOUT_CONCURRENCY = 4;
/** Detector IDs per lookup request, so the query string stays well under URL limits. */
const DETECTOR_IDS_PER_REQUEST = 50;
const MAX_NAMES_SHOWN = 12;
const NAME_WIDTH = 70;
const ALERT_SCOPES = "alerts:read or org:read";

type AlertType = "issue" | "metric" | "all";
const ALERT_TYPES: AlertType[] = ["issue", "metric", "all"];

/** Where one kind of alert was read from, or why it could not be. */
type Source = "workflows" | "detectors" | "legacy rules" | "legacy alert-rules" | "unavailable (legacy API gone, 410)" | "not requested";

export interface AlertList {
  org: string;
  /** The project asked for, or null for the whole organization. */
  project: string | null;
  type: AlertType;
  alerts: AlertRecord[];
  /** Projects with no alert of the requested type at all; a disabled or snoozed alert still counts as one. */
  projectsWithoutAlerts: string[];
  /** Projects whose alerts are all disabled or snoozed. */
  projectsWithOnlyInactiveAlerts: string[];
  sources: { issue: Source; metric: Source };
  notes: string[];
}

interface Input {
  project?: string;
  type: AlertType;
}

export const tool = defineTool<Input, AlertList>({
  name: "list-alerts",
  category: "projects",
  summary: "List issue and metric alerts in words (trigger, who is notified) and projects without alerts",
  flags: {
    project: { type: "string", placeholder: "SLUG", help: "Only this project's alerts (default: every project of the organization)" },
    type: { type: "string", placeholder: "KIND", help: "issue, metric or all", default: "all" },
  },
  fields: ["org", "project", "type", "alerts", "projectsWithoutAlerts", "projectsWithOnlyInactiveAlerts", "sources", "notes"],
  examples: [
    { args: "", about: "every alert by project, and the projects that have none" },
    { args: "--project api-backend", about: "what would page the on-call for one project" },
    { args: "--type metric --json", about: "metric alerts as JSON" },
  ],
  scopes: "alerts:read or org:read",
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
    const type = parseChoice(flags.type as string | undefined, "type", ALERT_TYPES, "all");
    // Read from the flag, not the configuration: without --project the question is about every project.
    const project = typeof flags.project === "string" ? parseSlug(flags.project, "project") : undefined;
    return { project, type: type as AlertType };
  },
  async run(input, ctx) {
    const org = await ctx.api.org();
    return listAlerts(ctx, org, input);
  },
  render(result, ctx) {
    return renderAlerts(result, ctx.now);
  },
});

// ---------------------------------------------------------------------------------------------
// Fetching.

type Fetched<T> = { ok: true; items: T[] } | { ok: false; gone: boolean; error: NotFoundError };

/** Every page of a list endpoint; a 404 or 410 becomes a value so the caller can fall back. */
async function listAll<T>(ctx: ToolContext, path: string, query: Query, errorContext: ErrorContext, notes: string[]): Promise<Fetched<T>> {
  try {
    const items: T[] = [];
    let nextCursor: string | null = null;
    for await (const page of ctx.api.paginate<T>(path, { query, sizeParam: "per_page", limit: 0, all: true, errorContext })) {
      items.push(...page.items);
      nextCursor = page.nextCursor;
    }
    if (nextCursor) notes.push(`${path} has more pages than this tool follows; the list is incomplete`);
    return { ok: true, items };
  } catch (err) {
    if (err instanceof NotFoundError) return { ok: false, gone: isGone(err), error: err };
    throw err;
  }
}

/** The HTTP layer maps 404 and 410 both to NotFoundError; a 410 is Sentry's brownout of a deprecated endpoint. */
function isGone(err: NotFoundError): boolean {
  return err.status === 410;
}

/**
 * For a legacy endpoint only a 410 (brownout) is expected and survivable; a 404 there, after the current
 * endpoint answered 404 too, means a wrong organization or project, and is the error to show.
 */
function throwUnlessGone<T>(result: Fetched<T>): void {
  if (!result.ok && !result.gone) throw result.error;
}

/** Team IDs to slugs, for "email team #backend"; without it the ID is shown. */
async function tryGetTeams(ctx: ToolContext, org: string): Promise<Map<string, string>> {
  try {
    const teams = await listAll<{ id: string; slug: string }>(ctx, apiPath`/organizations/${org}/teams/`, { detailed: 0 }, { scopes: "org:read" }, []);
    return new Map(teams.ok ? teams.items.map((t) => [String(t.id), t.slug]) : []);
  } catch (err) {
    if (err instanceof AuthError) return new Map();
    throw err;
  }
}

interface MemberDirectory {
  /** User ID → email (or name when a member has no email). */
  users: Map<string, string>;
  /** Why the members could not be read, when they could not. */
  failure: string | null;
}

/**
 * User IDs to emails, for "email jane@acme.example" instead of "email user 1180709": an email action's
 * targetIdentifier is the user ID, which is members[].user.id (members[].id is the membership's own ID).
 * Optional: any failure (a token without member:read answers 403) leaves the IDs as they are.
 */
async function tryGetMembers(ctx: ToolContext, org: string): Promise<MemberDirectory> {
  interface RawMember {
    email?: string | null;
    name?: string | null;
    user?: { id: string; email?: string | null; name?: string | null } | null;
  }
  try {
    const members = await listAll<RawMember>(ctx, apiPath`/organizations/${org}/members/`, {}, { scopes: "member:read" }, []);
    if (!members.ok) return { users: new Map(), failure: `the members endpoint answered ${members.error.status ?? 404}` };
    const users = new Map<string, string>();
    // Pending invitations have no user yet, so nothing can target them.
    for (const m of members.items) {
      const label = m.user?.email || m.email || m.user?.name || m.name;
      if (m.user && label) users.set(String(m.user.id), label);
    }
    return { users, failure: null };
  } catch (err) {
    if (err instanceof CliError) return { users: new Map(), failure: err instanceof AuthError ? "the token lacks member:read" : err.message };
    throw err;
  }
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function listAlerts(ctx: ToolContext, org: string, input: Input): Promise<AlertList> {
  const notes: string[] = [];
  const projectQuery: Query = input.project ? { project: input.project } : {};
  const current: ErrorContext = {
    scopes: input.project
      ? `${ALERT_SCOPES}, and access to project ${input.project} (check the slug: node dist/list-projects.mjs)`
      : ALERT_SCOPES,
    notFoundHint: `check the organization slug ${JSON.stringify(org)} (SENTRY_ORG or --org)`,
  };
  // One round, in parallel: the current alert APIs, plus the names their IDs refer to. Every detector,
  // not only the metric ones: workflows name the projects' error and issue-stream detectors, and knowing
  // them from this list spares a second round of lookups by ID (each project has two or three detectors).
  const [projects, teams, members, workflows, detectors] = await Promise.all([
    input.project ? Promise.resolve(null) : listProjects(ctx, org),
    tryGetTeams(ctx, org),
    tryGetMembers(ctx, org),
    listAll<RawWorkflow>(ctx, apiPath`/organizations/${org}/workflows/`, projectQuery, current, notes),
    listAll<RawDetector>(ctx, apiPath`/organizations/${org}/detectors/`, projectQuery, current, notes),
  ]);
  const projectById = new Map((projects ?? []).map((p) => [String(p.id), p.slug]));
  const unnamedUsers = new Set<string>();
  const dir: Directory = {
    teamSlug: (id) => teams.get(String(id)),
    projectSlug: (id) => projectById.get(String(id)) ?? input.project,
    userLabel: (id) => {
      const label = members.users.get(String(id));
      if (!label) unnamedUsers.add(String(id));
      return label;
    },
  };
  const wantIssue = input.type !== "metric";
  const wantMetric = input.type !== "issue";
  const alerts: AlertRecord[] = [];
  const sources: AlertList["sources"] = { issue: "not requested", metric: "not requested" };

  const metricDetectors = detectors.ok ? detectors.items.filter((d) => d.type === "metric_issue") : [];
  const known = new Map<string, KnownDetector>((detectors.ok ? detectors.items : []).map((d) => [String(d.id), { type: d.type, projectId: d.projectId }]));

  // Issue alerts: workflows connected to the projects' own (error, issue stream) detectors.
  if (wantIssue && workflows.ok) {
    sources.issue = "workflows";
    // Without --project the workflows' projects are only known through their detectors; without the
    // detector list, neither is which workflows merely notify for a metric alert. Detectors the list
    // did not hold (it failed, or stopped at the page cap) are looked up by ID.
    if (!input.project || !detectors.ok) await lookUpDetectors(ctx, org, workflows.items, known, current, notes);
    const isMetric = (id: string) => known.get(id)?.type === "metric_issue";
    for (const w of workflows.items) {
      const ids = (w.detectorIds ?? []).map(String);
      // Workflows connected to no monitor are organization-level, not the project's. Sentry leaves them out of
      // a project-filtered listing (organization_workflow_index.py); older servers listed them.
      if (ids.length === 0 && input.project) continue;
      // Workflows connected only to metric detectors are how those metric alerts notify; they are shown with them.
      if (ids.length > 0 && ids.every(isMetric)) continue;
      const slugs = input.project
        ? [input.project]
        : unique(
            ids
              .filter((id) => !isMetric(id))
              .flatMap((id) => {
                const pid = known.get(id)?.projectId;
                return pid ? [dir.projectSlug(String(pid)) ?? `project ${pid}`] : [];
              }),
          );
      alerts.push(issueAlertFromWorkflow(w, slugs, dir));
    }
  } else if (wantIssue) {
    notes.push("the workflows API is missing on this server (404): issue alerts come from the legacy rules API");
    const slugs = input.project ? [input.project] : (projects ?? []).map((p) => p.slug);
    const legacy: ErrorContext = {
      scopes: "alerts:read or project:read",
      notFoundHint: input.project ? `no project ${JSON.stringify(input.project)} in ${org}; list them with: node dist/list-projects.mjs` : current.notFoundHint,
    };
    const perProject = await mapLimit(slugs, FANOUT_CONCURRENCY, async (slug) => ({
      slug,
      rules: await listAll<RawLegacyRule>(ctx, apiPath`/projects/${org}/${slug}/rules/`, {}, legacy, notes),
    }));
    for (const p of perProject) throwUnlessGone(p.rules);
    if (perProject.some((p) => !p.rules.ok)) {
      sources.issue = "unavailable (legacy API gone, 410)";
    } else {
      sources.issue = "legacy rules";
      for (const p of perProject) if (p.rules.ok) for (const r of p.rules.items) alerts.push(issueAlertFromLegacyRule(r, p.slug, dir));
    }
  }

  // Metric alerts: detectors of type metric_issue, notified through the workflows connected to them.
  if (wantMetric && detectors.ok) {
    sources.metric = "detectors";
    const allWorkflows = workflows.ok ? workflows.items : [];
    for (const d of metricDetectors) {
      const connected = allWorkflows.filter((w) => (w.detectorIds ?? []).map(String).includes(String(d.id)) || (d.workflowIds ?? []).map(String).includes(String(w.id)));
      alerts.push(metricAlertFromDetector(d, connected, dir));
    }
  } else if (wantMetric) {
    notes.push("the detectors API is missing on this server (404): metric alerts come from the legacy alert-rules API");
    const rules = await listAll<RawLegacyMetricRule>(ctx, apiPath`/organizations/${org}/alert-rules/`, {}, { scopes: ALERT_SCOPES, notFoundHint: current.notFoundHint }, notes);
    throwUnlessGone(rules);
    if (rules.ok) {
      sources.metric = "legacy alert-rules";
      for (const r of rules.items) {
        if (input.project && !(r.projects ?? []).includes(input.project)) continue;
        alerts.push(metricAlertFromLegacyRule(r, dir));
      }
    } else {
      sources.metric = "unavailable (legacy API gone, 410)";
    }
  }

  const unavailable = (["issue", "metric"] as const).filter((k) => sources[k].startsWith("unavailable"));
  const requested = (["issue", "metric"] as const).filter((k) => sources[k] !== "not requested");
  if (unavailable.length > 0 && unavailable.length === requested.length) {
    throw new NotFoundError(
      "no alert API answered: this server has no workflows/detectors API and the legacy alert endpoints answer 410 Gone",
      "Sentry is browning out its deprecated alert endpoints; try again in a few minutes",
    );
  }
  for (const kind of unavailable) {
    notes.push(`${kind} alerts could not be read: the legacy endpoint answered 410 (a Sentry brownout); try again later`);
  }
  if (unnamedUsers.size > 0 && members.failure) {
    notes.push(`users are shown by ID: the organization's members could not be read (${members.failure})`);
  }
  for (const n of notes) ctx.warn(n);

  alerts.sort(compareAlerts);
  const allSlugs = input.project ? [input.project] : (projects ?? []).map((p) => p.slug).sort();
  const byProject = new Map<string, AlertRecord[]>();
  for (const a of alerts) for (const slug of a.projects) byProject.set(slug, [...(byProject.get(slug) ?? []), a]);
  return {
    org,
    project: input.project ?? null,
    type: input.type,
    alerts,
    projectsWithoutAlerts: allSlugs.filter((s) => !byProject.has(s)),
    projectsWithOnlyInactiveAlerts: allSlugs.filter((s) => byProject.has(s) && byProject.get(s)!.every((a) => a.status !== "enabled")),
    sources,
    notes,
  };
}

async function listProjects(ctx: ToolContext, org: string): Promise<Array<{ id: string; slug: string }>> {
  const res = await listAll<{ id: string; slug: string }>(ctx, apiPath`/organizations/${org}/projects/`, {}, { scopes: "org:read" }, []);
  if (!res.ok) throw new NotFoundError(`organization ${org} not found`, "check SENTRY_ORG or --org; list them with a token that can see it");
  return res.items;
}

interface KnownDetector {
  type: string;
  projectId: string | null;
}

/**
 * Workflows name their detectors, not their projects. Detectors missing from the first round's list
 * are looked up by ID, in one more round.
 */
async function lookUpDetectors(
  ctx: ToolContext,
  org: string,
  workflows: RawWorkflow[],
  known: Map<string, KnownDetector>,
  errorContext: ErrorContext,
  notes: string[],
): Promise<void> {
  const unknown = unique(workflows.flatMap((w) => (w.detectorIds ?? []).map(String)).filter((id) => !known.has(id)));
  if (unknown.length === 0) return;
  const pages = await Promise.all(
    chunks(unknown, DETECTOR_IDS_PER_REQUEST).map((ids) => listAll<RawDetector>(ctx, apiPath`/organizations/${org}/detectors/`, { id: ids }, errorContext, notes)),
  );
  for (const page of pages) if (page.ok) for (const d of page.items) known.set(String(d.id), { type: d.type, projectId: d.projectId });
}


/** By project (alerts connected to none last), issue before metric, then by name. */
function compareAlerts(a: AlertRecord, b: AlertRecord): number {
  const pa = a.projects[0];
  const pb = b.projects[0];
  if (pa === undefined || pb === undefined) return pa === pb ? a.name.localeCompare(b.name) : pa === undefined ? 1 : -1;
  return pa.localeCompare(pb) || a.type.localeCompare(b.type) || a.name.localeCompare(b.name);
}

// ---------------------------------------------------------------------------------------------
// Rendering.

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

/** "critical: email team #x", "warning: email team #x" → "critical+warning: email team #x". */
function mergeNotifyLabels(notify: string[]): string[] {
  const labels = new Map<string, string[]>();
  for (const n of notify) {
    const m = /^(critical|warning): (.*)$/.exec(n);
    const [label, target] = m ? [m[1]!, m[2]!] : ["", n];
    labels.set(target, [...(labels.get(target) ?? []), label]);
  }
  return [...labels].map(([target, ls]) => (ls.some(Boolean) ? `${ls.filter(Boolean).join("+")}: ${target}` : target));
}

function renderAlerts(r: AlertList, now: number): string {
  const kinds = r.type === "all" ? "issue and metric alerts" : `${r.type} alerts`;
  const scope = r.project ? `project ${r.project}` : `organization ${r.org}`;
  const legacy = [r.sources.issue, r.sources.metric].some((s) => s.startsWith("legacy")) ? " (partly from Sentry's legacy alert API)" : "";
  const lines: string[] = [];
  if (r.alerts.length === 0) {
    // "Nothing notifies" is only true when every kind was looked at: a project without metric alerts may
    // still page someone through an issue alert.
    if (r.type === "all") lines.push(r.project ? `No alerts on ${r.project}: nothing notifies anyone about it.` : `No alerts in ${scope}.`);
    else lines.push(`No ${kinds} ${r.project ? `on ${r.project}` : `in ${scope}`}; every kind of alert: --type all`);
  } else {
    const projectCount = new Set(r.alerts.flatMap((a) => a.projects)).size;
    const issues = r.alerts.filter((a) => a.type === "issue").length;
    const split = r.type === "all" ? ` (${issues} issue, ${r.alerts.length - issues} metric)` : "";
    const noun = r.type === "all" ? "alert" : `${r.type} alert`;
    lines.push(`${plural(r.alerts.length, noun)}${split} in ${scope}${r.project ? "" : ` on ${plural(projectCount, "project")}`}${legacy}:`);
    let current: string | undefined;
    for (const a of r.alerts) {
      const home = a.projects[0] ?? "";
      if (!r.project && home && home !== current) {
        current = home;
        const own = r.alerts.filter((x) => x.projects[0] === home);
        const issues = own.filter((x) => x.type === "issue").length;
        lines.push(`${home}: ${[issues ? `${issues} issue` : "", own.length - issues ? `${own.length - issues} metric` : ""].filter(Boolean).join(", ")}`);
      }
      if (!home && current !== "") {
        current = "";
        lines.push("Not connected to any project (they never fire):");
      }
      lines.push(...alertLines(a, !r.project, now));
    }
  }
  if (!r.project) {
    const none = r.projectsWithoutAlerts;
    const what = r.type === "all" ? "alerts" : kinds;
    lines.push(none.length ? `No ${what}: ${listWithMore(none, MAX_NAMES_SHOWN)}` : `Every project has ${what}.`);
    if (r.projectsWithOnlyInactiveAlerts.length) {
      lines.push(`Only disabled or snoozed alerts: ${listWithMore(r.projectsWithOnlyInactiveAlerts, MAX_NAMES_SHOWN)}`);
    }
  }
  for (const kind of ["issue", "metric"] as const) {
    if (r.sources[kind].startsWith("unavailable")) lines.push(`Note: ${kind} alerts are missing: the legacy endpoint answered 410 (brownout); try again later.`);
  }
  return lines.join("\n");
}

runIfMain(tool, import.meta.url);
