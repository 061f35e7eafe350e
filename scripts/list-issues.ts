// list-issues: the organization's issues matching a Sentry search, one line each (short ID, level, status,
// events and users, last seen, trend over the period, title and culprit), so an agent sees what is breaking.

import type { SentryApi } from "./lib/api.js";
import { choice, environments, period, text } from "./lib/flags.js";
import { impliedStatus, issueLine, type IssueRecord } from "./lib/issue-line.js";
import { DAILY, HOURLY, trend, type StatsTimeline } from "./lib/issue-trend.js";
import { issueSummary, READ_SCOPE, type RawIssue } from "./lib/issues.js";
import { commandLine } from "./lib/output.js";
import { PROJECT_SCOPE_FLAGS, projectScopeOf, ProjectSelector, resolveProjectScope, scopeArgs, scopeLabel, type ProjectScope } from "./lib/projects.js";
import { probeIssueSearch, searchIssues, type IssueSearch } from "./lib/sentry/issues.js";
import { releasesStartingWith } from "./lib/sentry/releases.js";
import { cleanText } from "./lib/text.js";
import { listTool, runIfMain, type ListSummary } from "./lib/tool.js";
import { toStatsPeriod } from "./lib/validate.js";

const DEFAULT_QUERY = "is:unresolved";
const DEFAULT_PERIOD = "14d";
const SORT_NAMES = ["date", "new", "freq", "user"] as const;
type Sort = (typeof SORT_NAMES)[number];
const SORTS: Record<Sort, string> = { date: "last seen", new: "first seen", freq: "events", user: "users" };

interface Summary extends ListSummary {
  query: string;
  scope: ProjectScope;
  period: string;
  /** The span the trend compares over, when it is shorter than the period (a 90d search, 14 daily buckets). */
  trendSpan: string | null;
  sort: Sort;
  environments: string[];
  /** On an empty answer: the whole version a shortened release term stands for, when one release starts with it. */
  wholeRelease: { term: { text: string; key: string; value: string }; full: string } | null;
}

export const tool = listTool({
  name: "list-issues",
  category: "errors",
  summary: "List issues for a Sentry search: level, status, events, users, trend, assignee, title",
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
      wholeRelease: fetched === 0 ? await wholeReleaseOf(ctx.api, org, input.query) : null,
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
      const none = `No issues ${where} over ${s.period}.`;
      if (s.wholeRelease) {
        // A shortened hash from another tool's text: say the version it stands for, and the search that finds it.
        const { term, full } = s.wholeRelease;
        const query = s.query.replace(term.text, `${term.key}:${full}`);
        return `${none} ${cleanText(term.value)} is the start of release ${cleanText(full)}; search it whole: ${commandLine("list-issues", ["--query", query, ...scopeArgs(s.scope), ...s.environments.flatMap((e) => ["--environment", e]), "--period", s.period])}`;
      }
      return `${none} Try ${tries.filter(Boolean).join(", ")}.`;
    }
    const implied = impliedStatus(s.query);
    // The text renders what run emitted; --fields only trims the JSON records.
    const rows = (records as IssueRecord[]).map((r) => issueLine(r, implied, ctx.now));
    const total = s.total !== undefined ? ` of ${s.total}` : "";
    const trendOver = s.trendSpan ? ` over the last ${s.trendSpan}` : "";
    // With one project searched the header names it; otherwise the short ID's prefix does, said once here.
    const id = s.scope.projects.length === 1 ? "" : "ID (prefix = project) ";
    // The status is left out where the query already says it and nothing else is worth saying.
    const status = implied ? "[status]" : "status";
    const columns = `${id}[level] ${status} events/users last-seen trend${trendOver} (new: age) [assignee] title (culprit)`;
    const lines = [`${records.length}${total} issues ${where} over ${s.period}, by ${SORTS[s.sort]}; ${columns}:`, ...rows];
    if (s.nextCursor) lines.push(`More: --cursor ${s.nextCursor}`);
    return lines.join("\n");
  },
});

/** A `release:` or `firstRelease:` term whose value looks like a shortened commit hash (as other tools print them). */
const SHORT_RELEASE_TERM = /(?:^|\s)((release|firstRelease):([0-9a-f]{7,39}))(?=\s|$)/i;

/**
 * Sentry matches release terms exactly, so a hash cut to 12 characters finds nothing. On an empty answer only,
 * one release lookup says which whole version it stands for (when exactly one starts with it).
 */
async function wholeReleaseOf(api: SentryApi, org: string, query: string): Promise<Summary["wholeRelease"]> {
  const m = SHORT_RELEASE_TERM.exec(query);
  if (!m) return null;
  const matches = await releasesStartingWith(api, org, m[3]!).catch(() => []);
  return matches.length === 1 ? { term: { text: m[1]!, key: m[2]!, value: m[3]! }, full: matches[0]! } : null;
}

function issueRecord(issue: RawIssue, periodSeconds: number, timeline: StatsTimeline, now: number): IssueRecord {
  return { ...issueSummary(issue), trend: trend(issue, periodSeconds, timeline, now) };
}

runIfMain(tool, import.meta.url);
