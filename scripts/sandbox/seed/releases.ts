// Seeded releases for the sandbox (list-releases, create-release, set-commits): full release records built on
// the core seed's release versions (world.releaseStubs), with commits, authors, deploys and session health.
// Health is an hourly series per release and project over the last 90 days (Sentry keeps session data that
// long), from which every window the API asks for (summaryStatsPeriod, 24h, stats buckets) is summed, so the
// numbers agree with each other however they are sliced.

import type { Project, Repo, World } from "../types.js";
import { rngFor, type Rng } from "./rng.js";
import { DAY, HOUR, iso, MINUTE, worldHourOfDay, worldWeekday } from "../time.js";

/** Sentry's session store answers for the last 90 days (release_health check_has_health_data, 90d max period). */
export const HEALTH_HISTORY_DAYS = 90;
/** Hourly slots in the health series: 90 days, the last ending at world.now (not aligned to the clock's hours). */
const HEALTH_SLOTS = HEALTH_HISTORY_DAYS * 24;
/** First numeric release ID; Sentry's release IDs are plain autoincrement integers in the ~10^9 range today. */
const FIRST_RELEASE_ID = 1_294_017_000;
const FIRST_DEPLOY_ID = 22_352_000;
/** Share of seeded releases that had commits associated by CI (the rest were created without set-commits). */
const COMMITS_PROBABILITY = 0.85;
/** Share of released versions whose deploys were never reported to Sentry. */
const NO_DEPLOY_PROBABILITY = 0.1;
/** Crash-free sessions of the one bad release, in percent (a crash loop that shipped). */
const BAD_RELEASE_CRASH_FREE = 90.2;
/** Sessions on production vs the pre-production environment (staging, testflight …). */
const PRODUCTION_SESSION_SHARE = 0.92;
/** The user agent sentry-cli sends when CI creates a release (stored as Release.user_agent). */
const CI_USER_AGENT = "sentry-cli/2.42.2";

export interface CommitAuthor {
  name: string;
  email: string;
}

export interface CommitFileChange {
  path: string;
  /** A added, M modified, D deleted (Sentry's CommitFileChange.type). */
  type: "A" | "M" | "D";
}

export interface CommitRecord {
  /** The SHA (Sentry's Commit.key). */
  id: string;
  /** Repository name as Sentry knows it ("owner/name"). */
  repository: string;
  message: string | null;
  author: CommitAuthor | null;
  dateCreated: string;
  patchSet: CommitFileChange[];
}

export interface DeployRecord {
  id: string;
  environment: string;
  name: string | null;
  url: string | null;
  dateStarted: string | null;
  dateFinished: string;
  projectIds: string[];
}

export interface ReleaseRecord {
  id: number;
  orgSlug: string;
  version: string;
  ref: string | null;
  url: string | null;
  dateCreated: string;
  dateReleased: string | null;
  status: "open" | "archived";
  /** Member ID of the release owner, or null. */
  ownerId: string | null;
  userAgent: string | null;
  data: Record<string, unknown>;
  projectIds: string[];
  /** Newest first, as Sentry stores ReleaseCommit.order: commitCount is the length, lastCommit the first. */
  commits: CommitRecord[];
  /** Oldest first. */
  deploys: DeployRecord[];
  firstEvent: string | null;
  lastEvent: string | null;
  /** Set on records created or changed through the API: those are what --state FILE persists. */
  touched?: boolean;
}

/** The session-health model of one release in one project. */
export interface ReleaseHealthSeries {
  /** Sessions started per hourly slot (see ReleasesWorld.slotStart), all environments together. */
  sessions: Float64Array;
  /** Fraction of sessions that crashed. */
  crashRate: number;
  /** Fraction of users who saw at least one crash (higher than crashRate: heavy users crash more). */
  userCrashRate: number;
  /** Fraction of sessions that ended errored (handled errors), crashed ones not included. */
  erroredRate: number;
  /** Session duration percentiles in seconds, as Sentry reports them. */
  durationP50: number;
  durationP90: number;
  /** Environments that sent sessions, with their share of the traffic. */
  environmentShare: Record<string, number>;
}

