// issue-details: one issue in one read: identity, numbers, state, the exception chain with the top
// in-app frames of the chosen event, the request, the telling tags, trace and user, and what to run next.

import { isEventId } from "./lib/event-parts.js";
import { UsageError } from "./lib/errors.js";
import { chooseTags, renderEvent, renderTags, summarizeEvent, type EventSummary, type TagSummary } from "./lib/issue-event.js";
import { fetchIssue, issueStatus, issueSummary, issueTarget, mergedAway, READ_SCOPE, type IssueTarget } from "./lib/issues.js";
import { commandLine, compactNumber, relativeTime } from "./lib/output.js";
import { getIssueEvent, getIssueTags, isNamedEvent } from "./lib/sentry/issues.js";
import { bool, int, value } from "./lib/flags.js";
import { cleanText } from "./lib/text.js";
import { itemTool, runIfMain, type ToolContext } from "./lib/tool.js";
import { isShortId, parseIssueRef, type IssueRef } from "./lib/validate.js";

const DEFAULT_FRAMES = 5;
const MAX_FRAMES = 200;
const NUMERIC_ID = /^\d+$/;
/** Performance issue types about database queries, which slow-queries breaks down (the rest are HTTP, I/O, render). */
const DB_ISSUE_TYPE = /_db_/;
const SETTLE_COMMAND = /^node dist\/(resolve|ignore)-issue\.mjs /;

interface Input {
  ref: IssueRef;
  label: string;
  event: string;
  frames: number;
  full: boolean;
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
  /** Commands worth running next, for the issue's status and kind, with the scope flags of this run. */
  next: string[];
}

/** --event: latest, oldest, recommended, or a 32-hex event ID (dashes and case ignored). */
function eventChoice(raw: string, flag: string): string {
  const event = raw.trim().toLowerCase().replace(/-/g, "");
  if (!isNamedEvent(event) && !isEventId(event)) {
    throw new UsageError(`invalid ${flag} ${JSON.stringify(raw)}: use latest, oldest, recommended or a 32-hex event ID`);
  }
  return event;
}

export const tool = itemTool({
  name: "issue-details",
  category: "errors",
  summary: "Show one issue: status, counts, releases, exception, in-app frames, tags",
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
    "next",
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
    const eventHint = isNamedEvent(input.event) ? "the issue has no stored event" : `no event ${input.event} in issue ${target.label}: use --event latest`;
    const [issueRes, eventRes, tagsRes] = await Promise.allSettled([
      fetchIssue(ctx.api, target),
      getIssueEvent(ctx.api, target.org, target.pathId, input.event, eventHint),
      getIssueTags(ctx.api, target.org, target.pathId),
    ]);
    if (issueRes.status === "rejected") throw issueRes.reason;
    if (eventRes.status === "rejected" && !isNamedEvent(input.event)) throw eventRes.reason;
    const issue = issueRes.value.issue;
    const event = eventRes.status === "fulfilled" ? summarizeEvent(eventRes.value.body, input.full, input.frames) : null;
    const eventError = eventRes.status === "rejected" ? (eventRes.reason instanceof Error ? eventRes.reason.message : String(eventRes.reason)) : null;
    const result: Omit<Result, "next"> = {
      ...issueSummary(issue),
      statusText: issueStatus(issue, ctx.now),
      firstRelease: issue.firstRelease?.version ?? null,
      lastRelease: issue.lastRelease?.version ?? null,
      issueCategory: issue.issueCategory ?? null,
      issueType: issue.issueType ?? null,
      mergedFrom: mergedAway(target, issue) ? input.label : null,
      event,
      eventError,
      tags: chooseTags(tagsRes.status === "fulfilled" ? tagsRes.value.body : [], input.full),
    };
    return { ...result, next: nextCommands(result, orgFlags(target, ctx)) };
  },
  render(r, ctx) {
    const lines: string[] = [];
    if (r.mergedFrom) lines.push(`${r.mergedFrom} was merged into ${r.shortId}; showing ${r.shortId}.`);
    lines.push(`${r.shortId}: ${r.title}`);
    // The issue endpoint counts over the issue's whole life (list-issues counts over its --period).
    const counts = `${counted(r.count, "event")}, ${counted(r.userCount, "user")} in its lifetime`;
    lines.push([r.level, r.statusText, r.priority ? `priority ${r.priority}` : null, counts, `project ${r.project}`].filter(Boolean).join(", "));
    const seen = (what: string, at: string | null, release: string | null) => `${what} ${relativeTime(at, ctx.now)}${release ? ` in ${release}` : ""}`;
    lines.push(`${seen("First seen", r.firstSeen, r.firstRelease)}, ${seen("last seen", r.lastSeen, r.lastRelease)}; ${r.assignedTo ? `assigned to ${r.assignedTo}` : "unassigned"}`);
    if (r.culprit) lines.push(`Culprit: ${r.culprit}`);
    lines.push(r.permalink);
    if (r.event) lines.push(...renderEvent(r.event, r.title, ctx.now));
    else lines.push(`No event shown${r.eventError ? `: ${r.eventError}` : ""}.`);
    const tagLine = renderTags(r.tags, r.event?.request?.url);
    if (tagLine) lines.push(tagLine);
    // Every line is cleaned whole: titles, culprits, messages, frames, URLs and tag values are server text.
    const text = lines.map(cleanText);
    // A performance issue's transaction comes first; settling it, once understood, then.
    const settle = r.next.filter((c) => SETTLE_COMMAND.test(c));
    const investigate = r.next.filter((c) => !SETTLE_COMMAND.test(c));
    if (investigate.length) text.push(`Next: ${investigate.join("   or   ")}`);
    if (settle.length) text.push(`${investigate.length ? "Then" : "Next"}: ${settle.join("   or   ")}`);
    return text.join("\n");
  },
});

