// Core endpoints: auth info, organizations, projects (summary and settings), client keys, teams, repositories.
// Field sets follow the OpenAPI schema's required lists (listOrganizations, getOrganization,
// listOrganizationProjects, getProject, listProjectKeys, listOrganizationTeams, listOrganizationRepos).

import { requireOrg, requireProject } from "../lookup.js";
import { paginate } from "../paginate.js";
import { PROJECT_FEATURES } from "../seed/core.js";
import { PERMISSION_DENIED } from "../auth.js";
import { serializeUser } from "./users.js";
import type { ClientKey, Member, Org, Project, Repo, RequestContext, RouteDef, Team } from "../types.js";
import { SandboxHttpError } from "../types.js";
import { SECOND } from "../time.js";
import { bucketStarts, eventsPerBucket } from "../seed/issues.js";

const ORG_READ = ["org:read", "org:write", "org:admin"];
const PROJECT_READ = ["project:read", "project:write", "project:admin"];
/** Repos are also readable by org tokens (org:ci), so release tooling can name them (docs/sentry-api.md §10). */
const REPO_READ = ["org:read", "org:write", "org:admin", "org:integrations", "org:ci"];
/** MemberPermission's GET scopes (src/sentry/api/bases/organizationmember.py): org:read alone is not enough. */
const MEMBER_READ = ["member:read", "member:write", "member:admin"];
/**
 * OrganizationMember IDs are a sequence of their own, unrelated to the user IDs that alert targets and
 * assignees carry (the listOrganizationMembers example shows member 57377908164 for user 280094367316).
 */
const FIRST_ORG_MEMBER_ID = 57_377_908_100;

/** Features of a SaaS org on a Business plan, a subset of fixtures/sentry-cli/organizations/get-organizations.json. */
const ORG_FEATURES = [
  "advanced-search",
  "change-alerts",
  "crash-rate-alerts",
  "dashboards-basic",
  "dashboards-edit",
  "discover-basic",
  "discover-query",
  "event-attachments",
  "global-views",
  "incidents",
  "integrations-alert-rule",
  "integrations-stacktrace-link",
  "monitors",
  "open-membership",
  "performance-view",
  "profiling",
  "relay",
  "session-replay",
  "shared-issues",
  "sso-basic",
];

/** Loader SDK majors Sentry offers for a key (ProjectKeySerializer browserSdk.choices). */
const BROWSER_SDK_CHOICES = [
  ["latest", "latest"],
  ["9.x", "9.x"],
  ["8.x", "8.x"],
  ["7.x", "7.x"],
];

/** The platform families events arrive with, per project platform (the project's `platforms` list). */
const EVENT_PLATFORMS: Record<string, string[]> = {
  "javascript-react": ["javascript"],
  "javascript-nextjs": ["javascript", "node"],
  "python-django": ["python"],
  "python-celery": ["python"],
  "apple-ios": ["cocoa", "native"],
  "node-express": ["node"],
  php: [],
};

function regionUrlOf(ctx: RequestContext, org: Org): string {
  return org.home === "region" && ctx.urls.region ? ctx.urls.region : ctx.urls.main;
}

/** The organization summary (OrganizationSummarySerializer); regionUrl is where its org-scoped API lives. */
export function serializeOrg(ctx: RequestContext, org: Org): Record<string, unknown> {
  return {
    id: org.id,
    slug: org.slug,
    status: { id: "active", name: "active" },
    name: org.name,
    dateCreated: org.dateCreated,
    isEarlyAdopter: org.slug === ctx.world.orgs[0]?.slug,
    require2FA: false,
    requireEmailVerification: false,
    avatar: { avatarType: "letter_avatar", avatarUuid: null, avatarUrl: null },
    features: ORG_FEATURES,
    // Without org subdomains (self-hosted, and this sandbox) Sentry's organizationUrl is the system URL prefix.
    links: { organizationUrl: ctx.urls.main, regionUrl: regionUrlOf(ctx, org) },
    hasAuthProvider: false,
    allowMemberInvite: true,
    allowMemberProjectCreation: true,
    allowSuperuserAccess: false,
  };
}

