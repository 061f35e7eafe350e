// list-issues: the organization's issues matching a Sentry search, one line each (short ID, events and
// users, last seen, trend over the period, what sets it apart, title and culprit), so an agent sees what is breaking.

import { AuthError, NotFoundError, UsageError } from "./lib/errors.js";
import { assigneeLabel, eventCount, READ_SCOPE, type RawIssue } from "./lib/issues.js";
import { compactNumber, relativeTime, truncate } from "./lib/output.js";
import { defineListTool, runIfMain, type ListSummary, type ToolContext } from "./lib/tool.js";
import { apiPath } from "./lib/urls.js";
import { formatDuration, parseDuration, parseSlug, toStatsPeriod } from "./lib/validate.js";

const DEFAULT_QUERY = "is:unresolved";
const DEFAULT_PERIOD = "14d";
/** Sentry keeps events 90 days on its longest plans; a longer statsPeriod is refused. */
const MAX_PERIOD_S = 90 * 86400;
const DAY_S = 86400;
const SORTS = { date: "last seen", new: "first seen", freq: "events", user: "users" } as const;
type Sort = keyof typeof SORTS;
/** Title and culprit together: the budget is 5% of the raw bytes, about 100 bytes a line. */
const TITLE_WIDTH = 64;
const MIN_TITLE = 46;
const MIN_CULPRIT = 12;
/** Share of a shortened title kept from its start; the rest comes from its end. */
const TITLE_HEAD_SHARE = 0.55;
/** The head ends at a word boundary when that keeps 85% of it; the tail starts at one within its first half. */
const WORD_CUT_SLACK = 0.85;
const TAIL_CUT_SLACK = 0.5;
/** A change smaller than this (either way) reads as flat: noise, not a trend. */
const FLAT_RATIO = 0.1;
/** Sentry's "all projects the caller can access" value for `project` (ENDPOINTS.md §1). */
const ALL_ACCESSIBLE_PROJECTS = "-1";
/** Substatuses worth a note on the line; "ongoing" is the default and "new" shows in the trend. */
const NOTABLE_SUBSTATUS = new Set(["regressed", "escalating"]);

interface Input {
  query: string;
  projects: string[];
  allProjects: boolean;
  environments: string[];
  periodSeconds: number;
  /** The period as the user wrote it, for the header. */
  periodLabel: string;
  sort: Sort;
}

interface Summary extends ListSummary {
  query: string;
  scope: string;
  /** The project came from configuration, not from flags: --all-projects may find more. */
  configuredScope: boolean;
  period: string;
  sort: Sort;
  environments: string[];
}

