// Which of an issue's events GET /organizations/{org}/issues/{id}/events/ and …/events/{event_id}/ answer:
// the issue's timeline (seed/error-rows.ts: stored events plus the errors dataset's generated ones, newest
// first), narrowed by `environment`, by statsPeriod/start/end when given (no range means all of them, as the
// issue's event stream goes back to its first event), and by `query` in Sentry's search syntax: key:value,
// !key:value, key:*wild*, quoted values and free text. Keys an event row holds (environment, release, user,
// user.id, user.email, trace, id, level, transaction, issue) match the row; any other key is an event tag, matched
// against the tags every event of the issue carries (the latest stored event's). Free text searches the title
// and message. A term Sentry could not parse (an empty key) answers 400.

import { timeWindow } from "../lookup.js";
import { wildcardMatcher } from "../match.js";
import { issueTimeline, type ErrorRow } from "../seed/error-rows.js";
import { issueEvents } from "../seed/issue-events.js";
import type { Issue } from "../seed/issues.js";
import type { RequestContext } from "../types.js";
import { SandboxHttpError } from "../types.js";

type RowTest = (row: ErrorRow) => boolean;

function tokens(query: string): string[] {
  return query.match(/!?[\w.\-]+:"(?:[^"\\]|\\.)*"|"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
}

function unquote(value: string): string {
  return value.startsWith('"') && value.endsWith('"') && value.length >= 2 ? value.slice(1, -1).replace(/\\(.)/g, "$1") : value;
}

function rowValue(row: ErrorRow, key: string, tags: ReadonlyMap<string, string>): string | null | undefined {
  switch (key) {
    case "environment":
      return row.environment;
    case "release":
      return row.release;
    case "user":
      return row.userId ? `id:${row.userId}` : null;
    case "user.id":
      return row.userId;
    case "user.email":
      return row.userEmail;
    case "trace":
    case "trace.id":
      return row.traceId;
    case "id":
    case "event.id":
    case "event_id":
      return row.eventId;
    case "level":
      return row.issue.level;
    case "transaction":
      return row.issue.spec.transaction;
    case "issue":
      return row.issue.shortId;
    default:
      return tags.has(key) ? tags.get(key)! : null;
  }
}

function termTest(word: string, tags: ReadonlyMap<string, string>): RowTest {
  let text = word;
  let negated = false;
  if (text.startsWith("!")) {
    negated = true;
    text = text.slice(1);
  }
  const m = /^([\w.\-]*):(.*)$/s.exec(text);
  if (!m || text.startsWith('"')) {
    const matches = wildcardMatcher(`*${unquote(text)}*`, { caseInsensitive: true });
    const test: RowTest = (row) => matches(row.issue.spec.title) || matches(row.issue.spec.message ?? "");
    return negated ? (row) => !test(row) : test;
  }
  const key = m[1]!;
  if (key === "") throw new SandboxHttpError(400, { detail: `Invalid query: '${word}' has no key.` });
  const wanted = unquote(m[2]!);
  const matches = wanted.includes("*") ? wildcardMatcher(wanted, { caseInsensitive: true }) : (v: string) => v === wanted;
  const test: RowTest = (row) => {
    const value = rowValue(row, key, tags);
    return wanted === "" ? value === null || value === undefined || value === "" : typeof value === "string" && matches(value);
  };
  return negated ? (row) => !test(row) : test;
}

/** The issue's events the request selects, newest first. */
export function selectIssueEvents(ctx: RequestContext, issue: Issue): ErrorRow[] {
  const envs = [...ctx.query.getAll("environment"), ...ctx.query.getAll("environment[]")].filter((e) => e !== "");
  const ranged = ctx.query.has("statsPeriod") || (ctx.query.has("start") && ctx.query.has("end"));
  const window = ranged ? timeWindow(ctx) : undefined;
  const latest = issueEvents(ctx.world, issue)[0];
  const tags = new Map(((latest?.body.tags ?? []) as Array<{ key: string; value: string }>).map((t) => [t.key, t.value]));
  const tests = tokens(ctx.query.get("query") ?? "").map((w) => termTest(w, tags));
  return issueTimeline(ctx.world, issue).filter(
    (row) =>
      (envs.length === 0 || envs.includes(row.environment)) &&
      (!window || (row.timestamp >= window.start && row.timestamp <= window.end)) &&
      tests.every((t) => t(row)),
  );
}