/** The token's scopes, as Sentry's `access` lists show what the caller may do. */
function accessOf(ctx: RequestContext): string[] {
  return [...ctx.token.scopes].sort();
}

/** The member behind the user tokens (members[0]); org tokens have no user. */
function currentMemberTeams(ctx: RequestContext): Set<string> {
  if (ctx.token.kind !== "user") return new Set();
  return new Set(ctx.world.members[0]?.teamSlugs ?? []);
}

function teamRef(team: Team): { id: string; name: string; slug: string } {
  return { id: team.id, name: team.name, slug: team.slug };
}

function teamsOf(ctx: RequestContext, project: Project): Team[] {
  return project.teamSlugs.flatMap((slug) => ctx.world.teams.filter((t) => t.orgSlug === project.orgSlug && t.slug === slug));
}

/** The newest release of a project by creation time (what the project list shows as latestRelease). */
function latestReleaseOf(ctx: RequestContext, project: Project): { version: string } | null {
  let latest: { version: string; dateCreated: string } | undefined;
  for (const stub of ctx.world.releaseStubs) {
    if (!stub.projectIds.includes(project.id)) continue;
    if (!latest || stub.dateCreated > latest.dateCreated) latest = stub;
  }
  return latest ? { version: latest.version } : null;
}

function platformFamily(project: Project): string {
  return project.platform.split("-")[0]!;
}

/** Which Insights modules have data, derived from the platform the way the project sends spans. */
function insightFlags(project: Project): Record<string, boolean> {
  const perf = project.hasPerformance;
  const family = platformFamily(project);
  const browser = family === "javascript";
  const mobile = family === "apple" || family === "android";
  const server = family === "python" || family === "node" || family === "php";
  return {
    hasInsightsHttp: perf,
    hasInsightsDb: perf && server,
    hasInsightsAssets: perf && browser,
    hasInsightsAppStart: perf && mobile,
    hasInsightsScreenLoad: perf && mobile,
    hasInsightsVitals: perf && browser,
    hasInsightsCaches: perf && server && project.platform === "python-django",
    hasInsightsQueues: false,
    hasInsightsAgentMonitoring: false,
    hasInsightsMCP: false,
  };
}

/** The project summary served by the project list (ProjectSummarySerializer + OrganizationProjectResponse). */
export function serializeProjectSummary(ctx: RequestContext, project: Project): Record<string, unknown> {
  const teams = teamsOf(ctx, project);
  const memberTeams = currentMemberTeams(ctx);
  const active = project.firstEvent !== null;
  const family = platformFamily(project);
  return {
    id: project.id,
    slug: project.slug,
    name: project.name,
    platform: project.platform,
    dateCreated: project.dateCreated,
    isBookmarked: project.settings.isBookmarked === true,
    isMember: teams.some((t) => memberTeams.has(t.slug)),
    features: PROJECT_FEATURES,
    firstEvent: project.firstEvent,
    firstTransactionEvent: project.hasPerformance,
    access: accessOf(ctx),
    hasAccess: true,
    hasFeedbacks: false,
    hasFlags: false,
    hasMinifiedStackTrace: active && family === "javascript",
    hasMonitors: active && project.platform === "python-celery",
    hasNewFeedbacks: false,
    hasProfiles: active && (family === "python" || family === "apple"),
    hasReplays: active && project.platform === "javascript-react",
    hasSessions: project.hasSessions,
    ...insightFlags(project),
    hasLogs: false,
    hasTraceMetrics: false,
    hasUserReports: false,
    team: teams[0] ? teamRef(teams[0]) : null,
    teams: teams.map(teamRef),
    platforms: active ? (EVENT_PLATFORMS[project.platform] ?? [family]) : [],
    environments: project.environments,
    latestRelease: latestReleaseOf(ctx, project),
    // Deploys belong to the releases category; the summary only says whether there are any known here.
    latestDeploys: null,
    isInternal: project.settings.isInternal === true,
    isPublic: project.settings.isPublic === true,
    avatar: { avatarType: "letter_avatar", avatarUuid: null, avatarUrl: null },
    color: project.settings.color,
    status: project.settings.status ?? "active",
  };
}

