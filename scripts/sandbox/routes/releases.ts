// Release endpoints: list (with session health), create, details, update (refs / commits / finalize), commits,
// previous-with-commits and deploys, answering as src/sentry/releases/endpoints/organization_release*.py do
// (docs/sentry-api.md §8–10). Versions contain "@" and "+" and arrive URL-decoded in ctx.params.version.

import { NOT_FOUND, requireOrg, requireProject, selectedProjects, timeWindow } from "../lookup.js";
import { paginate } from "../paginate.js";
import { wildcardMatcher, type WildcardOptions } from "../match.js";
import { buildNumber, compareSemver, parseRelease, versionInfo } from "../release-version.js";
import {
  environmentFactor,
  healthKey,
  sessionsPerUser,
  sumSlots,
  windowTotals,
  type CommitAuthor,
  type CommitFileChange,
  type CommitRecord,
  type DeployRecord,
  type ReleaseHealthSeries,
  type ReleaseRecord,
} from "../seed/releases.js";
import type { Member, Org, Project, RequestContext, Reply, RouteDef, World } from "../types.js";
import { SandboxHttpError } from "../types.js";
import { serializeRepository } from "./core.js";
import { memberById, serializeUser } from "./users.js";
import { DAY, HOUR, iso, SECOND } from "../time.js";


/** src/sentry/snuba/sessions.py STATS_PERIODS: the windows health accepts, as (bucket count, bucket size). */
const STATS_PERIODS: Record<string, { buckets: number; size: number }> = {
  "1h": { buckets: 1, size: HOUR },
  "24h": { buckets: 24, size: HOUR },
  "1d": { buckets: 24, size: HOUR },
  "48h": { buckets: 48, size: HOUR },
  "2d": { buckets: 48, size: HOUR },
  "7d": { buckets: 7, size: DAY },
  "14d": { buckets: 14, size: DAY },
  "30d": { buckets: 30, size: DAY },
  "90d": { buckets: 90, size: DAY },
};
const DEFAULT_SUMMARY_PERIOD = "14d";
const DEFAULT_HEALTH_PERIOD = "24h";
/** Sorts served from the session store; without flatten=1 Sentry refuses them (organization_releases.py). */
const SESSION_SORTS = new Set(["crash_free_sessions", "crash_free_users", "sessions", "users", "sessions_24h", "users_24h"]);
const SORTS = new Set(["date", "build", "semver", "adoption", ...SESSION_SORTS]);
/** A version counts as adopted once it carries this share of a project's users (ReleaseProjectEnvironment). */
const ADOPTION_THRESHOLD = 0.1;
/** serializers/rest_framework/release.py MAX_VERSION_LENGTH; also the limit of `ref` and of refs[].repository. */
const MAX_VERSION_LENGTH = 200;
/** CommitSerializer limits (src/sentry/api/serializers/rest_framework/commit.py, docs/sentry-api.md §10). */
const MAX_COMMIT_ID_LENGTH = 64;
const MAX_COMMIT_REPOSITORY_LENGTH = 64;
const MAX_AUTHOR_NAME_LENGTH = 128;
const MAX_AUTHOR_EMAIL_LENGTH = 200;
const MAX_PATCH_PATH_LENGTH = 510;
/** Environment.is_valid_name and the deploy serializer's limits. */
const MAX_ENVIRONMENT_LENGTH = 64;
const MAX_DEPLOY_NAME_LENGTH = 64;
/** Characters Release.is_valid_version refuses: control whitespace and both slashes. */
const BAD_VERSION_CHARS = /[\r\n\f\t/\\]/;
const BAD_ENVIRONMENT_CHARS = /[\r\n\f\t/]/;
/** IDs of repositories created on the fly by raw commits (apart from the seeded ones' six-digit IDs). */
const CREATED_REPO_FIRST_ID = 7_100_000;

const RELEASE_READ_SCOPES = ["org:ci", "project:releases", "project:read", "project:write", "project:admin"];
const RELEASE_WRITE_SCOPES = ["org:ci", "project:releases", "project:write", "project:admin"];

// ---------------------------------------------------------------------------------------------------------------
// Serializers.

function memberByEmail(world: World, orgSlug: string, email: string): Member | undefined {
  const lower = email.toLowerCase();
  return world.members.find((m) => m.orgSlug === orgSlug && m.email.toLowerCase() === lower);
}

/** get_users_for_authors: the member's user object when the email matches, else {name, email}. */
function serializeAuthor(world: World, orgSlug: string, author: CommitAuthor): Record<string, unknown> {
  const member = memberByEmail(world, orgSlug, author.email);
  return member ? serializeUser(world, member) : { name: author.name, email: author.email };
}

function serializeCommitRepository(ctx: RequestContext, orgSlug: string, name: string): Record<string, unknown> {
  const repo = ctx.world.repos.find((r) => r.orgSlug === orgSlug && r.name === name);
  if (repo) return serializeRepository(repo);
  // A repository Sentry created on the fly for raw commits: no integration behind it.
  const created = ctx.world.releases.createdRepos.find((r) => r.orgSlug === orgSlug && r.name === name);
  return {
    id: created?.id ?? "0",
    name,
    url: null,
    provider: { id: "unknown", name: "Unknown Provider" },
    status: "active",
    dateCreated: created?.dateCreated ?? iso(ctx.world.now),
    integrationId: null,
    externalSlug: null,
    externalId: null,
  };
}

function serializeCommit(ctx: RequestContext, orgSlug: string, commit: CommitRecord): Record<string, unknown> {
  return {
    id: commit.id,
    message: commit.message,
    dateCreated: commit.dateCreated,
    pullRequest: null,
    suspectCommitType: "",
    repository: serializeCommitRepository(ctx, orgSlug, commit.repository),
    // CommitSerializer sends {} for a commit without author (a head commit recorded from refs).
    author: commit.author ? serializeAuthor(ctx.world, orgSlug, commit.author) : {},
  };
}

function serializeDeploy(deploy: DeployRecord): Record<string, unknown> {
  return {
    id: deploy.id,
    environment: deploy.environment,
    dateStarted: deploy.dateStarted,
    dateFinished: deploy.dateFinished,
    name: deploy.name,
    url: deploy.url,
  };
}

function lastDeployOf(release: ReleaseRecord): DeployRecord | undefined {
  let last: DeployRecord | undefined;
  for (const deploy of release.deploys) {
    if (!last || Date.parse(deploy.dateFinished) >= Date.parse(last.dateFinished)) last = deploy;
  }
  return last;
}

/** The platform families a project's events come with (ProjectPlatform rows). */
function platformsOf(project: Project): string[] {
  const family = project.platform.split("-")[0]!;
  return [family === "apple" ? "cocoa" : family];
}

/** Issues per "projectId\u0000firstRelease", cached per issue list (issues are seeded once; writes never move firstRelease). */
const newGroupCounts = new WeakMap<object, { size: number; counts: Map<string, number> }>();

