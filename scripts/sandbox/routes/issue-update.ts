// PUT /organizations/{org}/issues/{id}/ and the bulk PUT /organizations/{org}/issues/?id=…, with Sentry's
// semantics (docs/sentry-api.md §3; src/sentry/api/helpers/group_index/update.py, validators/, issues/status_change.py,
// issues/ignored.py): partial validation per project, resolve now / in a release / in the next release / in a
// commit, ignore with or without conditions, inferred substatus, and the quirk that a status update skips
// issues already in that status, so an ignored issue keeps its ignore mode until it is unresolved first.

import { INBOX_REASON, NEW_ISSUE_DAYS, type Issue, type Snooze, type Substatus } from "../seed/issues.js";
import type { Project, RequestContext, World } from "../types.js";
import { SandboxHttpError } from "../types.js";
import { serializeAssignee } from "./issue-serializers.js";
import { serializeUser } from "./users.js";
import { DAY, iso, MINUTE } from "../time.js";
import { stringHash } from "../seed/rng.js";

/** ignoreWindow / ignoreUserWindow: at most one week of minutes (StatusDetailsValidator max_value). */
export const MAX_IGNORE_WINDOW_MINUTES = 7 * 24 * 60;
/** Issues one bulk request may change (src/sentry/api/helpers/group_index BULK_MUTATION_LIMIT). */
export const BULK_MUTATION_LIMIT = 1000;

const STATUS_CHOICES = ["resolved", "resolvedInNextRelease", "unresolved", "ignored", "muted"] as const;
const SUBSTATUS_CHOICES = ["archived_until_escalating", "archived_until_condition_met", "archived_forever", "escalating", "ongoing", "regressed", "new"] as const;
const IGNORED_SUBSTATUSES: ReadonlySet<string> = new Set(["archived_until_escalating", "archived_until_condition_met", "archived_forever"]);
const UNRESOLVED_SUBSTATUSES: ReadonlySet<string> = new Set(["escalating", "ongoing", "regressed", "new"]);
const PRIORITY_CHOICES = ["low", "medium", "high"] as const;
const IGNORE_KEYS = ["ignoreDuration", "ignoreCount", "ignoreWindow", "ignoreUserCount", "ignoreUserWindow"] as const;
type IgnoreKey = (typeof IGNORE_KEYS)[number];

type FieldErrors = Record<string, unknown>;

interface Resolved {
  release: string | null;
  nextRelease: boolean;
  commit: { commit: string; repository: string } | null;
}

/** The request body after GroupValidator(partial=True): only the keys that were sent, normalized. */
export interface ValidatedUpdate {
  body: Record<string, unknown>;
  status?: (typeof STATUS_CHOICES)[number];
  substatus?: Substatus | null;
  /** statusDetails, or the top-level ignore* keys when statusDetails is absent (update.py pops from either). */
  details: Partial<Record<IgnoreKey, number>> & { inNextRelease?: boolean; inRelease?: string; inCommit?: { commit: string; repository: string } };
  hasStatusDetails: boolean;
  priority?: "low" | "medium" | "high";
  assignedTo?: { type: "user" | "team"; id: string } | null;
  booleans: Partial<Record<"hasSeen" | "isBookmarked" | "isPublic" | "isSubscribed" | "merge" | "discard" | "inbox", boolean>>;
  /** Per project: the release version `inRelease` / `inNextRelease` resolve to. */
  releases: Map<string, Resolved>;
}

function asBoolean(v: unknown): boolean | undefined {
  if (v === true || v === "true" || v === "True" || v === 1 || v === "1") return true;
  if (v === false || v === "false" || v === "False" || v === 0 || v === "0") return false;
  return undefined;
}

function asInteger(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "string" && /^-?\d+$/.test(v.trim())) return Number(v);
  return undefined;
}