/** GET /projects/{org}/{project}/: the summary plus every setting (docs/sentry-api.md §12) and the organization. */
export function serializeProjectDetails(ctx: RequestContext, org: Org, project: Project): Record<string, unknown> {
  const settings = { ...project.settings };
  delete settings.isBookmarked;
  const summary = serializeProjectSummary(ctx, project);
  delete summary.environments;
  delete summary.latestDeploys;
  delete summary.hasUserReports;
  return {
    ...summary,
    ...settings,
    highlightPreset: { tags: settings.highlightTags ?? [], context: settings.highlightContext ?? {} },
    organization: serializeOrg(ctx, org),
  };
}

/**
 * `id:`, `slug:`, `team:`, `!team:`, `is_member:` tokens and free text, as organization_projects.py
 * parses them. Any other key (platform: included) matches no project there, and so here.
 */
const PROJECT_QUERY_KEYS = new Set(["id", "slug", "team", "!team", "is_member"]);

function filterProjects(ctx: RequestContext, projects: Project[], query: string): Project[] {
  const tokens = new Map<string, string[]>();
  const words: string[] = [];
  for (const part of query.trim().split(/\s+/).filter((p) => p !== "")) {
    const m = /^(!?[a-z_]+):(.+)$/.exec(part);
    if (m) tokens.set(m[1]!, [...(tokens.get(m[1]!) ?? []), ...m[2]!.split(",")]);
    else words.push(part);
  }
  const text = words.join(" ").toLowerCase();
  const memberTeams = currentMemberTeams(ctx);
  if ([...tokens.keys()].some((key) => !PROJECT_QUERY_KEYS.has(key))) return [];
  return projects.filter((p) => {
    if (text && !p.name.toLowerCase().includes(text) && !p.slug.toLowerCase().includes(text)) return false;
    const ids = tokens.get("id");
    if (ids && !ids.includes(p.id)) return false;
    const slugs = tokens.get("slug");
    if (slugs && !slugs.includes(p.slug)) return false;
    const teams = tokens.get("team");
    if (teams && !p.teamSlugs.some((t) => teams.includes(t))) return false;
    const notTeams = tokens.get("!team");
    if (notTeams && p.teamSlugs.some((t) => notTeams.includes(t))) return false;
    const isMember = tokens.get("is_member");
    if (isMember) {
      const wanted = isMember[0] === "1" || isMember[0] === "true";
      if (p.teamSlugs.some((t) => memberTeams.has(t)) !== wanted) return false;
    }
    return true;
  });
}

function listProjects(ctx: RequestContext) {
  const org = requireOrg(ctx);
  const projects = filterProjects(
    ctx,
    ctx.world.projects.filter((p) => p.orgSlug === org.slug),
    ctx.query.get("query") ?? "",
  ).sort((a, b) => a.slug.localeCompare(b.slug));
  const statsPeriod = ctx.query.get("statsPeriod");
  const body = projects.map((p) => {
    const summary = serializeProjectSummary(ctx, p);
    // With statsPeriod, Sentry adds each project's accepted-event counts as [[unix seconds, count], …].
    if (statsPeriod) summary.stats = projectEventStats(ctx, p, statsPeriod);
    return summary;
  });
  // all_projects=1 is the undocumented unpaginated form the web UI uses (organization_projects.py).
  if (ctx.query.get("all_projects") === "1") return { status: 200, body };
  return paginate(ctx, body);
}

/** The statsPeriod values organization_projects.py accepts, and the buckets its stats come in. */
const STATS_BUCKETS: Record<string, { buckets: number; sizeMs: number }> = {
  "1h": { buckets: 12, sizeMs: 300e3 },
  "24h": { buckets: 24, sizeMs: 3600e3 },
  "7d": { buckets: 7, sizeMs: 86400e3 },
  "14d": { buckets: 14, sizeMs: 86400e3 },
  "30d": { buckets: 30, sizeMs: 86400e3 },
  "90d": { buckets: 90, sizeMs: 86400e3 },
};

