// One event of an issue as issue-details shows it: the exception chain, the frames that explain it, the
// request, CSP report or performance evidence, trace and user; and the issue's telling tags. Sentry's event
// entries vary by platform and SDK, so each kind is read through its own small schema: an entry of an odd
// shape costs that part of the output, never the event.

import { relativeTime, truncate } from "./output.js";
import type { RawEvent, RawIssueTag } from "./sentry/issues.js";
import { arrayOf, bool, nullable, num, object, optional, pair, str, unknownValue, type Infer, type Schema } from "./sentry/schema.js";

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

const text = optional(nullable(str));
const rawFrame = object({
  filename: text,
  absPath: text,
  module: text,
  function: text,
  lineNo: optional(nullable(num)),
  inApp: optional(nullable(bool)),
  context: optional(nullable(arrayOf(pair(num, unknownValue)))),
});
type RawFrame = Infer<typeof rawFrame>;
const rawStacktrace = optional(nullable(object({ frames: optional(nullable(arrayOf(rawFrame))) })));
const rawException = object({
  type: text,
  value: text,
  mechanism: optional(nullable(object({ handled: optional(nullable(bool)) }))),
  stacktrace: rawStacktrace,
});
type RawException = Infer<typeof rawException>;
const exceptionEntry = object({ values: optional(nullable(arrayOf(rawException))) });
const threadsEntry = object({
  values: optional(nullable(arrayOf(object({ crashed: optional(nullable(bool)), current: optional(nullable(bool)), stacktrace: rawStacktrace })))),
});
const stacktraceEntry = object({ frames: optional(nullable(arrayOf(rawFrame))) });
const requestEntry = object({ url: str, method: text });
const cspEntry = object({ effective_directive: text, violated_directive: text, blocked_uri: text, document_uri: text });
const messageEntry = object({ formatted: text, message: text });

export interface Frame {
  file: string | null;
  line: number | null;
  function: string | null;
  inApp: boolean;
  context: string | null;
}

/** The event's user as Sentry has it, keys absent there null here. */
export interface EventUser {
  id: string | null;
  email: string | null;
  username: string | null;
  name: string | null;
  ipAddress: string | null;
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
  total: number;
  top: Array<{ value: string; count: number }>;
}

/** An entry's data read through `schema`, or undefined when the event has no such entry or it has another shape. */
function entry<T>(event: RawEvent, type: string, schema: Schema<T>): T | undefined {
  const data = event.entries?.find((e) => e.type === type)?.data;
  if (data === undefined) return undefined;
  try {
    return schema(data, type);
  } catch {
    return undefined;
  }
}

function stringOr(value: unknown): string | null {
  return typeof value === "string" && value ? value : null;
}

function frameOf(f: RawFrame): Frame {
  const context = f.context?.find(([n]) => n === f.lineNo)?.[1];
  return {
    file: f.filename || f.absPath || f.module || null,
    line: f.lineNo ?? null,
    function: f.function || null,
    inApp: f.inApp === true,
    context: typeof context === "string" && context.trim() ? truncate(context, CONTEXT_WIDTH) : null,
  };
}

/** The stack that explains the event: the outermost exception's, else the crashed (or only) thread's. */
function mainStack(event: RawEvent, exceptions: RawException[]): RawFrame[] {
  for (let i = exceptions.length - 1; i >= 0; i--) {
    const frames = exceptions[i]!.stacktrace?.frames;
    if (frames?.length) return frames;
  }
  const threads = entry(event, "threads", threadsEntry)?.values ?? [];
  const thread = threads.find((t) => t.crashed) ?? threads.find((t) => t.current) ?? threads.find((t) => t.stacktrace?.frames?.length);
  if (thread?.stacktrace?.frames?.length) return thread.stacktrace.frames;
  return entry(event, "stacktrace", stacktraceEntry)?.frames ?? [];
}

function userOf(user: RawEvent["user"]): EventUser | null {
  if (!user) return null;
  const u = { id: stringOr(user.id) ?? (typeof user.id === "number" ? String(user.id) : null), email: stringOr(user.email), username: stringOr(user.username), name: stringOr(user.name), ipAddress: stringOr(user.ip_address) };
  return Object.values(u).some((v) => v !== null) ? u : null;
}

export function summarizeEvent(event: RawEvent, full: boolean, maxFrames: number): EventSummary {
  // Sentry lists chained exceptions cause first; the last value is the one that surfaced.
  const rawExceptions = entry(event, "exception", exceptionEntry)?.values ?? [];
  const innermostFirst = [...mainStack(event, rawExceptions)].reverse().map(frameOf);
  const inApp = innermostFirst.filter((f) => f.inApp);
  // Without in-app frames (a library raised and nothing is marked in-app), the innermost frames still help.
  const framesFrom = full ? "all" : inApp.length ? "in-app" : "innermost";
  const pool = framesFrom === "in-app" ? inApp : innermostFirst;

  const csp = entry(event, "csp", cspEntry);
  const request = entry(event, "request", requestEntry);
  const logged = entry(event, "message", messageEntry);
  const tag = (key: string) => event.tags?.find((t) => t.key === key)?.value ?? null;
  const occurrence = event.occurrence;
  const kind = rawExceptions.length ? "error" : occurrence ? "performance" : csp || event.type === "csp" ? "csp" : logged || event.message ? "message" : event.type || "default";
  const message = logged?.formatted || logged?.message || event.message || null;
  const trace = event.contexts?.trace;
  return {
    id: event.eventID ?? event.id,
    dateCreated: event.dateCreated ?? null,
    kind,
    environment: tag("environment"),
    release: event.release?.version ?? tag("release"),
    exceptions: [...rawExceptions].reverse().map((e) => ({ type: e.type || "Error", value: truncate(e.value ?? "", VALUE_WIDTH), handled: e.mechanism?.handled ?? null })),
    frames: full ? pool : pool.slice(0, maxFrames),
    framesFrom,
    framesInApp: inApp.length,
    framesTotal: innermostFirst.length,
    message: message ? truncate(message, VALUE_WIDTH) : null,
    csp: csp ? { directive: csp.effective_directive ?? csp.violated_directive ?? null, blocked: csp.blocked_uri ?? null, document: csp.document_uri ?? null } : null,
    evidence: (occurrence?.evidenceDisplay ?? [])
      .slice()
      .sort((a, b) => Number(b.important === true) - Number(a.important === true))
      .map((e) => ({ name: e.name, value: truncate(String(e.value), VALUE_WIDTH) })),
    request: request ? { method: request.method ?? null, url: request.url } : null,
    traceId: trace && typeof trace === "object" ? stringOr((trace as Record<string, unknown>).trace_id) : null,
    user: userOf(event.user),
    transaction: tag("transaction") ?? stringOr(occurrence?.evidenceData?.transactionName),
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
    .filter((t) => !(t.key === "url" && t.top.length === 1 && t.top[0]!.count === t.total && requestUrl?.startsWith(t.top[0]!.value)))
    .map((t) => {
      const values = t.top.map((v) => {
        const share = t.total > 0 ? ` ${Math.round((v.count / t.total) * 100)}%` : "";
        return `${truncate(v.value, TAG_VALUE_WIDTH)}${share}`;
      });
      return `${t.key} ${values.join(", ")}`;
    });
  return parts.length ? `Tags: ${parts.join("; ")}` : "";
}