function describeType(v: unknown): string {
  if (Array.isArray(v)) return "list";
  if (v === null) return "NoneType";
  return typeof v === "string" ? "str" : typeof v === "number" ? (Number.isInteger(v) ? "int" : "float") : typeof v === "boolean" ? "bool" : "dict";
}

function releasesOf(world: World, project: Project): string[] {
  // The organization's releases, seeded or created through POST /organizations/{org}/releases/ since.
  return world.releases.releases
    .filter((s) => s.orgSlug === project.orgSlug && s.projectIds.includes(project.id))
    .sort((a, b) => Date.parse(a.dateReleased ?? a.dateCreated) - Date.parse(b.dateReleased ?? b.dateCreated))
    .map((s) => s.version);
}

/** Parses the actor forms ActorField accepts: "user:ID", "team:ID", an ID, a username or an email. */
function resolveActor(world: World, project: Project, raw: string): { type: "user" | "team"; id: string } {
  const members = world.members.filter((m) => m.orgSlug === project.orgSlug);
  const teams = world.teams.filter((t) => t.orgSlug === project.orgSlug);
  const [prefix, rest] = raw.includes(":") ? [raw.slice(0, raw.indexOf(":")), raw.slice(raw.indexOf(":") + 1)] : [null, raw];
  if (prefix !== null && prefix !== "user" && prefix !== "team") {
    throw new SandboxHttpError(400, { assignedTo: ["Could not parse actor. Format should be `type:id` where type is `team` or `user`."] });
  }
  if (prefix === "team") {
    const team = teams.find((t) => t.id === rest);
    if (!team) throw new SandboxHttpError(400, { assignedTo: ["Unable to resolve actor identifier"] });
    if (!project.teamSlugs.includes(team.slug)) throw new SandboxHttpError(400, { assignedTo: ["Cannot assign to a team without access to the project"] });
    return { type: "team", id: team.id };
  }
  const needle = rest.toLowerCase();
  const member = members.find((m) => m.id === rest || m.username.toLowerCase() === needle || m.email.toLowerCase() === needle);
  if (!member) throw new SandboxHttpError(400, { assignedTo: ["Unable to resolve actor identifier"] });
  return { type: "user", id: member.id };
}

/**
 * GroupValidator with partial=True, run once per project of the affected issues as Sentry does (so a release
 * must exist in every project). Field errors come back as {"<field>": ["message"]}, nested for statusDetails.
 */