/**
 * Error events per bucket for the projects list, summed from the project's seeded issues (the stats serializer
 * counts error events, not transactions), so the projects list and the issues tell the same story. Buckets are
 * aligned to their size as Sentry's are; days older than the issues' series count their older events evenly.
 */
function projectEventStats(ctx: RequestContext, project: Project, period: string): Array<[number, number]> {
  const shape = STATS_BUCKETS[period];
  if (!shape) {
    throw new SandboxHttpError(400, { error: { params: { stats_period: { message: "Invalid stats_period. Valid choices are '', '1h', '24h', '7d', '14d', '30d', and '90d'" } } } });
  }
  const issues = ctx.world.issues.issues.filter((i) => i.projectId === project.id);
  const starts = bucketStarts(ctx.world.now, shape.sizeMs, shape.buckets);
  const totals = new Array<number>(starts.length).fill(0);
  for (const issue of issues) eventsPerBucket(issue, ctx.world.now, starts, shape.sizeMs).forEach((n, i) => (totals[i] = totals[i]! + n));
  return starts.map((start, i) => [Math.floor(start / SECOND), totals[i]!]);
}

function listOrganizations(ctx: RequestContext) {
  // On the main listener (the control silo) every org is listed with its own regionUrl; a region lists its own.
  let orgs = ctx.world.orgs.filter((o) => !ctx.urls.region || ctx.listener === "main" || o.home === ctx.listener);
  // Userless (organization) tokens only ever see their own organization (organization_index.py).
  if (ctx.token.orgSlug) orgs = orgs.filter((o) => o.slug === ctx.token.orgSlug);
  const query = (ctx.query.get("query") ?? "").toLowerCase();
  if (query) orgs = orgs.filter((o) => o.name.toLowerCase().includes(query) || o.slug.includes(query));
  const sortBy = ctx.query.get("sortBy") ?? "date";
  if (sortBy === "name") orgs = [...orgs].sort((a, b) => a.name.localeCompare(b.name));
  else if (sortBy === "projects") {
    const count = (o: Org) => ctx.world.projects.filter((p) => p.orgSlug === o.slug).length;
    orgs = [...orgs].sort((a, b) => count(b) - count(a));
  } else orgs = [...orgs].sort((a, b) => b.dateCreated.localeCompare(a.dateCreated));
  return paginate(
    ctx,
    orgs.map((o) => serializeOrg(ctx, o)),
  );
}

function getOrganization(ctx: RequestContext) {
  const org = requireOrg(ctx);
  const projects = ctx.world.projects.filter((p) => p.orgSlug === org.slug);
  const teams = ctx.world.teams.filter((t) => t.orgSlug === org.slug);
  const body: Record<string, unknown> = {
    ...serializeOrg(ctx, org),
    access: accessOf(ctx),
    role: ctx.token.kind === "user" ? "owner" : null,
    orgRole: ctx.token.kind === "user" ? "owner" : null,
    isDefault: org.slug === ctx.world.orgs[0]?.slug,
    defaultRole: "member",
    openMembership: true,
    dataScrubber: false,
    dataScrubberDefaults: false,
    scrubIPAddresses: false,
    sensitiveFields: [],
    safeFields: [],
    storeCrashReports: 0,
    attachmentsRole: "member",
    debugFilesRole: "admin",
    eventsMemberAdmin: true,
    alertsMemberWrite: true,
    allowSharedIssues: true,
    enhancedPrivacy: false,
    isDynamicallySampled: true,
    onboardingTasks: [],
    extraOptions: {},
  };
  // detailed=0 leaves out the project and team lists, as the web UI's lightweight fetch does.
  if (ctx.query.get("detailed") !== "0") {
    body.projects = projects.map((p) => serializeProjectSummary(ctx, p));
    body.teams = teams.map((t) => serializeTeam(ctx, t, false));
  }
  return { status: 200, body };
}

