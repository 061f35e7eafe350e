// One event of an issue as issue-details shows it: the exception chain, the frames that explain it, the
// request, CSP report or performance evidence, trace and user; and the issue's telling tags. The parts are read
// by event-parts.ts, as event-details reads them; what is chosen and how wide it prints is decided here.

import { entryData, eventRequest, eventUser, exceptionChain, stackFrames, tagOf, text, traceIdOf, type EventFrame, type EventUser } from "./event-parts.js";
import { relativeTime, truncate } from "./output.js";
import type { RawEvent, RawIssueTag } from "./sentry/issues.js";

const CONTEXT_WIDTH = 110;
const VALUE_WIDTH = 200;
/**
 * Release versions are printed whole, commit SHAs too: a 12-character prefix (as Sentry's UI shows) is no
 * version another tool or a release: search accepts (issue 14). A 40-character SHA fits a tag value.
 */
const TAG_VALUE_WIDTH = 40;
const TOP_TAG_VALUES = 3;
/** The tags that most often tell where an error happens, in the order shown; the first present of each group wins. */
const TELLING_TAGS = [["environment"], ["release"], ["browser", "browser.name"], ["runtime", "runtime.name"], ["os", "os.name"], ["url"], ["handled"]];

export interface Frame {
  file: string | null;
  line: number | null;
  function: string | null;
  inApp: boolean;
  context: string | null;
}

export interface EventSummary {
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
  csp: { directive: string | null; blocked: string | null; document: string | null } | null;
  evidence: Array<{ name: string; value: string }>;
  request: { method: string | null; url: string } | null;
  traceId: string | null;
  user: EventUser | null;
  /** The transaction the event happened in (its `transaction` tag, else a performance occurrence's evidence). */
  transaction: string | null;
}

export interface TagSummary {
  key: string;
  /** Events that carry the key; null when Sentry sent no count (no shares then). */
  total: number | null;
  top: Array<{ value: string; count: number | null }>;
}

function frameOf(f: EventFrame): Frame {
  return { file: f.file, line: f.line, function: f.function, inApp: f.inApp, context: f.source ? truncate(f.source, CONTEXT_WIDTH) : null };
}

export function summarizeEvent(event: RawEvent, full: boolean, maxFrames: number): EventSummary {
  const exceptions = exceptionChain(event);
  const innermostFirst = stackFrames(event).map(frameOf);
  const inApp = innermostFirst.filter((f) => f.inApp);
  // Without in-app frames (a library raised and nothing is marked in-app), the innermost frames still help.
  const framesFrom = full ? "all" : inApp.length ? "in-app" : "innermost";
  const pool = framesFrom === "in-app" ? inApp : innermostFirst;

  const csp = entryData(event, "csp");
  const logged = entryData(event, "message");
  const tag = (key: string) => tagOf(event.tags, key);
  const occurrence = event.occurrence;
  const kind = exceptions.length ? "error" : occurrence ? "performance" : csp || event.type === "csp" ? "csp" : logged || event.message ? "message" : event.type || "default";
  const message = text(logged?.formatted) || text(logged?.message) || event.message || null;
  return {
    id: event.eventID ?? event.id,
    dateCreated: event.dateCreated ?? null,
    kind,
    environment: tag("environment"),
    release: event.release?.version ?? tag("release"),
    exceptions: exceptions.map((e) => ({ ...e, value: truncate(e.value, VALUE_WIDTH) })),
    frames: full ? pool : pool.slice(0, maxFrames),
    framesFrom,
    framesInApp: inApp.length,
    framesTotal: innermostFirst.length,
    message: message ? truncate(message, VALUE_WIDTH) : null,
    csp: csp ? { directive: text(csp.effective_directive) ?? text(csp.violated_directive), blocked: text(csp.blocked_uri), document: text(csp.document_uri) } : null,
    evidence: (occurrence?.evidenceDisplay ?? [])
      .slice()
      .sort((a, b) => Number(b.important === true) - Number(a.important === true))
      .map((e) => ({ name: e.name, value: truncate(String(e.value), VALUE_WIDTH) })),
    request: eventRequest(event),
    traceId: traceIdOf(event),
    user: eventUser(event.user),
    transaction: tag("transaction") ?? text(occurrence?.evidenceData?.transactionName),
  };
}

