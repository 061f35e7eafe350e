// Sentry's issue search for GET/PUT /organizations/{org}/issues/: the `query` language (is:, level:, release:,
// assigned:, environment:, firstSeen:/lastSeen:, issue.priority:, issue.category:, tags, free text, `!`
// negation, [a,b] lists), the project/environment/time-window parameters, and the sort orders (docs/sentry-api.md §1).

import { selectedProjects, timeWindow } from "../lookup.js";
import { wildcardMatcher } from "../match.js";
import { issueTags } from "../seed/issue-events.js";
import { eventsBefore, type Issue, type IssueStatus } from "../seed/issues.js";
import type { Org, Project, RequestContext, World } from "../types.js";
import { SandboxHttpError } from "../types.js";
import { DAY, DURATION_UNITS } from "../time.js";

/** `is:for_review` lists inbox entries added in the last week (the stream's "For Review" tab). */
const FOR_REVIEW_DAYS = 7;

/** The query Sentry applies when the parameter is absent; `query=` (empty) means every status. */
export const DEFAULT_QUERY = "is:unresolved";

/** `is:` values Sentry accepts (src/sentry/models/group.py STATUS_QUERY_CHOICES + substatus and assignment filters). */
const IS_VALUES = [
  "assigned",
  "archived",
  "archived_forever",
  "archived_until_condition_met",
  "archived_until_escalating",
  "escalating",
  "for_review",
  "ignored",
  "linked",
  "muted",
  "new",
  "ongoing",
  "regressed",
  "resolved",
  "unassigned",
  "unlinked",
  "unresolved",
] as const;

export type IssuePredicate = (issue: Issue) => boolean;

interface Token {
  negated: boolean;
  key: string | null;
  /** One value, or several for `key:[a, b]` (any of them matches). */
  values: string[];
}

/** Splits a query into key:value terms and free text, honouring double quotes and [a, b] lists. */
export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = query.length;
  const readValue = (): string[] => {
    if (query[i] === '"') {
      const end = query.indexOf('"', i + 1);
      const value = query.slice(i + 1, end === -1 ? n : end);
      i = end === -1 ? n : end + 1;
      return [value];
    }
    if (query[i] === "[") {
      const end = query.indexOf("]", i + 1);
      const inner = query.slice(i + 1, end === -1 ? n : end);
      i = end === -1 ? n : end + 1;
      return inner.split(",").map((v) => v.trim().replace(/^"(.*)"$/, "$1")).filter((v) => v !== "");
    }
    const start = i;
    while (i < n && !/\s/.test(query[i]!)) i++;
    return [query.slice(start, i)];
  };
  while (i < n) {
    while (i < n && /\s/.test(query[i]!)) i++;
    if (i >= n) break;
    let negated = false;
    if (query[i] === "!") {
      negated = true;
      i++;
    }
    const keyMatch = /^([A-Za-z_][\w.\-]*):/.exec(query.slice(i));
    if (keyMatch) {
      i += keyMatch[0].length;
      tokens.push({ negated, key: keyMatch[1]!, values: i < n && !/\s/.test(query[i]!) ? readValue() : [""] });
    } else {
      tokens.push({ negated, key: null, values: readValue() });
    }
  }
  return tokens;
}

/** `-24h` (within the last day), `+7d` (older than a week), `>2026-03-01`, `<=2026-03-01T10:00:00`, `2026-03-01`. */
function dateTest(raw: string, now: number): (t: number) => boolean {
  const relative = /^([+-])(\d+)([smhdw])$/.exec(raw);
  if (relative) {
    const bound = now - Number(relative[2]) * DURATION_UNITS[relative[3]!]!;
    return relative[1] === "-" ? (t) => t >= bound : (t) => t <= bound;
  }
  const op = /^(>=|<=|>|<)?(.*)$/.exec(raw)!;
  const operator = op[1] ?? "";
  const value = op[2]!;
  const relativeAfterOp = /^-(\d+)([smhdw])$/.exec(value);
  const at = relativeAfterOp ? now - Number(relativeAfterOp[1]) * DURATION_UNITS[relativeAfterOp[2]!]! : Date.parse(/Z|[+-]\d\d:?\d\d$/.test(value) || value.length <= 10 ? value : `${value}Z`);
  if (Number.isNaN(at)) {
    throw new SandboxHttpError(400, { detail: `Invalid date: ${raw}. Expected +/-duration (e.g. +1h) or ISO 8601-like (e.g. 2026-03-15T12:00:00 or 2026-03-15).` });
  }
  if (operator === ">") return (t) => t > at;
  if (operator === ">=") return (t) => t >= at;
  if (operator === "<") return (t) => t < at;
  if (operator === "<=") return (t) => t <= at;
  // A bare date means that whole day (UTC).
  if (/^\d{4}-\d\d-\d\d$/.test(value)) return (t) => t >= at && t < at + DAY;
  return (t) => t === at;
}

