// Issues as the error-tracking tools share them: how an issue reference (numeric ID, short ID, URL) becomes
// an organization and an ID, how a status reads in one phrase, and the status-update plan that resolve-issue
// and ignore-issue both hand the runner. Sentry's issue shape and endpoints are in lib/sentry/issues.ts.

import type { SentryApi } from "./api.js";
import { mapLimit } from "./concurrency.js";
import { CliError, UsageError } from "./errors.js";
import { alignColumns, relativeTime, truncate } from "./output.js";
import { requireWriteScope } from "./sentry/auth.js";
import { scopeHint, withScopeHint } from "./sentry/client.js";
import { getIssue, READ_SCOPE, statusUpdateTarget, updateIssueStatus, WRITE_SCOPE, type RawAssignee, type RawIssue, type StatusBody } from "./sentry/issues.js";
import type { RawRelease } from "./sentry/releases.js";
import type { PlannedRequest, ToolContext, WriteOutput, WritePlan } from "./tool.js";
import { apiPath, buildQuery } from "./urls.js";
import { toStatsPeriod, type IssueRef } from "./validate.js";

export { READ_SCOPE, WRITE_SCOPE, withScopeHint, type RawAssignee, type RawIssue, type RawRelease, type StatusBody };

/** Issues read at once during a preview: enough to hide latency, few enough not to trip rate limits. */
const READ_CONCURRENCY = 8;
/** Sentry's bulk update takes at most this many issue IDs per request (updateOrganizationIssues). */
const MAX_BULK_IDS = 1000;
const TITLE_WIDTH = 60;

/** Where one issue reference points: the organization and the ID to put in the path. */
export interface IssueTarget {
  org: string;
  /** Numeric ID or qualified short ID, as the user gave it. */
  pathId: string;
  /** The reference as the user wrote it, for messages. */
  label: string;
}

/**
 * Short IDs need no lookup: the organization issue endpoints resolve a qualified short ID in place of
 * the numeric ID when the organization is in the path (src/sentry/issues/endpoints/bases/group.py).
 * An issue URL names its organization, which wins over the configured one.
 */
export async function issueTarget(ref: IssueRef, api: SentryApi, label: string): Promise<IssueTarget> {
  if (ref.kind === "url") return { org: ref.org ?? (await api.org()), pathId: ref.id, label };
  return { org: await api.org(), pathId: ref.kind === "id" ? ref.id : ref.shortId, label };
}

export function issuePath(target: { org: string; pathId: string }): string {
  return apiPath`/organizations/${target.org}/issues/${target.pathId}/`;
}

export function notFoundHint(target: IssueTarget): string {
  return `no issue ${target.label} in organization ${target.org}: check the ID (list them with node dist/list-issues.mjs) or --org`;
}

/**
 * A GET on an issue that was merged away answers 200 with the successor's body, not a redirect
 * (docs/sentry-api.md §2, group.py convert_args), so a different ID or short ID in the answer means "merged".
 */
export function mergedAway(target: IssueTarget, issue: RawIssue): boolean {
  const asked = target.pathId.toUpperCase();
  return /^\d+$/.test(asked) ? issue.id !== asked : issue.shortId.toUpperCase() !== asked;
}

export async function fetchIssue(api: SentryApi, target: IssueTarget, scopes = READ_SCOPE): Promise<{ issue: RawIssue; bytes: number }> {
  const res = await getIssue(api, target.org, target.pathId, scopes, notFoundHint(target));
  return { issue: res.body, bytes: res.bytes };
}

/** The fields every issue record carries, in list-issues and issue-details alike. */
export function issueSummary(issue: RawIssue) {
  return {
    id: issue.id,
    shortId: issue.shortId,
    title: issue.title,
    culprit: issue.culprit || null,
    level: issue.level,
    status: issue.status,
    substatus: issue.substatus ?? null,
    priority: issue.priority ?? null,
    count: eventCount(issue.count),
    userCount: issue.userCount,
    firstSeen: issue.firstSeen,
    lastSeen: issue.lastSeen,
    project: issue.project?.slug ?? null,
    assignedTo: assigneeLabel(issue.assignedTo),
    permalink: issue.permalink,
  };
}

