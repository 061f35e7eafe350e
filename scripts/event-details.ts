// event-details: one event of an issue (or any event of the organization by ID) in about a tenth of its bytes:
// the exception chain, the top in-app frames with their source line, the last breadcrumbs, the request, the
// contexts that tell where it ran, and the suspect commits Sentry matches to its stack.

import { NotFoundError, UsageError } from "./lib/errors.js";
import {
  DEFAULT_FRAMES,
  MAX_SUSPECT_COMMITS,
  parseEventChoice,
  parseEventId,
  shortVersion,
  summarizeEvent,
  suspectCommits,
  type EventSummary,
  type SuspectCommit,
} from "./lib/event-summary.js";
import { int, value } from "./lib/flags.js";
import { issueTarget, notFoundHint } from "./lib/issues.js";
import { commandLine, relativeTime, truncate } from "./lib/output.js";
import { cleanText } from "./lib/text.js";
import { isForbidden, tryGet } from "./lib/sentry/client.js";
import { getEventCommitters, lookupEventId, ORG_READ_SCOPE, PROJECT_READ_SCOPE, READ_SCOPE } from "./lib/sentry/issue-events.js";
import { getIssueEvent, type RawEvent } from "./lib/sentry/issues.js";
import { itemTool, runIfMain } from "./lib/tool.js";
import { isShortId, parseIssueRef, type IssueRef } from "./lib/validate.js";

const MAX_FRAMES = 50;
/** Suspect commits in the text; the JSON keeps up to MAX_SUSPECT_COMMITS. */
const COMMITS_SHOWN = 1;
const SHORT_SHA = 12;
const TITLE_WIDTH = 100;

type Input = { kind: "issue"; ref: IssueRef; label: string; event: string; frames: number } | { kind: "lookup"; eventId: string; frames: number };

interface Result extends EventSummary {
  /** The issue as the next commands name it: the short ID or ID given, else the event's issue ID. */
  issue: string | null;
  eventId: string;
  /** The project slug (event ID lookup) or numeric ID (the event's own); null when the event names none. */
  project: string | null;
  /** Set when the organization came from --org or an issue URL, for the suggested commands. */
  org: string | null;
  suspectCommits: SuspectCommit[] | null;
  suspectCommitsTotal: number;
  /** Why suspect commits are missing, when they are. */
  suspectCommitsNote: string | null;
}