export interface ReleasesWorld {
  releases: ReleaseRecord[];
  /** Keyed by healthKey(projectId, version); only releases of projects that send sessions have one. */
  health: Map<string, ReleaseHealthSeries>;
  /** Sessions per hourly slot of each project (the denominator of adoption). */
  projectSessions: Map<string, Float64Array>;
  /** Epoch ms where hourly slot 0 starts; slot i covers [slotStart + i h, slotStart + (i+1) h). */
  slotStart: number;
  slotCount: number;
  nextReleaseId: number;
  nextDeployId: number;
  /** Repositories Sentry created on the fly for raw `commits` naming an unknown repository. */
  createdRepos: CreatedRepo[];
}

// This category's part of the world (types.ts leaves it to each seed module, so types flow one way).
declare module "../types.js" {
  interface World {
    releases: ReleasesWorld;
  }
}

/**
 * A repository Sentry created because raw commits named it (Release.set_commits get_or_create): no provider,
 * no URL, no integration. Kept here rather than in world.repos, whose entries are the connected repositories.
 */
export interface CreatedRepo {
  id: string;
  orgSlug: string;
  name: string;
  dateCreated: string;
}

export function healthKey(projectId: string, version: string): string {
  return `${projectId}\u0000${version}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Commit content: messages and file paths that look like each kind of codebase.

type Family = "frontend" | "backend" | "mobile";

function familyOf(platform: string): Family {
  if (platform.startsWith("apple") || platform.startsWith("android") || platform.includes("native")) return "mobile";
  if (platform.startsWith("javascript")) return "frontend";
  return "backend";
}

const COMMIT_SUBJECTS: Record<Family, string[]> = {
  frontend: [
    "fix(checkout): keep the cart when the session token refreshes",
    "feat(search): debounce suggestions while typing",
    "fix(auth): redirect to login when the refresh token expired",
    "perf(product-list): virtualize the grid for long categories",
    "fix: guard against undefined price in ProductCard",
    "chore(deps): bump react-router-dom from 6.22.3 to 6.23.1",
    "feat(cart): show delivery estimate under the total",
    "fix(i18n): fall back to en-US for missing translation keys",
    "refactor(api-client): move retry logic into fetchJson",
    "fix(safari): avoid structuredClone on iOS 15",
    "test(checkout): cover the promo code error states",
    "feat(account): let users download invoices as PDF",
  ],
  backend: [
    "fix(orders): select_related customer to avoid N+1 in order list",
    "feat(api): paginate /orders with cursor links",
    "fix(db): retry on serialization failure in reserve_stock",
    "perf: cache tax rates per region for 10 minutes",
    "fix(webhooks): verify signature before parsing the payload",
    "chore(deps): bump psycopg from 3.1.18 to 3.1.19",
    "feat(payments): idempotency keys for capture requests",
    "fix(auth): reject expired API keys with 401 instead of 500",
    "refactor(inventory): split StockService into reader and writer",
    "fix(celery): acknowledge late so crashed workers retry the task",
    "feat(refunds): partial refunds for multi-item orders",
    "fix(timeouts): lower the upstream timeout of the card gateway to 8s",
  ],
  mobile: [
    "fix(checkout): do not force-unwrap the selected address",
    "feat(push): deep link order updates to the order screen",
    "fix(crash): guard image cache against concurrent eviction",
    "perf(home): prefetch the first page of recommendations",
    "fix(ui): respect Dynamic Type in the cart summary",
    "chore: bump Sentry Cocoa SDK to 8.36.0",
    "feat(wishlist): sync wishlist across devices",
    "fix(login): handle Sign in with Apple cancellation",
    "refactor(networking): migrate OrdersAPI to async/await",
    "fix(crash): main-thread access in CartViewModel.update",
    "feat(onboarding): skip the tour for returning users",
    "fix(offline): queue add-to-cart while offline",
  ],
};

const FILE_PATHS: Record<Family, string[]> = {
  frontend: [
    "src/components/ProductCard.tsx",
    "src/components/CartSummary.tsx",
    "src/pages/Checkout.tsx",
    "src/pages/Search.tsx",
    "src/api/client.ts",
    "src/hooks/useSession.ts",
    "src/i18n/en-US.json",
    "src/routes.tsx",
    "package.json",
    "src/utils/price.ts",
    "tests/checkout.spec.ts",
  ],
  backend: [
    "shop/orders/views.py",
    "shop/orders/serializers.py",
    "shop/payments/gateway.py",
    "shop/inventory/services.py",
    "shop/settings/base.py",
    "shop/webhooks/handlers.py",
    "requirements.txt",
    "src/routes/payments.ts",
    "src/services/capture.ts",
    "tests/test_orders.py",
    "migrations/0042_order_idempotency_key.py",
  ],
  mobile: [
    "Shop/Checkout/CheckoutViewController.swift",
    "Shop/Cart/CartViewModel.swift",
    "Shop/Networking/OrdersAPI.swift",
    "Shop/Home/HomeView.swift",
    "Shop/ImageCache/ImageCache.swift",
    "Shop/AppDelegate.swift",
    "Shop.xcodeproj/project.pbxproj",
    "Podfile.lock",
    "ShopTests/CartViewModelTests.swift",
  ],
};

/** People who commit but are not Sentry members of the org (their authors serialize as {name, email}). */
const OUTSIDE_AUTHORS: CommitAuthor[] = [
  { name: "Priya Raman", email: "priya.raman@contractors.example" },
  { name: "Jonas Weber", email: "jonas@weber-consulting.example" },
  { name: "dependabot[bot]", email: "49699333+dependabot[bot]@users.noreply.github.com" },
];

/** The org's repository for a project: the one whose name shares a word with the slug, else the first active one. */
export function repoForProject(world: World, project: Project): Repo | undefined {
  const repos = world.repos.filter((r) => r.orgSlug === project.orgSlug && r.status === "active");
  const words = new Set(project.slug.split("-"));
  const matching = repos.find((r) => (r.name.split("/")[1] ?? "").split("-").some((w) => words.has(w)));
  return matching ?? repos[0];
}

function authorPool(world: World, project: Project): Array<readonly [CommitAuthor, number]> {
  const members = world.members.filter((m) => m.orgSlug === project.orgSlug);
  const pool: Array<readonly [CommitAuthor, number]> = members.map((m) => {
    const onTeam = (m.teamSlugs ?? []).some((t) => project.teamSlugs.includes(t));
    return [{ name: m.name, email: m.email }, onTeam ? 6 : 1] as const;
  });
  for (const outsider of OUTSIDE_AUTHORS) pool.push([outsider, 1]);
  return pool;
}

function seedCommits(
  rng: Rng,
  world: World,
  project: Project,
  repo: Repo,
  fromMs: number,
  toMs: number,
): CommitRecord[] {
  const family = familyOf(project.platform);
  const pool = authorPool(world, project);
  const count = rng.int(2, 14);
  const commits: CommitRecord[] = [];
  for (let i = 0; i < count; i++) {
    const author = rng.weighted(pool);
    const isBot = author.name.endsWith("[bot]");
    const owner = repo.name.split("/")[0];
    const subject = rng.pick(COMMIT_SUBJECTS[family]);
    const message = isBot
      ? rng.pick(COMMIT_SUBJECTS[family].filter((s) => s.startsWith("chore(deps)") || s.startsWith("chore:")))
      : rng.chance(0.2)
        ? `Merge pull request #${rng.int(800, 4200)} from ${owner}/${rng.pick(["fix", "feat", "perf"])}/${rng.hex(6)}\n\n${subject}`
        : subject;
    const files = rng.shuffle([...FILE_PATHS[family]]).slice(0, rng.int(1, 5));
    const patchSet = files.map((path) => ({
      path,
      type: rng.weighted([
        ["M", 7],
        ["A", 2],
        ["D", 1],
      ] as const),
    }));
    commits.push({
      id: rng.hex(40),
      repository: repo.name,
      message,
      author,
      dateCreated: iso(fromMs + rng.next() * Math.max(MINUTE, toMs - fromMs)),
      patchSet,
    });
  }
  // Newest first, as the release's commit order (sentry-cli sends `git log` order).
  commits.sort((a, b) => Date.parse(b.dateCreated) - Date.parse(a.dateCreated));
  return commits;
}

