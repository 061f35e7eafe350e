// The seeded organizations, teams, members, projects (with full settings), client keys, repositories and
// release versions. Everything is drawn from rngFor(seed, "core") and timed relative to world.now, so the
// world is a pure function of (seed, now); the other categories build on these names and IDs.

import type { ClientKey, Member, Org, Project, ReleaseStub, Repo, Team, World } from "../types.js";
import { rngFor, type Rng } from "./rng.js";
import { DAY, HOUR, iso, MINUTE, SECOND } from "../time.js";

/** Release versions are spread over this many days before `now` (list-releases shows about two months). */
const RELEASE_HISTORY_DAYS = 60;
const MIN_RELEASES_PER_PROJECT = 12;
const MAX_RELEASES_PER_PROJECT = 16;

/** The part of the world this seed builds; the other categories' seeds build on it. */
export type CoreWorld = Pick<World, "orgs" | "teams" | "members" | "projects" | "keys" | "repos" | "releaseStubs">;

/** How one release line names its versions (each platform has its own habits). */
type VersionStyle =
  /** `web-frontend@2.14.0`: the JS SDK's `package@version` default. */
  | { kind: "package-semver"; prefix: string; start: [number, number, number] }
  /** `com.acme.shop@4.2.0+512`: the Cocoa SDK's bundle id, marketing version and build number. */
  | { kind: "bundle-build"; prefix: string; start: [number, number, number]; build: number }
  /** A 40-character commit SHA, as `sentry-cli releases propose-version` makes from git. */
  | { kind: "sha" }
  /** Bare semver with a build suffix: `1.8.3+20240611`. */
  | { kind: "semver-build"; start: [number, number, number] };

interface ProjectBlueprint {
  slug: string;
  name: string;
  platform: string;
  orgSlug: string;
  teamSlugs: string[];
  environments: string[];
  hasPerformance: boolean;
  hasSessions: boolean;
  /** False for the abandoned project: no events, no releases, no environments. */
  active: boolean;
  /** The project page's colour (Sentry derives one per project). */
  color: string;
  versions: VersionStyle | null;
  /** Settings that differ from Sentry's defaults for this project. */
  custom: Record<string, unknown>;
}

const ORG_BLUEPRINTS = [
  { slug: "acme", name: "Acme Shop", ageDays: 900 },
  { slug: "globex", name: "Globex Corporation", ageDays: 420 },
] as const;

const TEAM_BLUEPRINTS: Array<{ slug: string; name: string; orgSlug: string }> = [
  { slug: "frontend", name: "Frontend", orgSlug: "acme" },
  { slug: "backend", name: "Backend", orgSlug: "acme" },
  { slug: "mobile", name: "Mobile", orgSlug: "acme" },
  { slug: "payments", name: "Payments", orgSlug: "acme" },
  { slug: "platform", name: "Platform", orgSlug: "globex" },
];

/** The first member is the person behind the user tokens (`sandbox`, `sandbox-read`): GET /api/0/ names them. */
const MEMBER_BLUEPRINTS: Array<{ name: string; username: string; orgSlug: string; teamSlugs: string[] }> = [
  { name: "Jane Doe", username: "jane.doe", orgSlug: "acme", teamSlugs: ["frontend", "backend"] },
  { name: "Ravi Patel", username: "ravi.patel", orgSlug: "acme", teamSlugs: ["backend", "payments"] },
  { name: "Mei Tanaka", username: "mei.tanaka", orgSlug: "acme", teamSlugs: ["mobile"] },
  { name: "Lucas Oliveira", username: "lucas.oliveira", orgSlug: "acme", teamSlugs: ["frontend"] },
  { name: "Amara Okafor", username: "amara.okafor", orgSlug: "acme", teamSlugs: ["payments"] },
  { name: "Sofia Lindqvist", username: "sofia.lindqvist", orgSlug: "acme", teamSlugs: ["backend", "mobile"] },
  { name: "Tom Becker", username: "tom.becker", orgSlug: "globex", teamSlugs: ["platform"] },
  { name: "Nadia Haddad", username: "nadia.haddad", orgSlug: "globex", teamSlugs: ["platform"] },
];

const EMAIL_DOMAINS: Record<string, string> = { acme: "acme.example", globex: "globex.example" };