/** "jane@example.com" for a user, "team:backend" for a team, null when unassigned. */
export function assigneeLabel(a: RawAssignee | null | undefined): string | null {
  if (!a) return null;
  return a.type === "team" ? `team:${a.name}` : a.email || a.name;
}

export function eventCount(count: string | number | null | undefined): number {
  const n = typeof count === "string" ? Number(count) : count;
  return typeof n === "number" && Number.isFinite(n) ? n : 0;
}

type Details = Record<string, unknown>;

function commitLabel(inCommit: unknown): string {
  // Requests send {commit, repository}; responses carry the serialized commit {id, repository: {name}}.
  const c = (inCommit ?? {}) as { commit?: string; id?: string; repository?: string | { name?: string } };
  const sha = String(c.commit ?? c.id ?? "?").slice(0, 12);
  const repo = typeof c.repository === "string" ? c.repository : c.repository?.name;
  return `commit ${sha}${repo ? ` (${repo})` : ""}`;
}

/** Minutes as Sentry's ignore fields carry them → "30m", "2h", "7d" (days, not weeks, as users type them). */
export function minutesLabel(minutes: unknown): string {
  return toStatsPeriod(Number(minutes) * 60);
}

/**
 * A snooze count without a window counts from the moment of ignoring ("N more"); with a window it is a
 * rate (GroupSnooze.is_valid in src/sentry/models/groupsnooze.py).
 */
export function untilCount(count: unknown, what: "events" | "users", windowMinutes: unknown): string {
  return windowMinutes ? `until ${count} ${what} in ${minutesLabel(windowMinutes)}` : `until ${count} more ${what}`;
}

/**
 * One phrase for an issue's state: "unresolved (regressed)", "resolved in 1.4.2", "ignored until
 * escalating", "ignored until 100 more events in 1h". Reads the response keys of IgnoredStatusDetails
 * (src/sentry/issues/ignored.py) and the resolution keys of update.py.
 */
export function describeStatus(status: string, substatus: string | null | undefined, statusDetails: Details | undefined, now: number): string {
  const d = statusDetails ?? {};
  if (status === "resolved") {
    if (d.inNextRelease) return "resolved in the next release";
    if (d.inUpcomingRelease) return "resolved in upcoming release";
    if (typeof d.inRelease === "string") return `resolved in ${d.inRelease}`;
    if (d.inCommit) return `resolved in ${commitLabel(d.inCommit)}`;
    return "resolved";
  }
  if (status === "ignored") {
    if (substatus === "archived_until_escalating" || d.ignoreUntilEscalating) return "ignored until escalating";
    if (substatus === "archived_forever") return "ignored forever";
    const conditions: string[] = [];
    if (typeof d.ignoreUntil === "string") conditions.push(`until ${d.ignoreUntil.slice(0, 16).replace("T", " ")}Z (${relativeTime(d.ignoreUntil, now)})`);
    if (d.ignoreCount) conditions.push(untilCount(d.ignoreCount, "events", d.ignoreWindow));
    if (d.ignoreUserCount) conditions.push(untilCount(d.ignoreUserCount, "users", d.ignoreUserWindow));
    return conditions.length ? `ignored ${conditions.join(" or ")}` : "ignored";
  }
  return substatus ? `${status} (${substatus})` : status;
}

export function issueStatus(issue: RawIssue, now: number): string {
  return describeStatus(issue.status, issue.substatus, issue.statusDetails, now);
}

// ---------------------------------------------------------------------------------------------
// Status updates shared by resolve-issue and ignore-issue.