export const tool = defineListTool<Input, Summary>({
  name: "list-issues",
  category: "errors",
  summary: "List issues matching a Sentry search: events, users, last seen, trend, title",
  flags: {
    query: { type: "string", placeholder: "SEARCH", help: "Sentry search ('' for all statuses), e.g. 'is:unresolved level:error'", default: DEFAULT_QUERY },
    project: { type: "string", multiple: true, placeholder: "SLUG", help: "Only this project (repeatable; default SENTRY_PROJECT, else all projects)" },
    "all-projects": { type: "boolean", help: "Search every project, even when SENTRY_PROJECT is set" },
    environment: { type: "string", multiple: true, placeholder: "NAME", help: "Only this environment (repeatable), e.g. production" },
    period: { type: "string", placeholder: "DURATION", help: "Issues seen within this time, e.g. 1h, 24h, 14d (max 90d)", default: DEFAULT_PERIOD },
    sort: { type: "string", placeholder: "ORDER", help: "date (last seen), new (first seen), freq (events) or user (users)", default: "date" },
  },
  defaultLimit: 25,
  fields: ["id", "shortId", "title", "culprit", "level", "status", "substatus", "priority", "count", "userCount", "firstSeen", "lastSeen", "project", "assignedTo", "permalink", "trend"],
  examples: [
    { args: "", about: "unresolved issues of the configured project, latest first" },
    { args: "--query 'is:unresolved level:error' --environment production --sort freq --period 24h", about: "most frequent production errors today" },
    { args: "--query 'is:unresolved firstSeen:-24h' --sort new --all-projects", about: "new issues in the last day, every project" },
    { args: "--query 'assigned:me'", about: "issues assigned to me" },
    { args: "--query 'is:regressed' --json", about: "regressions as JSON" },
  ],
  scopes: READ_SCOPE,
  api: ["GET /api/0/organizations/{org}/issues/?query=…&project=…&statsPeriod=…&groupStatsPeriod=24h|14d&sort=…&limit=…"],
  parse({ flags }) {
    const projects = ((flags.project as string[] | undefined) ?? []).map((p) => parseSlug(p, "project"));
    const allProjects = flags["all-projects"] === true;
    if (allProjects && projects.length) throw new UsageError("--all-projects and --project do not go together");
    const sort = (flags.sort as string | undefined) ?? "date";
    if (!(sort in SORTS)) throw new UsageError(`invalid --sort ${JSON.stringify(sort)}`, `use one of: ${Object.keys(SORTS).join(", ")}`);
    const periodLabel = ((flags.period as string | undefined) ?? DEFAULT_PERIOD).trim();
    const periodSeconds = parseDuration(periodLabel, "--period");
    if (periodSeconds > MAX_PERIOD_S) throw new UsageError(`--period ${formatDuration(periodSeconds)} is longer than Sentry keeps events (90d)`);
    const environments = ((flags.environment as string[] | undefined) ?? []).map((e) => e.trim());
    if (environments.some((e) => e === "" || /[\r\n/]/.test(e))) throw new UsageError("invalid --environment: use the name as Sentry shows it, e.g. production");
    return { query: ((flags.query as string | undefined) ?? DEFAULT_QUERY).trim(), projects, allProjects, environments, periodSeconds, periodLabel, sort: sort as Sort };
  },
  async run(input, ctx) {
    const org = await ctx.api.org();
    const { projects, scope, configuredScope } = projectScope(input, ctx);
    const period = toStatsPeriod(input.periodSeconds);
    // The stats timeline only comes in 24h (hourly) or 14d (daily) buckets (groupStatsPeriod, ENDPOINTS.md §1).
    const statsKey = input.periodSeconds <= DAY_S ? "24h" : "14d";
    const path = apiPath`/organizations/${org}/issues/`;
    const pages = async function* (projectParam: string[]) {
      yield* ctx.api.paginate<RawIssue>(path, {
        query: { query: input.query, project: projectParam, environment: input.environments, statsPeriod: period, groupStatsPeriod: statsKey, sort: input.sort },
        sizeParam: "limit",
        limit: ctx.list.limit,
        cursor: ctx.list.cursor,
        all: ctx.list.all,
        errorContext: { scopes: READ_SCOPE, notFoundHint: `check the organization slug ${JSON.stringify(org)} (SENTRY_ORG or --org)` },
      });
    };

    let nextCursor: string | null = null;
    let total: number | undefined;
    let fetched = 0;
    const consume = async (projectParam: string[]) => {
      for await (const page of pages(projectParam)) {
        ctx.emit(page.items.map((issue) => issueRecord(issue, input.periodSeconds, statsKey, ctx.now)));
        fetched += page.items.length;
        nextCursor = page.nextCursor;
        total ??= page.hits;
        ctx.progress(`fetched ${fetched} issues…`);
      }
    };
    const named = projects.filter((p) => p !== ALL_ACCESSIBLE_PROJECTS);
    try {
      await consume(projects);
    } catch (err) {
      if (named.length && err instanceof AuthError && /\(403\)/.test(err.message)) {
        // Sentry answers an unknown or inaccessible project in `project` with 403, not 404 (get_projects).
        throw new AuthError(err.message, `check the project slug ${named.join(", ")} (list them with node dist/list-projects.mjs); the token also needs ${READ_SCOPE}`);
      }
      if (!named.length || !wantsNumericProjects(err)) throw err;
      // Servers older than schema 2026-06-12 take only numeric project IDs in `project` (ENDPOINTS.md §1):
      // trying slugs first saves the project listing on every current server.
      ctx.warn("this Sentry wants numeric project IDs; looking them up");
      await consume(await projectIds(ctx, org, projects));
    }
    return { nextCursor, total, query: input.query, scope, configuredScope, period: input.periodLabel, sort: input.sort, environments: input.environments };
  },
  render(records, s, ctx) {
    const where = `${s.query ? `matching ${JSON.stringify(s.query)}` : "of any status"} in ${s.scope}${s.environments.length ? ` (${s.environments.join(", ")})` : ""}`;
    if (records.length === 0) {
      const tries = [s.configuredScope ? "--all-projects" : null, s.query === DEFAULT_QUERY ? "--query '' for all statuses" : "a broader --query", "a longer --period"];
      return `No issues ${where} over ${s.period}. Try ${tries.filter(Boolean).join(", ")}.`;
    }
    // Kept lean for the 5% budget: the short ID names the project, level and status show only
    // when they say something beyond "an unresolved error", and the header explains the rest once.
    const rows = records.map((r) => [
      String(r.shortId),
      `${compactNumber(r.count as number)}/${compactNumber(r.userCount as number)}`,
      relativeTime(r.lastSeen as string, ctx.now).replace(/ ago$/, ""),
      String(r.trend),
      `${notes(r)}${titleWithCulprit(r)}`,
    ]);
    const total = s.total !== undefined ? ` of ${s.total}` : "";
    const lines = [`${records.length}${total} issues ${where} over ${s.period}, by ${SORTS[s.sort]} (events/users, last seen, trend, [level, status] title (culprit)):`];
    // Single spaces, no padding: nothing but the title contains a space, and padding costs a tenth of the budget.
    lines.push(...rows.map((row) => row.join(" ")));
    if (s.nextCursor) lines.push(`More: --cursor ${s.nextCursor}`);
    return lines.join("\n");
  },
});