/** Issues first seen in this version (ReleaseProject.new_groups), counted from the seeded issues. */
function newGroupsFor(world: World, version: string, projectId: string): number {
  const issues = world.issues.issues;
  let cached = newGroupCounts.get(issues);
  if (!cached || cached.size !== issues.length) {
    const counts = new Map<string, number>();
    for (const issue of issues) {
      if (issue.firstRelease === null) continue;
      const key = healthKey(issue.projectId, issue.firstRelease);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    cached = { size: issues.length, counts };
    newGroupCounts.set(issues, cached);
  }
  return cached.counts.get(healthKey(projectId, version)) ?? 0;
}

interface HealthOptions {
  summaryPeriod: string;
  statsPeriod: string;
  stat: "sessions" | "users";
  environments: string[];
}

interface SerializeOptions {
  /** flatten=1 rows, or a detail request naming one project with health: only that project. */
  forProjectId?: string;
  /** The project-scoped endpoints count new issues of their project only, but still list every project. */
  newGroupsProjectId?: string;
  health?: HealthOptions;
  adoptionStages?: boolean;
  currentProjectMeta?: Record<string, unknown>;
}

function seriesOf(world: World, projectId: string, version: string): ReleaseHealthSeries | undefined {
  return world.releases.health.get(healthKey(projectId, version));
}

function healthData(world: World, project: Project, release: ReleaseRecord, options: HealthOptions): Record<string, unknown> {
  const releases = world.releases;
  const series = seriesOf(world, project.id, release.version);
  const summary = STATS_PERIODS[options.summaryPeriod]!;
  const summaryStart = world.now - summary.buckets * summary.size;
  const dayStart = world.now - DAY;
  const projectSeries = releases.projectSessions.get(project.id);

  const stats = STATS_PERIODS[options.statsPeriod]!;
  const alignedNow = Math.floor(world.now / stats.size) * stats.size;
  const buckets: Array<[number, number]> = [];
  for (let i = stats.buckets - 1; i >= 0; i--) {
    const start = alignedNow - i * stats.size;
    let value = 0;
    if (series) {
      const totals = windowTotals(releases, series, start, start + stats.size, options.environments);
      value = options.stat === "users" ? totals.users : totals.sessions;
    }
    buckets.push([Math.floor(start / SECOND), value]);
  }

  // The project's own 24h traffic: the denominator of adoption, known even for releases without sessions.
  let projectSessions24h: number | null = null;
  let projectUsers24h: number | null = null;
  if (projectSeries) {
    const anySeries = [...releases.health.entries()].find(([key]) => key.startsWith(`${project.id}\u0000`))?.[1];
    const factor = anySeries ? environmentFactor(anySeries, options.environments) : 1;
    projectSessions24h = Math.round(sumSlots(projectSeries, releases, dayStart, world.now) * factor);
    projectUsers24h = Math.round(projectSessions24h / sessionsPerUser(DAY));
  }

  if (!series) {
    return {
      durationP50: null,
      durationP90: null,
      crashFreeUsers: null,
      crashFreeSessions: null,
      sessionsCrashed: 0,
      sessionsErrored: 0,
      totalUsers: 0,
      totalUsers24h: null,
      totalProjectUsers24h: projectUsers24h,
      totalSessions: 0,
      totalSessions24h: null,
      totalProjectSessions24h: projectSessions24h,
      adoption: null,
      sessionsAdoption: null,
      hasHealthData: false,
      stats: { [options.statsPeriod]: buckets },
    };
  }
  const total = windowTotals(releases, series, summaryStart, world.now, options.environments);
  const day = windowTotals(releases, series, dayStart, world.now, options.environments);
  const percent = (part: number, whole: number | null): number | null =>
    whole && part > 0 ? (part / whole) * 100 : null;
  return {
    durationP50: total.sessions > 0 ? series.durationP50 : null,
    durationP90: total.sessions > 0 ? series.durationP90 : null,
    crashFreeUsers: total.users > 0 ? 100 * (1 - total.usersCrashed / total.users) : null,
    crashFreeSessions: total.sessions > 0 ? 100 * (1 - total.sessionsCrashed / total.sessions) : null,
    sessionsCrashed: total.sessionsCrashed,
    sessionsErrored: total.sessionsErrored,
    totalUsers: total.users,
    totalUsers24h: day.users,
    totalProjectUsers24h: projectUsers24h,
    totalSessions: total.sessions,
    totalSessions24h: day.sessions,
    totalProjectSessions24h: projectSessions24h,
    adoption: percent(day.users, projectUsers24h),
    sessionsAdoption: percent(day.sessions, projectSessions24h),
    hasHealthData: true,
    stats: { [options.statsPeriod]: buckets },
  };
}

interface AdoptionStage {
  stage: "adopted" | "low_adoption" | "replaced";
  adopted: string | null;
  unadopted: string | null;
}

const adoptionCache = new WeakMap<ReleaseHealthSeries, AdoptionStage>();

/** ReleaseProjectEnvironment.adopted/unadopted: when the version first held, then lost, 10 % of the traffic. */
function adoptionStage(world: World, projectId: string, version: string): AdoptionStage {
  const series = seriesOf(world, projectId, version);
  const total = world.releases.projectSessions.get(projectId);
  if (!series || !total) return { stage: "low_adoption", adopted: null, unadopted: null };
  const cached = adoptionCache.get(series);
  if (cached) return cached;
  let adopted: number | null = null;
  let unadopted: number | null = null;
  for (let slot = 0; slot < world.releases.slotCount; slot++) {
    const whole = total[slot]!;
    if (whole <= 0) continue;
    const share = series.sessions[slot]! / whole;
    const slotTime = world.releases.slotStart + slot * HOUR;
    if (adopted === null && share >= ADOPTION_THRESHOLD) adopted = slotTime;
    else if (adopted !== null && share < ADOPTION_THRESHOLD) {
      unadopted = slotTime;
      break;
    }
  }
  const stage: AdoptionStage = {
    stage: adopted === null ? "low_adoption" : unadopted === null ? "adopted" : "replaced",
    adopted: adopted === null ? null : iso(adopted),
    unadopted: unadopted === null ? null : iso(unadopted),
  };
  adoptionCache.set(series, stage);
  return stage;
}

function projectsOf(world: World, release: ReleaseRecord): Project[] {
  return release.projectIds.flatMap((id) => world.projects.filter((p) => p.id === id));
}

/** ReleaseSerializer (src/sentry/api/serializers/models/release.py). */
export function serializeRelease(ctx: RequestContext, release: ReleaseRecord, options: SerializeOptions = {}): Record<string, unknown> {
  const world = ctx.world;
  const allProjects = projectsOf(world, release);
  const shown = options.forProjectId ? allProjects.filter((p) => p.id === options.forProjectId) : allProjects;
  const projects = shown.map((project) => {
    const row: Record<string, unknown> = {
      id: Number(project.id),
      slug: project.slug,
      name: project.name,
      newGroups: newGroupsFor(world, release.version, project.id),
      platform: project.platform,
      platforms: platformsOf(project),
      hasHealthData: seriesOf(world, project.id, release.version) !== undefined,
    };
    if (options.health) row.healthData = healthData(world, project, release, options.health);
    return row;
  });
  const authors: Record<string, unknown>[] = [];
  const seenAuthors = new Set<string>();
  for (const commit of release.commits) {
    if (!commit.author || seenAuthors.has(commit.author.email.toLowerCase())) continue;
    seenAuthors.add(commit.author.email.toLowerCase());
    authors.push(serializeAuthor(world, release.orgSlug, commit.author));
  }
  const owner = memberById(world, release.ownerId);
  const lastCommit = release.commits[0];
  const lastDeploy = lastDeployOf(release);
  const body: Record<string, unknown> = {
    id: release.id,
    version: release.version,
    status: release.status,
    shortVersion: release.version,
    versionInfo: versionInfo(release.version),
    ref: release.ref,
    url: release.url,
    dateReleased: release.dateReleased,
    dateCreated: release.dateCreated,
    data: release.data,
    newGroups: options.newGroupsProjectId
      ? newGroupsFor(world, release.version, options.newGroupsProjectId)
      : projects.reduce((sum, p) => sum + (p.newGroups as number), 0),
    owner: owner ? serializeUser(world, owner) : null,
    commitCount: release.commits.length,
    lastCommit: lastCommit ? serializeCommit(ctx, release.orgSlug, lastCommit) : null,
    deployCount: release.deploys.length,
    lastDeploy: lastDeploy ? serializeDeploy(lastDeploy) : null,
    authors,
    projects,
    firstEvent: release.firstEvent,
    lastEvent: release.lastEvent,
    currentProjectMeta: options.currentProjectMeta ?? {},
    userAgent: release.userAgent,
  };
  if (options.adoptionStages) {
    body.adoptionStages = Object.fromEntries(
      shown.map((p) => [p.slug, adoptionStage(world, p.id, release.version)]),
    );
  }
  return body;
}

// ---------------------------------------------------------------------------------------------------------------
// Finding releases.

function orgReleases(world: World, org: Org): ReleaseRecord[] {
  return world.releases.releases.filter((r) => r.orgSlug === org.slug);
}

function requireRelease(ctx: RequestContext, org: Org): ReleaseRecord {
  const version = ctx.params.version ?? "";
  const release = ctx.world.releases.releases.find((r) => r.orgSlug === org.slug && r.version === version);
  if (!release) throw new SandboxHttpError(404, NOT_FOUND);
  return release;
}

function periodParam(ctx: RequestContext, name: string, fallback: string): string {
  const value = ctx.query.get(name) || fallback;
  if (value && !Object.hasOwn(STATS_PERIODS, value)) {
    const choices = Object.keys(STATS_PERIODS).map((p) => `'${p}'`).join(", ");
    throw new SandboxHttpError(400, { detail: `Invalid ${name}. Valid choices are ${choices}` });
  }
  return value;
}

/** The health/adoption query parameters shared by list and details. */
function healthOptions(ctx: RequestContext): { health?: HealthOptions; adoptionStages: boolean } {
  // Sentry compares the raw string: health=true is silently ignored (organization_releases.py).
  const withHealth = ctx.query.get("health") === "1";
  const summaryPeriod = periodParam(ctx, "summaryStatsPeriod", DEFAULT_SUMMARY_PERIOD);
  const statsPeriod = periodParam(ctx, "healthStatsPeriod", withHealth ? DEFAULT_HEALTH_PERIOD : "");
  const stat = ctx.query.get("healthStat") || "sessions";
  if (stat !== "sessions" && stat !== "users") throw new SandboxHttpError(400, { detail: "invalid healthStat" });
  const environments = ctx.query.getAll("environment").filter((e) => e !== "");
  return {
    health: withHealth ? { summaryPeriod, statsPeriod, stat, environments } : undefined,
    adoptionStages: ctx.query.get("adoptionStages") === "1",
  };
}

function statusFilter(ctx: RequestContext): "open" | "archived" {
  const status = ctx.query.get("status") ?? "open";
  if (status !== "open" && status !== "archived") throw new SandboxHttpError(400, { detail: "invalid value for status" });
  return status;
}

/** Environments a version was seen in for a project: where it was deployed, and where its sessions came from. */
function seenInEnvironment(world: World, release: ReleaseRecord, projectId: string, environments: string[]): boolean {
  if (environments.length === 0) return true;
  if (release.deploys.some((d) => d.projectIds.includes(projectId) && environments.includes(d.environment))) return true;
  const series = seriesOf(world, projectId, release.version);
  return series !== undefined && environments.some((e) => (series.environmentShare[e] ?? 0) > 0);
}

// ---------------------------------------------------------------------------------------------------------------
// Release search (src/sentry/api/release_search.py): free text, release:, release.version/package/build/stage,
// finalized:.

interface QueryToken {
  key: string | null;
  value: string;
  negated: boolean;
}

function tokenizeQuery(query: string): QueryToken[] {
  const tokens: QueryToken[] = [];
  const pattern = /(!?)(?:([\w.]+):)?("(?:[^"\\]|\\.)*"|\[[^\]]*\]|\S+)/g;
  for (const match of query.matchAll(pattern)) {
    let value = match[3]!;
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1).replace(/\\"/g, '"');
    tokens.push({ key: match[2] ?? null, value, negated: match[1] === "!" });
  }
  return tokens;
}

