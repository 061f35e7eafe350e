// issue-events: an issue's events, newest first, one line each (time, event ID, environment, release, user,
// trace ID, and the message when it says more than the title), so an agent can pick the event to open with
// event-details or the trace to follow, and see which releases, environments and users an issue hits.

import { isEventId, tagOf, userLabel } from "./lib/event-parts.js";
import { shortVersion } from "./lib/event-summary.js";
import { environments, parseSearchPeriod, text, value, type Period } from "./lib/flags.js";
import { issueTarget, notFoundHint } from "./lib/issues.js";
import { commandLine, plural, truncate } from "./lib/output.js";
import { cleanText } from "./lib/text.js";
import { isForbidden, tryGet } from "./lib/sentry/client.js";
import { listIssueEvents, ORG_READ_SCOPE, READ_SCOPE, traceIdsOf, type RawListedEvent } from "./lib/sentry/issue-events.js";
import { listTool, runIfMain, type ListSummary } from "./lib/tool.js";
import { UsageError } from "./lib/errors.js";
import { isCursor, isShortId, parseIssueRef, toStatsPeriod, type IssueRef } from "./lib/validate.js";

/** Margin around a page's event times for the trace lookup: dateCreated is rounded, the window's end exclusive. */
const WINDOW_MARGIN_MS = 1000;
const MESSAGE_WIDTH = 60;

interface Input {
  ref: IssueRef;
  label: string;
  query?: string;
  period?: Period;
  environment: string[];
}

interface Summary extends ListSummary {
  issue: string;
  /** The flags that narrowed the run, for the suggested commands. */
  scope: string[];
  /** --org for the suggested commands, when the organization came from --org or an issue URL. */
  orgArgs: string[];
  described: string;
  /** Why trace IDs are missing, when they are. */
  traceNote: string | null;
}