export function validateUpdate(ctx: RequestContext, rawBody: unknown, projects: Project[]): ValidatedUpdate {
  if (typeof rawBody !== "object" || rawBody === null || Array.isArray(rawBody)) {
    throw new SandboxHttpError(400, { non_field_errors: [`Invalid data. Expected a dictionary, but got ${describeType(rawBody)}.`] });
  }
  const body = rawBody as Record<string, unknown>;
  const errors: FieldErrors = {};
  const out: ValidatedUpdate = { body: {}, details: {}, hasStatusDetails: false, booleans: {}, releases: new Map() };

  if ("status" in body) {
    if (typeof body.status === "string" && (STATUS_CHOICES as readonly string[]).includes(body.status)) out.status = body.status as ValidatedUpdate["status"];
    else errors.status = [`"${String(body.status)}" is not a valid choice.`];
  }
  if ("substatus" in body) {
    if (body.substatus === null) out.substatus = null;
    else if (typeof body.substatus === "string" && (SUBSTATUS_CHOICES as readonly string[]).includes(body.substatus)) out.substatus = body.substatus as Substatus;
    else errors.substatus = [`"${String(body.substatus)}" is not a valid choice.`];
  }
  if ("priority" in body) {
    if (typeof body.priority === "string" && (PRIORITY_CHOICES as readonly string[]).includes(body.priority)) out.priority = body.priority as ValidatedUpdate["priority"];
    else errors.priority = [`"${String(body.priority)}" is not a valid choice.`];
  }
  for (const key of ["hasSeen", "isBookmarked", "isPublic", "isSubscribed", "merge", "discard", "inbox"] as const) {
    if (!(key in body)) continue;
    const b = asBoolean(body[key]);
    if (b === undefined) errors[key] = ["Must be a valid boolean."];
    else out.booleans[key] = b;
  }
  if (out.booleans.discard && !ctx.token.scopes.has("event:admin")) errors.discard = ["You do not have permission to discard events"];

  const readIgnore = (source: Record<string, unknown>, sink: FieldErrors): void => {
    for (const key of IGNORE_KEYS) {
      if (!(key in source) || (key === "ignoreDuration" && source[key] === null)) continue;
      const n = asInteger(source[key]);
      if (n === undefined) sink[key] = ["A valid integer is required."];
      else if ((key === "ignoreWindow" || key === "ignoreUserWindow") && n > MAX_IGNORE_WINDOW_MINUTES) sink[key] = [`Ensure this value is less than or equal to ${MAX_IGNORE_WINDOW_MINUTES}.`];
      else out.details[key] = n;
    }
  };
  if ("statusDetails" in body) {
    const sd = body.statusDetails;
    const sdErrors: FieldErrors = {};
    if (typeof sd !== "object" || sd === null || Array.isArray(sd)) {
      sdErrors.non_field_errors = [`Invalid data. Expected a dictionary, but got ${describeType(sd)}.`];
    } else {
      out.hasStatusDetails = true;
      const details = sd as Record<string, unknown>;
      readIgnore(details, sdErrors);
      if ("inNextRelease" in details) {
        const b = asBoolean(details.inNextRelease);
        if (b === undefined) sdErrors.inNextRelease = ["Must be a valid boolean."];
        else out.details.inNextRelease = b;
      }
      if ("inUpcomingRelease" in details) sdErrors.inUpcomingRelease = ["Your organization does not have access to this feature."];
      if ("inRelease" in details) {
        if (typeof details.inRelease !== "string" || details.inRelease === "") sdErrors.inRelease = ["This field may not be blank."];
        else out.details.inRelease = details.inRelease;
      }
      if ("inCommit" in details) {
        const c = details.inCommit as Record<string, unknown> | null;
        const commitErrors: FieldErrors = {};
        if (typeof c !== "object" || c === null) commitErrors.non_field_errors = [`Invalid data. Expected a dictionary, but got ${describeType(c)}.`];
        else {
          if (typeof c.commit !== "string" || c.commit === "") commitErrors.commit = ["This field is required."];
          if (typeof c.repository !== "string" || c.repository === "") commitErrors.repository = ["This field is required."];
          else if (!ctx.world.repos.some((r) => r.orgSlug === projects[0]?.orgSlug && r.name === c.repository)) commitErrors.repository = ["Unable to find the given repository."];
          // The sandbox knows repositories but keeps no commit table: any plausible SHA counts as known.
          if (typeof c.commit === "string" && c.commit !== "" && !/^[0-9a-f]{7,40}$/i.test(c.commit)) commitErrors.commit = ["Unable to find the given commit."];
          if (Object.keys(commitErrors).length === 0) out.details.inCommit = { commit: String(c.commit), repository: String(c.repository) };
        }
        if (Object.keys(commitErrors).length > 0) sdErrors.inCommit = commitErrors;
      }
    }
    if (Object.keys(sdErrors).length > 0) errors.statusDetails = sdErrors;
  } else {
    // update.py: status_details = result.pop("statusDetails", result): the ignore keys may sit at the top level.
    readIgnore(body, errors);
  }
  if ("snoozeDuration" in body && body.snoozeDuration !== null && asInteger(body.snoozeDuration) === undefined) errors.snoozeDuration = ["A valid integer is required."];
  if ("snoozeDuration" in body && out.details.ignoreDuration === undefined && asInteger(body.snoozeDuration) !== undefined) out.details.ignoreDuration = asInteger(body.snoozeDuration);

  if ("assignedTo" in body) {
    const raw = body.assignedTo;
    if (raw === null || raw === "") out.assignedTo = null;
    else if (typeof raw !== "string" && typeof raw !== "number") errors.assignedTo = ["Could not parse actor. Format should be `type:id` where type is `team` or `user`."];
    else {
      try {
        let actor: { type: "user" | "team"; id: string } | undefined;
        for (const project of projects) actor = resolveActor(ctx.world, project, String(raw));
        out.assignedTo = actor ?? null;
      } catch (error) {
        if (error instanceof SandboxHttpError) Object.assign(errors, error.body as FieldErrors);
        else throw error;
      }
    }
  }

  // Release lookups happen per project (StatusDetailsValidator.validate_inRelease / validate_inNextRelease).
  const wantsNext = out.details.inNextRelease === true || out.status === "resolvedInNextRelease";
  if (!errors.statusDetails && (out.details.inRelease !== undefined || wantsNext)) {
    const sdErrors: FieldErrors = {};
    for (const project of projects) {
      const versions = releasesOf(ctx.world, project);
      const latest = versions[versions.length - 1];
      if (out.details.inRelease !== undefined) {
        const wanted = out.details.inRelease === "latest" ? latest : versions.find((v) => v === out.details.inRelease);
        if (wanted === undefined) {
          sdErrors.inRelease = [out.details.inRelease === "latest" ? "No release data present in the system to form a basis for 'Next Release'" : "Unable to find a release with the given version."];
          break;
        }
        out.releases.set(project.id, { release: wanted, nextRelease: false, commit: null });
      } else if (out.details.inNextRelease === true) {
        if (latest === undefined) {
          sdErrors.inNextRelease = ["No release data present in the system to form a basis for 'Next Release'"];
          break;
        }
        out.releases.set(project.id, { release: latest, nextRelease: true, commit: null });
      }
    }
    if (Object.keys(sdErrors).length > 0) errors.statusDetails = sdErrors;
  }

  if (out.booleans.discard && Object.keys(body).length > 1) errors.non_field_errors = ["Other attributes cannot be updated when discarding"];
  if (Object.keys(errors).length > 0) throw new SandboxHttpError(400, errors);
  for (const key of Object.keys(body)) if (key !== "statusDetails" && !IGNORE_KEYS.includes(key as IgnoreKey)) out.body[key] = body[key];
  return out;
}

