// issue-details: one issue in one read: identity, numbers, state, the exception chain with the top
// in-app frames of the chosen event, the request, the telling tags, trace and user, and what to run next.

import { UsageError } from "./lib/errors.js";
import {
  fetchIssue,
  issuePath,
  issueStatus,
  issueSummary,
  issueTarget,
  mergedAway,
  READ_SCOPE,
  type IssueTarget,
} from "./lib/issues.js";
import { compactNumber, relativeTime, shellQuote, truncate } from "./lib/output.js";
import type { SentryApi } from "./lib/api.js";
import { bool, int, value } from "./lib/flags.js";
import { itemTool, runIfMain } from "./lib/tool.js";
import { parseIssueRef, type IssueRef } from "./lib/validate.js";

const DEFAULT_FRAMES = 5;
const MAX_FRAMES = 200;
const CONTEXT_WIDTH = 110;
const VALUE_WIDTH = 200;
const TAG_VALUE_WIDTH = 40;
const TOP_TAG_VALUES = 3;
/** The tags that most often tell where an error happens, in the order shown; the first present of each group wins. */
const TELLING_TAGS = [["environment"], ["release"], ["browser", "browser.name"], ["runtime", "runtime.name"], ["os", "os.name"], ["url"], ["handled"]];
/** Sentry's named events besides an event ID (getOrganizationIssueEvent). */
const NAMED_EVENTS = ["latest", "oldest", "recommended"];
const EVENT_ID = /^[0-9a-f]{32}$/;
/** Commit-SHA release versions are shown by their first 12 characters, as Sentry's UI does (formatVersion). */
const SHA_VERSION = /^[0-9a-f]{40}$/i;
const SHORT_SHA = 12;

interface Input {
  ref: IssueRef;
  label: string;
  event: string;
  frames: number;
  full: boolean;
}

// ---- Sentry's event shape (GET /organizations/{org}/issues/{id}/events/{event_id}/), the parts read here.

interface RawFrame {
  filename?: string | null;
  absPath?: string | null;
  module?: string | null;
  function?: string | null;
  lineNo?: number | null;
  colNo?: number | null;
  inApp?: boolean | null;
  context?: Array<[number, string]> | null;
}

interface RawStacktrace {
  frames?: RawFrame[] | null;
}

interface RawException {
  type?: string | null;
  value?: string | null;
  module?: string | null;
  mechanism?: { type?: string; handled?: boolean | null } | null;
  stacktrace?: RawStacktrace | null;
}

interface RawEntry {
  type: string;
  data: Record<string, unknown>;
}

interface RawEvent {
  id: string;
  eventID?: string;
  type?: string;
  title?: string;
  message?: string;
  dateCreated?: string;
  platform?: string;
  entries?: RawEntry[];
  tags?: Array<{ key: string; value: string }>;
  contexts?: Record<string, Record<string, unknown> | null>;
  user?: { id?: string | null; email?: string | null; username?: string | null; ip_address?: string | null; name?: string | null } | null;
  release?: { version?: string } | null;
  /** Issue-platform occurrences (performance issues such as N+1 queries) carry their evidence here. */
  occurrence?: {
    issueTitle?: string;
    subtitle?: string;
    evidenceDisplay?: Array<{ name: string; value: string; important?: boolean }>;
    evidenceData?: Record<string, unknown> | null;
  } | null;
}

interface RawTag {
  key: string;
  name?: string;
  totalValues: number;
  topValues?: Array<{ value: string | null; count: number }>;
}

// ---- The result: one plain object feeds the text and the JSON.

interface Frame {
  file: string;
  line: number | null;
  function: string;
  inApp: boolean;
  context: string | null;
}

interface EventSummary {
  id: string;
  dateCreated: string | null;
  /** error, message, csp, performance, or Sentry's event type for anything else. */
  kind: string;
  environment: string | null;
  release: string | null;
  /** Outermost first: the exception raised last, then what caused it. */
  exceptions: Array<{ type: string; value: string; handled: boolean | null }>;
  /** Innermost first: in-app frames (or every frame with --full). */
  frames: Frame[];
  /** Which frames `frames` holds: every one (--full), the in-app ones, or the innermost ones when none is in-app. */
  framesFrom: "all" | "in-app" | "innermost";
  framesInApp: number;
  framesTotal: number;
  message: string | null;
  csp: { directive: string; blocked: string; document: string } | null;
  evidence: Array<{ name: string; value: string }>;
  request: { method: string | null; url: string } | null;
  traceId: string | null;
  user: string | null;
  /** The transaction the event happened in (its `transaction` tag, else a performance occurrence's evidence). */
  transaction: string | null;
}

