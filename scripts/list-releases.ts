// list-releases: the organization's releases with release health, one line each (version, when it shipped,
// new issues, crash-free sessions and users, adoption, last deploy, projects), to tell a bad release quickly.
// The health sorts list one row per release and project, as Sentry ranks them.

import { AuthError, NotFoundError, UsageError } from "./lib/errors.js";
import { choice, environments, text, value, type FlagInput } from "./lib/flags.js";
import { PROJECT_SCOPE_FLAGS, projectScopeOf, resolveProjectScope, scopeFilter, type ProjectScope } from "./lib/projects.js";
import { alignColumns, listWithMore, percent, plural, relativeTime, shellQuote } from "./lib/output.js";
import { getProject, noSuchProject } from "./lib/sentry/projects.js";
import { listReleases, RELEASE_SCOPES, type RawRelease } from "./lib/sentry/releases.js";
import { cleanText } from "./lib/text.js";
import { listTool, runIfMain, type ListSummary } from "./lib/tool.js";
import { parseDuration } from "./lib/validate.js";

/**
 * The windows Sentry accepts for summaryStatsPeriod (src/sentry/snuba/sessions.py STATS_PERIODS), keyed by
 * seconds so that 1d, 24h and 86400s all mean the same thing; values are what we send.
 */
const STATS_PERIODS = new Map<number, string>([
  [3600, "1h"],
  [86400, "24h"],
  [172800, "48h"],
  [604800, "7d"],
  [1209600, "14d"],
  [2592000, "30d"],
  [7776000, "90d"],
]);
const DEFAULT_PERIOD = "24h";
/** Sentry computes adoption over the last 24h whatever the summary window (release_health get_release_adoption). */
const ADOPTION_WINDOW = "24h";

const SORTS = ["date", "sessions", "users", "crash_free_sessions", "crash_free_users"] as const;
type Sort = (typeof SORTS)[number];
/**
 * The order Sentry gives, which has no direction parameter: session and user counts rank highest first, and
 * the crash-free sorts rank by crash rate highest first, so the least crash-free row leads
 * (release_health/metrics.py get_project_releases_by_stability, Direction.DESC on CRASH_RATE / CRASH_USER_RATE).
 * Rows without sessions in the window follow, newest first.
 */
const SORT_LABELS: Record<Sort, string> = {
  date: "newest first",
  sessions: "most sessions first",
  users: "most users first",
  crash_free_sessions: "least crash-free sessions first",
  crash_free_users: "least crash-free users first",
};

/** Commit SHAs used as versions are 40 (or 64) hex characters; 12 still identify a commit in any real repository. */
const LONG_HASH = /[0-9a-f]{20,64}/gi;
const SHORT_HASH_LENGTH = 12;
const MAX_PROJECTS_SHOWN = 2;

/**
 * One project's health in a record. Rates and shares are fractions 0–1 like every rate in the skill's JSON
 * (Sentry sends percentages: 99.5 becomes 0.995); sessions and users are counts over --period.
 */
interface ProjectHealth {
  project: string;
  crashFreeSessions: number | null;
  crashFreeUsers: number | null;
  adoption: number | null;
  sessions: number | null;
  users: number | null;
}

/** Sentry's health rates are percentages; the records carry fractions. */
const PERCENT = 100;

/** --period: one of the windows Sentry keeps health for (STATS_PERIODS), as Sentry names it. */
function healthPeriod(value: string, flag: string): string {
  const period = STATS_PERIODS.get(parseDuration(value, flag));
  if (!period) throw new UsageError(`${flag} ${value} is not a window Sentry keeps health for`, `use one of: ${[...STATS_PERIODS.values()].join(", ")}`);
  return period;
}

const flags = {
  ...PROJECT_SCOPE_FLAGS,
  environment: environments("Health and releases of this environment only (repeatable)"),
  query: text({ placeholder: "TEXT", help: "Version contains TEXT, or Sentry release search (release.stage:adopted, finalized:false)" }),
  sort: choice(SORTS, "date", { placeholder: SORTS.join("|"), help: "Order; the health sorts rank by --period" }),
  period: value({ placeholder: "DURATION", help: "Health window: 1h, 24h, 48h, 7d, 14d, 30d or 90d", default: DEFAULT_PERIOD }, healthPeriod),
};
type Input = FlagInput<typeof flags>;