/** Tag and browse URLs as the repository's host lays them out. */
function tagUrl(repo: Repo, tag: string): string {
  return repo.provider.id.includes("gitlab") ? `${repo.url}/-/tags/${tag}` : `${repo.url}/releases/tag/${tag}`;
}

function ciRunUrl(repo: Repo, runId: number): string {
  return repo.provider.id.includes("gitlab") ? `${repo.url}/-/pipelines/${runId}` : `${repo.url}/actions/runs/${runId}`;
}

/** The tag a version was cut from: `v2.14.0` for `web-frontend@2.14.0`, nothing for a bare SHA. */
function tagFor(version: string): string | null {
  const semver = /(?:^|@)(\d+\.\d+\.\d+)/.exec(version);
  return semver ? `v${semver[1]}` : null;
}

/** The environment a project deploys to before production (staging, testflight, preview …), if any. */
function preProductionEnvironment(project: Project): string | undefined {
  return project.environments.find((e) => e !== "production" && e !== "development");
}

// ---------------------------------------------------------------------------------------------------------------
// Session health: each project's traffic spread over its releases by an adoption curve.

interface AdoptionCurve {
  /** How long a new version takes to reach its full share (web: a deploy; mobile: app-store rollout). */
  rampMs: number;
  /** How fast an old version fades once the next one starts (mobile users update late). */
  decayMs: number;
  dailySessions: number;
  sessionDurationP50: number;
}