function serializeTeam(ctx: RequestContext, team: Team, withProjects: boolean): Record<string, unknown> {
  const members = ctx.world.members.filter((m) => m.orgSlug === team.orgSlug && m.teamSlugs?.includes(team.slug));
  const isMember = currentMemberTeams(ctx).has(team.slug);
  const body: Record<string, unknown> = {
    id: team.id,
    slug: team.slug,
    name: team.name,
    dateCreated: team.dateCreated,
    isMember,
    teamRole: isMember ? "contributor" : null,
    flags: { "idp:provisioned": false },
    access: accessOf(ctx),
    hasAccess: true,
    isPending: false,
    memberCount: members.length,
    avatar: { avatarType: "letter_avatar", avatarUuid: null, avatarUrl: null },
  };
  if (withProjects) {
    body.projects = ctx.world.projects
      .filter((p) => p.orgSlug === team.orgSlug && p.teamSlugs.includes(team.slug))
      .map((p) => serializeProjectSummary(ctx, p));
  }
  return body;
}

function listTeams(ctx: RequestContext) {
  const org = requireOrg(ctx);
  const query = (ctx.query.get("query") ?? "").toLowerCase();
  const teams = ctx.world.teams
    .filter((t) => t.orgSlug === org.slug)
    .filter((t) => !query || t.slug.includes(query) || t.name.toLowerCase().includes(query))
    .sort((a, b) => a.slug.localeCompare(b.slug));
  // `detailed` defaults to on: each team carries its projects (organization_teams.py).
  const detailed = ctx.query.get("detailed") !== "0";
  return paginate(
    ctx,
    teams.map((t) => serializeTeam(ctx, t, detailed)),
  );
}

function listRepos(ctx: RequestContext) {
  const org = requireOrg(ctx);
  // Sentry lists active repositories unless asked for another status (organization_repositories.py).
  const status = ctx.query.get("status") || "active";
  const query = (ctx.query.get("query") ?? "").toLowerCase();
  const repos = ctx.world.repos
    .filter((r) => r.orgSlug === org.slug && r.status === status)
    .filter((r) => !query || r.name.toLowerCase().includes(query))
    .sort((a, b) => a.name.localeCompare(b.name));
  // The list adds the code review settings (null: none configured) to what RepositorySerializer sends.
  return paginate(
    ctx,
    repos.map((r) => ({ ...serializeRepository(r), settings: null })),
  );
}

/** A seeded repository as RepositorySerializer shows it (the repos list, and each commit's `repository`). */
export function serializeRepository(repo: Repo): Record<string, unknown> {
  return {
    id: repo.id,
    name: repo.name,
    url: repo.url,
    provider: repo.provider,
    status: repo.status,
    dateCreated: repo.dateCreated,
    integrationId: null,
    externalSlug: repo.externalSlug,
    externalId: null,
  };
}

/** DSN variants of one key, pointed at the listener that answered (ProjectKeySerializer `dsn`). */
function dsnsFor(ctx: RequestContext, key: ClientKey): Record<string, string> {
  const base = new URL(ctx.baseUrl);
  const origin = `${base.protocol}//${base.host}`;
  const api = `${origin}/api/${key.projectId}`;
  return {
    secret: `${base.protocol}//${key.public}:${key.secret}@${base.host}/${key.projectId}`,
    public: `${base.protocol}//${key.public}@${base.host}/${key.projectId}`,
    csp: `${api}/csp-report/?sentry_key=${key.public}`,
    security: `${api}/security/?sentry_key=${key.public}`,
    minidump: `${api}/minidump/?sentry_key=${key.public}`,
    nel: `${api}/nel/?sentry_key=${key.public}`,
    unreal: `${api}/unreal/${key.public}/`,
    crons: `${api}/crons/___MONITOR_SLUG___/${key.public}/`,
    cdn: `${origin}/js-sdk-loader/${key.public}.min.js`,
    playstation: `${api}/playstation/?sentry_key=${key.public}`,
    integration: `${api}/integration/`,
    otlp_traces: `${api}/integration/otlp/v1/traces`,
    otlp_logs: `${api}/integration/otlp/v1/logs`,
  };
}

