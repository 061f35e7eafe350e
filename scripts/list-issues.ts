// list-issues: the organization's issues matching a Sentry search, one line each (short ID, level, status,
// events and users, last seen, trend over the period, title and culprit), so an agent sees what is breaking.

import { choice, environments, period, text } from "./lib/flags.js";
import { issueSummary, READ_SCOPE, type RawIssue } from "./lib/issues.js";
import { DAILY, HOURLY, trend, type StatsTimeline } from "./lib/issue-trend.js";
import { compactNumber, relativeTime, truncate } from "./lib/output.js";
import { PROJECT_SCOPE_FLAGS, projectScopeOf, ProjectSelector, resolveProjectScope, scopeLabel, type ProjectScope } from "./lib/projects.js";
import { probeIssueSearch, searchIssues, type IssueSearch } from "./lib/sentry/issues.js";
import { listTool, runIfMain, type ListSummary } from "./lib/tool.js";
import { toStatsPeriod } from "./lib/validate.js";

const DEFAULT_QUERY = "is:unresolved";
const DEFAULT_PERIOD = "14d";
const SORT_NAMES = ["date", "new", "freq", "user"] as const;
type Sort = (typeof SORT_NAMES)[number];
const SORTS: Record<Sort, string> = { date: "last seen", new: "first seen", freq: "events", user: "users" };

/**
 * The budget is 5% of the raw bytes, about 105 bytes a line, most of it title. A title is cut only past
 * TITLE_WIDTH; its culprit joins it only within the narrower WITH_CULPRIT_WIDTH, shortened, else it is
 * dropped: the title says what broke, the culprit where, and issue-details has both whole.
 */
const TITLE_WIDTH = 68;
const WITH_CULPRIT_WIDTH = 60;
/** A culprit shorter than this says nothing ("/che…"): it is dropped instead. */
const MIN_CULPRIT = 10;
/** A cut title ends at a word boundary when one is this close to the cut, so it does not end in half a word. */
const WORD_CUT_SLACK = 0.9;

/** Sentry's levels, compactly: only "warning" is long enough to be worth shortening. */
const LEVEL_LABEL: Record<string, string> = { warning: "warn" };
/** `is:` terms and the status they imply (substatus terms imply unresolved; Sentry's "archived" is ignored). */
const STATUS_TERMS: Record<string, string> = {
  unresolved: "unresolved",
  resolved: "resolved",
  ignored: "ignored",
  archived: "ignored",
  regressed: "unresolved",
  escalating: "unresolved",
  new: "unresolved",
  ongoing: "unresolved",
};
/** Substatuses of unresolved issues worth a word even when the query implies "unresolved"; "ongoing" is the default. */
const NOTABLE_SUBSTATUS = new Set(["regressed", "escalating", "new"]);
/** How an ignored issue is ignored, in one token. */
const IGNORED_LABEL: Record<string, string> = {
  archived_until_escalating: "ignored-until-escalating",
  archived_until_condition_met: "ignored-until-condition",
  archived_forever: "ignored-forever",
};

interface Summary extends ListSummary {
  query: string;
  scope: ProjectScope;
  period: string;
  /** The span the trend compares over, when it is shorter than the period (a 90d search, 14 daily buckets). */
  trendSpan: string | null;
  sort: Sort;
  environments: string[];
}