/** Which projects to search, and how the header names them. */
function projectScope(input: Input, ctx: ToolContext): { projects: string[]; scope: string; configuredScope: boolean } {
  if (input.projects.length) return { projects: input.projects, scope: input.projects.join(", "), configuredScope: false };
  if (!input.allProjects && ctx.config.project) {
    return { projects: [ctx.config.project], scope: `${ctx.config.project} (from ${ctx.config.projectSource})`, configuredScope: true };
  }
  // Without `project`, Sentry searches only the caller's member projects; -1 means every accessible one.
  return { projects: [ALL_ACCESSIBLE_PROJECTS], scope: "all projects", configuredScope: false };
}

function wantsNumericProjects(err: unknown): boolean {
  return err instanceof UsageError && /project parameter|must be numbers/i.test(err.message);
}

async function projectIds(ctx: ToolContext, org: string, slugs: string[]): Promise<string[]> {
  const bySlug = new Map<string, string>();
  for await (const page of ctx.api.paginate<{ id: string; slug: string }>(apiPath`/organizations/${org}/projects/`, {
    sizeParam: "per_page",
    limit: 0,
    all: true,
    errorContext: { scopes: "org:read" },
  })) {
    for (const p of page.items) bySlug.set(p.slug, p.id);
  }
  const missing = slugs.filter((s) => !bySlug.has(s));
  if (missing.length) {
    throw new NotFoundError(`no project ${missing.join(", ")} in organization ${org}`, "list them with: node dist/list-projects.mjs");
  }
  return slugs.map((s) => bySlug.get(s)!);
}

function issueRecord(issue: RawIssue, periodSeconds: number, statsKey: string, now: number): Record<string, unknown> {
  return {
    id: issue.id,
    shortId: issue.shortId,
    title: issue.title,
    culprit: issue.culprit || null,
    level: issue.level,
    status: issue.status,
    substatus: issue.substatus ?? null,
    priority: issue.priority ?? null,
    count: eventCount(issue.count),
    userCount: issue.userCount,
    firstSeen: issue.firstSeen,
    lastSeen: issue.lastSeen,
    project: issue.project?.slug,
    assignedTo: assigneeLabel(issue.assignedTo),
    permalink: issue.permalink,
    trend: trend(issue, periodSeconds, statsKey, now),
  };
}

