// How the issues endpoints shape a seeded issue: the base group (PUT answers, short-ID lookups), the stream
// item (GET …/issues/) and the details (GET …/issues/{id}/), with users, releases and activity as Sentry
// serializes them. Field sets follow the schema's required lists for each operation.

import { issueEventType, issueMetadata, issueTags, projectOf, releaseIdOf, releaseRecordOf, releaseStub, shortVersion } from "../seed/issue-events.js";
import { versionInfo } from "../release-version.js";
import { bucketStarts, DAILY_BUCKETS, eventsPerBucket, type Issue } from "../seed/issues.js";
import type { Member, RequestContext, World } from "../types.js";
import { issueTypeOf, windowTotals } from "./issue-search.js";
import { serializeRelease as serializeReleaseRecord } from "./releases.js";
import { memberById, serializeUser } from "./users.js";
import { DAY, HOUR, iso, SECOND } from "../time.js";

/** Stats periods the stream accepts in groupStatsPeriod (ERR_INVALID_STATS_PERIOD otherwise). */
export const GROUP_STATS_PERIODS = ["", "24h", "14d", "auto"] as const;
export type GroupStatsPeriod = (typeof GROUP_STATS_PERIODS)[number];

/** `assignedTo` as the ActorSerializer gives it: users with their email, teams by slug. */
export function serializeAssignee(world: World, issue: Issue): Record<string, unknown> | null {
  const a = issue.assignee;
  if (!a) return null;
  if (a.type === "team") {
    const team = world.teams.find((t) => t.id === a.id);
    return team ? { type: "team", id: team.id, name: team.slug } : null;
  }
  const member = memberById(world, a.id);
  return member ? { type: "user", id: member.id, name: member.name, email: member.email } : null;
}

/** A commit as statusDetails.inCommit carries it (Sentry serializes the resolving commit object). */
function serializeCommit(world: World, issue: Issue, commit: string, repository: string, at: number): Record<string, unknown> {
  const repo = world.repos.find((r) => r.orgSlug === issue.orgSlug && r.name === repository);
  return {
    id: commit,
    message: null,
    dateCreated: iso(at),
    pullRequest: null,
    suspectCommitType: "",
    repository: repo ? { id: repo.id, name: repo.name, url: repo.url, provider: repo.provider, status: repo.status, dateCreated: repo.dateCreated, integrationId: null, externalSlug: repo.externalSlug, externalId: null } : { name: repository },
    author: null,
  };
}

/**
 * `statusDetails` as GroupSerializer._get_status builds it. Keys whose value is null are left out: the schema
 * types them as plain integers/strings, and clients read them as optional either way.
 */
export function statusDetailsOf(world: World, issue: Issue): Record<string, unknown> {
  const details: Record<string, unknown> = {};
  const actor = (id: string | null): void => {
    const member = memberById(world, id);
    if (member) details.actor = serializeUser(world, member);
  };
  if (issue.status === "ignored" && issue.snooze) {
    const s = issue.snooze;
    if (s.count !== null) details.ignoreCount = s.count;
    if (s.until !== null) details.ignoreUntil = iso(s.until);
    if (s.userCount !== null) details.ignoreUserCount = s.userCount;
    if (s.userWindow !== null) details.ignoreUserWindow = s.userWindow;
    if (s.window !== null) details.ignoreWindow = s.window;
    actor(s.actorId);
  } else if (issue.status === "resolved" && issue.resolution) {
    const r = issue.resolution;
    if (r.kind === "inRelease") details.inRelease = r.version;
    else if (r.kind === "inNextRelease") details.inNextRelease = true;
    else if (r.kind === "inCommit") details.inCommit = serializeCommit(world, issue, r.commit, r.repository, r.at);
    if (r.kind !== "now") actor(r.actorId);
  }
  return details;
}