interface TagSummary {
  key: string;
  total: number;
  top: Array<{ value: string; count: number }>;
}

interface Result {
  id: string;
  shortId: string;
  title: string;
  culprit: string | null;
  level: string;
  status: string;
  substatus: string | null;
  statusText: string;
  priority: string | null;
  count: number;
  userCount: number;
  firstSeen: string | null;
  lastSeen: string | null;
  firstRelease: string | null;
  lastRelease: string | null;
  assignedTo: string | null;
  permalink: string;
  project: string;
  issueCategory: string | null;
  /** error, performance_n_plus_one_db_queries, performance_slow_db_query, … */
  issueType: string | null;
  /** The reference asked for, when it named an issue merged into this one. */
  mergedFrom: string | null;
  event: EventSummary | null;
  /** Why the event is missing, when it is. */
  eventError: string | null;
  /** The telling tags with their top values, or every tag with all of them under --full. */
  tags: TagSummary[];
}

/** --event: latest, oldest, recommended, or a 32-hex event ID (dashes and case ignored). */
function eventChoice(raw: string, flag: string): string {
  const event = raw.trim().toLowerCase().replace(/-/g, "");
  if (!NAMED_EVENTS.includes(event) && !EVENT_ID.test(event)) {
    throw new UsageError(`invalid ${flag} ${JSON.stringify(raw)}: use latest, oldest, recommended or a 32-hex event ID`);
  }
  return event;
}

export const tool = itemTool({
  name: "issue-details",
  category: "errors",
  summary: "Show one issue: status, counts, releases, exception, top in-app frames, request, tags",
  positionals: [{ name: "issue", help: "Numeric ID, short ID (WEB-FRONTEND-1A2) or Sentry issue URL", required: true }],
  flags: {
    event: value({ placeholder: "ID", help: "Which event: latest, oldest, recommended, or a 32-hex event ID", default: "latest" }, eventChoice),
    frames: int({ min: 1, max: MAX_FRAMES, default: DEFAULT_FRAMES, help: `In-app frames to show (max ${MAX_FRAMES})` }),
    full: bool("Every frame (library ones too) and every tag"),
  },
  fields: [
    "id",
    "shortId",
    "title",
    "culprit",
    "level",
    "status",
    "substatus",
    "priority",
    "count",
    "userCount",
    "firstSeen",
    "lastSeen",
    "project",
    "assignedTo",
    "permalink",
    "statusText",
    "firstRelease",
    "lastRelease",
    "issueCategory",
    "issueType",
    "mergedFrom",
    "event",
    "eventError",
    "tags",
  ],
  examples: [
    { args: "WEB-FRONTEND-1A2", about: "by short ID" },
    { args: "https://acme.sentry.io/issues/4242/", about: "by URL (organization from the URL)" },
    { args: "4242 --frames 10", about: "more in-app frames" },
    { args: "4242 --event oldest --full", about: "the first event, every frame and tag" },
  ],
  scopes: READ_SCOPE,
  api: [
    "GET /api/0/organizations/{org}/issues/{issue}/",
    "GET /api/0/organizations/{org}/issues/{issue}/events/{latest|event_id}/",
    "GET /api/0/organizations/{org}/issues/{issue}/tags/",
  ],
  parse({ flags, positionals }): Input {
    const label = positionals[0]!;
    return { ref: parseIssueRef(label), label, event: flags.event, frames: flags.frames, full: flags.full };
  },
  async run(input, ctx): Promise<Result> {
    const target = await issueTarget(input.ref, ctx.api, input.label);
    // Three independent reads, one round trip of wall time. A named event or the tags failing should not
    // hide the issue; an event ID the user typed that does not exist should.
    const [issueRes, eventRes, tagsRes] = await Promise.allSettled([
      fetchIssue(ctx.api, target),
      getEvent(ctx.api, target, input.event),
      getTags(ctx.api, target),
    ]);
    if (issueRes.status === "rejected") throw issueRes.reason;
    if (eventRes.status === "rejected" && !NAMED_EVENTS.includes(input.event)) throw eventRes.reason;
    const issue = issueRes.value.issue;
    const event = eventRes.status === "fulfilled" ? eventRes.value : null;
    const tags = tagsRes.status === "fulfilled" ? tagsRes.value : [];
    const eventError = eventRes.status === "rejected" ? String((eventRes.reason as Error).message ?? eventRes.reason) : null;
    return {
      ...issueSummary(issue),
      statusText: issueStatus(issue, ctx.now),
      firstRelease: issue.firstRelease?.version ?? null,
      lastRelease: issue.lastRelease?.version ?? null,
      issueCategory: issue.issueCategory ?? null,
      issueType: issue.issueType ?? null,
      mergedFrom: mergedAway(target, issue) ? input.label : null,
      event: event ? summarizeEvent(event, input.full, input.frames) : null,
      eventError,
      tags: chooseTags(tags, input.full),
    };
  },
  render(r, ctx) {
    const lines: string[] = [];
    if (r.mergedFrom) lines.push(`${r.mergedFrom} was merged into ${r.shortId}; showing ${r.shortId}.`);
    lines.push(`${r.shortId}: ${r.title}`);
    lines.push(
      [r.level, r.statusText, r.priority ? `priority ${r.priority}` : null, `${compactNumber(r.count)} events`, `${compactNumber(r.userCount)} users`, `project ${r.project}`]
        .filter(Boolean)
        .join(", "),
    );
    const seen = (what: string, at: string | null, release: string | null) => `${what} ${relativeTime(at, ctx.now)}${release ? ` in ${shortVersion(release)}` : ""}`;
    lines.push(`${seen("First seen", r.firstSeen, r.firstRelease)}, ${seen("last seen", r.lastSeen, r.lastRelease)}; ${r.assignedTo ? `assigned to ${r.assignedTo}` : "unassigned"}`);
    if (r.culprit) lines.push(`Culprit: ${r.culprit}`);
    lines.push(r.permalink);
    if (r.event) lines.push(...renderEvent(r.event, r, ctx.now));
    else lines.push(`No event shown${r.eventError ? `: ${r.eventError}` : ""}.`);
    const tagLine = renderTags(r.tags, r.event?.request?.url);
    if (tagLine) lines.push(tagLine);
    const settle = `node dist/resolve-issue.mjs ${r.shortId}   or   node dist/ignore-issue.mjs ${r.shortId}`;
    const investigate = performanceNext(r);
    if (investigate.length) lines.push(`Next: ${investigate.join("   or   ")}`, `Then: ${settle}`);
    else lines.push(`Next: ${settle}`);
    return lines.join("\n");
  },
});

