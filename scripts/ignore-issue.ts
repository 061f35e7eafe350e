// ignore-issue: archives issues until they escalate (the default), for a while, until a count or user
// count is reached, or forever. Without --yes it reads each issue and prints the exact requests --yes would send.

import { UsageError } from "./lib/errors.js";
import { bool, duration, int } from "./lib/flags.js";
import { describeStatus, planStatusUpdate, renderStatusUpdate, untilCount, WRITE_SCOPE, type RawIssue, type StatusChange } from "./lib/issues.js";
import { runIfMain, writeTool } from "./lib/tool.js";
import { parseIssueRef } from "./lib/validate.js";

/** Sentry caps ignoreWindow and ignoreUserWindow at one week, in minutes (status_details.py validators). */
const MAX_WINDOW_S = 7 * 24 * 3600;
const MAX_COUNT = 1_000_000_000;
const MINUTE_S = 60;

type Mode =
  | { kind: "untilEscalating" }
  | { kind: "forever" }
  | { kind: "for"; minutes: number }
  | { kind: "count"; count: number; windowMinutes?: number }
  | { kind: "users"; count: number; windowMinutes?: number };

export const tool = writeTool({
  name: "ignore-issue",
  category: "errors",
  summary: "Ignore issues until escalating, for a time, until a count, or forever",
  positionals: [{ name: "issue", help: "Numeric ID, short ID or issue URL; several allowed", required: true, variadic: true }],
  flags: {
    "until-escalating": bool("Until Sentry sees it escalate (the default, as in Sentry's UI)"),
    for: duration({ help: "For this long, e.g. 30m, 2h, 7d (whole minutes)", wholeMinutes: true }),
    count: int({ min: 1, max: MAX_COUNT, help: "Until N more events (or N events within --window)" }),
    users: int({ min: 1, max: MAX_COUNT, help: "Until N more users are affected (or N within --window)" }),
    window: duration({
      help: "With --count or --users: N within this window (max 7d)",
      wholeMinutes: true,
      max: { seconds: MAX_WINDOW_S, label: "7d (Sentry's limit)" },
    }),
    forever: bool("Until someone unignores it"),
  },
  fields: ["applied", "changes", "verb", "target", "issues", "requests", "warnings"],
  examples: [
    { args: "WEB-FRONTEND-1A2", about: "preview ignoring until escalating (exit 3, nothing sent)" },
    { args: "WEB-FRONTEND-1A2 --for 2h --yes", about: "snooze for two hours" },
    { args: "WEB-FRONTEND-1A2 WEB-FRONTEND-1A3 --count 100 --window 1h --yes", about: "until 100 events within an hour" },
    { args: "4242 --forever --yes", about: "ignore for good" },
  ],
  scopes: WRITE_SCOPE,
  api: [
    "GET /api/0/organizations/{org}/issues/{issue}/ (each issue, for the preview)",
    "PUT /api/0/organizations/{org}/issues/{id}/ (one issue)",
    "PUT /api/0/organizations/{org}/issues/?id=…&project=… (several)",
  ],
  parse({ flags, positionals }) {
    const refs = positionals.map((label) => ({ ref: parseIssueRef(label), label }));
    const given = { "until-escalating": flags["until-escalating"], for: flags.for !== undefined, count: flags.count !== undefined, users: flags.users !== undefined, forever: flags.forever };
    const modes = Object.entries(given).filter(([, on]) => on).map(([name]) => name);
    if (modes.length > 1) throw new UsageError(`choose one of --${modes.join(", --")}`);
    const windowMinutes = flags.window !== undefined ? flags.window / MINUTE_S : undefined;
    if (windowMinutes !== undefined && flags.count === undefined && flags.users === undefined) throw new UsageError("--window goes with --count or --users");
    let mode: Mode = { kind: "untilEscalating" };
    if (flags.for !== undefined) mode = { kind: "for", minutes: flags.for / MINUTE_S };
    else if (flags.count !== undefined) mode = { kind: "count", count: flags.count, windowMinutes };
    else if (flags.users !== undefined) mode = { kind: "users", count: flags.users, windowMinutes };
    else if (flags.forever) mode = { kind: "forever" };
    return { refs, mode };
  },
  plan: (input, ctx) => planStatusUpdate(input.refs, ignoreChange(input.mode, ctx.now), ctx),
  render: (result) => renderStatusUpdate(result),
});

/**
 * Request bodies as Sentry's UI sends them (static/app/components/actions/archive.tsx): the substatus
 * says which kind of ignore; there is no ignoreUntilEscalating request key (docs/sentry-api.md §4).
 */
/** How far Sentry's clock may run behind ours when a read-back judges an ignore-until time as this run's. */
const CLOCK_SKEW_MINUTES = 5;

function ignoreChange(mode: Mode, now: number): StatusChange {
  const ignored = (i: RawIssue) => i.status === "ignored";
  const details = (i: RawIssue) => i.statusDetails ?? {};
  // Already ignored in another way: Sentry skips issues already in the target status, so set them
  // unresolved first (update.py handle_other_status_updates).
  const base = { verb: "ignore", perProject: false, needsReset: ignored };
  const conditionMet = (statusDetails: Record<string, number>) => ({ status: "ignored" as const, substatus: "archived_until_condition_met", statusDetails });
  switch (mode.kind) {
    case "untilEscalating":
      return {
        ...base,
        label: "ignored until escalating",
        body: { status: "ignored", substatus: "archived_until_escalating", statusDetails: {} },
        isCurrent: (i) => ignored(i) && (i.substatus === "archived_until_escalating" || details(i).ignoreUntilEscalating === true),
      };
    case "forever":
      return {
        ...base,
        label: "ignored forever",
        body: { status: "ignored", substatus: "archived_forever", statusDetails: {} },
        isCurrent: (i) => ignored(i) && i.substatus === "archived_forever",
      };
    case "for":
      return {
        ...base,
        // The end time as Sentry will show it (now + the duration), so the preview reads like the answer.
        label: describeStatus("ignored", "archived_until_condition_met", { ignoreUntil: new Date(now + mode.minutes * MINUTE_S * 1000).toISOString() }, now),
        body: conditionMet({ ignoreDuration: mode.minutes }),
        // A duration counts from the moment it is set, so asking again restarts it: never "already there".
        isCurrent: () => false,
        // Set by this run: ignored until at least now + the duration (less a few minutes of clock skew).
        isApplied: (i) => {
          const until = Date.parse(String(details(i).ignoreUntil ?? ""));
          return ignored(i) && i.substatus === "archived_until_condition_met" && until >= now + (mode.minutes - CLOCK_SKEW_MINUTES) * MINUTE_S * 1000;
        },
      };
    case "count":
    case "users": {
      const [countKey, windowKey] = mode.kind === "count" ? (["ignoreCount", "ignoreWindow"] as const) : (["ignoreUserCount", "ignoreUserWindow"] as const);
      const statusDetails: Record<string, number> = { [countKey]: mode.count };
      if (mode.windowMinutes !== undefined) statusDetails[windowKey] = mode.windowMinutes;
      return {
        ...base,
        label: `ignored ${untilCount(mode.count, mode.kind === "count" ? "events" : "users", mode.windowMinutes)}`,
        body: conditionMet(statusDetails),
        isCurrent: (i) =>
          ignored(i) &&
          i.substatus === "archived_until_condition_met" &&
          details(i)[countKey] === mode.count &&
          (details(i)[windowKey] ?? undefined) === mode.windowMinutes,
      };
    }
  }
}

runIfMain(tool, import.meta.url);