export interface StatusChange {
  /** "resolve" or "ignore", for the text. */
  verb: string;
  /** "resolved in the next release": what the issue will read like afterwards. */
  label: string;
  body: StatusBody;
  /**
   * Release resolutions are refused for several projects in one bulk request ("Cannot set resolved in
   * release for multiple projects", update.py handle_resolve_in_release), so those go per project.
   */
  perProject: boolean;
  /** The issue already is in the target state: nothing to send. */
  isCurrent(issue: RawIssue): boolean;
  /**
   * Read back after a write whose answer was lost: the issue shows this run's change. Defaults to isCurrent;
   * a change that is never "already there" (ignore for a duration) says here what its applied form looks like.
   */
  isApplied?(issue: RawIssue): boolean;
  /**
   * The bulk update skips issues already in the target status (queryset.exclude(status=new_status) in
   * update.py handle_other_status_updates), so changing how an issue is ignored first sets it unresolved.
   */
  needsReset(issue: RawIssue): boolean;
  /**
   * Reads (GET only) that must pass before anything is sent, in the preview too, for the issues that would
   * change: a release to resolve in must exist, so that --yes cannot fail halfway with a 400.
   */
  precheck?(issues: ReadonlyArray<{ org: string; issue: RawIssue }>, ctx: ToolContext): Promise<PrecheckResult | void>;
  /** The hint when Sentry refuses the PUT with a 400 anyway (the state changed between preview and --yes). */
  badRequestHint?: string;
}

/** What a precheck learned: a label naming what it looked up, and warnings about issues (per short ID). */
export interface PrecheckResult {
  /** Replaces the change's label ("resolved in the latest release (2.4.1)"). */
  label?: string;
  /** Short ID → why the change may not hold. */
  warnings?: Map<string, string>;
}

/** Setting an issue unresolved: the first half of "change how it is ignored". */
const RESET_BODY: StatusBody = { status: "unresolved" };

export interface IssueChange {
  id: string;
  shortId: string;
  title: string;
  project: string;
  /** The reference the user gave, when it named an issue that was merged into this one. */
  mergedFrom?: string;
  before: string;
  /** The state after the change (applied), or the one the change would set (preview). */
  after: string;
  changed: boolean;
}

/** What resolve-issue and ignore-issue answer besides applied, changes, requests and warnings. */
export interface StatusUpdateResult {
  verb: string;
  target: string;
  issues: IssueChange[];
}

interface Located {
  target: IssueTarget;
  issue: RawIssue;
}

interface RequestGroup {
  org: string;
  issues: RawIssue[];
  body: StatusBody;
}

/**
 * One request per group of issues that can share it: a single issue goes to its own endpoint, several
 * to the bulk endpoint with their IDs, split per project where Sentry requires it. The project IDs are
 * sent too because without `project` the bulk endpoint only touches the caller's member projects
 * (OrganizationEndpoint.get_projects), which would silently skip issues of other teams.
 */
function groupRequests(located: Located[], body: StatusBody, perProject: boolean): RequestGroup[] {
  const groups = new Map<string, RequestGroup>();
  for (const { target, issue } of located) {
    const key = perProject ? `${target.org}\u0000${issue.project.id}` : target.org;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { org: target.org, issues: [], body }));
    group.issues.push(issue);
  }
  const out: RequestGroup[] = [];
  for (const g of groups.values()) {
    for (let i = 0; i < g.issues.length; i += MAX_BULK_IDS) out.push({ ...g, issues: g.issues.slice(i, i + MAX_BULK_IDS) });
  }
  return out;
}

/**
 * Reads every issue (GET, in parallel) and works out the requests that reach the target state: the plan the
 * runner previews, or applies with --yes (then the issues' "after" is what Sentry answered).
 */