async function getEvent(api: SentryApi, target: IssueTarget, event: string): Promise<RawEvent> {
  const res = await api.get<RawEvent>(`${issuePath(target)}events/${encodeURIComponent(event)}/`, undefined, {
    scopes: READ_SCOPE,
    notFoundHint: NAMED_EVENTS.includes(event) ? "the issue has no stored event" : `no event ${event} in issue ${target.label}: use --event latest`,
  });
  return res.body;
}

/** Tag keys with their top values (GroupTagsEndpoint); the issue body's own `tags` lack the values. */
async function getTags(api: SentryApi, target: IssueTarget): Promise<RawTag[]> {
  const res = await api.get<RawTag[]>(`${issuePath(target)}tags/`, undefined, { scopes: READ_SCOPE });
  return Array.isArray(res.body) ? res.body : [];
}

function entry(event: RawEvent, type: string): Record<string, unknown> | undefined {
  return event.entries?.find((e) => e.type === type)?.data;
}

function frameOf(f: RawFrame): Frame {
  const context = f.context?.find(([n]) => n === f.lineNo)?.[1];
  return {
    file: f.filename || f.absPath || f.module || "?",
    line: f.lineNo ?? null,
    function: f.function || "?",
    inApp: f.inApp === true,
    context: context?.trim() ? truncate(context, CONTEXT_WIDTH) : null,
  };
}

/** The stack that explains the event: the outermost exception's, else the crashed (or only) thread's. */
function mainStack(event: RawEvent, exceptions: RawException[]): RawFrame[] {
  for (let i = exceptions.length - 1; i >= 0; i--) {
    const frames = exceptions[i]!.stacktrace?.frames;
    if (frames?.length) return frames;
  }
  const threads = (entry(event, "threads")?.values ?? []) as Array<{ crashed?: boolean; current?: boolean; stacktrace?: RawStacktrace | null }>;
  const thread = threads.find((t) => t.crashed) ?? threads.find((t) => t.current) ?? threads.find((t) => t.stacktrace?.frames?.length);
  if (thread?.stacktrace?.frames?.length) return thread.stacktrace.frames;
  return ((entry(event, "stacktrace") as RawStacktrace | undefined)?.frames ?? []) as RawFrame[];
}