function currentUserId(ctx: RequestContext): string | null {
  return ctx.token.kind === "user" ? (ctx.world.members[0]?.id ?? null) : null;
}

function addActivity(ctx: RequestContext, issue: Issue, type: string, data: Record<string, unknown>): void {
  issue.activity.push({ id: String(ctx.world.issues.nextActivityId++), type, userId: currentUserId(ctx), data, at: ctx.world.clock() });
}

function actorDetails(ctx: RequestContext): Record<string, unknown> {
  const member = ctx.world.members.find((m) => m.id === currentUserId(ctx));
  return member ? { actor: serializeUser(ctx.world, member) } : {};
}

/** The projects of the issues a request affects, in first-seen order of appearance. */
function projectsOf(world: World, issues: Issue[]): Project[] {
  const ids = [...new Set(issues.map((i) => i.projectId))];
  return ids.map((id) => world.projects.find((p) => p.id === id)!).filter((p) => p !== undefined);
}

/** handle_resolve_in_release: resolves now, in a release, in the next release or in a commit. */
function resolveIssues(ctx: RequestContext, issues: Issue[], v: ValidatedUpdate, result: Record<string, unknown>): void {
  const d = v.details;
  const now = ctx.world.clock();
  const next = v.status === "resolvedInNextRelease" || d.inNextRelease === true;
  let details: Record<string, unknown> = {};
  let activityType = "set_resolved";
  let activityData: Record<string, unknown> = {};
  for (const issue of issues) {
    const actorId = currentUserId(ctx);
    if (next) {
      issue.resolution = { kind: "inNextRelease", actorId, at: now };
      details = { inNextRelease: true, ...actorDetails(ctx) };
      activityType = "set_resolved_in_release";
      activityData = { version: "" };
    } else if (d.inRelease !== undefined) {
      const version = v.releases.get(issue.projectId)?.release ?? d.inRelease;
      issue.resolution = { kind: "inRelease", version, actorId, at: now };
      details = { inRelease: version, ...actorDetails(ctx) };
      activityType = "set_resolved_in_release";
      activityData = { version };
    } else if (d.inCommit) {
      issue.resolution = { kind: "inCommit", commit: d.inCommit.commit, repository: d.inCommit.repository, actorId, at: now };
      details = { inCommit: { commit: d.inCommit.commit, repository: d.inCommit.repository }, ...actorDetails(ctx) };
      activityType = "set_resolved_in_commit";
      activityData = { commit: d.inCommit.commit };
    } else {
      issue.resolution = { kind: "now", actorId, at: now };
    }
    issue.status = "resolved";
    issue.substatus = null;
    issue.snooze = null;
    issue.inbox = null;
    addActivity(ctx, issue, activityType, activityData);
  }
  result.status = "resolved";
  result.statusDetails = details;
}