/** Fields shared by every issue shape (GroupSerializer). */
export function serializeBase(ctx: RequestContext, issue: Issue): Record<string, unknown> {
  const world = ctx.world;
  const project = projectOf(world, issue);
  const spec = issue.spec;
  return {
    id: issue.id,
    shareId: issue.shareId,
    shortId: issue.shortId,
    title: spec.title,
    culprit: spec.culprit,
    permalink: `${ctx.baseUrl}/organizations/${issue.orgSlug}/issues/${issue.id}/`,
    logger: spec.logger,
    level: issue.level,
    status: issue.status,
    statusDetails: statusDetailsOf(world, issue),
    substatus: issue.substatus,
    isPublic: issue.shareId !== null,
    platform: issue.platform,
    priority: issue.priority,
    priorityLockedAt: issue.priorityLockedAt === null ? null : iso(issue.priorityLockedAt),
    seerFixabilityScore: null,
    seerAutofixLastTriggered: null,
    seerExplorerAutofixLastTriggered: null,
    project: { id: project.id, name: project.name, slug: project.slug, platform: project.platform },
    type: issueEventType(spec),
    issueType: issueTypeOf(issue),
    issueCategory: spec.kind === "performance" ? "performance" : "error",
    metadata: issueMetadata(world, issue),
    numComments: issue.numComments,
    assignedTo: serializeAssignee(world, issue),
    isBookmarked: issue.isBookmarked,
    isSubscribed: issue.isSubscribed,
    // Why the token's user follows the issue: being its assignee, or an explicit subscription.
    subscriptionDetails: issue.isSubscribed ? { reason: issue.assignee?.type === "user" && issue.assignee.id === world.members[0]?.id ? "assigned" : "unknown" } : null,
    hasSeen: issue.hasSeen,
    annotations: [],
    isUnhandled: issue.isUnhandled,
    count: String(issue.count),
    userCount: issue.userCount,
    firstSeen: iso(issue.firstSeen),
    lastSeen: iso(issue.lastSeen),
  };
}

/** Stats buckets as [[unix seconds, count], …] for a stats period: hour- or day-aligned, as Sentry answers them. */
export function statsSeries(world: World, issue: Issue, period: "24h" | "14d" | "30d"): Array<[number, number]> {
  const [size, count] = period === "24h" ? [HOUR, 24] : [DAY, period === "14d" ? 14 : DAILY_BUCKETS];
  const starts = bucketStarts(world.now, size, count);
  const events = eventsPerBucket(issue, world.now, starts, size);
  return starts.map((start, i) => [start / SECOND, events[i]!]);
}

/**
 * The issue's owner from the project's ownership rules: the project's first team, as a catch-all rule
 * (`* #team`) assigns it. Sentry lists owners as {type, owner: "team:<id>", date_added}.
 */
function ownerOf(world: World, issue: Issue): Record<string, unknown> | null {
  const project = projectOf(world, issue);
  const team = world.teams.find((t) => t.orgSlug === issue.orgSlug && t.slug === project.teamSlugs[0]);
  return team ? { type: "ownershipRule", owner: `team:${team.id}`, date_added: iso(issue.firstSeen) } : null;
}

function inboxOf(issue: Issue): Record<string, unknown> | null {
  if (!issue.inbox || issue.status !== "unresolved") return null;
  return { reason: issue.inbox.reason, reason_details: null, date_added: iso(issue.inbox.at) };
}

export interface StreamOptions {
  statsPeriod: GroupStatsPeriod;
  /** Window of the search, for groupStatsPeriod=auto. */
  window: { start: number; end: number };
  /** The search's environments: `count` and `userCount` are theirs (all of them when empty). */
  environments: readonly string[];
  collapse: Set<string>;
}

/** One item of GET /organizations/{org}/issues/ (StreamGroupSerializerSnuba with its expansions). */
export function serializeStreamItem(ctx: RequestContext, issue: Issue, options: StreamOptions): Record<string, unknown> {
  const world = ctx.world;
  const project = projectOf(world, issue);
  const base = serializeBase(ctx, issue);
  // The stream's count and userCount are for the search's window and environments; lifetime keeps the totals.
  const inWindow = windowTotals(world, issue, options.window, options.environments);
  const item: Record<string, unknown> = { ...base, count: String(inWindow.count), userCount: inWindow.userCount };
  if (!options.collapse.has("stats") && options.statsPeriod !== "") {
    let key: string = options.statsPeriod;
    let series: Array<[number, number]>;
    if (options.statsPeriod === "auto") {
      // Sentry picks the rollup from the window: hours for a day or less, days beyond.
      series = options.window.end - options.window.start <= DAY ? statsSeries(world, issue, "24h") : statsSeries(world, issue, "30d").filter(([t]) => t * SECOND >= options.window.start - DAY);
      key = "auto";
    } else {
      series = statsSeries(world, issue, options.statsPeriod === "14d" ? "14d" : "24h");
    }
    item.stats = { [key]: series };
  }
  if (!options.collapse.has("lifetime")) item.lifetime = { count: base.count, userCount: issue.userCount, firstSeen: base.firstSeen, lastSeen: base.lastSeen, stats: null };
  if (!options.collapse.has("filtered")) item.filtered = null;
  if (options.collapse.has("unhandled")) delete item.isUnhandled;
  item.derivedData = {
    blocker: "none",
    progress: "not_started",
    status: "open",
    viewCount: issue.seenBy.length,
    hasOpenFixPr: false,
    isAssigned: issue.assignee !== null,
    hasRootCause: false,
    lastCompletedAutofixStep: "",
    lastProgressedAt: null,
  };
  item.sessionCount = project.hasSessions ? Math.round(issue.userCount * 41.5) : 0;
  item.inbox = inboxOf(issue);
  item.owners = ownerOf(world, issue);
  item.integrationIssues = [];
  item.sentryAppIssues = [];
  item.latestEventHasAttachments = false;
  item.matchingEventId = null;
  item.matchingEventEnvironment = null;
  return item;
}