function numberTest(raw: string, key: string): (n: number) => boolean {
  const m = /^(>=|<=|>|<)?(\d+)([kKmM]?)$/.exec(raw);
  if (!m) throw new SandboxHttpError(400, { detail: `Invalid number: ${raw} for ${key}` });
  const scale = { k: 1e3, K: 1e3, m: 1e6, M: 1e6 }[m[3] as "k"] ?? 1;
  const v = Number(m[2]) * scale;
  switch (m[1]) {
    case ">":
      return (n) => n > v;
    case ">=":
      return (n) => n >= v;
    case "<":
      return (n) => n < v;
    case "<=":
      return (n) => n <= v;
    default:
      return (n) => n === v;
  }
}

interface SearchContext {
  world: World;
  org: Org;
  projects: Project[];
  /** members[0]: the person behind the user tokens; org tokens have no user. */
  currentUserId: string | null;
}

function statusIs(value: string, issue: Issue, now: number): boolean {
  switch (value) {
    case "unresolved":
      return issue.status === "unresolved";
    case "resolved":
      return issue.status === "resolved";
    case "ignored":
    case "archived":
    case "muted":
      return issue.status === "ignored";
    case "assigned":
      return issue.assignee !== null;
    case "unassigned":
      return issue.assignee === null;
    case "for_review":
      return issue.inbox !== null && issue.status === "unresolved" && issue.inbox.at >= now - FOR_REVIEW_DAYS * DAY;
    case "linked":
      return false;
    case "unlinked":
      return true;
    default:
      return issue.substatus === value;
  }
}

function assignedTest(sc: SearchContext, value: string): IssuePredicate {
  const v = value.toLowerCase();
  if (v === "me" || v === "my_teams" || v === "[me]") {
    const me = sc.currentUserId;
    const myTeams = new Set(
      sc.world.teams.filter((t) => t.orgSlug === sc.org.slug && (sc.world.members.find((m) => m.id === me)?.teamSlugs ?? []).includes(t.slug)).map((t) => t.id),
    );
    if (v === "my_teams") return (i) => i.assignee?.type === "team" && myTeams.has(i.assignee.id);
    return (i) => me !== null && i.assignee?.type === "user" && i.assignee.id === me;
  }
  if (v === "none") return (i) => i.assignee === null;
  if (v.startsWith("#")) {
    const team = sc.world.teams.find((t) => t.orgSlug === sc.org.slug && t.slug === v.slice(1));
    return (i) => team !== undefined && i.assignee?.type === "team" && i.assignee.id === team.id;
  }
  const member = sc.world.members.find((m) => m.orgSlug === sc.org.slug && (m.email.toLowerCase() === v || m.username.toLowerCase() === v || m.id === v));
  return (i) => member !== undefined && i.assignee?.type === "user" && i.assignee.id === member.id;
}

/** The project's release versions, oldest first (release: filters compare positions in this order). */
function releaseOrder(world: World, projectId: string): string[] {
  return world.releaseStubs
    .filter((s) => s.projectIds.includes(projectId))
    .sort((a, b) => Date.parse(a.dateCreated) - Date.parse(b.dateCreated))
    .map((s) => s.version);
}

function releaseTest(sc: SearchContext, value: string, first: boolean): IssuePredicate {
  const orders = new Map<string, string[]>();
  const order = (projectId: string): string[] => {
    let o = orders.get(projectId);
    if (!o) orders.set(projectId, (o = releaseOrder(sc.world, projectId)));
    return o;
  };
  return (issue) => {
    const versions = order(issue.projectId);
    const wanted = value === "latest" ? versions[versions.length - 1] : value;
    if (wanted === undefined) return false;
    if (first) return issue.firstRelease === wanted;
    // An issue has events in every release between the one it was first and last seen in.
    const at = versions.indexOf(wanted);
    const from = issue.firstRelease === null ? 0 : versions.indexOf(issue.firstRelease);
    const to = issue.lastRelease === null ? -1 : versions.indexOf(issue.lastRelease);
    return at >= 0 && at >= from && at <= to;
  };
}

function categoryOf(issue: Issue): string {
  return issue.spec.kind === "performance" ? "performance" : "error";
}

export function issueTypeOf(issue: Issue): string {
  return issue.spec.perf?.issueType ?? "error";
}