/** "id 42, jane@example.com, ip 10.0.0.1": the user in one phrase. */
function userText(u: EventUser): string {
  return [u.id ? `id ${u.id}` : null, u.email || u.username || u.name, u.ipAddress ? `ip ${u.ipAddress}` : null].filter(Boolean).join(", ");
}

/** The event's lines. `title` is the issue's: an exception that only repeats it says so instead. */
export function renderEvent(e: EventSummary, title: string, now: number): string[] {
  const lines: string[] = [];
  const where = [e.environment, e.release ? `release ${e.release}` : null].filter(Boolean).join(", ");
  lines.push(`Event ${e.id.slice(0, 12)} (${e.kind}, ${relativeTime(e.dateCreated, now)}${where ? `, ${where}` : ""}):`);
  e.exceptions.forEach((x, i) => {
    const handled = x.handled === false ? " [unhandled]" : "";
    // The surfaced exception usually is the issue's title, printed above: say so, not it again.
    const asTitle = i === 0 && x.value && `${x.type}: ${x.value}` === title;
    lines.push(`  ${i === 0 ? "" : "caused by "}${x.type}${asTitle ? " (message as in the title)" : x.value ? `: ${x.value}` : ""}${handled}`);
  });
  if (e.kind === "message" && e.message) lines.push(`  Message: ${e.message}`);
  if (e.csp) lines.push(`  CSP violation: ${e.csp.directive ?? "?"} blocked ${e.csp.blocked ?? "?"} on ${e.csp.document ?? "?"}`);
  for (const ev of e.evidence) lines.push(`  ${ev.name}: ${ev.value}`);
  if (e.kind !== "error" && !e.message && !e.csp && !e.evidence.length) lines.push(`  ${title}`);
  if (e.frames.length) {
    const shown = e.frames.length;
    const all = e.framesFrom === "all";
    const what = all ? `all ${e.framesTotal} frames` : e.framesFrom === "in-app" ? `${shown} of ${e.framesInApp} in-app frames` : `${shown} of ${e.framesTotal} frames (none in-app)`;
    const hidden = e.framesTotal - shown;
    lines.push(`Stack, ${what}, innermost first${hidden ? `; ${hidden} more hidden (--full)` : ""}:`);
    for (const f of e.frames) {
      lines.push(`  ${f.file ?? "?"}${f.line !== null ? `:${f.line}` : ""} in ${f.function ?? "?"}${all && !f.inApp ? " [library]" : ""}`);
      if (f.context) lines.push(`      ${f.context}`);
    }
  }
  if (e.request) lines.push(`Request: ${e.request.method ? `${e.request.method} ` : ""}${e.request.url}`);
  const who = [e.traceId ? `Trace ${e.traceId}` : null, e.user ? `User ${userText(e.user)}` : null].filter(Boolean);
  if (who.length) lines.push(who.join("; "));
  return lines;
}

/** The tags the result keeps: the telling ones with their top values, or with --full every tag and value. */
export function chooseTags(tags: RawIssueTag[], full: boolean): TagSummary[] {
  const byKey = new Map(tags.map((t) => [t.key, t]));
  const chosen = full ? tags : TELLING_TAGS.map((group) => group.map((k) => byKey.get(k)).find(Boolean)).filter((t): t is RawIssueTag => t !== undefined);
  return chosen.map((t) => ({
    key: t.key,
    total: t.totalValues,
    top: (full ? (t.topValues ?? []) : (t.topValues ?? []).slice(0, TOP_TAG_VALUES)).map((v) => ({ value: v.value ?? "(empty)", count: v.count })),
  }));
}

/** The tag line; a url tag that only repeats the request line above (one value, every event) is left out. */
export function renderTags(tags: TagSummary[], requestUrl?: string): string {
  const parts = tags
    .filter((t) => t.top.length)
    .filter((t) => !(t.key === "url" && t.top.length === 1 && t.total !== null && t.top[0]!.count === t.total && requestUrl?.startsWith(t.top[0]!.value)))
    .map((t) => {
      const values = t.top.map((v) => {
        const share = t.total !== null && t.total > 0 && v.count !== null ? ` ${Math.round((v.count / t.total) * 100)}%` : "";
        return `${truncate(v.value, TAG_VALUE_WIDTH)}${share}`;
      });
      return `${t.key} ${values.join(", ")}`;
    });
  return parts.length ? `Tags: ${parts.join("; ")}` : "";
}