function contextValue(event: RawEvent, context: string, key: string): string | null {
  const v = event.contexts?.[context]?.[key];
  return typeof v === "string" && v ? v : null;
}

function userLabel(user: RawEvent["user"]): string | null {
  if (!user) return null;
  const parts = [user.id ? `id ${user.id}` : null, user.email || user.username || user.name || null, user.ip_address ? `ip ${user.ip_address}` : null].filter(Boolean);
  return parts.length ? parts.join(", ") : null;
}

function summarizeEvent(event: RawEvent, full: boolean, maxFrames: number): EventSummary {
  // Sentry lists chained exceptions cause first; the last value is the one that surfaced.
  const rawExceptions = ((entry(event, "exception")?.values ?? []) as RawException[]).filter(Boolean);
  const stack = mainStack(event, rawExceptions);
  const innermostFirst = [...stack].reverse().map(frameOf);
  const inApp = innermostFirst.filter((f) => f.inApp);
  // Without in-app frames (a library raised and nothing is marked in-app), the innermost frames still help.
  const framesFrom = full ? "all" : inApp.length ? "in-app" : "innermost";
  const pool = framesFrom === "in-app" ? inApp : innermostFirst;
  const frames = full ? pool : pool.slice(0, maxFrames);

  const csp = entry(event, "csp");
  const request = entry(event, "request");
  const messageEntry = entry(event, "message");
  const tag = (key: string) => event.tags?.find((t) => t.key === key)?.value ?? null;
  const occurrence = event.occurrence;
  const kind = rawExceptions.length
    ? "error"
    : occurrence
      ? "performance"
      : csp || event.type === "csp"
        ? "csp"
        : messageEntry || event.message
          ? "message"
          : event.type || "default";
  const message = (messageEntry?.formatted ?? messageEntry?.message ?? event.message ?? null) as string | null;
  return {
    id: event.eventID ?? event.id,
    dateCreated: event.dateCreated ?? null,
    kind,
    environment: tag("environment"),
    release: event.release?.version ?? tag("release"),
    exceptions: [...rawExceptions].reverse().map((e) => ({
      type: e.type || "Error",
      value: truncate(e.value ?? "", VALUE_WIDTH),
      handled: e.mechanism?.handled ?? null,
    })),
    frames,
    framesFrom,
    framesInApp: inApp.length,
    framesTotal: innermostFirst.length,
    message: message ? truncate(message, VALUE_WIDTH) : null,
    csp: csp
      ? {
          directive: String(csp.effective_directive ?? csp.violated_directive ?? "?"),
          blocked: String(csp.blocked_uri ?? "?"),
          document: String(csp.document_uri ?? "?"),
        }
      : null,
    evidence: (occurrence?.evidenceDisplay ?? [])
      .slice()
      .sort((a, b) => Number(b.important === true) - Number(a.important === true))
      .map((e) => ({ name: e.name, value: truncate(String(e.value), VALUE_WIDTH) })),
    request: typeof request?.url === "string" ? { method: (request.method as string | null) ?? null, url: request.url } : null,
    traceId: contextValue(event, "trace", "trace_id"),
    user: userLabel(event.user),
    transaction: tag("transaction") ?? stringOr(occurrence?.evidenceData?.transactionName),
  };
}