export const tool = listTool({
  name: "issue-events",
  category: "errors",
  summary: "List an issue's events: time, release, environment, user, trace",
  positionals: [{ name: "issue", help: "Numeric ID, short ID (WEB-FRONTEND-1A2) or issue URL", required: true }],
  flags: {
    query: text({ placeholder: "SEARCH", help: "Sentry event search, e.g. 'release:2.4.1 user.email:*@acme.com'" }),
    period: value({ placeholder: "DURATION", help: "Only events within this time, e.g. 1h, 24h, 14d (max 90d; default: all the issue has)" }, (raw, flag) => {
      const seconds = parseSearchPeriod(raw, flag);
      return { seconds, statsPeriod: toStatsPeriod(seconds), label: raw.trim() };
    }),
    environment: environments("Only this environment, e.g. production"),
  },
  defaultLimit: 25,
  fields: ["id", "dateCreated", "environment", "release", "user", "traceId", "message"],
  examples: [
    { args: "API-BACKEND-12", about: "the latest 25 events of an issue" },
    { args: "API-BACKEND-12 --period 1h --environment production", about: "what hit production in the last hour" },
    { args: "4242 --query 'release:2.4.1' --all --ndjson", about: "every event in one release, one JSON line each" },
  ],
  scopes: `${READ_SCOPE} (${ORG_READ_SCOPE} for trace IDs)`,
  api: [
    "GET /api/0/organizations/{org}/issues/{issue}/events/?full=false&query=…&statsPeriod=…&environment=…&per_page=…",
    "GET /api/0/organizations/{org}/events/?dataset=errors&field=id&field=trace&query=id:[…]&start=…&end=… (each page's trace IDs)",
  ],
  parse({ flags, positionals }): Input {
    const label = positionals[0]!;
    const query = flags.query?.trim();
    if (query && /[\r\n]/.test(query)) throw new UsageError("--query must be one line");
    return { ref: parseIssueRef(label), label, query: query || undefined, period: flags.period, environment: flags.environment };
  },
  async run(input, ctx): Promise<Summary> {
    const target = await issueTarget(input.ref, ctx.api, input.label);
    const search = { query: input.query, statsPeriod: input.period?.statsPeriod, environment: input.environment };
    let nextCursor: string | null = null;
    let traceNote: string | null = null;
    let fetched = 0;
    for await (const page of listIssueEvents(ctx.api, target.org, target.pathId, search, ctx.list, notFoundHint(target))) {
      nextCursor = page.nextCursor;
      let traces: Map<string, string> | null = null;
      if (traceNote === null) {
        const ids = page.items.map((e) => e.eventID);
        const projects = page.items.map((e) => e.projectID);
        // Optional: without org:read (403), or on a server whose events endpoint refuses the errors table (400, older
        // self-hosted), the events still list, without their traces.
        let why = "";
        traces = await tryGet(traceIdsOf(ctx.api, target.org, projects, ids, spanOf(page.items, ctx.now)), (err) => {
          why = isForbidden(err) ? `the token lacks ${ORG_READ_SCOPE}` : err instanceof UsageError && err.status === 400 ? "the server refused the errors-table lookup (400)" : "";
          return why !== "";
        });
        if (traces === null) {
          traceNote = `trace IDs left out: ${why}`;
          ctx.warn(traceNote);
        }
      }
      ctx.emit(page.items.map((e) => eventRecord(e, traces)));
      fetched += page.items.length;
      ctx.progress(`fetched ${fetched} events…`);
    }
    const scope = [
      ...(input.query ? ["--query", input.query] : []),
      ...(input.period ? ["--period", input.period.label] : []),
      ...input.environment.flatMap((e) => ["--environment", e]),
    ];
    const orgArgs = ctx.config.orgSource === "--org" || (input.ref.kind === "url" && input.ref.org) ? ["--org", target.org] : [];
    const described = [
      input.query ? `matching ${JSON.stringify(input.query)}` : "",
      input.environment.length ? `in ${input.environment.join(", ")}` : "",
      input.period ? `over ${input.period.label}` : "",
    ].filter(Boolean).join(" ");
    // The issue as the next commands name it: what the user typed when it is an ID, else the numeric ID from the URL.
    return { nextCursor, issue: target.pathId, scope, orgArgs, described, traceNote };
  },
  render(records, s) {
    const of = isShortId(s.issue) || /^\d+$/.test(s.issue) ? ` of ${s.issue}` : "";
    if (records.length === 0) {
      return `No events${of}${s.described ? ` ${s.described}` : ""}. Try a broader --query, another --environment, or a longer --period.`;
    }
    const lines = [`${plural(records.length, "event")}${of}${s.described ? ` ${s.described}` : ""}, newest first; time (UTC), event ID, environment, release, user, trace, message:`];
    // Single spaces, no padding (a tenth of the bytes); a space inside a value becomes _ so columns stay countable.
    const word = (v: unknown) => (v === null || v === undefined || v === "" ? "-" : cleanText(String(v)).replace(/\s+/g, "_"));
    for (const r of records) {
      const cells = [
        String(r.dateCreated ?? "").slice(5, 19).replace("T", " "),
        word(r.id),
        word(r.environment),
        word(r.release ? shortVersion(String(r.release)) : null),
        word(r.user),
        word(r.traceId),
      ];
      lines.push([...cells, r.message ? truncate(String(r.message), MESSAGE_WIDTH) : ""].join(" ").trimEnd());
    }
    // Server values go into a command only when they have the shape the tool would accept from the user.
    const first = String(records[0]!.id);
    const next = isEventId(first) ? [commandLine("event-details", [s.issue, first, ...s.orgArgs])] : [];
    if (s.nextCursor && isCursor(s.nextCursor)) next.push(commandLine("issue-events", [s.issue, ...s.scope, ...s.orgArgs, "--cursor", s.nextCursor]));
    if (next.length) lines.push(`Next: ${next.join("   or   ")}`);
    return lines.join("\n");
  },
});

/** The time span a page of events covers, with a second's margin either side. */
function spanOf(events: readonly RawListedEvent[], now: number): { start: string; end: string } {
  const times = events.map((e) => Date.parse(e.dateCreated)).filter((t) => Number.isFinite(t));
  const at = (t: number) => new Date(t).toISOString();
  return times.length ? { start: at(Math.min(...times) - WINDOW_MARGIN_MS), end: at(Math.max(...times) + WINDOW_MARGIN_MS) } : { start: at(0), end: at(now) };
}

function eventRecord(e: RawListedEvent, traces: Map<string, string> | null): Record<string, unknown> {
  const user = userLabel(e.user);
  const message = e.message && e.message.trim() !== e.title.trim() ? e.message : null;
  return {
    id: e.eventID,
    dateCreated: e.dateCreated,
    environment: tagOf(e.tags, "environment"),
    release: tagOf(e.tags, "release"),
    user,
    traceId: traces?.get(e.eventID) ?? null,
    message,
  };
}

runIfMain(tool, import.meta.url);