const RELEASE_SEARCH_KEYS = new Set(["release", "release.version", "release.package", "release.build", "release.stage", "finalized"]);
/** Versions and build codes are compared as stored: `release:WEB-FRONTEND@*` finds nothing. */
const VERSION_MATCH: WildcardOptions = { caseInsensitive: false };

/** `release.version:>=1.2.0` compares the parsed version; a bare value means equality. */
function semverMatcher(raw: string): (version: string) => boolean {
  const m = /^(>=|<=|>|<|=)?(.+)$/.exec(raw)!;
  const op = m[1] ?? "=";
  const target = parseRelease(`x@${m[2]}`).version;
  if (!target) throw new SandboxHttpError(400, { detail: `Invalid format for semver query ${raw}` });
  return (version) => {
    const parsed = parseRelease(version).version;
    if (!parsed) return false;
    const cmp = compareSemver(parsed, target);
    return op === ">" ? cmp > 0 : op === ">=" ? cmp >= 0 : op === "<" ? cmp < 0 : op === "<=" ? cmp <= 0 : cmp === 0;
  };
}

function buildMatcher(raw: string): (version: string) => boolean {
  const m = /^(>=|<=|>|<|=)?(.+)$/.exec(raw)!;
  const op = m[1] ?? "=";
  const target = m[2]!;
  return (version) => {
    const code = parseRelease(version).version?.buildCode;
    if (!code) return false;
    if (/^\d+$/.test(target) && /^\d+$/.test(code)) {
      const cmp = Number(code) - Number(target);
      return op === ">" ? cmp > 0 : op === ">=" ? cmp >= 0 : op === "<" ? cmp < 0 : op === "<=" ? cmp <= 0 : cmp === 0;
    }
    return wildcardMatcher(target, VERSION_MATCH)(code);
  };
}

/** "1.2.3 (456)" also finds 1.2.3+456, as the UI shows build numbers in parentheses (_release_suffix). */
const RELEASE_SUFFIX = /^(.*)\s+\(([^)]+)\)\s*$/;