interface Summary extends ListSummary {
  org: string;
  input: Input;
  /** Whether the records are release-project rows (flatten=1, the health sorts) rather than releases. */
  flattened: boolean;
  scope: ProjectScope;
}

/** The session sorts are refused with 400 unless releases are flattened to one row per release and project. */
const isFlattened = (sort: Sort): boolean => sort !== "date";

export const tool = listTool({
  name: "list-releases",
  category: "releases",
  summary: "List releases with crash-free rates, adoption, new issues, last deploy",
  flags,
  defaultLimit: 20,
  fields: ["version", "shortVersion", "project", "status", "dateCreated", "dateReleased", "newIssues", "commitCount", "deployCount", "lastDeploy", "projects", "health"],
  examples: [
    { args: "", about: "the 20 newest releases with health over 24h" },
    { args: "--project mobile-ios --sort crash_free_sessions --period 7d", about: "a project's releases over a week, least crash-free first" },
    { args: "--query finalized:false", about: "releases created but not yet finalized" },
    { args: "--environment production --json", about: "production health as JSON" },
  ],
  scopes: RELEASE_SCOPES,
  api: ["GET /api/0/organizations/{org}/releases/?health=1&summaryStatsPeriod=24h[&sort=…&flatten=1]"],
  async run(input, ctx): Promise<Summary> {
    const scope = resolveProjectScope(projectScopeOf(input), ctx.config);
    const org = await ctx.api.org();
    const flattened = isFlattened(input.sort);
    let nextCursor: string | null = null;
    let fetched = 0;
    try {
      for await (const page of listReleases(ctx.api, org, {
        query: input.query?.trim() || undefined,
        projects: scope.projects,
        environments: input.environment,
        // The window of the crash-free rates and totals, and of the session sorts.
        health: { summaryStatsPeriod: input.period },
        flattenedSort: flattened ? input.sort : undefined,
        limit: ctx.list.limit,
        cursor: ctx.list.cursor,
        all: ctx.list.all,
      })) {
        ctx.emit(page.items.map((r) => releaseRecord(r, flattened, scope.projects)));
        fetched += page.items.length;
        nextCursor = page.nextCursor;
        ctx.progress(`fetched ${fetched} ${flattened ? "release-project rows" : "releases"}…`);
      }
    } catch (err) {
      throw await explainProjectRefusal(err, org, scope.projects, ctx.api);
    }
    return { nextCursor, org, input, flattened, scope };
  },
  render(records, summary, ctx) {
    const { input, org } = summary;
    const query = input.query?.trim();
    const filters = [
      scopeFilter(summary.scope),
      input.environment.length ? `environment ${input.environment.join(", ")}` : "",
      query ? `matching ${JSON.stringify(query)}` : "",
    ].filter(Boolean);
    const scope = `in ${org}${filters.length ? ` (${filters.join("; ")})` : ""}`;
    if (records.length === 0) {
      const tip = query || input.environment.length ? "Try without --query/--environment." : "Create one with: node dist/create-release.mjs VERSION --project SLUG";
      return `No releases ${scope}. ${tip}`;
    }
    // A flattened row is one release in one project: the same version comes back once per project, so the
    // project goes beside the version, and the projects column (always that one project) is left out.
    const rows = records.map((r) => [
      // Whole versions: a shortened hash is not a version any tool (or Sentry) takes back.
      summary.flattened ? `${cleanText(String(r.version))} (${cleanText(String(r.project ?? "-"))})` : cleanText(String(r.version)),
      shippedLabel(r, ctx.now),
      plural(Number(r.newIssues ?? 0), "new issue"),
      plural(Number(r.commitCount ?? 0), "commit"),
      ...healthCells(r.health as ProjectHealth[]),
      deployLabel(r.lastDeploy as RawRelease["lastDeploy"], ctx.now),
      ...(summary.flattened ? [] : [listWithMore(r.projects as string[], MAX_PROJECTS_SHOWN) || "-"]),
    ]);
    const counted = plural(records.length, summary.flattened ? "release-project row" : "release");
    const lines = [`${counted} ${scope}, ${SORT_LABELS[input.sort]} (crash-free sessions/users over ${input.period}${input.period === ADOPTION_WINDOW ? "" : `, adoption over ${ADOPTION_WINDOW}`}):`];
    lines.push(...alignColumns(rows));
    if (summary.nextCursor) lines.push(`More: --cursor ${shellQuote(summary.nextCursor)}`);
    return lines.join("\n");
  },
});