const PROJECT_BLUEPRINTS: ProjectBlueprint[] = [
  {
    slug: "web-frontend",
    name: "Web Frontend",
    platform: "javascript-react",
    orgSlug: "acme",
    teamSlugs: ["frontend"],
    environments: ["production", "staging"],
    hasPerformance: true,
    hasSessions: true,
    active: true,
    color: "#3fbf8f",
    versions: { kind: "package-semver", prefix: "web-frontend", start: [2, 9, 0] },
    custom: {
      allowedDomains: ["shop.acme.example", "*.acme.example"],
      scrubIPAddresses: true,
      highlightTags: ["browser", "url", "release"],
      defaultEnvironment: "production",
    },
  },
  {
    slug: "api-backend",
    name: "API Backend",
    platform: "python-django",
    orgSlug: "acme",
    teamSlugs: ["backend"],
    environments: ["production", "staging", "development"],
    hasPerformance: true,
    hasSessions: false,
    active: true,
    color: "#bf3f70",
    versions: { kind: "sha" },
    custom: {
      resolveAge: 168,
      sensitiveFields: ["card_number", "cvv", "iban"],
      safeFields: ["order_id"],
      subjectPrefix: "[api]",
      fingerprintingRules: "error.type:OperationalError -> database-unavailable",
      groupingEnhancements: "stack.module:django.* -app",
      highlightTags: ["handled", "level", "server_name"],
      highlightContext: { trace: ["trace_id", "op"] },
    },
  },
  {
    slug: "mobile-ios",
    name: "Mobile iOS",
    platform: "apple-ios",
    orgSlug: "acme",
    teamSlugs: ["mobile"],
    environments: ["production", "testflight"],
    hasPerformance: true,
    hasSessions: true,
    active: true,
    color: "#703fbf",
    versions: { kind: "bundle-build", prefix: "com.acme.shop", start: [4, 0, 0], build: 480 },
    custom: {
      storeCrashReports: -1,
      resolveAge: 720,
      highlightTags: ["device", "os", "release"],
      highlightContext: { device: ["model", "family"], os: ["name", "version"] },
    },
  },
  {
    slug: "payments",
    name: "Payments",
    platform: "node-express",
    orgSlug: "acme",
    teamSlugs: ["payments", "backend"],
    environments: ["production", "staging"],
    hasPerformance: true,
    hasSessions: false,
    active: true,
    color: "#bf8f3f",
    versions: { kind: "semver-build", start: [1, 4, 0] },
    custom: {
      dataScrubber: true,
      dataScrubberDefaults: true,
      sensitiveFields: ["card_number", "cvc", "stripe_secret"],
      scrubIPAddresses: true,
      digestsMinDelay: 60,
      digestsMaxDelay: 300,
      subjectPrefix: "[payments]",
      defaultEnvironment: "production",
    },
  },
  {
    slug: "legacy-php",
    name: "Legacy PHP Shop",
    platform: "php",
    orgSlug: "acme",
    teamSlugs: ["backend"],
    environments: [],
    hasPerformance: false,
    hasSessions: false,
    active: false,
    color: "#8f8f8f",
    versions: null,
    custom: { verifySSL: false, scrapeJavaScript: false },
  },
  {
    slug: "storefront",
    name: "Storefront",
    platform: "javascript-nextjs",
    orgSlug: "globex",
    teamSlugs: ["platform"],
    environments: ["production", "preview"],
    hasPerformance: true,
    hasSessions: true,
    active: true,
    color: "#3f8fbf",
    versions: { kind: "package-semver", prefix: "storefront", start: [3, 2, 0] },
    custom: { highlightTags: ["url", "browser"] },
  },
  {
    slug: "billing-worker",
    name: "Billing Worker",
    platform: "python-celery",
    orgSlug: "globex",
    teamSlugs: ["platform"],
    environments: ["production"],
    hasPerformance: false,
    hasSessions: false,
    active: true,
    color: "#5fbf3f",
    versions: { kind: "sha" },
    custom: { resolveAge: 72 },
  },
];

