// One list-issues line: which of an issue's facts fit in about 100 bytes, in what order, and how a long title
// and culprit are cut so each line still says what broke and where.

import type { issueSummary } from "./issues.js";
import { compactNumber, relativeTime } from "./output.js";
import { cleanText } from "./text.js";

/** What list-issues emits per issue: the shared summary and the trend over the period. */
export type IssueRecord = ReturnType<typeof issueSummary> & { trend: string };

/**
 * The budget is 5% of the raw bytes, about 100 bytes a line. What an on-call engineer scans for decides what
 * gets them: what broke (title) and where (culprit) on every line, how bad (events/users, trend), whether it is
 * new (its age), and whether someone has it (assignee). A line is capped at LINE_WIDTH: the culprit keeps up to
 * CULPRIT_WIDTH, the title takes the rest; issue-details and --json have both whole.
 */
const LINE_WIDTH = 100;
const CULPRIT_WIDTH = 26;
/** A title is never cut shorter than this to make room: past it the culprit is shortened instead. */
const MIN_TITLE = 32;
/** A cut snaps to a word boundary when one is this close to it, so no half words border the ellipsis. */
const WORD_CUT_SLACK = 0.85;
/** A cut text's end starts at its first word boundary when that is within this share of it. */
const TAIL_SNAP_SHARE = 0.4;
/** The share of a cut text kept from its start; the rest comes from its end. */
const HEAD_SHARE = 0.55;
/** Below this many characters a cut text says nothing. */
const MIN_CUT = 8;
/** The level most issues have: only the others are worth a word. */
const DEFAULT_LEVEL = "error";

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


/**
 * One issue in one line, single spaces and no padding (padding would cost a tenth of the budget). Every column
 * before the title is one token, or two for "new 5h" and "from 0"; the optional ones (a level other than error,
 * a status, an assignee) are words no count, age or trend can be, so the line still reads by position.
 */
export function issueLine(r: IssueRecord, implied: string | null, now: number): string {
  const isNew = r.trend === "new";
  const head = [
    r.shortId,
    ...(r.level === DEFAULT_LEVEL ? [] : [LEVEL_LABEL[r.level] ?? r.level]),
    // A "new" substatus says what the age in the trend column says more exactly, when the query already says
    // "unresolved" (elsewhere the word is what says the issue is unresolved).
    ...statusText(r, implied).filter((word) => !(isNew && implied === "unresolved" && word === "new")),
    `${compactNumber(r.count)}/${compactNumber(r.userCount)}`,
    ageText(r.lastSeen, now),
    isNew ? `new ${ageText(r.firstSeen, now)}` : r.trend,
    ...(r.assignedTo ? [assigneeText(r.assignedTo)] : []),
    ...projectNote(r),
  ].map(cleanText).join(" ");
  return `${head} ${titleWithCulprit(r.title, r.culprit ?? "", LINE_WIDTH - head.length - 1)}`;
}

/** The one status a query's `is:` terms pin down ("is:unresolved" → unresolved), or null when they do not. */
export function impliedStatus(query: string): string | null {
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
function statusText(r: IssueRecord, implied: string | null): string[] {
  const status = r.status;
  const sub = r.substatus ?? "";
  if (status === "unresolved") {
    // Regressed, escalating and new imply unresolved, so one word says both.
    if (NOTABLE_SUBSTATUS.has(sub)) return [sub];
    return implied === "unresolved" ? [] : [status];
  }
  if (status === "ignored") return [IGNORED_LABEL[sub] ?? status];
  return implied === status ? [] : [status];
}

/** "5m", "3h", "12d", "now": one token, as the columns after it are found by position. */
function ageText(iso: string | null, now: number): string {
  const text = relativeTime(iso, now);
  return text === "just now" ? "now" : text.replace(/ ago$/, "");
}

/** Short IDs start with the project slug, unless the project was renamed after the issue was created. */
function projectNote(r: IssueRecord): string[] {
  const project = r.project ?? "";
  return project && !r.shortId.startsWith(`${project.toUpperCase()}-`) ? [`project:${project}`] : [];
}

/**
 * "@jane.doe" for a user (the email's local part: the domain is mostly the organization's own, and --json has
 * it whole), "#backend" for a team, as Sentry's search writes teams (assigned:#backend).
 */
function assigneeText(assignee: string): string {
  if (assignee.startsWith("team:")) return `#${assignee.slice("team:".length)}`;
  return `@${assignee.replace(/@[^@]*$/, "")}`;
}

/**
 * The title, then its culprit in parentheses, within `width`. The culprit keeps up to CULPRIT_WIDTH, less when
 * the title would otherwise be cut below MIN_TITLE. Both are cut in the middle: a title's start names the error
 * and its end often the one word that tells it apart ("… (reading 'rating')"), a culprit's end the route or
 * function. A culprit the title already contains is not repeated.
 */
function titleWithCulprit(rawTitle: string, rawCulprit: string, width: number): string {
  const title = oneLine(rawTitle);
  const culprit = oneLine(rawCulprit);
  if (!culprit || title.includes(culprit)) return cutMiddle(title, width);
  const wanted = Math.min(culprit.length, CULPRIT_WIDTH);
  const shownTitle = cutMiddle(title, Math.max(width - wanted - 3, Math.min(title.length, MIN_TITLE)));
  return `${shownTitle} (${cutMiddle(culprit, Math.max(width - shownTitle.length - 3, MIN_CUT))})`;
}

function oneLine(text: string): string {
  return cleanText(text).replace(/\s+/g, " ").trim();
}

/** Shortens text to `width` characters by an ellipsis in the middle, at word boundaries when they are near. */
function cutMiddle(text: string, width: number): string {
  if (text.length <= width) return text;
  const headWidth = Math.ceil((width - 1) * HEAD_SHARE);
  let head = text.slice(0, headWidth);
  let tail = text.slice(text.length - (width - 1 - headWidth));
  const space = head.lastIndexOf(" ");
  if (space >= head.length * WORD_CUT_SLACK) head = head.slice(0, space);
  const tailSpace = tail.indexOf(" ");
  if (tailSpace >= 0 && tailSpace <= tail.length * TAIL_SNAP_SHARE) tail = tail.slice(tailSpace + 1);
  return `${head.trimEnd()}…${tail.trimStart()}`;
}

