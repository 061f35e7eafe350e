// One Sentry event cut down to what explains it, for event-details (and the event lines of issue-events): the
// exception chain, the top in-app frames with their source line, the last breadcrumbs with repeats folded, the
// request, the contexts that tell where it ran, who it hit, and the suspect commits. The raw event runs to tens
// of kilobytes (every frame with its source context, every header); this keeps about a tenth.

import { UsageError } from "./errors.js";
import { truncate } from "./output.js";
import type { RawCommitters, RawEvent, RawUser } from "./sentry/issue-events.js";
import { quoteInput } from "./validate.js";

/** Sentry's named events besides an event ID (getOrganizationIssueEvent). */
export const NAMED_EVENTS = ["recommended", "latest", "oldest"] as const;
const EVENT_ID = /^[0-9a-f]{32}$/;
export const DEFAULT_FRAMES = 3;
/** Breadcrumbs shown: the last ones before the error tell what led to it. */
export const MAX_BREADCRUMBS = 10;
/** Suspect commits kept in the result (the text shows fewer). */
export const MAX_SUSPECT_COMMITS = 5;
const VALUE_WIDTH = 100;
const CONTEXT_WIDTH = 90;
const CRUMB_WIDTH = 48;
const COMMIT_WIDTH = 64;
/** The contexts worth a word, in the order shown: where the event ran, and what answered. */
const TELLING_CONTEXTS = ["browser", "os", "device", "runtime", "app"];

export const isEventId = (value: string): boolean => EVENT_ID.test(value);

/** Commit-SHA release versions by their first 12 characters, as Sentry's UI shows them (formatVersion). */
export function shortVersion(version: string): string {
  return /^[0-9a-f]{40}$/i.test(version) ? version.slice(0, 12) : version;
}

/** A 32-hex event ID (dashes and case ignored), as the user may paste it from a UUID. */
export function parseEventId(raw: string, what = "event ID"): string {
  const id = raw.trim().toLowerCase().replace(/-/g, "");
  if (!EVENT_ID.test(id)) throw new UsageError(`invalid ${what} ${quoteInput(raw)}: expected 32 hex characters, e.g. from issue-events`);
  return id;
}

/** The second argument: latest, oldest, recommended, or an event ID. */
export function parseEventChoice(raw: string): string {
  const word = raw.trim().toLowerCase();
  return (NAMED_EVENTS as readonly string[]).includes(word) ? word : parseEventId(raw, "event (use latest, oldest, recommended or a 32-hex event ID)");
}

export interface Frame {
  file: string;
  line: number | null;
  function: string;
  /** The source line the frame stopped at, when Sentry has it. */
  source: string | null;
}

export interface Crumb {
  time: string | null;
  category: string;
  level: string | null;
  message: string;
  /** How many identical breadcrumbs in a row this one stands for. */
  times: number;
}

export interface SuspectCommit {
  id: string;
  message: string;
  author: string | null;
  date: string | null;
  repository: string | null;
  score: number | null;
}

export interface EventSummary {
  title: string;
  dateCreated: string | null;
  release: string | null;
  environment: string | null;
  user: string | null;
  traceId: string | null;
  /** Outermost first: the exception that surfaced, then what caused it. */
  exceptions: Array<{ type: string; value: string; handled: boolean | null }>;
  /** Innermost first: the in-app frames (the innermost frames when none is in-app). */
  frames: Frame[];
  framesInApp: number;
  framesTotal: number;
  breadcrumbs: Crumb[];
  breadcrumbsTotal: number;
  request: { method: string | null; url: string } | null;
  /** "runtime": "CPython 3.12.7", "browser": "Chrome 131" … */
  contexts: Record<string, string>;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const text = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : null);

function entry(event: RawEvent, type: string): Json | undefined {
  const data = event.entries.find((e) => e.type === type)?.data;
  return isObject(data) ? data : undefined;
}

function listOf(data: Json | undefined, key = "values"): Json[] {
  const v = data?.[key];
  return Array.isArray(v) ? v.filter(isObject) : [];
}

/** The user in one word: email, username, name, "id:42", else "ip:…" (how Sentry's user tag names them). */
export function userLabel(user: RawUser | undefined): string | null {
  if (!user) return null;
  return user.email || user.username || user.name || (user.id ? `id:${user.id}` : null) || (user.ip_address ? `ip:${user.ip_address}` : null);
}

export function tagOf(tags: ReadonlyArray<{ key: string; value: string }> | undefined, key: string): string | null {
  return tags?.find((t) => t.key === key)?.value ?? null;
}