/**
 * The change over the period, from the issue's stats timeline: events in the second half of the window
 * against the first. "new" when the issue was first seen inside the period. Buckets are hourly (24h) or
 * daily (14d); a period longer than the timeline is measured over the timeline.
 */
export function trend(issue: RawIssue, periodSeconds: number, statsKey: string, now: number): string {
  const firstSeen = issue.firstSeen ? Date.parse(issue.firstSeen) : NaN;
  if (!Number.isNaN(firstSeen) && firstSeen >= now - periodSeconds * 1000) return "new";
  const series = issue.stats?.[statsKey];
  if (!Array.isArray(series) || series.length < 2) return "-";
  const bucketSeconds = statsKey === "24h" ? 3600 : DAY_S;
  const wanted = Math.min(series.length, Math.max(2, Math.ceil(periodSeconds / bucketSeconds)));
  const window = series.slice(-wanted).map(([, n]) => Number(n) || 0);
  const half = Math.floor(window.length / 2);
  // With an odd number of buckets the middle one belongs to neither half, so both halves span equal time.
  const before = window.slice(0, half).reduce((a, b) => a + b, 0);
  const after = window.slice(window.length - half).reduce((a, b) => a + b, 0);
  if (before === 0 && after === 0) return "quiet";
  if (before === 0) return "from 0";
  const ratio = (after - before) / before;
  if (Math.abs(ratio) < FLAT_RATIO) return "flat";
  return `${ratio > 0 ? "+" : ""}${Math.round(ratio * 100)}%`;
}

/** "[fatal, escalating] " for what sets an issue apart from an ongoing unresolved error; "" otherwise. */
function notes(r: Record<string, unknown>): string {
  const out: string[] = [];
  if (r.level !== "error") out.push(String(r.level));
  const sub = r.substatus as string | null;
  if (r.status !== "unresolved") out.push(String(r.status));
  else if (sub && NOTABLE_SUBSTATUS.has(sub)) out.push(sub);
  const project = String(r.project ?? "");
  // Short IDs start with the project slug, unless the project was renamed after the issue was created.
  if (project && !String(r.shortId).startsWith(`${project.toUpperCase()}-`)) out.push(project);
  return out.length ? `[${out.join(", ")}] ` : "";
}

/** The title, then the culprit in parentheses, shortened together to TITLE_WIDTH (the title keeps at least MIN_TITLE). */
function titleWithCulprit(r: Record<string, unknown>): string {
  const fullTitle = String(r.title ?? "").replace(/\s+/g, " ").trim();
  const culprit = r.culprit ? String(r.culprit) : "";
  if (!culprit || fullTitle.includes(culprit)) return shortenMiddle(fullTitle, TITLE_WIDTH);
  const title = shortenMiddle(fullTitle, Math.max(MIN_TITLE, TITLE_WIDTH - culprit.length - 3));
  return `${title} (${truncate(culprit, Math.max(MIN_CULPRIT, TITLE_WIDTH - title.length - 3))})`;
}

/**
 * Cuts the middle of a long title: its head names the error type and its tail the specifics
 * ("…(reading 'items')", "…has no attribute 'warehouse'"), both worth more than the words between.
 */
function shortenMiddle(text: string, width: number): string {
  if (text.length <= width) return text;
  const headLength = Math.ceil((width - 2) * TITLE_HEAD_SHARE);
  let head = text.slice(0, headLength);
  let tail = text.slice(text.length - (width - 2 - headLength));
  // Cut at word boundaries when one is near, so neither side ends in half a word.
  const headSpace = head.lastIndexOf(" ");
  if (headSpace >= headLength * WORD_CUT_SLACK) head = head.slice(0, headSpace);
  const tailSpace = tail.indexOf(" ");
  if (tailSpace >= 0 && tailSpace <= tail.length * TAIL_CUT_SLACK) tail = tail.slice(tailSpace + 1);
  return `${head.trimEnd()}… ${tail.trimStart()}`;
}

runIfMain(tool, import.meta.url);