export async function planStatusUpdate(refs: Array<{ ref: IssueRef; label: string }>, change: StatusChange, ctx: ToolContext): Promise<WritePlan<StatusUpdateResult>> {
  const [read] = await Promise.all([
    mapLimit(refs, READ_CONCURRENCY, async ({ ref, label }) => {
      const target = await issueTarget(ref, ctx.api, label);
      const { issue } = await fetchIssue(ctx.api, target, WRITE_SCOPE);
      return { target, issue, mergedFrom: mergedAway(target, issue) ? label : undefined };
    }),
    // A read-only token is told so in the preview, not after "Would send" under --yes.
    requireWriteScope(ctx.api, "issues", scopeHint(WRITE_SCOPE)),
  ]);

  // Two references to one issue (its short ID and its URL, or a merged ID and its successor) change it once.
  const seen = new Set<string>();
  const unique = read.filter(({ target, issue }) => {
    const key = `${target.org}/${issue.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const toChange = unique.filter(({ issue }) => !change.isCurrent(issue));
  const toReset = toChange.filter(({ issue }) => change.needsReset(issue));
  const checked = toChange.length && change.precheck ? await change.precheck(toChange.map(({ target, issue }) => ({ org: target.org, issue })), ctx) : undefined;
  const label = checked?.label ?? change.label;

  const planned = [...groupRequests(toReset, RESET_BODY, false), ...groupRequests(toChange, change.body, change.perProject)];
  const requests: PlannedRequest[] = planned.map((g) => {
    const { path, query } = statusUpdateTarget(g.org, g.issues);
    return { method: "PUT", path: `/api/0${path}${buildQuery(query)}`, body: g.body, issues: g.issues.map((i) => i.shortId) };
  });

  const result = (after: Map<string, string>): StatusUpdateResult => ({
    verb: change.verb,
    target: label,
    issues: unique.map(({ issue, mergedFrom }) => {
      const changed = !change.isCurrent(issue);
      return {
        id: issue.id,
        shortId: issue.shortId,
        title: issue.title,
        project: issue.project.slug,
        ...(mergedFrom ? { mergedFrom } : {}),
        before: issueStatus(issue, ctx.now),
        after: changed ? (after.get(issue.id) ?? label) : issueStatus(issue, ctx.now),
        changed,
      };
    }),
  });

  /** Where a request group was meant to take its issues: unresolved for a reset, else the change's target. */
  const reached = (g: RequestGroup, issue: RawIssue) => (g.body === RESET_BODY ? issue.status === "unresolved" : (change.isApplied ?? change.isCurrent)(issue));

  async function apply(): Promise<StatusUpdateResult> {
    const after = new Map<string, string>();
    const sent: RequestGroup[] = [];
    // Resets come first: an issue's unresolve must land before it is ignored again.
    for (const g of planned) {
      let answered: Awaited<ReturnType<typeof updateIssueStatus>>;
      try {
        answered = await updateIssueStatus(ctx.api, g.org, g.issues, g.body);
      } catch (err) {
        // Sentry answers a body it refuses with 400 and field errors (update.py); the change knows what to check.
        const failure = err instanceof UsageError && change.badRequestHint ? new UsageError(err.message, change.badRequestHint) : err;
        const now = await readBackAfterFailure(failure, g, sent);
        sent.push(g);
        if (g.body !== RESET_BODY) for (const issue of now.values()) after.set(issue.id, issueStatus(issue, ctx.now));
        continue;
      }
      sent.push(g);
      const { status, answer } = answered;
      if (g.body === RESET_BODY) continue;
      if (status === 204 || answer === null) {
        // The bulk endpoint answers 204 when no issue matched its filter (updateOrganizationIssues).
        ctx.warn(`Sentry changed none of ${g.issues.map((i) => i.shortId).join(", ")} (no longer in those projects?)`);
        for (const issue of g.issues) after.set(issue.id, `${issueStatus(issue, ctx.now)} (unchanged: Sentry matched none)`);
        continue;
      }
      // A single PUT answers with the updated issue; the bulk one with the applied changes.
      for (const issue of g.issues) {
        after.set(issue.id, describeStatus(answer.status ?? g.body.status, answer.substatus ?? g.body.substatus, answer.statusDetails ?? g.body.statusDetails, ctx.now));
      }
    }
    return result(after);
  }

  /**
   * A write failed (rate limited, refused, timed out, connection lost). It may have been applied all the same
   * (its answer lost), and earlier requests of this run were (a re-ignore's unresolve), so "try again" alone
   * would hide the issues' state. The issues are read back: when the failed request's issues are where it
   * would have put them, it was applied and the run goes on; otherwise the error says where each issue is now.
   */
  async function readBackAfterFailure(err: unknown, g: RequestGroup, sent: RequestGroup[]): Promise<Map<string, RawIssue>> {
    if (!(err instanceof CliError)) throw err;
    const touched = new Map<string, RawIssue>();
    for (const issue of [...sent.flatMap((s) => s.issues), ...g.issues]) touched.set(issue.id, issue);
    let now: Map<string, RawIssue>;
    try {
      const read = await mapLimit([...touched.values()], READ_CONCURRENCY, (issue) =>
        fetchIssue(ctx.api, { org: g.org, pathId: issue.id, label: issue.shortId }, WRITE_SCOPE).then((r) => r.issue),
      );
      now = new Map(read.map((issue) => [issue.id, issue]));
    } catch {
      throw new CliError(err.message, err.exitCode, `${err.hint ? `${err.hint}; ` : ""}the issues could not be read back, so their state is unknown: check with node dist/issue-details.mjs`);
    }
    if (g.issues.every((issue) => now.has(issue.id) && reached(g, now.get(issue.id)!))) {
      ctx.warn(`${err.message}; read back: the change was applied all the same (its answer was lost)`);
      return now;
    }
    const states = [...now.values()].map((issue) => `${issue.shortId} is ${issueStatus(issue, ctx.now)}`).join(", ");
    const partly = sent.length > 0 ? "; the requests before it were applied" : "";
    throw new CliError(`${err.message}; read back: ${states}${partly}`, err.exitCode, `${err.hint ? `${err.hint}; ` : ""}the same command finishes the change from this state`);
  }

  return { changes: toChange.length, result: result(new Map()), requests, warnings: [...(checked?.warnings?.values() ?? [])], apply };
}

/** The text both write tools print before the runner's warnings and requests: one line per issue. */
export function renderStatusUpdate(r: WriteOutput<StatusUpdateResult>): string {
  const n = r.issues.length;
  const lines: string[] = [];
  if (r.changes === 0) {
    lines.push(n === 1 ? `Nothing to change: ${r.issues[0]!.shortId} is already ${r.issues[0]!.before}.` : `Nothing to change: all ${n} issues are already ${r.target}.`);
  } else if (r.applied) {
    // What Sentry answered, not what was asked: the states the changed issues are in now.
    const now = [...new Set(r.issues.filter((i) => i.changed).map((i) => i.after))];
    lines.push(`Done: ${r.changes} of ${n} issue${n === 1 ? "" : "s"} now ${now.length ? now.join("; ") : r.target}.`);
  } else {
    lines.push(`Preview (nothing sent): ${r.verb} ${r.changes} of ${n} issue${n === 1 ? "" : "s"}, to ${r.target}.`);
  }
  if (r.changes > 0 || n > 1) {
    const rows = r.issues.map((i) => [
      i.shortId,
      i.changed ? `${i.before} -> ${i.after}` : `unchanged, ${i.before}`,
      `${truncate(i.title, TITLE_WIDTH)}${i.mergedFrom ? ` (${i.mergedFrom} was merged into it)` : ""}`,
    ]);
    lines.push(...alignColumns(rows));
  } else if (r.issues[0]?.mergedFrom) {
    lines.push(`(${r.issues[0].mergedFrom} was merged into ${r.issues[0].shortId})`);
  }
  return lines.join("\n");
}