/** infer_substatus (issues/status_change.py) for a status update without a usable substatus. */
function inferSubstatus(newStatus: "unresolved" | "ignored", requested: Substatus | null | undefined, v: ValidatedUpdate, issues: Issue[], now: number): Substatus {
  if (requested) {
    if (newStatus === "ignored" && IGNORED_SUBSTATUSES.has(requested)) return requested;
    if (newStatus === "unresolved" && UNRESOLVED_SUBSTATUSES.has(requested)) return requested;
  }
  if (newStatus === "ignored") {
    return IGNORE_KEYS.some((k) => v.details[k] !== undefined) ? "archived_until_condition_met" : "archived_forever";
  }
  if (issues.length === 1) {
    const only = issues[0]!;
    if (only.status === "ignored") return only.firstSeen > now - NEW_ISSUE_DAYS * DAY ? "new" : "ongoing";
    if (only.status === "resolved") return "regressed";
  }
  return "ongoing";
}

/** handle_other_status_updates: unresolve or ignore. Issues already in the new status keep their substatus. */
function changeStatus(ctx: RequestContext, issues: Issue[], v: ValidatedUpdate, result: Record<string, unknown>): void {
  const now = ctx.world.clock();
  const newStatus = v.status === "unresolved" ? "unresolved" : "ignored";
  // First-seen times are relative to the seeded clock, so "seen in the last 7 days" is judged on that clock.
  const substatus = inferSubstatus(newStatus, v.substatus, v, issues, ctx.world.now);
  const changing = issues.filter((i) => i.status !== newStatus);
  const previous = new Map(changing.map((i) => [i, i.status]));
  for (const issue of changing) {
    issue.status = newStatus;
    issue.substatus = substatus;
  }
  for (const issue of issues) issue.resolution = null;
  if (newStatus === "ignored") {
    const d = v.details;
    if (substatus === "archived_until_escalating") {
      for (const issue of issues) issue.snooze = null;
      result.statusDetails = { ignoreUntilEscalating: true };
    } else if (d.ignoreDuration || d.ignoreCount || d.ignoreUserCount) {
      // handle_ignored snoozes every listed issue, including ones that were already ignored.
      const snooze: Snooze = {
        until: d.ignoreDuration ? now + d.ignoreDuration * MINUTE : null,
        count: d.ignoreCount || null,
        window: d.ignoreWindow || null,
        userCount: d.ignoreUserCount || null,
        userWindow: d.ignoreUserWindow || null,
        actorId: currentUserId(ctx),
      };
      for (const issue of issues) issue.snooze = { ...snooze };
      const details: Record<string, unknown> = {};
      if (snooze.count !== null) details.ignoreCount = snooze.count;
      if (snooze.until !== null) details.ignoreUntil = iso(snooze.until);
      if (snooze.userCount !== null) details.ignoreUserCount = snooze.userCount;
      if (snooze.userWindow !== null) details.ignoreUserWindow = snooze.userWindow;
      if (snooze.window !== null) details.ignoreWindow = snooze.window;
      result.statusDetails = { ...details, ...actorDetails(ctx) };
    } else {
      for (const issue of issues) issue.snooze = null;
      result.statusDetails = {};
    }
    for (const issue of issues) issue.inbox = null;
    for (const issue of changing) {
      addActivity(ctx, issue, "set_ignored", {
        ignoreCount: d.ignoreCount ?? null,
        ignoreDuration: d.ignoreDuration ?? null,
        ignoreUntil: issue.snooze?.until ? iso(issue.snooze.until) : null,
        ignoreUserCount: d.ignoreUserCount ?? null,
        ignoreUserWindow: d.ignoreUserWindow ?? null,
        ignoreWindow: d.ignoreWindow ?? null,
        ignoreUntilEscalating: substatus === "archived_until_escalating" ? true : null,
      });
    }
  } else {
    for (const issue of issues) issue.snooze = null;
    result.statusDetails = {};
    for (const issue of changing) {
      // Unignoring or reopening an issue puts it back in the inbox (GroupInboxReason UNIGNORED / REGRESSION).
      issue.inbox = { reason: previous.get(issue) === "resolved" ? INBOX_REASON.regression : INBOX_REASON.unignored, at: now };
      addActivity(ctx, issue, "set_unresolved", {});
    }
  }
}

