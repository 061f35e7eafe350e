// list-issues: the organization's issues matching a Sentry search, one line each (short ID, level, status,
// events and users, last seen, trend over the period, title and culprit), so an agent sees what is breaking.

import { UsageError } from "./lib/errors.js";
import { issueSummary, READ_SCOPE, type RawIssue } from "./lib/issues.js";
import { compactNumber, isFlatChange, relativeTime, truncate } from "./lib/output.js";
import {
  ALL_PROJECTS_FLAG,
  parseProjectScopeFlags,
  parseSearchPeriod,
  PROJECT_FLAG,
  ProjectSelector,
  resolveProjectScope,
  scopeLabel,
  type ProjectFlags,
  type ProjectScope,
} from "./lib/projects.js";
import { defineListTool, runIfMain, type ListSummary } from "./lib/tool.js";
import { apiPath } from "./lib/urls.js";
import { parseChoice, toStatsPeriod } from "./lib/validate.js";

const DEFAULT_QUERY = "is:unresolved";
const DEFAULT_PERIOD = "14d";
const HOUR_S = 3600;
const DAY_S = 86_400;
const SORTS = { date: "last seen", new: "first seen", freq: "events", user: "users" } as const;
type Sort = keyof typeof SORTS;

/**
 * The stats timelines the issue list can attach (groupStatsPeriod, ENDPOINTS.md §1): hourly buckets over 24h or
 * daily buckets over 14d. Each bucket is [start in unix seconds, events]; the newest is the current, partial one.
 */
interface StatsTimeline {
  key: "24h" | "14d";
  bucketSeconds: number;
  spanSeconds: number;
}
const HOURLY: StatsTimeline = { key: "24h", bucketSeconds: HOUR_S, spanSeconds: DAY_S };
const DAILY: StatsTimeline = { key: "14d", bucketSeconds: DAY_S, spanSeconds: 14 * DAY_S };
/** Two buckets at least: one for each half of the trend. */
const MIN_TREND_BUCKETS = 2;
/** The current bucket stands alone once this share of it has elapsed; before, it is merged into the one before it. */
const MIN_PARTIAL_SHARE = 0.5;
/** A current bucket counts as at least this old, so its rate never divides by zero. */
const MIN_ELAPSED_MS = 1000;

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

interface Input {
  query: string;
  projects: ProjectFlags;
  environments: string[];
  periodSeconds: number;
  /** The period as the user wrote it, for the header. */
  periodLabel: string;
  sort: Sort;
}

interface Summary extends ListSummary {
  query: string;
  scope: ProjectScope;
  period: string;
  /** The span the trend compares over, when it is shorter than the period (a 90d search, 14 daily buckets). */
  trendSpan: string | null;
  sort: Sort;
  environments: string[];
}