export const tool = itemTool({
  name: "event-details",
  category: "errors",
  summary: "Show one event: exception, in-app frames, breadcrumbs, suspect commits",
  positionals: [
    { name: "issue", help: "Numeric ID, short ID (WEB-FRONTEND-1A2) or issue URL; leave out with --event" },
    { name: "event", help: "recommended (default), latest, oldest, or a 32-hex event ID of that issue" },
  ],
  flags: {
    event: value({ placeholder: "ID", help: "An event ID from anywhere in the organization (no issue needed; needs org:read)" }, (v, flag) => parseEventId(v, `${flag}`)),
    frames: int({ min: 1, max: MAX_FRAMES, default: DEFAULT_FRAMES, help: `In-app frames to show (max ${MAX_FRAMES})` }),
  },
  fields: [
    "issue",
    "eventId",
    "project",
    "org",
    "title",
    "dateCreated",
    "release",
    "environment",
    "user",
    "traceId",
    "exceptions",
    "frames",
    "framesInApp",
    "framesTotal",
    "breadcrumbs",
    "breadcrumbsTotal",
    "request",
    "contexts",
    "suspectCommits",
    "suspectCommitsTotal",
    "suspectCommitsNote",
  ],
  examples: [
    { args: "API-BACKEND-12", about: "the recommended event of an issue, with its suspect commits" },
    { args: "API-BACKEND-12 oldest", about: "the first event the issue saw" },
    { args: "--event 7db0cb41e7bdd6a6b186754f61e517a3", about: "an event by ID, whatever its issue" },
    { args: "4242 latest --frames 8 --json", about: "more in-app frames, as JSON" },
  ],
  scopes: `${READ_SCOPE} (${ORG_READ_SCOPE} for --event, ${PROJECT_READ_SCOPE} for suspect commits)`,
  api: [
    "GET /api/0/organizations/{org}/issues/{issue}/events/{recommended|latest|oldest|event_id}/",
    "GET /api/0/organizations/{org}/eventids/{event_id}/ (--event)",
    "GET /api/0/projects/{org}/{project}/events/{event_id}/committers/",
  ],
  parse({ flags, positionals }): Input {
    const [label, choice] = positionals;
    if (label === undefined) {
      if (flags.event === undefined) throw new UsageError("missing <issue> (or --event ID)", "usage: node dist/event-details.mjs <issue> [latest|oldest|recommended|event-id], or --event ID");
      return { kind: "lookup", eventId: flags.event, frames: flags.frames };
    }
    if (choice !== undefined && flags.event !== undefined) throw new UsageError("give the event once: as the second argument or as --event");
    const event = choice !== undefined ? parseEventChoice(choice) : (flags.event ?? "recommended");
    return { kind: "issue", ref: parseIssueRef(label), label, event, frames: flags.frames };
  },
  async run(input, ctx): Promise<Result> {
    let org: string;
    let event: RawEvent;
    let project: string | null;
    let issue: string | null;
    let orgNamed = ctx.config.orgSource === "--org";
    if (input.kind === "lookup") {
      org = await ctx.api.org();
      const found = (await lookupEventId(ctx.api, org, input.eventId)).body;
      event = found.event;
      project = found.projectSlug;
      issue = /^\d+$/.test(found.groupId) ? found.groupId : null;
    } else {
      const target = await issueTarget(input.ref, ctx.api, input.label);
      org = target.org;
      orgNamed ||= input.ref.kind === "url" && input.ref.org !== undefined;
      const hint = input.event.length === 32 ? `no event ${input.event} in issue ${input.label}: list them with node dist/issue-events.mjs` : notFoundHint(target);
      event = (await getIssueEvent(ctx.api, org, target.pathId, input.event, hint)).body;
      project = event.projectID ?? null;
      issue = input.ref.kind === "shortId" || input.ref.kind === "id" ? target.pathId : (event.groupID ?? null);
    }
    const eventId = event.eventID ?? event.id;
    // Optional: without project:read, or when Sentry matched no commit (no release, no commits), the event still shows.
    let note: string | null = project === null ? "the event names no project" : null;
    const committers =
      project === null
        ? null
        : await tryGet(getEventCommitters(ctx.api, org, project, eventId), (err) => {
            if (isForbidden(err)) note = `the token lacks ${PROJECT_READ_SCOPE}`;
            else if (err instanceof NotFoundError) note = "Sentry has none: the issue's first release has no commits, or Sentry knows no release";
            return note !== null;
          });
    if (note) ctx.warn(`suspect commits not shown: ${note}`);
    const commits = committers ? suspectCommits(committers.body) : null;
    return {
      issue,
      eventId,
      project,
      org: orgNamed ? org : null,
      ...summarizeEvent(event, input.frames),
      suspectCommits: commits ? commits.slice(0, MAX_SUSPECT_COMMITS) : null,
      suspectCommitsTotal: commits?.length ?? 0,
      suspectCommitsNote: note,
    };
  },
  render(r, ctx) {
    const lines: string[] = [];
    const when = r.dateCreated ? relativeTime(r.dateCreated, ctx.now) : "time unknown";
    const about = [r.environment, r.release ? `release ${shortVersion(r.release)}` : null, r.user ? `user ${r.user}` : null].filter(Boolean).join("; ");
    lines.push(`Event ${r.eventId}${r.issue && isShortId(r.issue) ? ` of ${r.issue}` : ""}, ${when}${about ? `; ${truncate(about, TITLE_WIDTH)}` : ""}`);
    if (r.traceId) lines.push(`Trace ${r.traceId}`);
    const [top, ...causes] = r.exceptions;
    if (top) {
      lines.push(`${top.type}: ${top.value}${top.handled === false ? " (unhandled)" : ""}`);
      for (const c of causes) lines.push(`  from ${c.type}${c.value === top.value ? " (same message)" : `: ${c.value}`}`);
    } else {
      lines.push(truncate(r.title ?? "(no title)", TITLE_WIDTH));
    }
    if (r.frames.length) {
      lines.push(r.framesInApp ? `In-app frames (${r.frames.length} of ${r.framesInApp}; ${r.framesTotal} in all):` : `Innermost frames (none in-app; ${r.framesTotal} in all):`);
      for (const f of r.frames) lines.push(`  ${f.file}${f.line !== null ? `:${f.line}` : ""} ${f.function}${f.source ? `: ${f.source}` : ""}`);
    }
    if (r.breadcrumbs.length) {
      lines.push(`Breadcrumbs (${r.breadcrumbsTotal}):`);
      for (const c of r.breadcrumbs) lines.push(`  ${c.time ? c.time.slice(11, 19) : "--:--:--"} ${c.category} ${c.message}${c.times > 1 ? ` (x${c.times})` : ""}`);
    }
    if (r.request) lines.push(`Request: ${r.request.method ? `${r.request.method} ` : ""}${r.request.url}`);
    const contexts = Object.entries(r.contexts).map(([k, v]) => `${k} ${v}`);
    if (contexts.length) lines.push(`Contexts: ${contexts.join("; ")}`);
    lines.push(...renderCommits(r, ctx.now));
    if (r.issue) {
      const scope = r.org ? ["--org", r.org] : [];
      // One step: whether the issue is confined to a release, user or browser; tag-values' own Next lists those events.
      lines.push(`Next: ${commandLine("tag-values", [r.issue, ...scope])}`);
    }
    // Every value above is server text: one clean line each, whatever it held.
    return lines.map(cleanText).join("\n");
  },
});

function renderCommits(r: Result, now: number): string[] {
  if (r.suspectCommits === null) return [`Suspect commits: not shown (${r.suspectCommitsNote ?? "unavailable"})`];
  if (r.suspectCommits.length === 0) return ["Suspect commits: none matched the stack"];
  const shown = r.suspectCommits.slice(0, COMMITS_SHOWN);
  const more = r.suspectCommitsTotal - shown.length;
  const lines = [`Suspect commits (${more > 0 ? `best ${shown.length} of ${r.suspectCommitsTotal}` : `${r.suspectCommitsTotal}, best first`}):`];
  for (const c of shown) {
    const who = [c.author, c.date ? relativeTime(c.date, now) : null].filter(Boolean).join(", ");
    lines.push(`  ${c.id.slice(0, SHORT_SHA)} ${c.message}${who ? ` (${who})` : ""}`);
  }
  return lines;
}

runIfMain(tool, import.meta.url);