/**
 * Sentry answers 403 for a `project` that does not exist as for one the token may not see
 * (OrganizationEndpoint.get_projects); a lookup of each named project tells "no such project" (exit 5) apart,
 * as the other list tools do.
 */
async function explainProjectRefusal(err: unknown, org: string, slugs: readonly string[], api: Parameters<typeof getProject>[0]): Promise<unknown> {
  if (!(err instanceof AuthError && err.status === 403) || slugs.length === 0) return err;
  const missing = await Promise.all(slugs.map((slug) => getProject(api, org, slug).then(() => false, (e: unknown) => e instanceof NotFoundError && e.status !== 410)));
  const unknown = slugs.filter((_, i) => missing[i]);
  return unknown.length ? noSuchProject(org, unknown) : err;
}

function releaseRecord(r: RawRelease, flattened: boolean, named: readonly string[] | undefined): Record<string, unknown> {
  const projects = r.projects ?? [];
  const health: ProjectHealth[] = [];
  for (const p of projects) {
    const h = p.healthData;
    // A release without sessions in the window comes back with null rates (or no healthData at all);
    // it is "no session data", not 0 % crash-free.
    if (!h || (h.crashFreeSessions == null && h.crashFreeUsers == null && !h.totalSessions)) continue;
    health.push({
      project: p.slug,
      crashFreeSessions: fraction(h.crashFreeSessions),
      crashFreeUsers: fraction(h.crashFreeUsers),
      adoption: fraction(h.adoption ?? h.sessionsAdoption),
      sessions: h.totalSessions ?? null,
      users: h.totalUsers ?? null,
    });
  }
  return {
    version: r.version,
    shortVersion: r.version.replace(LONG_HASH, (hash) => hash.slice(0, SHORT_HASH_LENGTH)),
    // A flattened row names only the project it stands for (ReleaseSerializer keeps _for_project_id's project);
    // a release row names its project when it has one, or the one --project asked for.
    project: flattened || projects.length === 1 ? (projects[0]?.slug ?? null) : named?.length === 1 ? named[0] : null,
    status: r.status ?? "open",
    dateCreated: r.dateCreated,
    dateReleased: r.dateReleased,
    newIssues: r.newGroups ?? 0,
    commitCount: r.commitCount ?? 0,
    deployCount: r.deployCount ?? 0,
    lastDeploy: r.lastDeploy ? { environment: r.lastDeploy.environment, dateFinished: r.lastDeploy.dateFinished } : null,
    projects: projects.map((p) => p.slug),
    health,
  };
}

function shippedLabel(r: Record<string, unknown>, now: number): string {
  if (r.dateReleased) return `released ${relativeTime(r.dateReleased as string, now)}`;
  return `created ${relativeTime(r.dateCreated as string, now)}, not released`;
}

function fraction(percentValue: number | null | undefined): number | null {
  return percentValue === null || percentValue === undefined ? null : percentValue / PERCENT;
}

/**
 * Crash-free rates with two decimals, adoption with one. A release in several projects shows its least
 * crash-free project, named: a release is only as healthy as its worst project (--json has every project).
 */
function healthCells(health: ProjectHealth[]): [string, string] {
  if (health.length === 0) return ["no sessions", ""];
  const rank = (h: ProjectHealth) => h.crashFreeSessions ?? Number.POSITIVE_INFINITY;
  const worst = [...health].sort((a, b) => rank(a) - rank(b))[0]!;
  const where = health.length > 1 ? ` (${worst.project})` : "";
  return [`crash-free ${percent(worst.crashFreeSessions, 2)}/${percent(worst.crashFreeUsers, 2)}${where}`, `adoption ${percent(worst.adoption, 1)}`];
}

function deployLabel(deploy: RawRelease["lastDeploy"], now: number): string {
  return deploy ? `deployed ${deploy.environment} ${relativeTime(deploy.dateFinished, now)}` : "not deployed";
}

runIfMain(tool, import.meta.url);
