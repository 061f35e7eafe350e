// An event's parts, read one way for every tool that shows an event (issue-details, event-details, issue-events):
// the exception chain with its causes, the frames of the stack that explains it with their source line, the
// user, the request, the trace, the contexts that tell where it ran, and the breadcrumbs. Sentry's entries vary
// by platform and SDK, so each field is read on its own: an odd one costs that field, never the event. Cutting
// is the tools' business: each passes its own widths and counts.

import { truncate } from "./output.js";
import type { RawEvent, RawEventUser } from "./sentry/issues.js";

const EVENT_ID = /^[0-9a-f]{32}$/;
/** The contexts worth a word, in the order shown: where the event ran, and what answered. */
const TELLING_CONTEXTS = ["browser", "os", "device", "runtime", "app"];

export const isEventId = (value: string): boolean => EVENT_ID.test(value);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
/** A non-empty string, or a number as text: SDKs send numeric user IDs and status codes. */
export const text = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : null);

export interface EventException {
  type: string;
  value: string;
  handled: boolean | null;
}

export interface EventFrame {
  file: string | null;
  line: number | null;
  function: string | null;
  inApp: boolean;
  /** The source line the frame stopped at, when Sentry has it (whole: the tool cuts it). */
  source: string | null;
}

/** The event's user as Sentry has it, keys absent there null here. */
export interface EventUser {
  id: string | null;
  email: string | null;
  username: string | null;
  name: string | null;
  ipAddress: string | null;
}

export interface Crumb {
  time: string | null;
  category: string;
  level: string | null;
  message: string;
  /** How many identical breadcrumbs in a row this one stands for. */
  times: number;
}

/** The data of the event's first entry of this type, when it is an object. */
export function entryData(event: RawEvent, type: string): Json | undefined {
  const data = event.entries?.find((e) => e.type === type)?.data;
  return isObject(data) ? data : undefined;
}

function listOf(data: unknown, key = "values"): Json[] {
  const v = isObject(data) ? data[key] : undefined;
  return Array.isArray(v) ? v.filter(isObject) : [];
}

/** Sentry lists chained exceptions cause first; the last one is what surfaced. */
const rawExceptions = (event: RawEvent): Json[] => listOf(entryData(event, "exception"));

/** Outermost first: the exception that surfaced, then what caused it, each value whole. */
export function exceptionChain(event: RawEvent): EventException[] {
  return rawExceptions(event)
    .reverse()
    .map((e) => ({
      type: text(e.type) ?? "Error",
      value: text(e.value) ?? "",
      handled: isObject(e.mechanism) && typeof e.mechanism.handled === "boolean" ? e.mechanism.handled : null,
    }));
}

/** The stack that explains the event: the surfaced exception's, else the crashed (or current, or only) thread's. */
function mainStack(event: RawEvent): Json[] {
  const exceptions = rawExceptions(event);
  for (let i = exceptions.length - 1; i >= 0; i--) {
    const frames = listOf(exceptions[i]!.stacktrace, "frames");
    if (frames.length) return frames;
  }
  const threads = listOf(entryData(event, "threads"));
  const thread = threads.find((t) => t.crashed === true) ?? threads.find((t) => t.current === true) ?? threads.find((t) => listOf(t.stacktrace, "frames").length);
  const frames = listOf(thread?.stacktrace, "frames");
  return frames.length ? frames : listOf(entryData(event, "stacktrace"), "frames");
}

function frameOf(f: Json): EventFrame {
  const line = typeof f.lineNo === "number" ? f.lineNo : null;
  const context = Array.isArray(f.context) ? (f.context as unknown[]).find((c) => Array.isArray(c) && c[0] === line) : undefined;
  const source = Array.isArray(context) ? text(context[1]) : null;
  return {
    file: text(f.filename) ?? text(f.absPath) ?? text(f.module),
    line,
    function: text(f.function),
    inApp: f.inApp === true,
    source: source?.trim() ? source : null,
  };
}

/** Every frame of the stack that explains the event, innermost first. */
export function stackFrames(event: RawEvent): EventFrame[] {
  return mainStack(event).reverse().map(frameOf);
}

export function eventUser(user: RawEventUser | undefined): EventUser | null {
  if (!user) return null;
  const u = { id: text(user.id), email: text(user.email), username: text(user.username), name: text(user.name), ipAddress: text(user.ip_address) };
  return Object.values(u).some((v) => v !== null) ? u : null;
}

/** The user in one word: email, username, name, "id:42", else "ip:…" (how Sentry's user tag names them). */
export function userLabel(user: RawEventUser | undefined): string | null {
  const u = eventUser(user);
  if (!u) return null;
  return u.email ?? u.username ?? u.name ?? (u.id ? `id:${u.id}` : null) ?? (u.ipAddress ? `ip:${u.ipAddress}` : null);
}

export function tagOf(tags: ReadonlyArray<{ key: string; value: string | null }> | null | undefined, key: string): string | null {
  return tags?.find((t) => t.key === key)?.value ?? null;
}

/** The request the event happened in, when it names a URL. */
export function eventRequest(event: RawEvent): { method: string | null; url: string } | null {
  const request = entryData(event, "request");
  const url = text(request?.url);
  return url ? { method: text(request!.method), url } : null;
}

export function traceIdOf(event: RawEvent): string | null {
  return isObject(event.contexts) && isObject(event.contexts.trace) ? text(event.contexts.trace.trace_id) : null;
}

/** "runtime": "CPython 3.12.7", "browser": "Chrome 131", "response": "status 500"; each value cut at `width`. */
export function eventContexts(event: RawEvent, width: number): Record<string, string> {
  const contexts = isObject(event.contexts) ? event.contexts : {};
  const out: Record<string, string> = {};
  for (const key of TELLING_CONTEXTS) {
    const c = contexts[key];
    if (!isObject(c)) continue;
    const name = key === "device" ? (text(c.model) ?? text(c.family) ?? text(c.name)) : key === "app" ? text(c.app_name) : text(c.name);
    const version = key === "app" ? text(c.app_version) : key === "device" ? null : text(c.version);
    const value = [name, version].filter(Boolean).join(" ");
    if (value) out[key] = truncate(value, width);
  }
  const response = contexts.response;
  if (isObject(response) && text(response.status_code)) out.response = `status ${text(response.status_code)}`;
  return out;
}

/**
 * The last `max` breadcrumbs, consecutive identical ones (same category and message) folded into one with a
 * count, messages cut at `width`; `total` counts them all, unfolded.
 */
export function breadcrumbs(event: RawEvent, max: number, width: number): { crumbs: Crumb[]; total: number } {
  const raw = listOf(entryData(event, "breadcrumbs"));
  const folded: Crumb[] = [];
  for (const c of raw) {
    const category = text(c.category) ?? text(c.type) ?? "default";
    const data = isObject(c.data) ? c.data : {};
    // Navigation and HTTP breadcrumbs carry no message: what they say is in their data.
    const moved = text(data.to) ? `${text(data.from) ?? "?"} -> ${text(data.to)}` : null;
    const message = text(c.message) ?? moved ?? [text(data.method), text(data.url), text(data.status_code)].filter(Boolean).join(" ");
    const last = folded[folded.length - 1];
    if (last && last.category === category && last.message === message) {
      last.times += 1;
      last.time = text(c.timestamp) ?? last.time;
      continue;
    }
    folded.push({ time: text(c.timestamp), category, level: text(c.level), message, times: 1 });
  }
  return { crumbs: folded.slice(-max).map((c) => ({ ...c, message: truncate(c.message, width) })), total: raw.length };
}