function frameOf(f: Json): Frame {
  const line = typeof f.lineNo === "number" ? f.lineNo : null;
  const context = Array.isArray(f.context) ? (f.context as unknown[]).find((c) => Array.isArray(c) && c[0] === line) : undefined;
  const source = Array.isArray(context) ? text(context[1]) : null;
  return {
    file: text(f.filename) ?? text(f.absPath) ?? text(f.module) ?? "?",
    line,
    function: text(f.function) ?? "?",
    source: source?.trim() ? truncate(source, CONTEXT_WIDTH) : null,
  };
}

/** The frames that explain the event: the surfaced exception's stack, else the crashed (or only) thread's. */
function mainFrames(event: RawEvent, exceptions: Json[]): Json[] {
  for (let i = exceptions.length - 1; i >= 0; i--) {
    const frames = listOf(isObject(exceptions[i]!.stacktrace) ? (exceptions[i]!.stacktrace as Json) : undefined, "frames");
    if (frames.length) return frames;
  }
  const threads = listOf(entry(event, "threads"));
  const thread = threads.find((t) => t.crashed === true) ?? threads.find((t) => t.current === true) ?? threads[0];
  return listOf(isObject(thread?.stacktrace) ? (thread.stacktrace as Json) : undefined, "frames");
}

/** Consecutive identical breadcrumbs (same category and message) as one with a count, then the last `max`. */
export function foldBreadcrumbs(raw: Json[], max = MAX_BREADCRUMBS): Crumb[] {
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
  return folded.slice(-max).map((c) => ({ ...c, message: truncate(c.message, CRUMB_WIDTH) }));
}

function contextsOf(event: RawEvent): Record<string, string> {
  const contexts = isObject(event.contexts) ? event.contexts : {};
  const out: Record<string, string> = {};
  for (const key of TELLING_CONTEXTS) {
    const c = contexts[key];
    if (!isObject(c)) continue;
    const name = key === "device" ? (text(c.model) ?? text(c.family) ?? text(c.name)) : key === "app" ? text(c.app_name) : text(c.name);
    const version = key === "app" ? text(c.app_version) : key === "device" ? null : text(c.version);
    const value = [name, version].filter(Boolean).join(" ");
    if (value) out[key] = truncate(value, CONTEXT_WIDTH);
  }
  const response = contexts.response;
  if (isObject(response) && text(response.status_code)) out.response = `status ${text(response.status_code)}`;
  return out;
}

export function summarizeEvent(event: RawEvent, maxFrames: number): EventSummary {
  // Sentry lists chained exceptions cause first; the last one is what surfaced.
  const exceptions = listOf(entry(event, "exception"));
  const all = [...mainFrames(event, exceptions)].reverse();
  const inApp = all.filter((f) => f.inApp === true);
  const crumbs = listOf(entry(event, "breadcrumbs"));
  const request = entry(event, "request");
  const trace = isObject(event.contexts) && isObject(event.contexts.trace) ? text(event.contexts.trace.trace_id) : null;
  return {
    title: event.title,
    dateCreated: event.dateCreated ?? null,
    release: event.release?.version ?? tagOf(event.tags, "release"),
    environment: tagOf(event.tags, "environment"),
    user: userLabel(event.user),
    traceId: trace,
    exceptions: [...exceptions].reverse().map((e) => ({
      type: text(e.type) ?? "Error",
      value: truncate(text(e.value) ?? "", VALUE_WIDTH),
      handled: isObject(e.mechanism) && typeof e.mechanism.handled === "boolean" ? e.mechanism.handled : null,
    })),
    // Without in-app frames (a library raised and nothing is marked in-app) the innermost frames still help.
    frames: (inApp.length ? inApp : all).slice(0, maxFrames).map(frameOf),
    framesInApp: inApp.length,
    framesTotal: all.length,
    breadcrumbs: foldBreadcrumbs(crumbs),
    breadcrumbsTotal: crumbs.length,
    request: text(request?.url) ? { method: text(request!.method), url: truncate(text(request!.url)!, VALUE_WIDTH) } : null,
    contexts: contextsOf(event),
  };
}

/** Every suspect commit, best score first, then newest; one author's commits carry the author's name. */
export function suspectCommits(answer: RawCommitters): SuspectCommit[] {
  const commits = answer.committers.flatMap((c) =>
    c.commits.map((commit) => ({
      id: commit.id,
      message: truncate((commit.message ?? "").split("\n").find((l) => l.trim() && !/^Merge pull request/.test(l)) ?? commit.message ?? "", COMMIT_WIDTH),
      author: c.author?.name || c.author?.email || null,
      date: commit.dateCreated ?? null,
      repository: commit.repository?.name ?? null,
      score: commit.score ?? null,
    })),
  );
  const seen = new Set<string>();
  return commits
    .filter((c) => (seen.has(c.id) ? false : (seen.add(c.id), true)))
    .sort((a, b) => (b.score ?? 0) - (a.score ?? 0) || Date.parse(b.date ?? "") - Date.parse(a.date ?? "") || 0);
}
