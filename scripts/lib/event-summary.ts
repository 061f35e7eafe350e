// One Sentry event as event-details shows it, in about a tenth of its bytes: the exception chain, the top in-app
// frames with their source line, the last breadcrumbs with repeats folded, the request, the contexts that tell
// where it ran, who it hit, and the suspect commits. The parts are read by event-parts.ts, as issue-details reads
// them; how many and how wide is decided here. Also the event argument's parsing, and how versions print.

import { UsageError } from "./errors.js";
import { breadcrumbs, eventContexts, eventRequest, exceptionChain, isEventId, stackFrames, tagOf, traceIdOf, userLabel, type Crumb } from "./event-parts.js";
import { truncate } from "./output.js";
import type { RawCommitters } from "./sentry/issue-events.js";
import { isNamedEvent, type RawEvent } from "./sentry/issues.js";
import { quoteInput } from "./validate.js";

export const DEFAULT_FRAMES = 3;
/** Breadcrumbs shown: the last ones before the error tell what led to it. */
const MAX_BREADCRUMBS = 10;
/** Suspect commits kept in the result (the text shows fewer). */
export const MAX_SUSPECT_COMMITS = 5;
const VALUE_WIDTH = 100;
const CONTEXT_WIDTH = 90;
const CRUMB_WIDTH = 40;
const COMMIT_WIDTH = 64;

/** Commit-SHA release versions by their first 12 characters, as Sentry's UI shows them (formatVersion). */
export function shortVersion(version: string): string {
  return /^[0-9a-f]{40}$/i.test(version) ? version.slice(0, 12) : version;
}

/** A 32-hex event ID (dashes and case ignored), as the user may paste it from a UUID. */
export function parseEventId(raw: string, what = "event ID"): string {
  const id = raw.trim().toLowerCase().replace(/-/g, "");
  if (!isEventId(id)) throw new UsageError(`invalid ${what} ${quoteInput(raw)}: expected 32 hex characters, e.g. from issue-events`);
  return id;
}

/** The second argument: latest, oldest, recommended, or an event ID. */
export function parseEventChoice(raw: string): string {
  const word = raw.trim().toLowerCase();
  return isNamedEvent(word) ? word : parseEventId(raw, "event (use latest, oldest, recommended or a 32-hex event ID)");
}

export interface Frame {
  file: string;
  line: number | null;
  function: string;
  /** The source line the frame stopped at, when Sentry has it. */
  source: string | null;
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
  /** Null only when Sentry sent none (the shared event schema allows it). */
  title: string | null;
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

export function summarizeEvent(event: RawEvent, maxFrames: number): EventSummary {
  const all = stackFrames(event);
  const inApp = all.filter((f) => f.inApp);
  const crumbs = breadcrumbs(event, MAX_BREADCRUMBS, CRUMB_WIDTH);
  const request = eventRequest(event);
  return {
    title: event.title ?? null,
    dateCreated: event.dateCreated ?? null,
    release: event.release?.version ?? tagOf(event.tags, "release"),
    environment: tagOf(event.tags, "environment"),
    user: userLabel(event.user),
    traceId: traceIdOf(event),
    exceptions: exceptionChain(event).map((e) => ({ ...e, value: truncate(e.value, VALUE_WIDTH) })),
    // Without in-app frames (a library raised and nothing is marked in-app) the innermost frames still help.
    frames: (inApp.length ? inApp : all).slice(0, maxFrames).map((f) => ({
      file: f.file ?? "?",
      line: f.line,
      function: f.function ?? "?",
      source: f.source ? truncate(f.source, CONTEXT_WIDTH) : null,
    })),
    framesInApp: inApp.length,
    framesTotal: all.length,
    breadcrumbs: crumbs.crumbs,
    breadcrumbsTotal: crumbs.total,
    request: request ? { method: request.method, url: truncate(request.url, VALUE_WIDTH) } : null,
    contexts: eventContexts(event, CONTEXT_WIDTH),
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