function listKeys(ctx: RequestContext) {
  const { project } = requireProject(ctx);
  // ?status=active|inactive narrows the list (project_keys.py); anything else lists all.
  const status = ctx.query.get("status");
  const keys = ctx.world.keys
    .filter((k) => k.projectId === project.id)
    .filter((k) => (status === "active" ? k.isActive : status === "inactive" ? !k.isActive : true));
  const browser = platformFamily(project) === "javascript";
  return paginate(
    ctx,
    keys.map((k) => ({
      id: k.id,
      name: k.name,
      label: k.name,
      public: k.public,
      secret: k.secret,
      // projectId is a number here although every other ID in the API is a string.
      projectId: Number(k.projectId),
      isActive: k.isActive,
      rateLimit: project.slug === "web-frontend" && k.isActive ? { window: 3600, count: 50_000 } : null,
      dsn: dsnsFor(ctx, k),
      browserSdkVersion: "8.x",
      browserSdk: { choices: BROWSER_SDK_CHOICES },
      dateCreated: k.dateCreated,
      dynamicSdkLoaderOptions: {
        hasReplay: browser,
        hasPerformance: browser && project.hasPerformance,
        hasDebug: false,
        hasFeedback: false,
        hasLogsAndMetrics: false,
      },
      useCase: "user",
    })),
  );
}

/** Fields PUT /projects/{org}/{project}/ takes (updateProject), each with the check its serializer makes. */
const PROJECT_UPDATE_FIELDS: Record<string, (value: unknown) => string | undefined> = {
  isBookmarked: (v) => (typeof v === "boolean" ? undefined : "Must be a valid boolean."),
  name: (v) => (typeof v === "string" && v.trim() !== "" && v.length <= MAX_PROJECT_TEXT ? undefined : `Ensure this field is a non-empty string of at most ${MAX_PROJECT_TEXT} characters.`),
  platform: (v) => (v === null || (typeof v === "string" && /^[a-z0-9-]+$/.test(v)) ? undefined : "Invalid platform"),
  subjectPrefix: (v) => (typeof v === "string" && v.length <= MAX_PROJECT_TEXT ? undefined : `Ensure this field has no more than ${MAX_PROJECT_TEXT} characters.`),
  subjectTemplate: (v) => (typeof v === "string" && v.length <= MAX_PROJECT_TEXT ? undefined : `Ensure this field has no more than ${MAX_PROJECT_TEXT} characters.`),
  resolveAge: (v) => (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MAX_RESOLVE_AGE_HOURS ? undefined : `Ensure this value is an integer between 0 and ${MAX_RESOLVE_AGE_HOURS}.`),
  highlightTags: (v) => (Array.isArray(v) && v.every((t) => typeof t === "string") ? undefined : "Expected a list of strings."),
  highlightContext: (v) =>
    typeof v === "object" && v !== null && !Array.isArray(v) && Object.values(v).every((keys) => Array.isArray(keys) && keys.every((k) => typeof k === "string"))
      ? undefined
      : "Expected a mapping of context types to lists of keys.",
  enableAutoReleaseCreation: (v) => (typeof v === "boolean" ? undefined : "Must be a valid boolean."),
  scmSourceContextEnabled: (v) => (typeof v === "boolean" ? undefined : "Must be a valid boolean."),
};
/** Sentry caps auto-resolve at 30 days (ProjectAdminSerializer resolveAge). */
const MAX_RESOLVE_AGE_HOURS = 720;
const MAX_PROJECT_TEXT = 200;

/**
 * PUT /projects/{org}/{project}/: changes the editable settings. Unknown fields are ignored as DRF serializers
 * do; a token with only project:read may change nothing but isBookmarked (docs/sentry-api.md §12).
 */