/** Merges issues into the one with the most events (handle_merge), leaving redirects for the others. */
function mergeIssues(ctx: RequestContext, issues: Issue[]): { parent: string; children: string[] } {
  const parent = [...issues].sort((a, b) => b.count - a.count)[0]!;
  const children = issues.filter((i) => i !== parent);
  for (const child of children) {
    parent.count += child.count;
    parent.userCount += child.userCount;
    parent.firstSeen = Math.min(parent.firstSeen, child.firstSeen);
    parent.lastSeen = Math.max(parent.lastSeen, child.lastSeen);
    parent.lastDay = parent.lastDay.map((n, i) => n + (child.lastDay[i] ?? 0));
    parent.earlierDays = parent.earlierDays.map((n, i) => n + (child.earlierDays[i] ?? 0));
    parent.mergedIds.push(child.id);
    // The child is gone; only its IDs answer, with the parent's body (GroupRedirect).
    child.status = "pending_deletion";
    ctx.world.issues.redirects.set(child.id, parent.id);
    ctx.world.issues.redirects.set(child.shortId.toUpperCase(), parent.id);
    ctx.world.issues.dirty.add(child.id);
  }
  addActivity(ctx, parent, "merge", { issues: children.map((c) => ({ id: c.id })) });
  return { parent: parent.id, children: children.map((c) => c.id) };
}

/**
 * The refusals update_groups makes part-way through (resolving in a release, next release or commit over
 * several projects; discarding non-error issues; merging across projects), checked up front so a refused
 * request changes nothing.
 */
function refuseImpossible(issues: Issue[], projects: Project[], v: ValidatedUpdate): void {
  const d = v.details;
  const resolving = v.status === "resolved" || v.status === "resolvedInNextRelease";
  const next = v.status === "resolvedInNextRelease" || d.inNextRelease === true;
  const kind = next ? "next release" : d.inRelease !== undefined ? "release" : d.inCommit ? "commit" : null;
  if (resolving && kind && projects.length > 1) throw new SandboxHttpError(400, { detail: `Cannot set resolved in ${kind} for multiple projects.` });
  if (v.booleans.discard && issues.some((i) => i.spec.kind === "performance")) throw new SandboxHttpError(400, { detail: "Only error issues can be discarded." });
  if (v.booleans.merge && issues.length > 1 && projects.length > 1) throw new SandboxHttpError(400, { detail: "Merging across multiple projects is not supported" });
}