/** "1 event", "12.3k events". */
function counted(n: number, word: string): string {
  return `${compactNumber(n)} ${n === 1 ? word : `${word}s`}`;
}

/**
 * The --org a suggested command needs to reach the same organization: the one an issue URL named, or one given
 * with --org. From the environment or .sentryclirc the next command finds it by itself.
 */
function orgFlags(target: IssueTarget, ctx: ToolContext): string[] {
  return target.org !== ctx.config.org || ctx.config.orgSource === "--org" ? ["--org", target.org] : [];
}

/**
 * What to run next, by status: an unresolved issue can be resolved or ignored; an ignored one resolved (its
 * status line says until when it stays ignored); a resolved one needs nothing (Sentry reopens it by itself
 * when it regresses). A performance issue first points at the transaction it is about. The ID is echoed only
 * when it has the shape of an ID, as a server value in a command line must.
 */
function nextCommands(r: Omit<Result, "next">, org: string[]): string[] {
  const id = isShortId(r.shortId) ? r.shortId : NUMERIC_ID.test(r.id) ? r.id : null;
  const settle = r.status === "unresolved" ? ["resolve-issue", "ignore-issue"] : r.status === "ignored" ? ["resolve-issue"] : [];
  return [...performanceNext(r, org), ...(id ? settle.map((tool) => commandLine(tool, [id, ...org])) : [])];
}

/**
 * A performance issue (N+1 queries, slow DB query, consecutive HTTP calls, …) is a fact about one transaction:
 * the performance tools show that transaction's timings and, for database issues, its heaviest queries.
 */
function performanceNext(r: Omit<Result, "next">, org: string[]): string[] {
  const transaction = r.event?.transaction;
  if (r.issueCategory !== "performance" || !transaction || !r.project) return [];
  const scope = [...org, "--project", r.project];
  const next = [commandLine("transaction-summary", [transaction, ...scope])];
  if (DB_ISSUE_TYPE.test(r.issueType ?? "")) next.push(commandLine("slow-queries", ["--transaction", transaction, ...scope]));
  return next;
}

runIfMain(tool, import.meta.url);