function updateProject(ctx: RequestContext) {
  const { org, project } = requireProject(ctx);
  if (typeof ctx.body !== "object" || ctx.body === null || Array.isArray(ctx.body)) {
    throw new SandboxHttpError(400, { non_field_errors: ["Invalid data. Expected a dictionary, but got list."] });
  }
  const changes = Object.entries(ctx.body as Record<string, unknown>).filter(([field]) => Object.hasOwn(PROJECT_UPDATE_FIELDS, field));
  const canWrite = ctx.token.scopes.has("project:write") || ctx.token.scopes.has("project:admin");
  if (!canWrite && changes.some(([field]) => field !== "isBookmarked")) throw new SandboxHttpError(403, PERMISSION_DENIED);
  const errors: Record<string, string[]> = {};
  for (const [field, value] of changes) {
    const problem = PROJECT_UPDATE_FIELDS[field]!(value);
    if (problem) errors[field] = [problem];
  }
  if (Object.keys(errors).length > 0) throw new SandboxHttpError(400, errors);
  for (const [field, value] of changes) {
    if (field === "name") project.name = (value as string).trim();
    else if (field === "platform") project.platform = (value as string | null) ?? "other";
    else project.settings[field] = value;
  }
  if (changes.length > 0) {
    // The raw option map mirrors the typed settings; keep the two that PUT can change in step.
    project.settings.options = {
      ...(project.settings.options as Record<string, unknown>),
      "sentry:resolve_age": project.settings.resolveAge,
      "mail:subject_prefix": project.settings.subjectPrefix,
    };
    ctx.markDirty();
  }
  return { status: 200, body: serializeProjectDetails(ctx, org, project) };
}

/** One OrganizationMember as listOrganizationMembers gives it: its own ID, and the user (with the user ID) inside. */
function serializeMember(ctx: RequestContext, member: Member, isOwner: boolean): Record<string, unknown> {
  const user = serializeUser(ctx.world, member);
  return {
    id: String(FIRST_ORG_MEMBER_ID + ctx.world.members.indexOf(member)),
    email: member.email,
    name: member.name,
    user,
    orgRole: isOwner ? "owner" : "member",
    pending: false,
    expired: false,
    flags: {
      "idp:provisioned": false,
      "idp:role-restricted": false,
      "sso:linked": false,
      "sso:invalid": false,
      "member-limit:restricted": false,
      "partnership:restricted": false,
    },
    dateCreated: user.dateJoined,
    inviteStatus: "approved",
    inviterName: null,
  };
}

/** GET /organizations/{org}/members/: the organization's members, oldest first (the first one owns the org). */
function listMembers(ctx: RequestContext) {
  const org = requireOrg(ctx);
  const members = ctx.world.members.filter((m) => m.orgSlug === org.slug);
  return paginate(
    ctx,
    members.map((m, i) => serializeMember(ctx, m, i === 0)),
  );
}

/** GET /api/0/: who is calling and with which scopes (sentry-cli `info`; fixtures/sentry-cli/info/get-info.json). */
function apiIndex(ctx: RequestContext) {
  const anonymous = ctx.token.scopes.size === 0 && ctx.token.label === "anonymous";
  const member = ctx.world.members[0];
  const user =
    !anonymous && ctx.token.kind === "user" && member
      ? { id: member.id, name: member.name, username: member.email, email: member.email }
      : null;
  return {
    status: 200,
    body: { version: "0", auth: anonymous ? null : { scopes: [...ctx.token.scopes].sort() }, user },
  };
}

export const coreRoutes: RouteDef[] = [
  { method: "GET", pattern: "/", scopes: [], allowAnonymous: true, handler: apiIndex },
  { method: "GET", pattern: "/organizations/", scopes: ORG_READ, handler: listOrganizations },
  { method: "GET", pattern: "/organizations/:org/", scopes: ORG_READ, handler: getOrganization },
  { method: "GET", pattern: "/organizations/:org/projects/", scopes: ORG_READ, handler: listProjects },
  { method: "GET", pattern: "/organizations/:org/teams/", scopes: ORG_READ, handler: listTeams },
  { method: "GET", pattern: "/organizations/:org/repos/", scopes: REPO_READ, handler: listRepos },
  { method: "GET", pattern: "/organizations/:org/members/", scopes: MEMBER_READ, handler: listMembers },
  {
    method: "GET",
    pattern: "/projects/:org/:project/",
    scopes: PROJECT_READ,
    handler: (ctx) => {
      const { org, project } = requireProject(ctx);
      return { status: 200, body: serializeProjectDetails(ctx, org, project) };
    },
  },
  { method: "PUT", pattern: "/projects/:org/:project/", scopes: PROJECT_READ, handler: updateProject },
  { method: "GET", pattern: "/projects/:org/:project/keys/", scopes: PROJECT_READ, handler: listKeys },
];