function renderEvent(e: EventSummary, r: Result, now: number): string[] {
  const lines: string[] = [];
  const where = [e.environment, e.release ? `release ${shortVersion(e.release)}` : null].filter(Boolean).join(", ");
  lines.push(`Event ${e.id.slice(0, 12)} (${e.kind}, ${relativeTime(e.dateCreated, now)}${where ? `, ${where}` : ""}):`);
  e.exceptions.forEach((x, i) => {
    const handled = x.handled === false ? " [unhandled]" : "";
    // The surfaced exception usually is the issue's title, printed two lines up: say so, not it again.
    const asTitle = i === 0 && x.value && `${x.type}: ${x.value}` === r.title;
    lines.push(`  ${i === 0 ? "" : "caused by "}${x.type}${asTitle ? " (message as in the title)" : x.value ? `: ${x.value}` : ""}${handled}`);
  });
  if (e.kind === "message" && e.message) lines.push(`  Message: ${e.message}`);
  if (e.csp) lines.push(`  CSP violation: ${e.csp.directive} blocked ${e.csp.blocked} on ${e.csp.document}`);
  if (e.evidence.length) {
    for (const ev of e.evidence) lines.push(`  ${ev.name}: ${ev.value}`);
  }
  if (e.kind !== "error" && !e.message && !e.csp && !e.evidence.length) lines.push(`  ${r.title}`);
  if (e.frames.length) {
    const shown = e.frames.length;
    const all = e.framesFrom === "all";
    const what = all ? `all ${e.framesTotal} frames` : e.framesFrom === "in-app" ? `${shown} of ${e.framesInApp} in-app frames` : `${shown} of ${e.framesTotal} frames (none in-app)`;
    const hidden = e.framesTotal - shown;
    lines.push(`Stack, ${what}, innermost first${hidden ? `; ${hidden} more hidden (--full)` : ""}:`);
    for (const f of e.frames) {
      lines.push(`  ${f.file}${f.line !== null ? `:${f.line}` : ""} in ${f.function}${all && !f.inApp ? " [library]" : ""}`);
      if (f.context) lines.push(`      ${f.context}`);
    }
  }
  if (e.request) lines.push(`Request: ${e.request.method ? `${e.request.method} ` : ""}${e.request.url}`);
  const who = [e.traceId ? `Trace ${e.traceId}` : null, e.user ? `User ${e.user}` : null].filter(Boolean);
  if (who.length) lines.push(who.join("; "));
  return lines;
}

/** Performance issue types about database queries, which slow-queries breaks down (the rest are HTTP, I/O, render). */
const DB_ISSUE_TYPE = /_db_/;

/**
 * A performance issue (N+1 queries, slow DB query, consecutive HTTP calls, …) is a fact about one transaction:
 * the performance tools show that transaction's timings and, for database issues, its heaviest queries.
 */
function performanceNext(r: Result): string[] {
  const transaction = r.event?.transaction;
  if (r.issueCategory !== "performance" || !transaction) return [];
  const scope = ` --project ${shellQuote(r.project)}`;
  const next = [`node dist/transaction-summary.mjs ${shellQuote(transaction)}${scope}`];
  if (DB_ISSUE_TYPE.test(r.issueType ?? "")) next.push(`node dist/slow-queries.mjs --transaction ${shellQuote(transaction)}${scope}`);
  return next;
}

function stringOr(value: unknown): string | null {
  return typeof value === "string" && value ? value : null;
}

function shortVersion(version: string): string {
  return SHA_VERSION.test(version) ? version.slice(0, SHORT_SHA) : version;
}

/** The tags the result keeps: the telling ones with their top values, or with --full every tag and value. */
function chooseTags(tags: RawTag[], full: boolean): TagSummary[] {
  const byKey = new Map(tags.map((t) => [t.key, t]));
  const chosen = full ? tags : TELLING_TAGS.map((group) => group.map((k) => byKey.get(k)).find(Boolean)).filter((t): t is RawTag => t !== undefined);
  return chosen.map((t) => ({
    key: t.key,
    total: t.totalValues,
    top: (full ? (t.topValues ?? []) : (t.topValues ?? []).slice(0, TOP_TAG_VALUES)).map((v) => ({ value: v.value ?? "(empty)", count: v.count })),
  }));
}

/** The tag line; a url tag that only repeats the request line above (one value, every event) is left out. */
function renderTags(tags: TagSummary[], requestUrl?: string): string {
  const parts = tags
    .filter((t) => t.top.length)
    .filter((t) => !(t.key === "url" && t.top.length === 1 && t.top[0]!.count === t.total && requestUrl?.startsWith(t.top[0]!.value)))
    .map((t) => {
      const values = t.top.map((v) => {
        const share = t.total > 0 ? ` ${Math.round((v.count / t.total) * 100)}%` : "";
        return `${truncate(t.key === "release" ? shortVersion(v.value) : v.value, TAG_VALUE_WIDTH)}${share}`;
      });
      return `${t.key} ${values.join(", ")}`;
    });
  return parts.length ? `Tags: ${parts.join("; ")}` : "";
}

runIfMain(tool, import.meta.url);