const REPO_BLUEPRINTS: Array<{ orgSlug: string; name: string; provider: "github" | "gitlab"; status: string }> = [
  { orgSlug: "acme", name: "acme/web-frontend", provider: "github", status: "active" },
  { orgSlug: "acme", name: "acme/api-backend", provider: "github", status: "active" },
  { orgSlug: "acme", name: "acme/ios-app", provider: "github", status: "active" },
  { orgSlug: "acme", name: "acme/payments-service", provider: "github", status: "active" },
  // A repository whose integration was uninstalled: Sentry keeps it but lists it only with ?status=disabled.
  { orgSlug: "acme", name: "acme/legacy-shop", provider: "github", status: "disabled" },
  { orgSlug: "globex", name: "globex/storefront", provider: "gitlab", status: "active" },
  { orgSlug: "globex", name: "globex/billing", provider: "gitlab", status: "active" },
];

const PROVIDERS = {
  github: { id: "integrations:github", name: "GitHub", host: "https://github.com" },
  gitlab: { id: "integrations:gitlab", name: "GitLab", host: "https://gitlab.com" },
} as const;

/** Project features Sentry reports for an ordinary SaaS project (fixtures/sentry-cli/projects/get-projects.json). */
export const PROJECT_FEATURES = [
  "alert-filters",
  "custom-inbound-filters",
  "discard-groups",
  "minidump",
  "race-free-group-creation",
  "similarity-indexing",
  "similarity-view",
  "releases",
];

/** Snowflake-sized numeric IDs like today's SaaS projects ("4505278496…"), deterministic per stream. */
function snowflakeId(rng: Rng): string {
  return String(4_505_000_000_000_000 + rng.int(0, 999_999_999_999));
}

/** Sentry's defaults for the settings of GET /projects/{org}/{project}/ (docs/sentry-api.md §12), before customisation. */
function defaultSettings(rng: Rng, platform: string): Record<string, unknown> {
  const isNative = platform.startsWith("apple") || platform === "native";
  return {
    digestsMinDelay: 300,
    digestsMaxDelay: 1800,
    subjectPrefix: "",
    subjectTemplate: "$shortID - $title",
    allowedDomains: ["*"],
    resolveAge: 0,
    dataScrubber: true,
    dataScrubberDefaults: true,
    safeFields: [],
    sensitiveFields: [],
    storeCrashReports: null,
    securityToken: rng.hex(32),
    securityTokenHeader: null,
    verifySSL: false,
    scrubIPAddresses: false,
    scrapeJavaScript: true,
    enableAutoReleaseCreation: false,
    highlightTags: [],
    highlightContext: {},
    groupingConfig: "newstyle:2023-01-11",
    groupingEnhancements: "",
    derivedGroupingEnhancements: "",
    secondaryGroupingConfig: null,
    secondaryGroupingExpiry: 0,
    fingerprintingRules: "",
    processingIssues: 0,
    defaultEnvironment: null,
    relayPiiConfig: null,
    builtinSymbolSources: isNative ? ["ios", "microsoft"] : [],
    symbolSources: "[]",
    dynamicSamplingBiases: [
      { id: "boostEnvironments", active: true },
      { id: "boostLatestRelease", active: true },
      { id: "ignoreHealthChecks", active: true },
      { id: "boostKeyTransactions", active: true },
      { id: "boostLowVolumeTransactions", active: true },
      { id: "boostReplayId", active: true },
      { id: "recalibrationRule", active: true },
    ],
    isDynamicallySampled: true,
    tempestFetchScreenshots: false,
    autofixAutomationTuning: "off",
    seerScannerAutomation: true,
    seerNightshiftTweaks: null,
    scmSourceContextEnabled: false,
    debugFilesRole: null,
    isPublic: false,
    isInternal: false,
    status: "active",
  };
}