function termPredicate(sc: SearchContext, key: string, value: string): IssuePredicate {
  const now = sc.world.now;
  switch (key) {
    case "is": {
      if (!(IS_VALUES as readonly string[]).includes(value)) {
        throw new SandboxHttpError(400, { detail: `Invalid value for "is" search, valid values are [${IS_VALUES.map((v) => `'${v}'`).join(", ")}]` });
      }
      return (i) => statusIs(value, i, now);
    }
    case "level":
      return (i) => i.level === value.toLowerCase();
    case "release":
    case "release.version":
      return releaseTest(sc, value, false);
    case "firstRelease":
    case "first_release":
      return releaseTest(sc, value, true);
    case "assigned":
    case "assigned_or_suggested":
      return assignedTest(sc, value);
    case "bookmarks":
      return (i) => i.isBookmarked;
    case "environment":
      return (i) => i.environments.includes(value);
    case "firstSeen":
    case "first_seen":
    case "age": {
      const test = dateTest(value, now);
      return (i) => test(i.firstSeen);
    }
    case "lastSeen":
    case "last_seen": {
      const test = dateTest(value, now);
      return (i) => test(i.lastSeen);
    }
    case "timesSeen":
    case "times_seen": {
      const test = numberTest(value, key);
      return (i) => test(i.count);
    }
    case "issue.priority":
      return (i) => i.priority === value.toLowerCase();
    case "issue.category":
      return (i) => categoryOf(i) === value.toLowerCase();
    case "issue.type":
      return (i) => issueTypeOf(i) === value;
    case "issue":
    case "issue.id":
      return (i) => i.id === value || i.shortId.toUpperCase() === value.toUpperCase();
    case "project": {
      const project = sc.projects.find((p) => p.slug === value);
      return (i) => project !== undefined && i.projectId === project.id;
    }
    case "error.type": {
      const match = wildcardMatcher(value, { caseInsensitive: true });
      return (i) => i.spec.exceptions.some((e) => match(e.type));
    }
    case "error.unhandled":
      return (i) => i.isUnhandled === (value === "true" || value === "1");
    case "error.handled":
      return (i) => i.isUnhandled !== (value === "true" || value === "1");
    case "message":
    case "title": {
      const needle = value.toLowerCase().replaceAll("*", "");
      return (i) => i.spec.title.toLowerCase().includes(needle) || i.spec.culprit.toLowerCase().includes(needle);
    }
    default: {
      // Any other key is a tag, matched against the values the issue's events carry.
      const tagKey = key.startsWith("tags[") ? key.slice(5, -1) : key;
      const match = wildcardMatcher(value, { caseInsensitive: true });
      return (i) => issueTags(sc.world, i).find((t) => t.key === tagKey)?.values.some((v) => match(v.value)) ?? false;
    }
  }
}

/** Compiles `query` into one predicate (all terms must hold; the values of a [a, b] list are alternatives). */
export function compileQuery(sc: SearchContext, query: string): IssuePredicate {
  const predicates: IssuePredicate[] = [];
  for (const token of tokenize(query)) {
    let p: IssuePredicate;
    if (token.key === null) {
      const needle = token.values[0]!.toLowerCase();
      p = (i) => i.spec.title.toLowerCase().includes(needle) || i.spec.culprit.toLowerCase().includes(needle);
    } else {
      const alternatives = token.values.map((v) => termPredicate(sc, token.key!, v));
      p = alternatives.length === 1 ? alternatives[0]! : (i) => alternatives.some((a) => a(i));
    }
    predicates.push(token.negated ? (i) => !p(i) : p);
  }
  return (i) => predicates.every((p) => p(i));
}

/** Statuses no search ever returns (src/sentry/api/helpers/group_index: excluded before the query runs). */
const NEVER_LISTED: ReadonlySet<IssueStatus> = new Set(["pending_deletion"]);

export const SORTS = ["date", "new", "freq", "user", "trends", "inbox", "recommended"] as const;
export type Sort = (typeof SORTS)[number];

/** Events and users of an issue within a search's window and environments. */
export interface WindowTotals {
  count: number;
  userCount: number;
}

/** Events in [start, end) from the issue's seeded series (never more than its lifetime count). */
function eventsInWindow(world: World, issue: Issue, start: number, end: number): number {
  const to = Math.min(end, world.now + 1);
  return to <= start ? 0 : eventsBefore(issue, world.now, to) - eventsBefore(issue, world.now, start);
}