function adoptionCurve(rng: Rng, project: Project): AdoptionCurve {
  if (familyOf(project.platform) === "mobile") {
    return { rampMs: 3 * DAY, decayMs: 6 * DAY, dailySessions: rng.int(15_000, 25_000), sessionDurationP50: rng.int(80, 140) };
  }
  return { rampMs: 6 * HOUR, decayMs: 10 * HOUR, dailySessions: rng.int(30_000, 50_000), sessionDurationP50: rng.int(150, 300) };
}

/** Traffic by the world's hour of day (peaks mid-afternoon) and a quieter weekend, as offsets from `now`. */
function trafficShape(slotMs: number, now: number): number {
  const hour = worldHourOfDay(slotMs, now);
  const weekday = worldWeekday(slotMs, now);
  const weekend = weekday === 0 || weekday === 6;
  return (1 + 0.5 * Math.sin((2 * Math.PI * (hour - 9)) / 24)) * (weekend ? 0.8 : 1);
}

function seedProjectHealth(
  rng: Rng,
  world: World,
  project: Project,
  releases: ReleaseRecord[],
  slotStart: number,
  badVersion: string | undefined,
  out: ReleasesWorld,
): void {
  const curve = adoptionCurve(rng, project);
  const starts = releases.map((r) => Date.parse(r.dateReleased ?? r.dateCreated));
  const perRelease = releases.map(() => new Float64Array(HEALTH_SLOTS));
  const total = new Float64Array(HEALTH_SLOTS);
  const hourlyBase = curve.dailySessions / 24;
  const preProd = preProductionEnvironment(project);
  for (let slot = 0; slot < HEALTH_SLOTS; slot++) {
    const t = slotStart + slot * HOUR + HOUR / 2;
    const volume = hourlyBase * trafficShape(t, world.now) * (0.95 + 0.1 * rng.next());
    const weights = starts.map((start, i) => {
      if (t < start) return 0;
      const ramp = Math.min(1, (t - start) / curve.rampMs);
      const next = starts[i + 1];
      const fade = next !== undefined && t > next ? Math.exp(-(t - next) / curve.decayMs) : 1;
      return ramp * fade;
    });
    const sum = weights.reduce((a, b) => a + b, 0);
    if (sum === 0) continue;
    for (let i = 0; i < releases.length; i++) {
      const sessions = (volume * weights[i]!) / sum;
      perRelease[i]![slot] = sessions;
      total[slot] = (total[slot] ?? 0) + sessions;
    }
  }
  out.projectSessions.set(project.id, total);
  releases.forEach((release, i) => {
    const series = perRelease[i]!;
    if (!series.some((v) => v >= 0.5)) return;
    const bad = release.version === badVersion;
    // Most releases are 97–99.9 % crash-free; the tail toward 97 is thinner than toward 99.9.
    const crashFree = bad ? BAD_RELEASE_CRASH_FREE + rng.next() * 0.6 : Math.max(97, Math.min(99.92, 100 - rng.logNormal(0.45, 0.6)));
    const crashRate = (100 - crashFree) / 100;
    const userMultiplier = bad ? 1.35 : 1.5 + rng.next() * 0.8;
    const environmentShare: Record<string, number> = preProd
      ? { production: PRODUCTION_SESSION_SHARE, [preProd]: 1 - PRODUCTION_SESSION_SHARE }
      : { production: 1 };
    out.health.set(healthKey(project.id, release.version), {
      sessions: series,
      crashRate,
      userCrashRate: Math.min(0.5, crashRate * userMultiplier),
      erroredRate: 0.015 + rng.next() * 0.025,
      durationP50: curve.sessionDurationP50 * (0.9 + rng.next() * 0.2) + rng.next(),
      durationP90: curve.sessionDurationP50 * (5 + rng.next() * 2) + rng.next(),
      environmentShare,
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------

export function seedReleases(world: World): ReleasesWorld {
  const rng = rngFor(world.seed, "releases");
  const slotStart = world.now - HEALTH_SLOTS * HOUR;
  const out: ReleasesWorld = {
    releases: [],
    health: new Map(),
    projectSessions: new Map(),
    slotStart,
    slotCount: HEALTH_SLOTS,
    nextReleaseId: FIRST_RELEASE_ID,
    nextDeployId: FIRST_DEPLOY_ID,
    createdRepos: [],
  };
  const projectsById = new Map(world.projects.map((p) => [p.id, p]));
  const stubs = [...world.releaseStubs].sort((a, b) => Date.parse(a.dateCreated) - Date.parse(b.dateCreated));

  // IDs grow with creation time, with gaps where other customers' releases were created in between.
  for (const stub of stubs) {
    out.nextReleaseId += rng.int(3, 4000);
    const firstProject = projectsById.get(stub.projectIds[0] ?? "");
    const repo = firstProject ? repoForProject(world, firstProject) : undefined;
    const tag = tagFor(stub.version);
    out.releases.push({
      id: out.nextReleaseId,
      orgSlug: stub.orgSlug,
      version: stub.version,
      ref: tag,
      url: tag && repo && rng.chance(0.7) ? tagUrl(repo, tag) : null,
      dateCreated: stub.dateCreated,
      dateReleased: stub.dateReleased,
      status: "open",
      ownerId: null,
      userAgent: CI_USER_AGENT,
      data: {},
      projectIds: [...stub.projectIds],
      commits: [],
      deploys: [],
      firstEvent: null,
      lastEvent: null,
    });
  }

  // Per project: commits since the previous release, deploys, events and health, in release order.
  for (const project of world.projects) {
    const releases = out.releases.filter((r) => r.projectIds.includes(project.id));
    if (releases.length === 0) continue;
    const repo = repoForProject(world, project);
    const preProd = preProductionEnvironment(project);
    let previousCreated = Date.parse(releases[0]!.dateCreated) - 5 * DAY;
    releases.forEach((release, index) => {
      const created = Date.parse(release.dateCreated);
      if (repo && rng.chance(COMMITS_PROBABILITY)) {
        release.commits = seedCommits(rng, world, project, repo, previousCreated, created);
      }
      previousCreated = created;

      const released = release.dateReleased ? Date.parse(release.dateReleased) : null;
      const newest = index === releases.length - 1;
      if (released !== null ? !rng.chance(NO_DEPLOY_PROBABILITY) : newest) {
        const deployTimes: Array<[string, number]> = [];
        if (preProd) deployTimes.push([preProd, Math.max(created + 5 * MINUTE, (released ?? world.now) - rng.int(20, 90) * MINUTE)]);
        if (released !== null) deployTimes.push(["production", Math.min(world.now - MINUTE, released + rng.int(5, 60) * MINUTE)]);
        for (const [environment, finished] of deployTimes) {
          if (finished > world.now) continue;
          out.nextDeployId += rng.int(1, 900);
          const runId = rng.int(7_000_000_000, 9_999_999_999);
          release.deploys.push({
            id: String(out.nextDeployId),
            environment,
            name: `${environment} #${rng.int(1200, 9800)}`,
            url: repo ? ciRunUrl(repo, runId) : null,
            dateStarted: iso(finished - rng.int(2, 12) * MINUTE),
            dateFinished: iso(finished),
            projectIds: [project.id],
          });
        }
      }

      // Events arrive once the version is out; an old version goes quiet some time after its successor ships.
      if (project.firstEvent !== null) {
        const start = released ?? created;
        const next = releases[index + 1];
        const nextStart = next ? Date.parse(next.dateReleased ?? next.dateCreated) : null;
        const tail = familyOf(project.platform) === "mobile" ? rng.int(5, 12) * DAY : rng.int(2, 20) * HOUR;
        release.firstEvent = iso(Math.min(world.now - MINUTE, start + rng.int(1, 40) * MINUTE));
        release.lastEvent = iso(nextStart === null ? world.now - rng.int(1, 30) * MINUTE : Math.min(world.now - MINUTE, nextStart + tail));
      }
    });
    // Someone archived the oldest version of the first project with sessions to tidy the list
    // (only status=archived shows it).
    if (project === world.projects.find((p) => p.hasSessions)) {
      releases[0]!.status = "archived";
    }
  }

  // The one bad release: the second-newest released version of the first mobile project with sessions (a crash
  // that shipped), falling back to the first project with sessions.
  const sessionProjects = world.projects.filter((p) => p.hasSessions && p.firstEvent !== null);
  const badProject = sessionProjects.find((p) => familyOf(p.platform) === "mobile") ?? sessionProjects[0];
  for (const project of sessionProjects) {
    const releases = out.releases
      .filter((r) => r.projectIds.includes(project.id))
      .sort((a, b) => Date.parse(a.dateReleased ?? a.dateCreated) - Date.parse(b.dateReleased ?? b.dateCreated));
    const releasedVersions = releases.filter((r) => r.dateReleased !== null);
    const badVersion = project === badProject ? releasedVersions[releasedVersions.length - 2]?.version : undefined;
    seedProjectHealth(rng, world, project, releases, slotStart, badVersion, out);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Windows over the health series (used by the routes at response time).

export interface WindowTotals {
  sessions: number;
  sessionsCrashed: number;
  sessionsErrored: number;
  users: number;
  usersCrashed: number;
}

/**
 * Users are not additive over time: the same person opens the app again. Sessions per distinct user grow with
 * the window (about 2 in a day, 3 in two weeks, 4 in three months), which turns session sums into user counts.
 */
export function sessionsPerUser(windowMs: number): number {
  return 1.6 + 0.5 * Math.log(1 + windowMs / DAY);
}

function slotRange(releases: ReleasesWorld, startMs: number, endMs: number): [number, number] {
  const first = Math.max(0, Math.floor((startMs - releases.slotStart) / HOUR));
  const last = Math.min(releases.slotCount, Math.ceil((endMs - releases.slotStart) / HOUR));
  return [first, last];
}

/**
 * The share of slot i inside [startMs, endMs): slots follow world.now while answer buckets are aligned to the
 * hour or day as Sentry's are, so a slot on a bucket boundary is split between its two buckets, never counted twice.
 */
function slotShare(releases: ReleasesWorld, i: number, startMs: number, endMs: number): number {
  const from = releases.slotStart + i * HOUR;
  return Math.max(0, Math.min(endMs, from + HOUR) - Math.max(startMs, from)) / HOUR;
}

/** Environment share of a series: all traffic without a filter, else the filtered environments' part. */
export function environmentFactor(series: ReleaseHealthSeries, environments: readonly string[]): number {
  if (environments.length === 0) return 1;
  return environments.reduce((sum, env) => sum + (series.environmentShare[env] ?? 0), 0);
}

export function sumSlots(values: Float64Array, releases: ReleasesWorld, startMs: number, endMs: number): number {
  const [first, last] = slotRange(releases, startMs, endMs);
  let sum = 0;
  for (let i = first; i < last; i++) sum += values[i]! * slotShare(releases, i, startMs, endMs);
  return sum;
}

export function windowTotals(
  releases: ReleasesWorld,
  series: ReleaseHealthSeries,
  startMs: number,
  endMs: number,
  environments: readonly string[],
): WindowTotals {
  const [first, last] = slotRange(releases, startMs, endMs);
  let raw = 0;
  let firstActive = -1;
  let lastActive = -1;
  for (let i = first; i < last; i++) {
    const value = series.sessions[i]! * slotShare(releases, i, startMs, endMs);
    raw += value;
    if (value > 0) {
      if (firstActive < 0) firstActive = i;
      lastActive = i;
    }
  }
  const sessions = Math.round(raw * environmentFactor(series, environments));
  // Users return over the time the version was actually in use inside the window, not the whole window: a
  // version shipped this morning has as many users over 14 days as over 24 hours.
  const activeMs = (lastActive - firstActive + 1) * HOUR;
  const users = sessions === 0 ? 0 : Math.max(1, Math.round(sessions / sessionsPerUser(activeMs)));
  return {
    sessions,
    sessionsCrashed: Math.round(sessions * series.crashRate),
    sessionsErrored: Math.round(sessions * series.erroredRate),
    users,
    usersCrashed: Math.round(users * series.userCrashRate),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// --state FILE: releases created or changed through the API, and repositories created by raw commits.

interface ReleasesState {
  releases: ReleaseRecord[];
  repos: CreatedRepo[];
  nextReleaseId: number;
  nextDeployId: number;
}

export function saveState(world: World): ReleasesState {
  return {
    releases: world.releases.releases.filter((r) => r.touched),
    repos: world.releases.createdRepos,
    nextReleaseId: world.releases.nextReleaseId,
    nextDeployId: world.releases.nextDeployId,
  };
}

export function loadState(world: World, data: unknown): void {
  const state = data as Partial<ReleasesState>;
  const releases = world.releases;
  for (const repo of state.repos ?? []) {
    if (!releases.createdRepos.some((r) => r.orgSlug === repo.orgSlug && r.name === repo.name)) releases.createdRepos.push(repo);
  }
  for (const saved of state.releases ?? []) {
    const index = releases.releases.findIndex((r) => r.orgSlug === saved.orgSlug && r.version === saved.version);
    if (index >= 0) releases.releases[index] = saved;
    else releases.releases.push(saved);
  }
  releases.nextReleaseId = Math.max(releases.nextReleaseId, state.nextReleaseId ?? 0);
  releases.nextDeployId = Math.max(releases.nextDeployId, state.nextDeployId ?? 0);
}