/** The raw `options` map Sentry also returns, mirroring the typed settings under their option keys. */
function optionsFor(settings: Record<string, unknown>): Record<string, unknown> {
  return {
    "sentry:resolve_age": settings.resolveAge,
    "sentry:scrub_data": settings.dataScrubber,
    "sentry:scrub_defaults": settings.dataScrubberDefaults,
    "sentry:sensitive_fields": settings.sensitiveFields,
    "sentry:safe_fields": settings.safeFields,
    "sentry:scrub_ip_address": settings.scrubIPAddresses,
    "sentry:scrape_javascript": settings.scrapeJavaScript,
    "sentry:verify_ssl": settings.verifySSL,
    "sentry:origins": settings.allowedDomains,
    "sentry:token": settings.securityToken,
    "sentry:grouping_config": settings.groupingConfig,
    "sentry:default_environment": settings.defaultEnvironment,
    "sentry:store_crash_reports": settings.storeCrashReports,
    "mail:subject_prefix": settings.subjectPrefix,
    "digests:mail:minimum_delay": settings.digestsMinDelay,
    "digests:mail:maximum_delay": settings.digestsMaxDelay,
    "filters:error_messages": "",
    "filters:releases": "",
    "filters:blacklisted_ips": "",
    "filters:chunk-load-error": true,
    "filters:react-hydration-errors": true,
    "sentry:csp_ignored_sources_defaults": true,
    "sentry:csp_ignored_sources": "",
    "feedback:branding": true,
  };
}

function bumpVersion(rng: Rng, [major, minor, patch]: [number, number, number]): [number, number, number] {
  // Mostly patches, some minors, a rare major: the shape of a real release train.
  const step = rng.weighted([
    ["patch", 7],
    ["minor", 3],
    ["major", 0.2],
  ] as const);
  if (step === "patch") return [major, minor, patch + 1];
  if (step === "minor") return [major, minor + 1, 0];
  return [major + 1, 0, 0];
}

function versionNames(rng: Rng, style: VersionStyle, created: readonly number[]): string[] {
  const count = created.length;
  const names: string[] = [];
  if (style.kind === "sha") {
    for (let i = 0; i < count; i++) names.push(rng.hex(40));
    return names;
  }
  let semver = style.start;
  let build = style.kind === "bundle-build" ? style.build : 0;
  for (let i = 0; i < count; i++) {
    const text = semver.join(".");
    if (style.kind === "package-semver") names.push(`${style.prefix}@${text}`);
    else if (style.kind === "bundle-build") names.push(`${style.prefix}@${text}+${build}`);
    else {
      // Build metadata: the day the version was cut and a CI build counter.
      const stamp = iso(created[i]!).slice(0, 10).replaceAll("-", "");
      names.push(`${text}+${stamp}${String(i).padStart(2, "0")}`);
    }
    semver = bumpVersion(rng, semver);
    build += rng.int(3, 20);
  }
  return names;
}

function seedReleaseStubs(rng: Rng, project: Project, style: VersionStyle, now: number): ReleaseStub[] {
  const count = rng.int(MIN_RELEASES_PER_PROJECT, MAX_RELEASES_PER_PROJECT);
  // Release times: evenly spaced over the history with jitter, the newest within the last day.
  const span = RELEASE_HISTORY_DAYS * DAY;
  const created: number[] = [];
  for (let i = 0; i < count; i++) {
    const slot = span - (i + 0.5) * (span / count);
    const jitter = (rng.next() - 0.5) * (span / count) * 0.6;
    created.push(Math.round(now - Math.max(HOUR, slot + jitter)));
  }
  created.sort((a, b) => a - b);
  const newest = created[count - 1]!;
  if (now - newest > DAY) created[count - 1] = now - rng.int(2, 20) * HOUR;
  const names = versionNames(rng, style, created);
  // The newest one or two are built but not yet released (dateReleased null), as on a real release train.
  const unreleased = rng.int(1, 2);
  return names.map((version, i) => {
    const dateCreated = created[i]!;
    const released = i < count - unreleased;
    return {
      version,
      projectIds: [project.id],
      orgSlug: project.orgSlug,
      dateCreated: iso(dateCreated),
      dateReleased: released ? iso(Math.min(now - SECOND, dateCreated + rng.int(10, 240) * MINUTE)) : null,
    };
  });
}