/**
 * `count` and `userCount` of the stream for a window and environments (StreamGroupSerializerSnuba: the stream's
 * figures are for the search's date range and environment; `lifetime` carries the totals). An environment
 * filter keeps that environment's share of the issue's events, as its environment tag splits them. Users follow
 * events proportionally, at least one when there are events, and never more users than events.
 */
export function windowTotals(world: World, issue: Issue, window: { start: number; end: number }, environments: readonly string[]): WindowTotals {
  let events = eventsInWindow(world, issue, window.start, window.end);
  if (environments.length > 0) {
    const tag = issueTags(world, issue).find((t) => t.key === "environment");
    const inEnvs = tag?.values.filter((v) => environments.includes(v.value)).reduce((s, v) => s + v.count, 0) ?? 0;
    events *= tag && tag.totalValues > 0 ? inEnvs / tag.totalValues : 0;
  }
  // The issue's last event is in the window whenever the search lists it, so a listed issue has one at least.
  const lastInWindow = issue.lastSeen >= window.start && issue.lastSeen <= window.end && events > 0;
  const count = Math.max(lastInWindow ? 1 : 0, Math.round(events));
  const users = issue.count > 0 ? Math.round((issue.userCount * count) / issue.count) : 0;
  const userCount = issue.userCount > 0 && count > 0 ? Math.min(count, Math.max(1, users)) : 0;
  return { count, userCount };
}

function comparator(sort: Sort, totals: (issue: Issue) => WindowTotals): (a: Issue, b: Issue) => number {
  const byId = (a: Issue, b: Issue): number => Number(b.id) - Number(a.id);
  switch (sort) {
    case "new":
      return (a, b) => b.firstSeen - a.firstSeen || byId(a, b);
    // Sentry ranks freq and user by the figures of the searched window, the ones each item shows.
    case "freq":
      return (a, b) => totals(b).count - totals(a).count || byId(a, b);
    case "user":
      return (a, b) => totals(b).userCount - totals(a).userCount || byId(a, b);
    case "inbox":
      return (a, b) => (b.inbox?.at ?? -1) - (a.inbox?.at ?? -1) || b.lastSeen - a.lastSeen || byId(a, b);
    default:
      // trends and recommended rank by signals the sandbox does not model; last seen is the honest fallback.
      return (a, b) => b.lastSeen - a.lastSeen || byId(a, b);
  }
}

export interface IssueSearch {
  org: Org;
  projects: Project[];
  window: { start: number; end: number };
  environments: string[];
  query: string;
  sort: Sort;
}

/** Reads the search parameters of a list or bulk-update request (400 on bad values, 403 on unknown projects). */
export function readSearch(ctx: RequestContext, org: Org): IssueSearch {
  const raw = ctx.query.get("query");
  const query = raw === null ? DEFAULT_QUERY : raw.trim();
  const sort = (ctx.query.get("sort") || "date") as Sort;
  if (!SORTS.includes(sort)) throw new SandboxHttpError(400, { detail: `Invalid sort: ${sort}. Valid options are ${SORTS.join(", ")}.` });
  const environments = [...ctx.query.getAll("environment"), ...ctx.query.getAll("environment[]")].filter((e) => e !== "");
  return { org, projects: selectedProjects(ctx, org), window: timeWindow(ctx, "14d"), environments, query, sort };
}

/** The issues a search selects, sorted; no copies, so it stays fast over tens of thousands of issues. */
export function runSearch(ctx: RequestContext, search: IssueSearch): Issue[] {
  const member = ctx.world.members[0];
  const sc: SearchContext = {
    world: ctx.world,
    org: search.org,
    projects: ctx.world.projects.filter((p) => p.orgSlug === search.org.slug),
    currentUserId: ctx.token.kind === "user" && member && member.orgSlug === search.org.slug ? member.id : null,
  };
  const matches = compileQuery(sc, search.query);
  const projectIds = new Set(search.projects.map((p) => p.id));
  const { start, end } = search.window;
  const envs = search.environments;
  const found = ctx.world.issues.issues.filter(
    (i) =>
      i.orgSlug === search.org.slug &&
      projectIds.has(i.projectId) &&
      !NEVER_LISTED.has(i.status) &&
      i.lastSeen >= start &&
      i.firstSeen <= end &&
      (envs.length === 0 || envs.some((e) => i.environments.includes(e))) &&
      matches(i),
  );
  const cache = new Map<Issue, WindowTotals>();
  const totals = (issue: Issue): WindowTotals => {
    let t = cache.get(issue);
    if (!t) cache.set(issue, (t = windowTotals(ctx.world, issue, search.window, envs)));
    return t;
  };
  return found.sort(comparator(search.sort, totals));
}