export const tool = listTool({
  name: "list-issues",
  category: "errors",
  summary: "List issues matching a Sentry search: level, status, events, users, last seen, trend, title",
  flags: {
    query: text({ placeholder: "SEARCH", help: "Sentry search ('' for all statuses), e.g. 'is:unresolved level:error'", default: DEFAULT_QUERY }),
    ...PROJECT_SCOPE_FLAGS,
    environment: environments("Only this environment, e.g. production"),
    period: period(DEFAULT_PERIOD, "Issues seen within this time, e.g. 1h, 24h, 14d (max 90d)"),
    sort: choice(SORT_NAMES, "date", { help: "date (last seen), new (first seen), freq (events) or user (users)" }),
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
  parse: ({ flags }) => ({ ...flags, query: flags.query.trim(), scope: projectScopeOf(flags) }),
  async run(input, ctx): Promise<Summary> {
    const org = await ctx.api.org();
    const scope = resolveProjectScope(input.scope, ctx.config);
    const periodSeconds = input.period.seconds;
    const timeline = periodSeconds <= HOURLY.spanSeconds ? HOURLY : DAILY;
    const search = (project: string[]): IssueSearch => ({
      query: input.query,
      environment: input.environment,
      statsPeriod: input.period.statsPeriod,
      groupStatsPeriod: timeline.key,
      sort: input.sort,
      project,
    });

    let nextCursor: string | null = null;
    let total: number | undefined;
    let fetched = 0;
    const consume = async (project: string[]) => {
      for await (const page of searchIssues(ctx.api, org, search(project), ctx.list)) {
        ctx.emit(page.items.map((issue) => issueRecord(issue, periodSeconds, timeline, ctx.now)));
        fetched += page.items.length;
        nextCursor = page.nextCursor;
        total ??= page.hits;
        ctx.progress(`fetched ${fetched} issues…`);
      }
    };
    await new ProjectSelector(ctx.api, org, ctx.warn).send(scope.projects, consume, {
      scopes: READ_SCOPE,
      probe: (project) => probeIssueSearch(ctx.api, org, search(project)),
    });
    const trendSeconds = Math.min(periodSeconds, timeline.spanSeconds);
    return {
      nextCursor,
      total,
      query: input.query,
      scope,
      period: input.period.label,
      trendSpan: trendSeconds < periodSeconds ? toStatsPeriod(trendSeconds) : null,
      sort: input.sort,
      environments: input.environment,
    };
  },
  render(records, s, ctx) {
    const where = `${s.query ? `matching ${JSON.stringify(s.query)}` : "of any status"} in ${scopeLabel(s.scope)}${s.environments.length ? ` (${s.environments.join(", ")})` : ""}`;
    if (records.length === 0) {
      const tries = [s.scope.defaultedFrom ? "--all-projects" : null, s.query === DEFAULT_QUERY ? "--query '' for all statuses" : "a broader --query", "a longer --period"];
      return `No issues ${where} over ${s.period}. Try ${tries.filter(Boolean).join(", ")}.`;
    }
    const implied = impliedStatus(s.query);
    // Single spaces, no padding: only the title contains spaces, and padding would cost a tenth of the budget.
    // The status word, when there is one, is never a number, so the columns after it stay unambiguous.
    const rows = records.map((r) =>
      [
        String(r.shortId),
        LEVEL_LABEL[String(r.level)] ?? String(r.level),
        ...statusText(r, implied),
        `${compactNumber(r.count as number)}/${compactNumber(r.userCount as number)}`,
        lastSeenText(r.lastSeen as string | null, ctx.now),
        String(r.trend),
        ...projectNote(r),
        titleWithCulprit(String(r.title ?? ""), r.culprit ? String(r.culprit) : ""),
      ].join(" "),
    );
    const total = s.total !== undefined ? ` of ${s.total}` : "";
    const trendOver = s.trendSpan ? ` over the last ${s.trendSpan}` : "";
    // With one project searched the header names it; otherwise the short ID's prefix does, said once here.
    const id = s.scope.projects.length === 1 ? "" : "ID (prefix = project) ";
    // The status is left out where the query already says it and nothing else is worth saying.
    const status = implied ? "[status]" : "status";
    const columns = `${id}level ${status} events/users last-seen trend${trendOver} title (culprit)`;
    const lines = [`${records.length}${total} issues ${where} over ${s.period}, by ${SORTS[s.sort]}; ${columns}:`, ...rows];
    if (s.nextCursor) lines.push(`More: --cursor ${s.nextCursor}`);
    return lines.join("\n");
  },
});

function issueRecord(issue: RawIssue, periodSeconds: number, timeline: StatsTimeline, now: number): Record<string, unknown> {
  return { ...issueSummary(issue), trend: trend(issue, periodSeconds, timeline, now) };
}

/** The one status a query's `is:` terms pin down ("is:unresolved" → unresolved), or null when they do not. */
function impliedStatus(query: string): string | null {
  const statuses = new Set<string>();
  for (const m of query.matchAll(/(?:^|\s)(!?)is:(\w+)/gi)) {
    // A negation or an unknown term leaves the status open: every status may show up.
    const status = STATUS_TERMS[m[2]!.toLowerCase()];
    if (m[1] || !status) return null;
    statuses.add(status);
  }
  return statuses.size === 1 ? [...statuses][0]! : null;
}

/** ["regressed"], ["resolved"], ["ignored-forever"], or [] for an ongoing issue when the query says "unresolved". */
function statusText(r: Record<string, unknown>, implied: string | null): string[] {
  const status = String(r.status);
  const sub = (r.substatus as string | null) ?? "";
  if (status === "unresolved") {
    // Regressed, escalating and new imply unresolved, so one word says both.
    if (NOTABLE_SUBSTATUS.has(sub)) return [sub];
    return implied === "unresolved" ? [] : [status];
  }
  if (status === "ignored") return [IGNORED_LABEL[sub] ?? status];
  return implied === status ? [] : [status];
}

/** "5m", "3h", "12d", "now": one token, as the columns after it are found by position. */
function lastSeenText(iso: string | null, now: number): string {
  const text = relativeTime(iso, now);
  return text === "just now" ? "now" : text.replace(/ ago$/, "");
}

/** Short IDs start with the project slug, unless the project was renamed after the issue was created. */
function projectNote(r: Record<string, unknown>): string[] {
  const project = String(r.project ?? "");
  return project && !String(r.shortId).startsWith(`${project.toUpperCase()}-`) ? [`project:${project}`] : [];
}

/**
 * The title, then its culprit in parentheses when there is room. The title keeps its start, where the error
 * type and the message's key words are; when space is short the culprit is shortened, then dropped, first.
 */
function titleWithCulprit(rawTitle: string, culprit: string): string {
  const title = rawTitle.replace(/\s+/g, " ").trim();
  const room = WITH_CULPRIT_WIDTH - title.length - 3;
  if (!culprit || title.includes(culprit) || room < MIN_CULPRIT) return cutAtWord(title, TITLE_WIDTH);
  return `${title} (${truncate(culprit, room)})`;
}

/** Shortens text to `width` with an ellipsis, at a word boundary when one is near. */
function cutAtWord(text: string, width: number): string {
  if (text.length <= width) return text;
  const head = text.slice(0, width - 1);
  const space = head.lastIndexOf(" ");
  return `${(space >= head.length * WORD_CUT_SLACK ? head.slice(0, space) : head).trimEnd()}…`;
}

runIfMain(tool, import.meta.url);