/**
 * update_groups: applies a validated update to the issues and returns Sentry's bulk answer body (the submitted
 * fields plus the resulting statusDetails, assignee, share ID …), or null when the issues were discarded.
 */
export function applyUpdate(ctx: RequestContext, issues: Issue[], v: ValidatedUpdate): Record<string, unknown> | null {
  const world = ctx.world;
  const projects = projectsOf(world, issues);
  refuseImpossible(issues, projects, v);
  const result: Record<string, unknown> = { ...v.body };
  for (const issue of issues) world.issues.dirty.add(issue.id);
  ctx.markDirty();
  if (v.booleans.discard) {
    for (const issue of issues) issue.status = "pending_deletion";
    return null;
  }
  if (v.priority) {
    for (const issue of issues) {
      issue.priority = v.priority;
      issue.priorityLockedAt = ctx.world.clock();
      addActivity(ctx, issue, "set_priority", { priority: v.priority, reason: "user" });
    }
  }
  if (v.status === "resolved" || v.status === "resolvedInNextRelease") resolveIssues(ctx, issues, v, result);
  else if (v.status) changeStatus(ctx, issues, v, result);
  if (v.assignedTo !== undefined) {
    for (const issue of issues) {
      issue.assignee = v.assignedTo;
      const me = currentUserId(ctx);
      addActivity(ctx, issue, v.assignedTo ? "assigned" : "unassigned", v.assignedTo ? { assignee: v.assignedTo.id, assigneeType: v.assignedTo.type } : {});
      if (v.assignedTo?.type === "user" && v.assignedTo.id === me) issue.isSubscribed = true;
    }
    result.assignedTo = issues[0] ? serializeAssignee(world, issues[0]) : null;
  }
  const me = currentUserId(ctx);
  if (v.booleans.hasSeen !== undefined) {
    for (const issue of issues) {
      issue.hasSeen = v.booleans.hasSeen;
      issue.seenBy = issue.seenBy.filter((s) => s.memberId !== me);
      if (v.booleans.hasSeen && me) issue.seenBy.push({ memberId: me, at: ctx.world.clock() });
    }
  }
  if (v.booleans.isBookmarked !== undefined) for (const issue of issues) issue.isBookmarked = v.booleans.isBookmarked;
  if (v.booleans.isSubscribed !== undefined) {
    for (const issue of issues) issue.isSubscribed = v.booleans.isSubscribed;
    result.subscriptionDetails = { disabled: false, reason: "unknown" };
  }
  if (v.booleans.isPublic !== undefined) {
    for (const issue of issues) issue.shareId = v.booleans.isPublic ? (issue.shareId ?? randomShareId(issue)) : null;
    if (v.booleans.isPublic && issues[0]?.shareId) result.shareId = issues[0].shareId;
    else delete result.shareId;
  }
  if (v.booleans.merge && issues.length > 1) result.merge = mergeIssues(ctx, issues);
  if (v.booleans.inbox !== undefined) {
    for (const issue of issues) issue.inbox = v.booleans.inbox ? { reason: INBOX_REASON.manual, at: ctx.world.clock() } : null;
  }
  for (const issue of issues) issue.activity.sort((a, b) => a.at - b.at);
  // Sentry answers "inbox": null after a resolve or ignore; the bulk schema types inbox as a boolean, so the
  // key is left out rather than sent as null.
  return result;
}

function randomShareId(issue: Issue): string {
  const h = stringHash(`${issue.id}:${issue.shortId}`);
  return (h.toString(16).padStart(8, "0") + issue.id).padEnd(32, "0").slice(0, 32);
}