/**
 * firstRelease / lastRelease of the details, as the release serializer gives them: from the release world's
 * record when it has the version (so ID, ref, commits and deploys match GET …/releases/{version}/), else built
 * from the core seed's stub.
 */
function serializeRelease(ctx: RequestContext, issue: Issue, version: string | null): Record<string, unknown> | null {
  const stub = releaseStub(ctx.world, version);
  if (!stub) return null;
  const record = releaseRecordOf(ctx.world, stub.orgSlug, stub.version);
  if (record) return serializeReleaseRecord(ctx, record);
  const project = projectOf(ctx.world, issue);
  const newGroups = ctx.world.issues.issues.filter((i) => i.projectId === issue.projectId && i.firstRelease === stub.version).length;
  const released = stub.dateReleased ?? stub.dateCreated;
  return {
    id: releaseIdOf(ctx.world, stub),
    version: stub.version,
    shortVersion: shortVersion(stub.version),
    versionInfo: versionInfo(stub.version),
    status: "open",
    ref: null,
    url: null,
    dateReleased: stub.dateReleased,
    dateCreated: stub.dateCreated,
    data: {},
    newGroups,
    owner: null,
    commitCount: 0,
    lastCommit: null,
    deployCount: 0,
    lastDeploy: null,
    authors: [],
    projects: [{ id: Number(project.id), slug: project.slug, name: project.name, newGroups, platform: project.platform, platforms: [project.platform], hasHealthData: project.hasSessions }],
    firstEvent: released,
    lastEvent: iso(Math.max(Date.parse(released), Math.min(ctx.world.now, issue.lastSeen))),
    currentProjectMeta: {},
    userAgent: null,
  };
}

function serializeActivity(ctx: RequestContext, issue: Issue): Array<Record<string, unknown>> {
  const world = ctx.world;
  const entries = [...issue.activity]
    .sort((a, b) => b.at - a.at)
    .map((a) => {
      const member = memberById(world, a.userId);
      return { id: a.id, user: member ? serializeUser(world, member) : null, sentry_app: null, type: a.type, data: a.data, dateCreated: iso(a.at) };
    });
  // Sentry appends a synthetic first_seen entry to every issue's activity (GroupDetailsEndpoint).
  entries.push({ id: "0", user: null, sentry_app: null, type: "first_seen", data: {}, dateCreated: iso(issue.firstSeen) });
  return entries;
}

/** GET /organizations/{org}/issues/{id}/: the base group plus activity, people, releases, tags and stats. */
export function serializeDetails(ctx: RequestContext, issue: Issue): Record<string, unknown> {
  const world = ctx.world;
  const base = serializeBase(ctx, issue);
  const seenBy = issue.seenBy
    .map((s) => ({ member: memberById(world, s.memberId), at: s.at }))
    .filter((s): s is { member: Member; at: number } => s.member !== undefined)
    .map((s) => ({ ...serializeUser(world, s.member), lastSeen: iso(s.at) }));
  const participantIds = new Set<string>();
  if (issue.assignee?.type === "user") participantIds.add(issue.assignee.id);
  for (const a of issue.activity) if (a.type === "note" && a.userId) participantIds.add(a.userId);
  const participants = [...participantIds].map((id) => memberById(world, id)).filter((m): m is Member => m !== undefined).map((m) => serializeUser(world, m));
  return {
    ...base,
    activity: serializeActivity(ctx, issue),
    seenBy,
    participants,
    pluginActions: [],
    pluginIssues: [],
    pluginContexts: [],
    userReportCount: issue.userReportCount,
    stats: { "24h": statsSeries(world, issue, "24h"), "30d": statsSeries(world, issue, "30d") },
    firstRelease: serializeRelease(ctx, issue, issue.firstRelease),
    lastRelease: serializeRelease(ctx, issue, issue.lastRelease),
    tags: issueTags(world, issue).map((t) => ({ key: t.key, name: t.name, totalValues: t.totalValues })),
    inbox: inboxOf(issue),
    owners: ((owner) => (owner ? [owner] : null))(ownerOf(world, issue)),
    integrationIssues: [],
    sentryAppIssues: [],
    latestEventHasAttachments: false,
  };
}
