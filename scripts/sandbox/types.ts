// The sandbox's shared vocabulary: options, the seeded world, and how a route is declared.
// Every category module (routes/*.ts, seed/*.ts) speaks in these types, so modules never import each other's internals.
// Types flow one way: this file imports nothing of seed/*; each seed module adds its category to World itself.

export interface SandboxOptions {
  /** 0 picks a free port. */
  port?: number;
  /** Loopback by default. */
  host?: string;
  /** The world is a pure function of (seed, now). */
  seed?: number;
  /** Milliseconds added before every answer (benchmarks show parallel fan-out with it). */
  latencyMs?: number;
  /** Fixed-window limiter like Sentry's: at most `limit` requests per `windowSeconds` per token. */
  rateLimit?: { limit: number; windowSeconds: number };
  /** Serve the first organization as its region under /region on the same listener (its links.regionUrl). */
  regions?: boolean;
  /** Persist writes (issue status, releases) to this JSON file and load them at start. */
  stateFile?: string;
  /**
   * Epoch milliseconds the seeded times are relative to; defaults to Date.now() at start. When given, the
   * world's clock also stands still at this instant (writes are stamped with it), so answers are reproducible.
   */
  now?: number;
  /** Legacy alert endpoints answer 410 as during Sentry's brownouts. */
  legacyAlertsGone?: boolean;
  /** Current alert endpoints (workflows, detectors) answer 404 as on older self-hosted servers. */
  currentAlertsMissing?: boolean;
  /** dataset=spans answers 400 as on older self-hosted servers. */
  rejectSpansDataset?: boolean;
  /** `project` query parameters must be numeric IDs, as on servers older than schema 2026-06-12 (docs/sentry-api.md §1). */
  numericProjectIdsOnly?: boolean;
  /** Extra generated issues for load tests (on top of the realistic seed). */
  extraIssues?: number;
  /** Write request lines to stderr (the CLI does; tests don't). */
  logRequests?: boolean;
}

export interface Org {
  id: string;
  slug: string;
  name: string;
  dateCreated: string;
  /** "main" or "region": which listener owns this org's data when --regions is on. */
  home: "main" | "region";
}

export interface Team {
  id: string;
  slug: string;
  name: string;
  orgSlug: string;
  dateCreated: string;
}

export interface Member {
  id: string;
  name: string;
  email: string;
  username: string;
  orgSlug: string;
  /** Teams this member belongs to (added by the core seed; members[0] is the user behind the `sandbox` tokens). */
  teamSlugs?: string[];
}

export interface Project {
  id: string;
  slug: string;
  name: string;
  platform: string;
  orgSlug: string;
  teamSlugs: string[];
  dateCreated: string;
  /** null for a project that never received an event (abandoned/new). */
  firstEvent: string | null;
  /** Latest event time; null when none. */
  lastEvent: string | null;
  environments: string[];
  /** Whether the project sends transactions/spans. */
  hasPerformance: boolean;
  hasSessions: boolean;
  /** Full settings object served by GET /projects/{org}/{project}/ (beyond the summary fields). */
  settings: Record<string, unknown>;
}

export interface ClientKey {
  id: string;
  projectId: string;
  name: string;
  public: string;
  secret: string;
  isActive: boolean;
  dateCreated: string;
}

export interface Repo {
  id: string;
  orgSlug: string;
  /** As Sentry names it: "owner/name". */
  name: string;
  url: string;
  provider: { id: string; name: string };
  status: string;
  dateCreated: string;
  externalSlug: string;
}

/** Release versions are decided in the core seed so that issues (firstRelease/lastRelease) and releases agree. */
export interface ReleaseStub {
  version: string;
  projectIds: string[];
  orgSlug: string;
  dateCreated: string;
  dateReleased: string | null;
}

/**
 * The seeded world. Each category's seed module declares its own part (`issues` in seed/issues.ts, `spans`,
 * `releases`, `alerts` likewise) with `declare module "../types.js"`, so this file never imports a seed module.
 */
export interface World {
  seed: number;
  /** Epoch ms the seed is relative to. */
  now: number;
  /**
   * The world's current time for writes (a resolution's date, a new release, an activity entry): frozen at
   * `now` when the sandbox was started with a fixed clock (SandboxOptions.now), else the wall clock.
   */
  clock(): number;
  /** The options the sandbox was started with (flags such as rejectSpansDataset, legacyAlertsGone). */
  options: Readonly<SandboxOptions>;
  orgs: Org[];
  teams: Team[];
  members: Member[];
  projects: Project[];
  keys: ClientKey[];
  repos: Repo[];
  releaseStubs: ReleaseStub[];
}

export type Scope = string;

export interface TokenInfo {
  /** The name shown in logs, never the secret. */
  label: string;
  kind: "user" | "org";
  scopes: Set<Scope>;
  /** Org tokens are bound to one organization. */
  orgSlug?: string;
}

export type Listener = "main" | "region";

export interface RequestContext {
  method: string;
  /** Path after /api/0, always with a trailing slash, e.g. "/organizations/acme/issues/". */
  path: string;
  /** Route parameters, already URL-decoded. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON body, or undefined. A body that is not JSON is answered 400 before the handler runs. */
  body: unknown;
  token: TokenInfo;
  world: World;
  listener: Listener;
  /** Base URL of the listener that took this request, e.g. http://127.0.0.1:8765 */
  baseUrl: string;
  /** Base URLs of both listeners (region is undefined without --regions). */
  urls: { main: string; region?: string };
  /** Call after a write so --state FILE persists it. */
  markDirty(): void;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

export interface RouteDef {
  method: "GET" | "POST" | "PUT" | "DELETE";
  /** Answer requests without an Authorization header too (ctx.token is then an empty-scoped "anonymous"). */
  allowAnonymous?: boolean;
  /** Path pattern after /api/0 with :named segments and a trailing slash, e.g. "/organizations/:org/issues/:issue/". */
  pattern: string;
  /** Any-of list, as Sentry checks scopes. Empty: any valid token. */
  scopes: Scope[];
  handler: Handler;
}

/** Thrown by handlers for an API error answer (400, 404, 409 …); the server turns it into the reply. */
export class SandboxHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(`HTTP ${status}`);
  }
}