function filterByQuery(
  world: World,
  releases: ReleaseRecord[],
  query: string,
  projects: Project[],
): ReleaseRecord[] {
  const tokens = tokenizeQuery(query);
  const freeText = tokens.filter((t) => t.key === null && !t.negated).map((t) => t.value);
  let result = releases;
  for (const token of tokens) {
    if (token.key === null) continue;
    if (!RELEASE_SEARCH_KEYS.has(token.key)) {
      throw new SandboxHttpError(400, { detail: `Invalid key for this search: ${token.key}` });
    }
    const values = token.value.startsWith("[") ? token.value.slice(1, -1).split(",").map((v) => v.trim()) : [token.value];
    let keep: (r: ReleaseRecord) => boolean;
    switch (token.key) {
      case "finalized":
        keep = (r) => (token.value === "true" ? r.dateReleased !== null : token.value === "false" ? r.dateReleased === null : true);
        break;
      case "release": {
        if (values.length === 1 && values[0] === "latest") {
          // The newest version of each selected project (get_latest_release).
          const latest = new Set<string>();
          for (const project of projects) {
            const newest = releases
              .filter((r) => r.projectIds.includes(project.id))
              .sort((a, b) => Date.parse(b.dateCreated) - Date.parse(a.dateCreated) || b.id - a.id)[0];
            if (newest) latest.add(newest.version);
          }
          keep = (r) => latest.has(r.version);
        } else {
          const matchers = values.map((v) => wildcardMatcher(v, VERSION_MATCH));
          keep = (r) => matchers.some((m) => m(r.version));
        }
        break;
      }
      case "release.version": {
        const matcher = semverMatcher(token.value);
        keep = (r) => matcher(r.version);
        break;
      }
      case "release.package":
        keep = (r) => parseRelease(r.version).package === token.value;
        break;
      case "release.build": {
        const matcher = buildMatcher(token.value);
        keep = (r) => matcher(r.version);
        break;
      }
      default: {
        // release.stage
        const stages = new Set(values);
        keep = (r) => projects.some((p) => r.projectIds.includes(p.id) && stages.has(adoptionStage(world, p.id, r.version).stage));
      }
    }
    result = result.filter((r) => (token.negated ? !keep(r) : keep(r)));
  }
  if (freeText.length > 0) {
    // Free text is a case-insensitive substring of the version (version__icontains).
    const text = freeText.join(" ");
    const needles = [text.toLowerCase()];
    const suffix = RELEASE_SUFFIX.exec(text);
    if (suffix) needles.push(`${suffix[1]}+${suffix[2]}`.toLowerCase());
    result = result.filter((r) => needles.some((n) => r.version.toLowerCase().includes(n)));
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// GET /organizations/{org}/releases/

interface ReleaseRow {
  release: ReleaseRecord;
  /** Set for flatten=1: one row per release and project. */
  projectId?: string;
}

function sessionSortValue(world: World, row: ReleaseRow, sort: string, summaryPeriod: string, environments: string[]): number | null {
  const series = seriesOf(world, row.projectId!, row.release.version);
  if (!series) return null;
  const period = sort.endsWith("_24h") ? "24h" : summaryPeriod;
  const window = STATS_PERIODS[period]!;
  const totals = windowTotals(world.releases, series, world.now - window.buckets * window.size, world.now, environments);
  if (totals.sessions === 0) return null;
  // Every session sort ranks its value descending. For the crash-free sorts that value is the crash rate
  // (SessionMRI.CRASH_RATE / CRASH_USER_RATE, Direction.DESC in release_health/metrics.py
  // get_project_releases_by_stability): the least crash-free rows come first, the most sessions/users first.
  switch (sort) {
    case "crash_free_sessions":
      return totals.sessionsCrashed / totals.sessions;
    case "crash_free_users":
      return totals.usersCrashed / totals.users;
    case "users":
    case "users_24h":
      return totals.users;
    default:
      return totals.sessions;
  }
}

function byDateDesc(a: ReleaseRow, b: ReleaseRow): number {
  return Date.parse(b.release.dateCreated) - Date.parse(a.release.dateCreated) || b.release.id - a.release.id;
}

function sortRows(world: World, rows: ReleaseRow[], sort: string, summaryPeriod: string, environments: string[], projects: Project[]): ReleaseRow[] {
  switch (sort) {
    case "date":
      return rows.sort(byDateDesc);
    case "build":
      return rows
        .filter((r) => buildNumber(r.release.version) !== null)
        .sort((a, b) => buildNumber(b.release.version)! - buildNumber(a.release.version)! || byDateDesc(a, b));
    case "semver":
      return rows.sort((a, b) => {
        const va = parseRelease(a.release.version).version;
        const vb = parseRelease(b.release.version).version;
        if (va && vb) return compareSemver(vb, va) || byDateDesc(a, b);
        if (va) return -1;
        if (vb) return 1;
        return byDateDesc(a, b);
      });
    case "adoption": {
      // Most recently adopted first, never-adopted last (releaseprojectenvironment__adopted desc nulls last).
      const adoptedAt = (row: ReleaseRow): number => {
        const ids = row.projectId ? [row.projectId] : projects.filter((p) => row.release.projectIds.includes(p.id)).map((p) => p.id);
        const times = ids.map((id) => adoptionStage(world, id, row.release.version).adopted).filter((t): t is string => t !== null);
        return times.length ? Math.max(...times.map(Date.parse)) : -Infinity;
      };
      return rows.sort((a, b) => adoptedAt(b) - adoptedAt(a) || byDateDesc(a, b));
    }
    default: {
      // Session sorts: rows with sessions in the window by crash rate or volume, then the rest newest first
      // (MergingOffsetPaginator over get_project_releases_by_stability and the release table).
      const withValue = rows.map((row) => ({ row, value: sessionSortValue(world, row, sort, summaryPeriod, environments) }));
      const ranked = withValue.filter((r) => r.value !== null).sort((a, b) => b.value! - a.value! || byDateDesc(a.row, b.row));
      const rest = withValue.filter((r) => r.value === null).map((r) => r.row).sort(byDateDesc);
      return [...ranked.map((r) => r.row), ...rest];
    }
  }
}

function listReleases(ctx: RequestContext): Reply {
  const org = requireOrg(ctx);
  const { health, adoptionStages } = healthOptions(ctx);
  const status = statusFilter(ctx);
  const flatten = ctx.query.get("flatten") === "1";
  const sort = ctx.query.get("sort") || "date";
  if (!SORTS.has(sort)) throw new SandboxHttpError(400, { detail: "invalid sort" });
  if (SESSION_SORTS.has(sort) && !flatten) {
    throw new SandboxHttpError(400, { detail: "sorting by crash statistics requires flattening (flatten=1)" });
  }
  const projects = selectedProjects(ctx, org);
  const projectIds = new Set(projects.map((p) => p.id));
  const environments = ctx.query.getAll("environment").filter((e) => e !== "");

  let releases = orgReleases(ctx.world, org).filter(
    (r) => r.status === status && r.projectIds.some((id) => projectIds.has(id)),
  );
  releases = releases.filter((r) => r.projectIds.some((id) => projectIds.has(id) && seenInEnvironment(ctx.world, r, id, environments)));
  // The date filter is optional here (get_filter_params(date_filter_optional=True)) and applies to dateCreated.
  if (ctx.query.get("statsPeriod") || (ctx.query.get("start") && ctx.query.get("end"))) {
    const { start, end } = timeWindow(ctx);
    releases = releases.filter((r) => {
      const created = Date.parse(r.dateCreated);
      return created >= start && created <= end;
    });
  }
  const query = ctx.query.get("query");
  if (query) releases = filterByQuery(ctx.world, releases, query, projects);

  let rows: ReleaseRow[] = flatten
    ? releases.flatMap((release) =>
        release.projectIds
          .filter((id) => projectIds.has(id) && seenInEnvironment(ctx.world, release, id, environments))
          .map((projectId) => ({ release, projectId })),
      )
    : releases.map((release) => ({ release }));
  rows = sortRows(ctx.world, rows, sort, health?.summaryPeriod ?? DEFAULT_SUMMARY_PERIOD, environments, projects);

  const reply = paginate(ctx, rows);
  const page = reply.body as ReleaseRow[];
  reply.body = page.map((row) =>
    serializeRelease(ctx, row.release, { forProjectId: row.projectId, health, adoptionStages }),
  );
  return reply;
}

// ---------------------------------------------------------------------------------------------------------------
// GET /organizations/{org}/releases/{version}/

function currentProjectMeta(ctx: RequestContext, org: Org, release: ReleaseRecord, project: Project): Record<string, unknown> {
  const series = seriesOf(ctx.world, project.id, release.version);
  let lower: string | null = null;
  let upper: string | null = null;
  if (series) {
    const { slotStart, slotCount } = ctx.world.releases;
    for (let slot = 0; slot < slotCount; slot++) {
      if (series.sessions[slot]! < 0.5) continue;
      const time = slotStart + slot * HOUR;
      if (lower === null) lower = iso(time);
      upper = iso(Math.min(ctx.world.now, time + HOUR));
    }
  }
  const status = statusFilter(ctx);
  const line = orgReleases(ctx.world, org)
    .filter((r) => r.projectIds.includes(project.id))
    .sort((a, b) => Date.parse(a.dateCreated) - Date.parse(b.dateCreated) || a.id - b.id);
  const visible = line.filter((r) => r.status === status);
  const index = visible.indexOf(release);
  const created = Date.parse(release.dateCreated);
  // "prev" is the older neighbour and "next" the newer one, as the UI's arrows expect (pagination mixin).
  const older = index >= 0 ? visible[index - 1] : [...visible].reverse().find((r) => Date.parse(r.dateCreated) < created);
  const newer = index >= 0 ? visible[index + 1] : visible.find((r) => Date.parse(r.dateCreated) > created);
  return {
    sessionsLowerBound: lower,
    sessionsUpperBound: upper,
    prevReleaseVersion: older?.version ?? null,
    nextReleaseVersion: newer?.version ?? null,
    firstReleaseVersion: line[0]?.version ?? null,
    lastReleaseVersion: line[line.length - 1]?.version ?? null,
  };
}

function getRelease(ctx: RequestContext): Reply {
  const org = requireOrg(ctx);
  const { health, adoptionStages } = healthOptions(ctx);
  const release = requireRelease(ctx, org);
  const sort = ctx.query.get("sort") || "date";
  const projectRef = ctx.query.get("project") ?? ctx.query.get("project_id");
  let project: Project | undefined;
  if (projectRef) {
    if (!/^[\w-]+$/.test(projectRef)) throw new SandboxHttpError(400, { detail: "Invalid project" });
    project = ctx.world.projects.find((p) => p.orgSlug === org.slug && (p.id === projectRef || p.slug === projectRef));
    if (!project) throw new SandboxHttpError(404, NOT_FOUND);
    // Neighbours are only computed for the date order; other sorts are refused (InvalidSortException).
    if (sort !== "date") throw new SandboxHttpError(400, { detail: "invalid sort" });
  }
  return {
    status: 200,
    body: serializeRelease(ctx, release, {
      forProjectId: health && project ? project.id : undefined,
      health,
      adoptionStages,
      currentProjectMeta: project ? currentProjectMeta(ctx, org, release, project) : {},
    }),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Request bodies, validated with DRF's messages (ReleaseSerializer, CommitSerializer, ReleaseHeadCommitSerializer).

type Errors = Record<string, unknown>;
type Body = Record<string, unknown>;

const REQUIRED = "This field is required.";
const NOT_NULL = "This field may not be null.";
const NOT_BLANK = "This field may not be blank.";
const NOT_STRING = "Not a valid string.";
const BAD_DATETIME =
  "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].";
/** What DRF's DateTimeField accepts: ISO 8601 dates with optional time, fraction and offset. */
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const tooLong = (max: number): string => `Ensure this field has no more than ${max} characters.`;
const notAList = (value: unknown): string => `Expected a list of items but got type "${pyType(value)}".`;
const notADict = (value: unknown): string => `Invalid data. Expected a dictionary, but got ${pyType(value)}.`;

/** The Python type name DRF puts in its messages. */
function pyType(value: unknown): string {
  if (value === null) return "NoneType";
  if (Array.isArray(value)) return "list";
  if (typeof value === "string") return "str";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  return "dict";
}

interface StringRule {
  required?: boolean;
  nullable?: boolean;
  blank?: boolean;
  max?: number;
}

/** Reads a CharField: returns the value (undefined when absent/null), recording an error when invalid. */
function readString(body: Body, key: string, rule: StringRule, errors: Errors): string | undefined {
  if (!(key in body)) {
    if (rule.required) errors[key] = [REQUIRED];
    return undefined;
  }
  const value = body[key];
  if (value === null) {
    if (!rule.nullable) errors[key] = [NOT_NULL];
    return undefined;
  }
  // DRF's CharField accepts numbers and turns them into strings; objects and lists are refused.
  if (typeof value !== "string" && typeof value !== "number") {
    errors[key] = [NOT_STRING];
    return undefined;
  }
  const text = String(value);
  if (text === "" && !rule.blank) {
    errors[key] = [NOT_BLANK];
    return undefined;
  }
  if (rule.max !== undefined && text.length > rule.max) {
    errors[key] = [tooLong(rule.max)];
    return undefined;
  }
  return text;
}

function readDate(body: Body, key: string, errors: Errors): string | null | undefined {
  if (!(key in body)) return undefined;
  const value = body[key];
  if (value === null) return null;
  if (typeof value !== "string" || !ISO_DATETIME.test(value) || Number.isNaN(Date.parse(value))) {
    errors[key] = [BAD_DATETIME];
    return undefined;
  }
  return iso(Date.parse(value));
}

/** URLValidator: http(s)/ftp(s) with a real host name. */
function readUrl(body: Body, key: string, errors: Errors): string | null | undefined {
  if (!(key in body)) return undefined;
  const value = body[key];
  if (value === null || value === "") return null;
  let valid = false;
  if (typeof value === "string") {
    try {
      const url = new URL(value);
      valid =
        ["http:", "https:", "ftp:", "ftps:"].includes(url.protocol) &&
        (url.hostname === "localhost" || url.hostname.includes(".") || url.hostname.startsWith("["));
    } catch {
      valid = false;
    }
  }
  if (!valid) {
    errors[key] = ["Enter a valid URL."];
    return undefined;
  }
  return value as string;
}

/** Runs a child validator over a ListField, collecting errors by index as DRF does ({"0": {...}}). */
function readList<T>(body: Body, key: string, errors: Errors, child: (item: Body, errors: Errors) => T): T[] | undefined {
  if (!(key in body)) return undefined;
  const value = body[key];
  if (value === null) {
    errors[key] = [NOT_NULL];
    return undefined;
  }
  if (!Array.isArray(value)) {
    errors[key] = [notAList(value)];
    return undefined;
  }
  const itemErrors: Record<string, unknown> = {};
  const items: T[] = [];
  value.forEach((item, index) => {
    if (typeof item !== "object" || item === null || Array.isArray(item)) {
      itemErrors[String(index)] = { non_field_errors: [notADict(item)] };
      return;
    }
    const errs: Errors = {};
    const parsed = child(item as Body, errs);
    if (Object.keys(errs).length > 0) itemErrors[String(index)] = errs;
    else items.push(parsed);
  });
  if (Object.keys(itemErrors).length > 0) {
    errors[key] = itemErrors;
    return undefined;
  }
  return items;
}

interface CommitInput {
  id: string;
  repository: string | undefined;
  message: string | null;
  authorName: string | null;
  authorEmail: string | null;
  timestamp: string | null;
  patchSet: CommitFileChange[];
}

function readCommit(item: Body, errors: Errors): CommitInput {
  const id = readString(item, "id", { required: true, max: MAX_COMMIT_ID_LENGTH }, errors);
  const repository = readString(item, "repository", { nullable: true, blank: true, max: MAX_COMMIT_REPOSITORY_LENGTH }, errors);
  const message = readString(item, "message", { nullable: true, blank: true }, errors);
  const authorName = readString(item, "author_name", { nullable: true, blank: true, max: MAX_AUTHOR_NAME_LENGTH }, errors);
  const authorEmail = readString(item, "author_email", { nullable: true, blank: true, max: MAX_AUTHOR_EMAIL_LENGTH }, errors);
  const timestamp = readDate(item, "timestamp", errors);
  const patchSet =
    item.patch_set === null
      ? []
      : readList(item, "patch_set", errors, (change, errs) => {
          const path = readString(change, "path", { required: true, max: MAX_PATCH_PATH_LENGTH }, errs);
          const type = readString(change, "type", { required: true, max: 1 }, errs);
          if (type !== undefined && type !== "A" && type !== "M" && type !== "D") {
            errs.type = [`Commit patch_set type ${type} is not supported.`];
          }
          return { path: path ?? "", type: (type ?? "M") as CommitFileChange["type"] };
        });
  return {
    id: id ?? "",
    repository: repository || undefined,
    message: message ?? null,
    authorName: authorName || null,
    authorEmail: authorEmail || null,
    timestamp: timestamp ?? null,
    patchSet: patchSet ?? [],
  };
}

/** A ref as the sandbox uses it; previousCommit is validated but only matters to a real integration's fetch. */
interface RefInput {
  repository: string;
  commit: string;
}

function readRef(item: Body, errors: Errors): RefInput {
  const repository = readString(item, "repository", { required: true, max: MAX_VERSION_LENGTH }, errors);
  const commit = readString(item, "commit", { required: true }, errors);
  readString(item, "previousCommit", { nullable: true, blank: true, max: MAX_COMMIT_ID_LENGTH }, errors);
  return { repository: repository ?? "", commit: commit ?? "" };
}

/** Deprecated headCommits [{repository, currentId, previousId}], turned into refs as Sentry does. */
function readHeadCommit(item: Body, errors: Errors): RefInput {
  const repository = readString(item, "repository", { required: true, max: MAX_COMMIT_REPOSITORY_LENGTH }, errors);
  const current = readString(item, "currentId", { required: true, max: MAX_COMMIT_ID_LENGTH }, errors);
  readString(item, "previousId", { nullable: true, blank: true, max: MAX_COMMIT_ID_LENGTH }, errors);
  return { repository: repository ?? "", commit: current ?? "" };
}

interface ReleaseInput {
  ref?: string | null;
  url?: string | null;
  dateReleased?: string | null;
  status?: "open" | "archived";
  owner?: Member;
  commits?: CommitInput[];
  refs?: RefInput[];
  headCommits?: RefInput[];
}

function requireObjectBody(ctx: RequestContext): Body {
  const body = ctx.body ?? {};
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new SandboxHttpError(400, { non_field_errors: [notADict(body)] });
  }
  return body as Body;
}

function readReleaseFields(ctx: RequestContext, org: Org, body: Body, errors: Errors): ReleaseInput {
  const input: ReleaseInput = {};
  const ref = readString(body, "ref", { nullable: true, blank: true, max: MAX_VERSION_LENGTH }, errors);
  if ("ref" in body && !errors.ref) input.ref = ref ?? null;
  const url = readUrl(body, "url", errors);
  if (url !== undefined) input.url = url;
  const dateReleased = readDate(body, "dateReleased", errors);
  if (dateReleased !== undefined) input.dateReleased = dateReleased;
  const status = readString(body, "status", {}, errors);
  if (status !== undefined) {
    if (status === "open" || status === "archived") input.status = status;
    else errors.status = [`Invalid status ${status}`];
  }
  const owner = readString(body, "owner", { nullable: true }, errors);
  if (owner !== undefined) {
    const member = ctx.world.members.find(
      (m) => m.orgSlug === org.slug && (m.username === owner || m.email === owner || m.id === owner),
    );
    if (member) input.owner = member;
    else errors.owner = ["Unable to find the given user."];
  }
  input.commits = readList(body, "commits", errors, readCommit);
  input.refs = readList(body, "refs", errors, readRef);
  input.headCommits = readList(body, "headCommits", errors, readHeadCommit);
  return input;
}

// ---------------------------------------------------------------------------------------------------------------
// Commits and refs (Release.set_commits / Release.set_refs).

/** Release.set_commits: replaces the release's commit list; unknown repositories are created on the fly. */
function setCommits(ctx: RequestContext, org: Org, release: ReleaseRecord, commits: CommitInput[]): void {
  const world = ctx.world;
  release.commits = commits.map((c) => {
    // Commits without a repository land in the org's catch-all repository, named after the org ID.
    const repository = c.repository ?? `organization-${org.id}`;
    const known =
      world.repos.some((r) => r.orgSlug === org.slug && r.name === repository) ||
      world.releases.createdRepos.some((r) => r.orgSlug === org.slug && r.name === repository);
    if (!known) {
      world.releases.createdRepos.push({
        id: String(CREATED_REPO_FIRST_ID + world.releases.createdRepos.length),
        orgSlug: org.slug,
        name: repository,
        dateCreated: iso(ctx.world.clock()),
      });
    }
    return {
      id: c.id,
      repository,
      message: c.message,
      // CommitAuthor rows are keyed by email: a commit without author_email has no author.
      author: c.authorEmail ? { name: c.authorName ?? c.authorEmail.split("@")[0]!, email: c.authorEmail } : null,
      dateCreated: c.timestamp ?? iso(ctx.world.clock()),
      patchSet: c.patchSet,
    };
  });
}

/**
 * Release.set_refs: every named repository must exist in the org ("Invalid repository names: …"). `commit` may
 * be a `previous..head` range. Sentry records the head commit per repository and asks the repository
 * integration for the commits since the previous one; the sandbox has no remote to ask, so the head commit is
 * what gets recorded (as Sentry shows it before that fetch completes: no message, no author).
 */
function setRefs(ctx: RequestContext, org: Org, release: ReleaseRecord, refs: RefInput[], fetch: boolean): void {
  const names = [...new Set(refs.map((r) => r.repository))];
  const known = new Set(ctx.world.repos.filter((r) => r.orgSlug === org.slug).map((r) => r.name));
  const invalid = names.filter((n) => !known.has(n));
  if (invalid.length > 0) throw new SandboxHttpError(400, { refs: [`Invalid repository names: ${invalid.join(",")}`] });
  if (!fetch) return;
  const now = iso(ctx.world.clock());
  release.commits = refs.map((ref) => ({
    id: /^.+?\.\.(.+)$/.exec(ref.commit)?.[1] ?? ref.commit,
    repository: ref.repository,
    message: null,
    author: null,
    dateCreated: now,
    patchSet: [],
  }));
}

function applyCommitsAndRefs(ctx: RequestContext, org: Org, release: ReleaseRecord, input: ReleaseInput, clearOnEmptyRefs: boolean): void {
  if (input.commits && input.commits.length > 0) setCommits(ctx, org, release, input.commits);
  let refs = input.refs && input.refs.length > 0 ? input.refs : undefined;
  if (!refs && input.headCommits && input.headCommits.length > 0) refs = input.headCommits;
  if (refs) {
    // With raw commits in the same request, refs are recorded but nothing is fetched.
    setRefs(ctx, org, release, refs, !(input.commits && input.commits.length > 0));
  } else if (clearOnEmptyRefs && input.refs && input.refs.length === 0 && !(input.headCommits?.length)) {
    // PUT with refs: [] clears the release's commits (organization_release_details.py).
    release.commits = [];
  }
}

// ---------------------------------------------------------------------------------------------------------------
// POST /organizations/{org}/releases/

function validateVersion(body: Body, errors: Errors): string | undefined {
  // The version keeps its whitespace (trim_whitespace=False) and is checked by Release.is_valid_version.
  const version = readString(body, "version", { required: true, max: MAX_VERSION_LENGTH }, errors);
  if (version === undefined) return undefined;
  const stripped = version.trim();
  if (BAD_VERSION_CHARS.test(version) || stripped === "" || stripped === "." || stripped === ".." || stripped.toLowerCase() === "latest") {
    errors.version = [`Release with name ${version} is not allowed`];
    return undefined;
  }
  return version;
}

function createRelease(ctx: RequestContext): Reply {
  const org = requireOrg(ctx);
  const body = requireObjectBody(ctx);
  const errors: Errors = {};
  const version = validateVersion(body, errors);
  let projectRefs: unknown[] | undefined;
  if (!("projects" in body)) errors.projects = [REQUIRED];
  else if (!Array.isArray(body.projects)) errors.projects = [notAList(body.projects)];
  else projectRefs = body.projects;
  const input = readReleaseFields(ctx, org, body, errors);
  if (Object.keys(errors).length > 0 || version === undefined || projectRefs === undefined) {
    throw new SandboxHttpError(400, errors);
  }

  // Sentry looks each entry up in a dict keyed by slug (str) and ID (int): a numeric ID sent as a string
  // matches neither, so it is refused like an unknown project.
  const orgProjects = ctx.world.projects.filter((p) => p.orgSlug === org.slug);
  const projects: Project[] = [];
  for (const ref of projectRefs) {
    const project = orgProjects.find((p) => (typeof ref === "number" ? Number(p.id) === ref : p.slug === ref));
    if (!project) throw new SandboxHttpError(400, { projects: ["Invalid project ids or slugs"] });
    if (!projects.includes(project)) projects.push(project);
  }

  const world = ctx.world;
  let release = world.releases.releases.find((r) => r.orgSlug === org.slug && r.version === version);
  const created = release === undefined;
  if (!release) {
    world.releases.nextReleaseId += 1;
    release = {
      id: world.releases.nextReleaseId,
      orgSlug: org.slug,
      version,
      ref: input.ref ?? null,
      url: input.url ?? null,
      dateCreated: iso(ctx.world.clock()),
      // No dateReleased means unreleased until a PUT sets it (the docs' "current time is used" is not what
      // the code does: organization_releases.py stores date_released=None).
      dateReleased: input.dateReleased ?? null,
      status: input.status ?? "open",
      ownerId: input.owner?.id ?? null,
      // Sentry stores the User-Agent header here; handlers do not see request headers, so it stays unknown.
      userAgent: null,
      data: {},
      projectIds: [],
      commits: [],
      deploys: [],
      firstEvent: null,
      lastEvent: null,
    };
    world.releases.releases.push(release);
  } else if (input.status && input.status !== release.status) {
    release.status = input.status;
  }
  release.touched = true;
  const newProjects = projects.filter((p) => !release!.projectIds.includes(p.id));
  for (const project of newProjects) release.projectIds.push(project.id);
  // Marked before refs are checked: an unknown repository answers 400 but the release stays created, as in Sentry.
  ctx.markDirty();
  applyCommitsAndRefs(ctx, org, release, input, false);

  // 208 Already Reported: the release existed and no project was added, so nothing changed (idempotent create).
  const status = !created && newProjects.length === 0 ? 208 : 201;
  return { status, body: serializeRelease(ctx, release) };
}

// ---------------------------------------------------------------------------------------------------------------
// PUT /organizations/{org}/releases/{version}/

function updateRelease(ctx: RequestContext): Reply {
  const org = requireOrg(ctx);
  const release = requireRelease(ctx, org);
  const body = requireObjectBody(ctx);
  const errors: Errors = {};
  const input = readReleaseFields(ctx, org, body, errors);
  if (Object.keys(errors).length > 0) throw new SandboxHttpError(400, errors);

  // Only truthy values change a field: dateReleased: null cannot un-finalize a release (release.update(**kwargs)).
  if (input.dateReleased) release.dateReleased = input.dateReleased;
  if (input.ref) release.ref = input.ref;
  if (input.url) release.url = input.url;
  if (input.status) release.status = input.status;
  if (input.owner) release.ownerId = input.owner.id;
  release.touched = true;
  ctx.markDirty();
  applyCommitsAndRefs(ctx, org, release, input, true);
  return { status: 200, body: serializeRelease(ctx, release) };
}

// ---------------------------------------------------------------------------------------------------------------
// Commits, previous-with-commits, deploys.

function listReleaseCommits(ctx: RequestContext): Reply {
  const org = requireOrg(ctx);
  const release = requireRelease(ctx, org);
  const reply = paginate(ctx, release.commits);
  const others = orgReleases(ctx.world, org);
  reply.body = (reply.body as CommitRecord[]).map((commit) => ({
    ...serializeCommit(ctx, org.slug, commit),
    // CommitWithReleaseSerializer: every release of the org that contains this commit.
    releases: others
      .filter((r) => r.commits.some((c) => c.id === commit.id && c.repository === commit.repository))
      .map((r) => ({
        version: r.version,
        shortVersion: r.version,
        ref: r.ref,
        url: r.url,
        dateReleased: r.dateReleased,
        dateCreated: r.dateCreated,
      })),
  }));
  return reply;
}

/**
 * The newest release of the same projects that has commits and was released (or created) no later than this
 * one — the release itself included, as Sentry's `<=` does (organization_release_previous_commits.py). Answers
 * `{}` when there is none.
 */
function previousWithCommits(ctx: RequestContext): Reply {
  const org = requireOrg(ctx);
  const release = requireRelease(ctx, org);
  const selected = new Set(selectedProjects(ctx, org).map((p) => p.id));
  const projectIds = release.projectIds.filter((id) => selected.has(id));
  const startDate = Date.parse(release.dateReleased ?? release.dateCreated);
  const dateOf = (r: ReleaseRecord): number => Date.parse(r.dateReleased ?? r.dateCreated);
  const previous = orgReleases(ctx.world, org)
    .filter((r) => r.commits.length > 0 && r.projectIds.some((id) => projectIds.includes(id)) && dateOf(r) <= startDate)
    // Equal dates (a sandbox whose clock stands still under --now) go to the later-created row, as IDs ascend.
    .sort((a, b) => dateOf(b) - dateOf(a) || b.id - a.id)[0];
  return { status: 200, body: previous ? serializeRelease(ctx, previous) : {} };
}

function listDeploys(ctx: RequestContext): Reply {
  const org = requireOrg(ctx);
  const release = requireRelease(ctx, org);
  const deploys = [...release.deploys].sort((a, b) => Date.parse(b.dateFinished) - Date.parse(a.dateFinished));
  const reply = paginate(ctx, deploys);
  reply.body = (reply.body as DeployRecord[]).map(serializeDeploy);
  return reply;
}

/** Environment.is_valid_name: no slashes or control whitespace, and not ".", ".." or "none". */
function isValidEnvironment(name: string): boolean {
  return !BAD_ENVIRONMENT_CHARS.test(name) && name !== "." && name !== ".." && name.toLowerCase() !== "none";
}

function createDeploy(ctx: RequestContext): Reply {
  const org = requireOrg(ctx);
  const release = requireRelease(ctx, org);
  const body = requireObjectBody(ctx);
  const errors: Errors = {};
  const environment = readString(body, "environment", { required: true, max: MAX_ENVIRONMENT_LENGTH }, errors);
  if (environment !== undefined && !isValidEnvironment(environment)) errors.environment = ["Invalid value for environment"];
  const name = readString(body, "name", { nullable: true, blank: true, max: MAX_DEPLOY_NAME_LENGTH }, errors);
  const url = readUrl(body, "url", errors);
  const dateStarted = readDate(body, "dateStarted", errors);
  const dateFinished = readDate(body, "dateFinished", errors);
  let projectIds = [...release.projectIds];
  if ("projects" in body) {
    if (!Array.isArray(body.projects)) errors.projects = [notAList(body.projects)];
    else {
      const chosen = body.projects.map((ref) =>
        ctx.world.projects.find((p) => p.orgSlug === org.slug && release.projectIds.includes(p.id) && (p.slug === ref || p.id === String(ref))),
      );
      if (chosen.some((p) => p === undefined)) errors.projects = ["Invalid projects"];
      else projectIds = chosen.map((p) => p!.id);
    }
  }
  if (Object.keys(errors).length > 0 || environment === undefined) throw new SandboxHttpError(400, errors);
  const world = ctx.world;
  world.releases.nextDeployId += 1;
  const deploy: DeployRecord = {
    id: String(world.releases.nextDeployId),
    environment,
    name: name || null,
    url: url ?? null,
    dateStarted: dateStarted ?? null,
    dateFinished: dateFinished ?? iso(ctx.world.clock()),
    projectIds,
  };
  release.deploys.push(deploy);
  release.touched = true;
  ctx.markDirty();
  return { status: 201, body: serializeDeploy(deploy) };
}

// ---------------------------------------------------------------------------------------------------------------
// Project-scoped reads (ProjectReleasesEndpoint, ProjectReleaseDetailsEndpoint): what sentry-cli calls for
// `releases list` and `releases info` when a project is configured.

function listProjectReleases(ctx: RequestContext): Reply {
  const { org, project } = requireProject(ctx);
  const environments = ctx.query.getAll("environment").filter((e) => e !== "");
  const query = ctx.query.get("query");
  let releases = orgReleases(ctx.world, org).filter(
    (r) => r.projectIds.includes(project.id) && seenInEnvironment(ctx.world, r, project.id, environments),
  );
  if (query) {
    // This endpoint's query is a plain "version contains" filter, without the release search syntax.
    const needles = [query.toLowerCase()];
    const suffix = RELEASE_SUFFIX.exec(query);
    if (suffix) needles.push(`${suffix[1]}+${suffix[2]}`.toLowerCase());
    releases = releases.filter((r) => needles.some((n) => r.version.toLowerCase().includes(n)));
  }
  const rows = releases.map((release) => ({ release })).sort(byDateDesc);
  const reply = paginate(ctx, rows);
  reply.body = (reply.body as ReleaseRow[]).map((row) => serializeRelease(ctx, row.release, { newGroupsProjectId: project.id }));
  return reply;
}

function getProjectRelease(ctx: RequestContext): Reply {
  const { org, project } = requireProject(ctx);
  const release = requireRelease(ctx, org);
  if (!release.projectIds.includes(project.id)) throw new SandboxHttpError(404, NOT_FOUND);
  return { status: 200, body: serializeRelease(ctx, release, { newGroupsProjectId: project.id }) };
}

export const releaseRoutes: RouteDef[] = [
  { method: "GET", pattern: "/projects/:org/:project/releases/", scopes: RELEASE_READ_SCOPES, handler: listProjectReleases },
  { method: "GET", pattern: "/projects/:org/:project/releases/:version/", scopes: RELEASE_READ_SCOPES, handler: getProjectRelease },
  { method: "GET", pattern: "/organizations/:org/releases/", scopes: RELEASE_READ_SCOPES, handler: listReleases },
  { method: "POST", pattern: "/organizations/:org/releases/", scopes: RELEASE_WRITE_SCOPES, handler: createRelease },
  { method: "GET", pattern: "/organizations/:org/releases/:version/", scopes: RELEASE_READ_SCOPES, handler: getRelease },
  { method: "PUT", pattern: "/organizations/:org/releases/:version/", scopes: RELEASE_WRITE_SCOPES, handler: updateRelease },
  { method: "GET", pattern: "/organizations/:org/releases/:version/commits/", scopes: RELEASE_READ_SCOPES, handler: listReleaseCommits },
  {
    method: "GET",
    pattern: "/organizations/:org/releases/:version/previous-with-commits/",
    scopes: RELEASE_READ_SCOPES,
    handler: previousWithCommits,
  },
  { method: "GET", pattern: "/organizations/:org/releases/:version/deploys/", scopes: RELEASE_READ_SCOPES, handler: listDeploys },
  { method: "POST", pattern: "/organizations/:org/releases/:version/deploys/", scopes: RELEASE_WRITE_SCOPES, handler: createDeploy },
];