/** Builds the core of the world: pure in (seed, now, regions). */
export function seedCore(seed: number, now: number, regions: boolean): CoreWorld {
  const rng = rngFor(seed, "core");

  const orgs: Org[] = ORG_BLUEPRINTS.map((b, index) => ({
    id: String(rng.int(1_000_000, 9_999_999)),
    slug: b.slug,
    name: b.name,
    dateCreated: iso(now - b.ageDays * DAY - rng.int(0, 23) * HOUR),
    // With --regions the first org lives on the region listener, as SaaS orgs live on us.sentry.io while
    // clients start at sentry.io; the second org stays on main so both silos have data.
    home: regions && index === 0 ? "region" : "main",
  }));
  const orgBySlug = new Map(orgs.map((o) => [o.slug, o]));
  const orgCreated = (slug: string): number => Date.parse(orgBySlug.get(slug)!.dateCreated);

  const teams: Team[] = TEAM_BLUEPRINTS.map((b) => ({
    id: String(rng.int(100_000, 999_999)),
    slug: b.slug,
    name: b.name,
    orgSlug: b.orgSlug,
    dateCreated: iso(orgCreated(b.orgSlug) + rng.int(1, 60) * DAY),
  }));

  const members: Member[] = MEMBER_BLUEPRINTS.map((b) => ({
    id: String(rng.int(1_000_000, 9_999_999)),
    name: b.name,
    username: b.username,
    email: `${b.username}@${EMAIL_DOMAINS[b.orgSlug]}`,
    orgSlug: b.orgSlug,
    teamSlugs: b.teamSlugs,
  }));

  const projects: Project[] = [];
  const keys: ClientKey[] = [];
  const releaseStubs: ReleaseStub[] = [];
  for (const b of PROJECT_BLUEPRINTS) {
    const created = orgCreated(b.orgSlug) + rng.int(30, 200) * DAY;
    const firstEvent = b.active ? created + rng.int(1, 48) * HOUR : null;
    const settings = { ...defaultSettings(rng, b.platform), ...b.custom };
    settings.options = optionsFor(settings);
    const project: Project = {
      id: snowflakeId(rng),
      slug: b.slug,
      name: b.name,
      platform: b.platform,
      orgSlug: b.orgSlug,
      teamSlugs: b.teamSlugs,
      dateCreated: iso(created),
      firstEvent: firstEvent === null ? null : iso(firstEvent),
      lastEvent: b.active ? iso(now - rng.int(1, 50) * MINUTE) : null,
      environments: b.environments,
      hasPerformance: b.hasPerformance,
      hasSessions: b.hasSessions,
      settings: { ...settings, color: b.color },
    };
    projects.push(project);

    keys.push({
      id: "",
      projectId: project.id,
      name: "Default",
      public: rng.hex(32),
      secret: rng.hex(32),
      isActive: true,
      dateCreated: iso(created),
    });
    if (b.slug === "web-frontend") {
      // A rotated-out key: still listed, but disabled, so tools must not pick it as "the" DSN.
      keys.push({
        id: "",
        projectId: project.id,
        name: "Old browser key (rotated)",
        public: rng.hex(32),
        secret: rng.hex(32),
        isActive: false,
        dateCreated: iso(created + 120 * DAY),
      });
    }
    if (b.versions) releaseStubs.push(...seedReleaseStubs(rng, project, b.versions, now));
  }
  // Sentry serializes a key's public half as its `id` (ProjectKeySerializer).
  for (const key of keys) key.id = key.public;

  const repos: Repo[] = REPO_BLUEPRINTS.map((b) => {
    const provider = PROVIDERS[b.provider];
    return {
      id: String(rng.int(100_000, 999_999)),
      orgSlug: b.orgSlug,
      name: b.name,
      url: `${provider.host}/${b.name}`,
      provider: { id: provider.id, name: provider.name },
      status: b.status,
      dateCreated: iso(orgCreated(b.orgSlug) + rng.int(5, 90) * DAY),
      externalSlug: b.name,
    };
  });

  return { orgs, teams, members, projects, keys, repos, releaseStubs };
}

/** What --state FILE keeps of the core: the project settings changed through PUT /projects/{org}/{project}/. */
interface CoreState {
  projects: Array<{ id: string; name: string; platform: string; settings: Record<string, unknown> }>;
}

export function saveCoreState(core: Pick<CoreWorld, "projects">): CoreState {
  return { projects: core.projects.map((p) => ({ id: p.id, name: p.name, platform: p.platform, settings: p.settings })) };
}

export function loadCoreState(core: Pick<CoreWorld, "projects">, data: unknown): void {
  const state = data as Partial<CoreState>;
  for (const saved of state.projects ?? []) {
    const project = core.projects.find((p) => p.id === saved.id);
    if (!project) continue;
    project.name = saved.name;
    project.platform = saved.platform;
    project.settings = saved.settings;
  }
}