export const tool = defineListTool<Input, Summary>({
  name: "list-issues",
  category: "errors",
  summary: "List issues matching a Sentry search: level, status, events, users, last seen, trend, title",
  flags: {
    query: { type: "string", placeholder: "SEARCH", help: "Sentry search ('' for all statuses), e.g. 'is:unresolved level:error'", default: DEFAULT_QUERY },
    project: PROJECT_FLAG,
    "all-projects": ALL_PROJECTS_FLAG,
    environment: { type: "string", multiple: true, placeholder: "NAME", help: "Only this environment, e.g. production" },
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
    const projects = parseProjectScopeFlags(flags);
    const sort = parseChoice(flags.sort as string | undefined, "sort", Object.keys(SORTS) as Sort[], "date");
    const periodLabel = ((flags.period as string | undefined) ?? DEFAULT_PERIOD).trim();
    const periodSeconds = parseSearchPeriod(periodLabel);
    const environments = ((flags.environment as string[] | undefined) ?? []).map((e) => e.trim());
    if (environments.some((e) => e === "" || /[\r\n/]/.test(e))) throw new UsageError("invalid --environment: use the name as Sentry shows it, e.g. production");
    return { query: ((flags.query as string | undefined) ?? DEFAULT_QUERY).trim(), projects, environments, periodSeconds, periodLabel, sort: sort as Sort };
  },
  async run(input, ctx) {
    const org = await ctx.api.org();
    const scope = resolveProjectScope(input.projects, ctx.config);
    const period = toStatsPeriod(input.periodSeconds);
    const timeline = input.periodSeconds <= HOURLY.spanSeconds ? HOURLY : DAILY;
    const path = apiPath`/organizations/${org}/issues/`;
    const query = { query: input.query, environment: input.environments, statsPeriod: period, groupStatsPeriod: timeline.key, sort: input.sort };
    const errorContext = { scopes: READ_SCOPE, notFoundHint: `check the organization slug ${JSON.stringify(org)} (SENTRY_ORG or --org)` };

    let nextCursor: string | null = null;
    let total: number | undefined;
    let fetched = 0;
    const consume = async (project: string[]) => {
      const pages = ctx.api.paginate<RawIssue>(path, {
        query: { ...query, project },
        sizeParam: "limit",
        limit: ctx.list.limit,
        cursor: ctx.list.cursor,
        all: ctx.list.all,
        errorContext,
      });
      for await (const page of pages) {
        ctx.emit(page.items.map((issue) => issueRecord(issue, input.periodSeconds, timeline, ctx.now)));
        fetched += page.items.length;
        nextCursor = page.nextCursor;
        total ??= page.hits;
        ctx.progress(`fetched ${fetched} issues…`);
      }
    };
    await new ProjectSelector(ctx.api, org, ctx.warn).send(scope.projects, consume, {
      scopes: READ_SCOPE,
      probe: (project) => ctx.api.get(path, { ...query, project, limit: 1 }, errorContext),
    });
    const trendSeconds = Math.min(input.periodSeconds, timeline.spanSeconds);
    return {
      nextCursor,
      total,
      query: input.query,
      scope,
      period: input.periodLabel,
      trendSpan: trendSeconds < input.periodSeconds ? toStatsPeriod(trendSeconds) : null,
      sort: input.sort,
      environments: input.environments,
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

/**
 * The change over the period, from the issue's stats timeline: the event rate of the later half of the buckets
 * the period covers against the earlier half (with an odd count the middle bucket sits out, so both halves span
 * equal time). Bucket timestamps are bucket starts and the newest bucket is the current one, partly elapsed: its
 * rate is its count over the time elapsed, since comparing its raw count with full buckets would read every
 * issue as falling (-100% at --period 1h). Until half of it has elapsed its count is too thin to scale on its
 * own, so it counts together with the bucket before it. "new" means first seen since the first bucket used, so
 * the label always describes the window measured (a 90d search has 14 daily buckets).
 */
export function trend(issue: RawIssue, periodSeconds: number, timeline: StatsTimeline, now: number): string {
  const firstSeen = issue.firstSeen ? Date.parse(issue.firstSeen) : Number.NaN;
  const size = timeline.bucketSeconds * 1000;
  const buckets = (issue.stats?.[timeline.key] ?? [])
    .map(([t, n]) => ({ start: Number(t) * 1000, count: Number(n) || 0, duration: size }))
    .filter((b) => Number.isFinite(b.start))
    .sort((a, b) => a.start - b.start);
  if (buckets.length < MIN_TREND_BUCKETS) return firstSeen >= now - periodSeconds * 1000 ? "new" : "-";
  const newest = buckets[buckets.length - 1]!;
  // The server's clock is inside its newest bucket; a client clock outside it (skew) is pulled into it.
  newest.duration = Math.min(Math.max(now - newest.start, MIN_ELAPSED_MS), size);
  if (newest.duration < size * MIN_PARTIAL_SHARE && buckets.length > MIN_TREND_BUCKETS) {
    buckets.pop();
    const previous = buckets[buckets.length - 1]!;
    previous.count += newest.count;
    previous.duration += newest.duration;
  }
  const covered = Math.min(buckets.length, Math.max(MIN_TREND_BUCKETS, Math.ceil(periodSeconds / timeline.bucketSeconds)));
  const window = buckets.slice(-covered);
  if (firstSeen >= window[0]!.start) return "new";
  const half = Math.floor(window.length / 2);
  const rate = (part: typeof window): number => part.reduce((n, b) => n + b.count, 0) / part.reduce((t, b) => t + b.duration, 0);
  const before = rate(window.slice(0, half));
  const after = rate(window.slice(window.length - half));
  if (before === 0 && after === 0) return "quiet";
  if (before === 0) return "from 0";
  const change = after / before - 1;
  if (isFlatChange(change)) return "flat";
  return `${change > 0 ? "+" : ""}${Math.round(change * 100)}%`;
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
