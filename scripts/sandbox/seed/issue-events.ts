// Events and tag summaries of seeded issues, built on first use from a per-issue random stream (so they are
// deterministic, cost nothing at start, and stay consistent with each other): the same audience of browsers,
// devices, servers and users feeds both an issue's events and its tag value counts.

import type { Project, ReleaseStub, World } from "../types.js";
import type { CrumbSpec, ExceptionSpec, FrameSpec, IssueSpec } from "./issue-catalog.js";
import type { Issue } from "./issues.js";
import type { ReleaseRecord } from "./releases.js";
import { rngFor, type Rng } from "./rng.js";
import { HOUR, iso, SECOND } from "../time.js";
import { parseRelease, versionInfo } from "../release-version.js";

/** Events kept per issue (the latest, the oldest and a few between), as far as the issue has that many. */
const MIN_STORED_EVENTS = 2;
const MAX_STORED_EVENTS = 5;
/** Top values a tag summary lists (GET …/issues/{id}/tags/ answers at most this many per key by default). */
export const TOP_TAG_VALUES = 9;
/** Extra copies of the last routine breadcrumb (a poll, a retried warning), spaced this far apart. */
const ROUTINE_CRUMB_REPEATS = 3;
const REPEAT_SPACING_MS = 250;
/** Lines of source context around a frame's line, as SDKs send them (5 before, 5 after at most). */
const CONTEXT_LINES = 5;

export interface StoredEvent {
  eventID: string;
  at: number;
  environment: string;
  release: string | null;
  /** The full event as GET …/events/{event_id}/ answers it, without nextEventID/previousEventID. */
  body: Record<string, unknown>;
}

export interface TagValue {
  value: string;
  count: number;
  firstSeen: number;
  lastSeen: number;
}

export interface TagSummary {
  key: string;
  name: string;
  totalValues: number;
  uniqueValues: number;
  /** Most frequent first. */
  values: TagValue[];
}

// ------------------------------------------------------------------------------------------------
// Who hits an issue: weighted audiences per family
// ------------------------------------------------------------------------------------------------

interface Browser {
  name: string;
  version: string;
  os: string;
  osVersion: string;
  device: string;
  ua: string;
}

const BROWSERS: ReadonlyArray<readonly [Browser, number]> = [
  [{ name: "Chrome", version: "131.0.0", os: "Windows", osVersion: "10", device: "Other", ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36" }, 34],
  [{ name: "Mobile Safari", version: "17.6", os: "iOS", osVersion: "17.6.1", device: "iPhone", ua: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1" }, 22],
  [{ name: "Chrome Mobile", version: "131.0.0", os: "Android", osVersion: "14", device: "K", ua: "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36" }, 16],
  [{ name: "Safari", version: "18.1", os: "Mac OS X", osVersion: "10.15.7", device: "Mac", ua: "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15" }, 10],
  [{ name: "Firefox", version: "133.0", os: "Windows", osVersion: "10", device: "Other", ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0" }, 8],
  [{ name: "Edge", version: "131.0.0", os: "Windows", osVersion: "10", device: "Other", ua: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0" }, 6],
  [{ name: "Samsung Internet", version: "26.0", os: "Android", osVersion: "13", device: "SM-S911B", ua: "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36" }, 4],
];

interface AppleDevice {
  model: string;
  modelId: string;
  name: string;
  osVersion: string;
  osBuild: string;
  memory: number;
}

const APPLE_DEVICES: ReadonlyArray<readonly [AppleDevice, number]> = [
  [{ model: "iPhone15,3", modelId: "D74AP", name: "iPhone 14 Pro Max", osVersion: "17.5.1", osBuild: "21F90", memory: 6_053_520_384 }, 20],
  [{ model: "iPhone14,5", modelId: "D17AP", name: "iPhone 13", osVersion: "18.1", osBuild: "22B83", memory: 3_993_878_528 }, 24],
  [{ model: "iPhone16,1", modelId: "D83AP", name: "iPhone 15 Pro", osVersion: "18.1.1", osBuild: "22B91", memory: 7_990_640_640 }, 18],
  [{ model: "iPhone12,1", modelId: "N104AP", name: "iPhone 11", osVersion: "17.7", osBuild: "21H16", memory: 3_982_102_528 }, 14],
  [{ model: "iPhone14,7", modelId: "D27AP", name: "iPhone 14", osVersion: "18.0.1", osBuild: "22A3370", memory: 6_058_000_000 }, 12],
  [{ model: "iPad13,18", modelId: "J271AP", name: "iPad (10th generation)", osVersion: "17.6.1", osBuild: "21G93", memory: 3_900_000_000 }, 5],
];

const GEO: ReadonlyArray<{ country_code: string; city: string; region: string }> = [
  { country_code: "DE", city: "Berlin", region: "Germany" },
  { country_code: "GB", city: "London", region: "United Kingdom" },
  { country_code: "US", city: "Austin", region: "United States" },
  { country_code: "FR", city: "Lyon", region: "France" },
  { country_code: "NL", city: "Utrecht", region: "Netherlands" },
  { country_code: "SE", city: "Malmö", region: "Sweden" },
  { country_code: "ES", city: "Valencia", region: "Spain" },
];

const FIRST_NAMES = ["anna", "ben", "chloe", "david", "elif", "felix", "grace", "hugo", "ines", "jonas", "kira", "leo", "maya", "noah", "olga", "pablo"];
const EMAIL_DOMAINS = ["example.com", "example.net", "example.org", "mail.example"];

interface EndUser {
  id: string;
  email: string;
  ip: string;
  geo: { country_code: string; city: string; region: string };
}

interface Audience {
  browsers: Array<{ value: Browser; weight: number }>;
  devices: Array<{ value: AppleDevice; weight: number }>;
  servers: Array<{ value: string; weight: number }>;
  users: Array<{ value: EndUser; weight: number }>;
  environments: Array<{ value: string; weight: number }>;
  releases: Array<{ value: string; weight: number }>;
}

function weightedSubset<T>(rng: Rng, items: ReadonlyArray<readonly [T, number]>, min: number): Array<{ value: T; weight: number }> {
  const chosen = items.filter(([, w], i) => i < min || rng.chance(Math.min(0.9, w / 20))).map(([value, w]) => ({ value, weight: w * (0.4 + rng.next()) }));
  return chosen.sort((a, b) => b.weight - a.weight);
}

function pickWeighted<T>(rng: Rng, items: Array<{ value: T; weight: number }>): T {
  return rng.weighted(items.map((i) => [i.value, i.weight] as const));
}

function podName(rng: Rng, service: string): string {
  const chars = "bcdfghjklmnpqrstvwxz2456789";
  const part = (n: number): string => Array.from({ length: n }, () => chars[rng.int(0, chars.length - 1)]).join("");
  return `${service}-${part(9)}-${part(5)}`;
}

const stubsByWorld = new WeakMap<World, Map<string, ReleaseStub[]>>();

/** A project's release versions, oldest first (cached: release stubs never change after seeding). */
function projectStubs(world: World, projectId: string): ReleaseStub[] {
  let byProject = stubsByWorld.get(world);
  if (!byProject) stubsByWorld.set(world, (byProject = new Map()));
  let stubs = byProject.get(projectId);
  if (!stubs) {
    stubs = world.releaseStubs.filter((s) => s.projectIds.includes(projectId)).sort((a, b) => Date.parse(a.dateCreated) - Date.parse(b.dateCreated));
    byProject.set(projectId, stubs);
  }
  return stubs;
}

const audiences = new WeakMap<Issue, Audience>();

function audienceFor(world: World, issue: Issue): Audience {
  const cached = audiences.get(issue);
  if (cached) return cached;
  const rng = rngFor(world.seed, `issues:audience:${issue.id}`);
  const project = projectOf(world, issue);
  const service = project.slug;
  const serverCount = issue.spec.family === "python" || issue.spec.family === "node" ? rng.int(2, 6) : 0;
  const userCount = Math.min(issue.userCount, 40);
  const users: Array<{ value: EndUser; weight: number }> = [];
  for (let i = 0; i < userCount; i++) {
    const name = rng.pick(FIRST_NAMES);
    const id = String(rng.int(10_000, 999_999));
    users.push({
      value: { id, email: `${name}.${id.slice(-3)}@${rng.pick(EMAIL_DOMAINS)}`, ip: `${rng.pick(["203.0.113", "198.51.100", "192.0.2"])}.${rng.int(2, 254)}`, geo: rng.pick(GEO) },
      // A few users hit an error far more often than the rest (retries, reloads).
      weight: rng.logNormal(1, 1.1),
    });
  }
  users.sort((a, b) => b.weight - a.weight);
  const stubs = projectStubs(world, issue.projectId);
  const from = stubs.findIndex((s) => s.version === issue.firstRelease);
  const to = stubs.findIndex((s) => s.version === issue.lastRelease);
  const releases = to >= 0 ? stubs.slice(Math.max(0, from), to + 1).map((s, i, all) => ({ value: s.version, weight: 1 + i / Math.max(1, all.length - 1) * 2 })) : [];
  const environments = issue.environments.map((env, i) => ({ value: env, weight: i === 0 ? 10 : 1 + rng.next() * 2 }));
  const audience: Audience = {
    browsers: issue.spec.family === "javascript" ? weightedSubset(rng, BROWSERS, 2) : [],
    devices: issue.spec.family === "cocoa" ? weightedSubset(rng, APPLE_DEVICES, 2) : [],
    servers: Array.from({ length: serverCount }, () => ({ value: podName(rng, service), weight: 1 + rng.next() })),
    users,
    environments,
    releases: releases.reverse(),
  };
  audiences.set(issue, audience);
  return audience;
}

export function projectOf(world: World, issue: Issue): Project {
  const project = world.projects.find((p) => p.id === issue.projectId);
  if (!project) throw new Error(`issue ${issue.id} names unknown project ${issue.projectId}`);
  return project;
}

// ------------------------------------------------------------------------------------------------
// Shared serializers
// ------------------------------------------------------------------------------------------------

/** Sentry's tag key labels (tagstore get_tag_key_label): a few fixed names, else title case. */
export function tagKeyLabel(key: string): string {
  const fixed: Record<string, string> = { os: "OS", url: "URL", server_name: "Server", user: "User", release: "Release", dist: "Distribution", "os.name": "OS.Name" };
  return fixed[key] ?? key.replace(/(^|[._\-\s])(\w)/g, (_m, sep: string, c: string) => sep.replace("_", " ") + c.toUpperCase());
}

export function shortVersion(version: string): string {
  if (/^[0-9a-f]{40}$/.test(version)) return version.slice(0, 7);
  const at = version.lastIndexOf("@");
  return at > 0 ? version.slice(at + 1) : version;
}

/**
 * A stable numeric ID derived from the version, only for versions the release world has no record of (a world
 * whose release records were replaced by a loaded state file): the seeded versions take the record's ID.
 */
function derivedReleaseId(version: string): number {
  let h = 2166136261;
  for (let i = 0; i < version.length; i++) h = Math.imul(h ^ version.charCodeAt(i), 16777619) >>> 0;
  return 100_000_000 + (h % 900_000_000);
}

/** The release world's record of a version in an org (what GET /organizations/{org}/releases/{version}/ serves). */
export function releaseRecordOf(world: World, orgSlug: string, version: string): ReleaseRecord | undefined {
  return world.releases.releases.find((r) => r.orgSlug === orgSlug && r.version === version);
}

/** The ID a release has everywhere in the sandbox: the record's, so issues and the release endpoints agree. */
export function releaseIdOf(world: World, stub: ReleaseStub): number {
  return releaseRecordOf(world, stub.orgSlug, stub.version)?.id ?? derivedReleaseId(stub.version);
}

export function releaseStub(world: World, version: string | null): ReleaseStub | undefined {
  return version === null ? undefined : world.releaseStubs.find((s) => s.version === version);
}

/** The release as an event carries it (schema: getOrganizationIssueEvent → release). */
export function eventRelease(world: World, version: string | null): Record<string, unknown> | null {
  const stub = releaseStub(world, version);
  if (!stub) return null;
  const record = releaseRecordOf(world, stub.orgSlug, stub.version);
  return {
    id: releaseIdOf(world, stub),
    commitCount: record?.commits.length ?? 0,
    data: record?.data ?? {},
    dateCreated: record?.dateCreated ?? stub.dateCreated,
    dateReleased: record ? record.dateReleased : stub.dateReleased,
    deployCount: record?.deploys.length ?? 0,
    ref: record?.ref ?? null,
    lastCommit: null,
    lastDeploy: null,
    status: record?.status ?? "open",
    url: record?.url ?? null,
    userAgent: record?.userAgent ?? null,
    version: stub.version,
    versionInfo: versionInfo(stub.version),
  };
}

function serializeFrame(frame: FrameSpec): Record<string, unknown> {
  let context: Array<[number, string]> = [];
  if (frame.code && frame.lineNo !== null) {
    const first = frame.lineNo - frame.focus;
    context = frame.code
      .map((line, i): [number, string] => [first + i, line])
      .filter(([n]) => Math.abs(n - frame.lineNo!) <= CONTEXT_LINES);
  }
  return {
    filename: frame.filename,
    absPath: frame.absPath,
    module: frame.module,
    package: frame.package,
    platform: null,
    instructionAddr: frame.instructionAddr,
    symbolAddr: frame.symbolAddr,
    function: frame.function,
    rawFunction: null,
    symbol: null,
    context,
    lineNo: frame.lineNo,
    colNo: frame.colNo,
    inApp: frame.inApp,
    trust: frame.instructionAddr ? (frame.inApp ? "context" : "cfi") : null,
    errors: null,
    lock: null,
    sourceLink: null,
    vars: frame.vars,
  };
}

function mainException(spec: IssueSpec): ExceptionSpec | undefined {
  return spec.exceptions[spec.exceptions.length - 1];
}

function topInAppFrame(spec: IssueSpec): FrameSpec | undefined {
  const frames = mainException(spec)?.frames ?? [];
  for (let i = frames.length - 1; i >= 0; i--) if (frames[i]!.inApp) return frames[i];
  return frames[frames.length - 1];
}

function sdkOf(project: Project, spec: IssueSpec): { name: string; version: string } {
  if (spec.family === "cocoa") return { name: "sentry.cocoa", version: "8.41.0" };
  if (spec.family === "python") return { name: project.platform === "python-celery" ? "sentry.python.celery" : "sentry.python.django", version: "2.19.2" };
  if (spec.family === "node") return { name: "sentry.javascript.node", version: "8.42.0" };
  return { name: project.platform === "javascript-nextjs" ? "sentry.javascript.nextjs" : "sentry.javascript.react", version: "8.42.0" };
}

/** The issue's `metadata` as the group serializer returns it (differs per issue type). */
export function issueMetadata(world: World, issue: Issue): Record<string, unknown> {
  const spec = issue.spec;
  const sdk = sdkOf(projectOf(world, issue), spec);
  const sdkInfo = { name: sdk.name, name_normalized: sdk.name.replace(/\.(django|celery|react|nextjs)$/, "") };
  const priorityScore = issue.priority === "high" ? 75 : issue.priority === "medium" ? 50 : 25;
  if (spec.kind === "performance" && spec.perf) {
    return { location: spec.transaction, title: spec.perf.title, value: spec.perf.offenderDescription, initial_priority: priorityScore };
  }
  if (spec.kind === "csp" && spec.csp) {
    return { directive: spec.csp.effectiveDirective, uri: new URL(spec.csp.blockedUri).host, message: spec.title, initial_priority: priorityScore };
  }
  if (spec.kind === "message") return { title: spec.title, initial_priority: priorityScore, sdk: sdkInfo };
  const main = mainException(spec)!;
  const frame = topInAppFrame(spec);
  const frames = main.frames;
  const inApp = frames.filter((f) => f.inApp).length;
  return {
    type: main.type,
    value: main.value,
    filename: frame?.filename ?? undefined,
    function: frame?.function ?? undefined,
    display_title_with_tree_label: false,
    in_app_frame_mix: inApp === 0 ? "system-only" : inApp === frames.length ? "in-app-only" : "mixed",
    initial_priority: priorityScore,
    sdk: sdkInfo,
  };
}

/** Sentry's issue `type` (the event type of the group) for each kind of spec. */
export function issueEventType(spec: IssueSpec): "error" | "default" | "csp" | "transaction" {
  if (spec.kind === "performance") return "transaction";
  if (spec.kind === "csp") return "csp";
  if (spec.kind === "message") return "default";
  return "error";
}

// ------------------------------------------------------------------------------------------------
// Building events
// ------------------------------------------------------------------------------------------------

function hostOf(project: Project, spec: IssueSpec): string {
  if (spec.family === "javascript") return `shop.${project.orgSlug}.example`;
  if (spec.family === "node") return `${project.slug}.${project.orgSlug}.example`;
  return `api.${project.orgSlug}.example`;
}

interface EventCtx {
  world: World;
  issue: Issue;
  project: Project;
  rng: Rng;
  at: number;
  eventID: string;
  environment: string;
  release: string | null;
  user: EndUser | null;
  browser: Browser | null;
  device: AppleDevice | null;
  server: string | null;
  traceId: string;
  spanId: string;
}

function breadcrumbs(ec: EventCtx): Record<string, unknown> {
  const { spec } = ec.issue;
  const routine: CrumbSpec[] = [];
  if (spec.family === "javascript") {
    routine.push({ type: "navigation", category: "navigation", level: "info", message: null, data: { from: "/", to: "/" } });
    routine.push({ type: "http", category: "fetch", level: "info", message: null, data: { method: "GET", url: "/api/session", status_code: 200 } });
    routine.push({ type: "default", category: "console", level: "warning", message: "[flags] using cached flags, refresh in 60s", data: { logger: "console", arguments: ["[flags] using cached flags, refresh in 60s"] } });
  } else if (spec.family === "cocoa") {
    routine.push({ type: "navigation", category: "app.lifecycle", level: "info", message: null, data: { state: "foreground" } });
    routine.push({ type: "http", category: "http", level: "info", message: null, data: { method: "GET", url: "https://api.acme.example/api/session/", status_code: 200, reason: "OK" } });
    routine.push({ type: "default", category: "device.orientation", level: "info", message: null, data: { position: "portrait" } });
  } else {
    routine.push({ type: "default", category: "query", level: "info", message: spec.family === "python" ? 'SELECT "django_session"."session_key", "django_session"."session_data" FROM "django_session" WHERE "django_session"."session_key" = %s LIMIT 21' : "SELECT id, status FROM merchants WHERE id = $1", data: null });
    routine.push({ type: "default", category: "redis", level: "info", message: "GET rate-limit:ip:203.0.113.7", data: { "db.operation": "GET" } });
  }
  const all = [...routine, ...spec.crumbs];
  const step = 1800;
  const values = all.map((c, i) => ({
    type: c.type,
    category: c.category,
    level: c.level,
    message: c.message,
    data: c.data,
    event_id: null,
    timestamp: iso(ec.at - (all.length - i) * step - ec.rng.int(0, 900)),
  }));
  // SDKs record a poll or a retried log line every time it happens: the last routine crumb repeats, as in real
  // trails (readers fold such runs). Times are spaced from the original without drawing from the event's stream.
  const last = routine.length - 1;
  const repeated = values[last];
  if (repeated) {
    const copies = Array.from({ length: ROUTINE_CRUMB_REPEATS }, (_, k) => ({ ...repeated, timestamp: iso(Date.parse(repeated.timestamp) + (k + 1) * REPEAT_SPACING_MS) }));
    values.splice(last + 1, 0, ...copies);
  }
  return { type: "breadcrumbs", data: { values } };
}

/** The URL an issue's requests hit, with route parameters filled in as a real request would have them. */
function requestUrl(project: Project, spec: IssueSpec): string | null {
  if (!spec.request) return null;
  return `https://${hostOf(project, spec)}${spec.request.path.replace(":slug", "linen-shirt-blue").replace(":id", "48213")}`;
}

function requestEntry(ec: EventCtx): Record<string, unknown> | null {
  const { spec } = ec.issue;
  const req = spec.request;
  if (!req) return null;
  const host = hostOf(ec.project, spec);
  const headers: Array<[string, string]> = [];
  if (ec.browser) headers.push(["Referer", `https://${host}/`], ["User-Agent", ec.browser.ua]);
  else if (spec.family === "cocoa") headers.push(["User-Agent", "AcmeShop/4.2.0 CFNetwork/1496.0.7 Darwin/23.5.0"]);
  else headers.push(["Accept", "application/json"], ["Content-Type", "application/json"], ["Host", host], ["User-Agent", spec.family === "node" ? "acme-checkout/3.1 (+internal)" : "okhttp/4.12.0"], ["X-Request-Id", ec.rng.hex(32)]);
  return {
    type: "request",
    data: {
      apiTarget: null,
      method: req.method,
      url: requestUrl(ec.project, spec),
      query: req.query,
      fragment: null,
      data: req.data,
      headers,
      cookies: [],
      env: req.method && spec.family === "python" ? { SERVER_NAME: ec.server ?? "localhost", SERVER_PORT: "8000", REMOTE_ADDR: ec.user?.ip ?? "10.0.1.17" } : null,
      inferredContentType: req.data ? "application/json" : null,
    },
  };
}

function contextsOf(ec: EventCtx): Record<string, Record<string, unknown>> {
  const { spec } = ec.issue;
  const contexts: Record<string, Record<string, unknown>> = {};
  if (ec.browser) {
    contexts.browser = { name: ec.browser.name, version: ec.browser.version, type: "browser" };
    contexts.os = { name: ec.browser.os, version: ec.browser.osVersion, type: "os" };
    contexts.device = { family: ec.browser.device, model: ec.browser.device === "iPhone" ? "iPhone" : null, brand: ec.browser.device === "iPhone" || ec.browser.device === "Mac" ? "Apple" : null, type: "device" };
  }
  if (ec.device) {
    contexts.device = {
      family: "iOS",
      model: ec.device.model,
      model_id: ec.device.modelId,
      arch: "arm64e",
      memory_size: ec.device.memory,
      free_memory: Math.round(ec.device.memory * (0.05 + ec.rng.next() * 0.2)),
      usable_memory: Math.round(ec.device.memory * 0.6),
      storage_size: 127_989_493_760,
      boot_time: iso(ec.at - ec.rng.int(2, 400) * HOUR),
      simulator: false,
      battery_level: ec.rng.int(8, 100),
      orientation: "portrait",
      type: "device",
    };
    contexts.os = { name: "iOS", version: ec.device.osVersion, build: ec.device.osBuild, kernel_version: "Darwin Kernel Version 23.5.0", rooted: false, type: "os" };
    contexts.app = {
      app_identifier: "com.acme.shop",
      app_name: "Acme Shop",
      app_version: ec.release ? parseRelease(ec.release).versionRaw.split("+")[0] : "4.2.0",
      app_build: ec.release?.split("+")[1] ?? "512",
      app_start_time: iso(ec.at - ec.rng.int(20, 1800) * SECOND),
      in_foreground: true,
      type: "app",
    };
  }
  if (spec.family === "python") {
    contexts.runtime = { name: "CPython", version: "3.12.7", build: "3.12.7 (main, Oct 19 2024, 04:04:21) [GCC 12.2.0]", type: "runtime" };
  }
  if (spec.family === "node") {
    contexts.runtime = { name: "node", version: "v20.18.1", type: "runtime" };
    contexts.os = { name: "Linux", version: "6.1.112", kernel_version: "6.1.112-124.190.amzn2023.x86_64", type: "os" };
    contexts.app = { app_start_time: iso(ec.at - ec.rng.int(1, 72) * HOUR), app_memory: ec.rng.int(180, 420) * 1_048_576, type: "app" };
    contexts.culture = { locale: "en-US", timezone: "UTC", type: "culture" };
  }
  const op = spec.kind === "performance" ? spec.perf!.parentOp : spec.family === "javascript" ? "pageload" : spec.family === "cocoa" ? "ui.load" : spec.transaction.includes(".tasks.") ? "queue.task.celery" : "http.server";
  contexts.trace = { trace_id: ec.traceId, span_id: ec.spanId, op, status: spec.kind === "performance" ? "ok" : "internal_error", type: "trace" };
  return contexts;
}

function tagsOf(ec: EventCtx, type: string): Array<{ key: string; value: string }> {
  const { issue } = ec;
  const spec = issue.spec;
  const tags: Record<string, string> = { environment: ec.environment, level: issue.level };
  if (ec.release) tags.release = ec.release;
  if (spec.kind !== "performance" && spec.kind !== "csp") tags.transaction = spec.transaction;
  if (type === "transaction") tags.transaction = spec.transaction;
  const main = mainException(spec);
  if (main) {
    tags.handled = main.mechanism.handled ? "yes" : "no";
    tags.mechanism = main.mechanism.type;
  }
  if (spec.logger) tags.logger = spec.logger;
  if (ec.browser) {
    tags.browser = `${ec.browser.name} ${ec.browser.version}`;
    tags["browser.name"] = ec.browser.name;
    tags.os = `${ec.browser.os} ${ec.browser.osVersion}`;
    tags["os.name"] = ec.browser.os;
    tags.device = ec.browser.device;
  }
  if (ec.device) {
    tags.device = ec.device.model;
    tags["device.family"] = "iOS";
    tags.os = `iOS ${ec.device.osVersion}`;
    tags["os.name"] = "iOS";
    if (ec.release?.includes("+")) tags.dist = ec.release.split("+")[1]!;
  }
  if (ec.server) tags.server_name = ec.server;
  if (spec.family === "python") {
    tags.runtime = "CPython 3.12.7";
    tags["runtime.name"] = "CPython";
  }
  if (spec.family === "node") {
    tags.runtime = "node v20.18.1";
    tags["runtime.name"] = "node";
    tags["os.name"] = "Linux";
  }
  const url = requestUrl(ec.project, spec);
  if (url) tags.url = url;
  if (ec.user) tags.user = `id:${ec.user.id}`;
  if (spec.csp) {
    tags["blocked-uri"] = spec.csp.blockedUri;
    tags["effective-directive"] = spec.csp.effectiveDirective;
  }
  Object.assign(tags, spec.tags);
  return Object.keys(tags)
    .sort()
    .map((key) => ({ key, value: tags[key]! }));
}

function exceptionEntry(spec: IssueSpec): Record<string, unknown> {
  const count = spec.exceptions.length;
  const values = spec.exceptions.map((e, i) => {
    // SDKs number a chain from the outermost exception (id 0, shown last) down to its causes.
    const exceptionId = count - 1 - i;
    const mechanism: Record<string, unknown> = { type: e.mechanism.type, handled: e.mechanism.handled };
    if (e.mechanism.synthetic !== undefined) mechanism.synthetic = e.mechanism.synthetic;
    if (e.mechanism.meta) mechanism.meta = e.mechanism.meta;
    if (count > 1) {
      mechanism.exception_id = exceptionId;
      if (exceptionId > 0) {
        mechanism.parent_id = exceptionId - 1;
        mechanism.source = e.mechanism.source;
      }
    }
    return {
      type: e.type,
      value: e.value,
      mechanism,
      threadId: spec.family === "cocoa" ? 0 : null,
      module: e.module,
      stacktrace: e.frames.length > 0 ? { frames: e.frames.map(serializeFrame), framesOmitted: null, registers: null, hasSystemFrames: e.frames.some((f) => !f.inApp) } : null,
      rawStacktrace: null,
    };
  });
  return { type: "exception", data: { values, hasSystemFrames: spec.exceptions.some((e) => e.frames.some((f) => !f.inApp)), excOmitted: null } };
}

function cocoaEntries(ec: EventCtx): Array<Record<string, unknown>> {
  const threads = [
    { id: 0, main: true, crashed: ec.issue.level === "fatal", current: true, name: null, state: "RUNNABLE", stacktrace: null, rawStacktrace: null, heldLocks: null },
    { id: 1, main: false, crashed: false, current: false, name: "com.apple.uikit.eventfetch-thread", state: "WAITING", stacktrace: null, rawStacktrace: null, heldLocks: null },
    { id: 2, main: false, crashed: false, current: false, name: "io.sentry.app-hang-tracker", state: "TIMED_WAITING", stacktrace: null, rawStacktrace: null, heldLocks: null },
  ];
  const image = (name: string, addr: number, size: number): Record<string, unknown> => ({
    type: "macho",
    code_file: name,
    debug_id: `${ec.rng.hex(8)}-${ec.rng.hex(4)}-${ec.rng.hex(4)}-${ec.rng.hex(4)}-${ec.rng.hex(12)}`,
    image_addr: `0x${addr.toString(16)}`,
    image_size: size,
    arch: "arm64e",
  });
  return [
    { type: "threads", data: { values: threads } },
    {
      type: "debugmeta",
      data: {
        images: [
          image("/private/var/containers/Bundle/Application/5E0C1A2B-7F3D-4B8E-9A61-2C4D8E0F1B3A/AcmeShop.app/AcmeShop", 0x1009a0000, 6_160_384),
          image("/System/Library/PrivateFrameworks/UIKitCore.framework/UIKitCore", 0x1a8b8c000, 32_047_104),
          image("/System/Library/Frameworks/CoreFoundation.framework/CoreFoundation", 0x1a6cf4000, 4_505_600),
          image("/usr/lib/libobjc.A.dylib", 0x19e9c0000, 282_624),
          image("/usr/lib/swift/libswiftCore.dylib", 0x1a1490000, 4_194_304),
        ],
      },
    },
  ];
}

function cspEntries(ec: EventCtx): Array<Record<string, unknown>> {
  const csp = ec.issue.spec.csp!;
  const host = hostOf(ec.project, ec.issue.spec);
  return [
    {
      type: "csp",
      data: {
        document_uri: `https://${host}${csp.documentPath}`,
        blocked_uri: csp.blockedUri,
        effective_directive: csp.effectiveDirective,
        violated_directive: csp.violatedDirective,
        original_policy: csp.originalPolicy,
        referrer: `https://${host}/`,
        disposition: "enforce",
        status_code: 200,
        source_file: csp.sourceFile,
        line_number: csp.lineNumber,
        column_number: csp.lineNumber === null ? null : ec.rng.int(100, 40_000),
        script_sample: "",
      },
    },
    { type: "request", data: { apiTarget: null, method: null, url: `https://${host}${csp.documentPath}`, query: [], fragment: null, data: null, headers: [["User-Agent", ec.browser?.ua ?? BROWSERS[0]![0].ua]], cookies: [], env: null, inferredContentType: null } },
  ];
}

/** The transaction of a performance issue: a root span with the repeated offenders (and a little else). */
function perfParts(ec: EventCtx): { entry: Record<string, unknown>; occurrence: Record<string, unknown>; start: number; end: number; measurements: Record<string, unknown>; breakdowns: Record<string, unknown> } {
  const perf = ec.issue.spec.perf!;
  const end = ec.at / SECOND;
  const durationS = (perf.transactionMs * (0.8 + ec.rng.next() * 0.5)) / SECOND;
  const start = end - durationS;
  const parentId = ec.rng.hex(16);
  const spans: Array<Record<string, unknown>> = [];
  const span = (op: string, description: string, s: number, e: number, parent: string, extra: Record<string, unknown> = {}, id = ec.rng.hex(16)): string => {
    spans.push({ span_id: id, parent_span_id: parent, trace_id: ec.traceId, op, description, start_timestamp: Number(s.toFixed(6)), timestamp: Number(e.toFixed(6)), same_process_as_parent: true, status: "ok", exclusive_time: Number(((e - s) * SECOND).toFixed(3)), hash: ec.rng.hex(16), data: extra });
    return id;
  };
  let cursor = start + 0.004;
  span(perf.parentOp === "pageload" ? "browser" : "middleware", perf.parentOp === "pageload" ? "domContentLoadedEvent" : "authenticate", cursor, cursor + 0.012, ec.spanId);
  cursor += 0.015;
  span(perf.op === "db" ? "function" : "ui.render", `${ec.issue.spec.transaction} handler`, cursor, end - 0.01, ec.spanId, {}, parentId);
  const causeId = perf.op === "db" ? span("db", perf.offenderDescription.replace(/WHERE .*$/, "ORDER BY 1 LIMIT 25"), cursor + 0.002, cursor + 0.011, parentId, { "db.system": "postgresql" }) : null;
  cursor += 0.012;
  const offenderIds: string[] = [];
  const each = perf.offenderMs / SECOND;
  for (let i = 0; i < perf.repeat; i++) {
    const d = each * (0.7 + ec.rng.next() * 0.6);
    offenderIds.push(span(perf.op, perf.offenderDescription, cursor, cursor + d, parentId, perf.op === "db" ? { "db.system": "postgresql" } : { "http.response.status_code": 200 }));
    cursor += d + 0.0005;
  }
  const occurrence = {
    id: ec.rng.hex(32),
    projectId: Number(ec.project.id),
    eventId: ec.eventID,
    fingerprint: [ec.rng.hex(32)],
    issueTitle: perf.title,
    subtitle: perf.offenderDescription,
    resourceId: null,
    evidenceData: {
      op: perf.op,
      transactionName: ec.issue.spec.transaction,
      parentSpanIds: [parentId],
      causeSpanIds: causeId ? [causeId] : [],
      offenderSpanIds: offenderIds,
      parentSpan: `${perf.parentOp} - ${perf.parentDescription}`,
      numRepeatingSpans: String(perf.repeat),
      repeatingSpansCompact: [perf.offenderDescription],
      repeatingSpans: [`${perf.op} - ${perf.offenderDescription}`],
    },
    evidenceDisplay: [
      { name: "Offending Spans", value: `${perf.op} - ${perf.offenderDescription}`, important: true },
      { name: "Transaction Name", value: ec.issue.spec.transaction, important: false },
      { name: "Repeating Spans", value: String(perf.repeat), important: false },
    ],
    type: perf.typeId,
    detectionTime: Number((end + 2.5).toFixed(3)),
    level: "info",
    culprit: ec.issue.spec.transaction,
    assignee: null,
    priority: 25,
  };
  const opTotal = (perf.repeat * perf.offenderMs) / 1;
  return {
    entry: { type: "spans", data: spans },
    occurrence,
    start,
    end,
    measurements: perf.parentOp === "pageload" ? { fcp: { value: 812.4, unit: "millisecond" }, lcp: { value: 2310.9, unit: "millisecond" }, ttfb: { value: 184.2, unit: "millisecond" } } : {},
    breakdowns: { span_ops: { [`ops.${perf.op.split(".")[0]}`]: { value: Number(opTotal.toFixed(3)), unit: "millisecond" }, "total.time": { value: Number((durationS * SECOND).toFixed(3)), unit: "millisecond" } } },
  };
}

function buildEvent(ec: EventCtx): Record<string, unknown> {
  const { issue, project, world } = ec;
  const spec = issue.spec;
  const type = issueEventType(spec);
  const entries: Array<Record<string, unknown>> = [];
  let occurrence: Record<string, unknown> | null = null;
  let extra: Record<string, unknown> = {};
  if (spec.kind === "error" || spec.kind === "chained") {
    entries.push(exceptionEntry(spec));
    if (spec.family === "cocoa") entries.push(cocoaEntries(ec)[0]!);
    entries.push(breadcrumbs(ec));
    const req = requestEntry(ec);
    if (req) entries.push(req);
    if (spec.family === "cocoa") entries.push(cocoaEntries(ec)[1]!);
  } else if (spec.kind === "message") {
    entries.push({ type: "message", data: { formatted: spec.message, message: null, params: null } });
    entries.push(breadcrumbs(ec));
    const req = requestEntry(ec);
    if (req) entries.push(req);
  } else if (spec.kind === "csp") {
    entries.push(...cspEntries(ec));
  } else {
    const perf = perfParts(ec);
    entries.push(perf.entry, breadcrumbs(ec));
    const req = requestEntry(ec);
    if (req) entries.push(req);
    occurrence = perf.occurrence;
    extra = { startTimestamp: Number(perf.start.toFixed(6)), endTimestamp: Number(perf.end.toFixed(6)), measurements: perf.measurements, breakdowns: perf.breakdowns };
  }
  const metadata = issueMetadata(world, issue);
  const user = ec.user
    ? { id: ec.user.id, email: ec.user.email, username: null, ip_address: ec.user.ip, name: null, geo: ec.user.geo, data: null }
    : spec.kind === "csp"
      ? { id: null, email: null, username: null, ip_address: `198.51.100.${ec.rng.int(2, 254)}`, name: null, geo: null, data: null }
      : null;
  const body: Record<string, unknown> = {
    id: ec.eventID,
    groupID: issue.id,
    eventID: ec.eventID,
    projectID: project.id,
    size: 0,
    entries,
    dist: ec.device && ec.release?.includes("+") ? ec.release.split("+")[1]! : null,
    message: spec.kind === "message" ? spec.message : spec.kind === "csp" ? spec.title : "",
    title: type === "transaction" ? spec.transaction : spec.title,
    location: type === "transaction" ? spec.transaction : ((metadata.filename as string | undefined) ?? null),
    user,
    contexts: contextsOf(ec),
    sdk: spec.kind === "csp" ? null : sdkOf(project, spec),
    context: {},
    packages: {},
    type,
    metadata: type === "transaction" ? { location: spec.transaction, title: spec.transaction } : metadata,
    tags: tagsOf(ec, type),
    platform: spec.kind === "csp" ? "other" : issue.platform,
    dateReceived: iso(ec.at + ec.rng.int(150, 1500)),
    errors: [],
    occurrence,
    _meta: { user: null, context: null, entries: {}, contexts: null, message: null, packages: null, tags: {}, sdk: null },
    crashFile: null,
    culprit: spec.culprit,
    dateCreated: iso(ec.at),
    fingerprints: [ec.rng.hex(32)],
    groupingConfig: { id: "newstyle:2023-01-11", enhancements: "KLUv_SAYwQAAkwKRs25ld3N0eWxlOjIwMjMtMDEtMTGQ" },
    release: eventRelease(world, ec.release),
    userReport: null,
    sdkUpdates: [],
    resolvedWith: [],
    ...extra,
  };
  if (ec.issue.spec.family === "javascript" && spec.kind !== "csp") {
    // Source maps the JS SDK could not apply are reported per event, as Sentry's processing does.
    if (ec.rng.chance(0.15)) body.errors = [{ type: "js_no_source", message: "Source code was not found", data: { url: `https://${hostOf(project, spec)}/static/js/vendor.91ab3c.js` } }];
  }
  body.size = Math.round(JSON.stringify(body).length * 0.62);
  return body;
}

const eventCache = new WeakMap<Issue, StoredEvent[]>();

/** The issue's stored events, newest first (built once). */
export function issueEvents(world: World, issue: Issue): StoredEvent[] {
  const cached = eventCache.get(issue);
  if (cached) return cached;
  const rng = rngFor(world.seed, `issues:events:${issue.id}`);
  const audience = audienceFor(world, issue);
  const project = projectOf(world, issue);
  const stubs = projectStubs(world, issue.projectId);
  const n = Math.min(issue.count, rng.int(MIN_STORED_EVENTS, MAX_STORED_EVENTS));
  const times = [issue.lastSeen];
  if (n > 1) times.push(issue.firstSeen);
  while (times.length < n) times.push(issue.firstSeen + Math.floor((issue.lastSeen - issue.firstSeen) * rng.next()));
  times.sort((a, b) => b - a);
  const events = times.map((at, i): StoredEvent => {
    const eventID = rng.hex(32);
    const environment = i === 0 && audience.environments.length > 0 ? audience.environments[0]!.value : audience.environments.length > 0 ? pickWeighted(rng, audience.environments) : "production";
    let release = i === 0 ? issue.lastRelease : null;
    if (i > 0) for (const stub of stubs) if (Date.parse(stub.dateCreated) <= at) release = stub.version;
    const ec: EventCtx = {
      world,
      issue,
      project,
      rng,
      at,
      eventID,
      environment,
      release: i === times.length - 1 && n > 1 ? issue.firstRelease : release,
      user: audience.users.length > 0 ? pickWeighted(rng, audience.users) : null,
      browser: audience.browsers.length > 0 ? pickWeighted(rng, audience.browsers) : null,
      device: audience.devices.length > 0 ? pickWeighted(rng, audience.devices) : null,
      server: audience.servers.length > 0 ? pickWeighted(rng, audience.servers) : null,
      traceId: rng.hex(32),
      spanId: rng.hex(16),
    };
    return { eventID, at, environment, release: ec.release, body: buildEvent(ec) };
  });
  eventCache.set(issue, events);
  return events;
}

// ------------------------------------------------------------------------------------------------
// Tag summaries
// ------------------------------------------------------------------------------------------------

/** Splits `total` over weighted values (largest remainder), most frequent first, dropping zeros. */
function split<T>(total: number, items: Array<{ value: T; weight: number }>): Array<{ value: T; count: number }> {
  const sum = items.reduce((s, i) => s + i.weight, 0) || 1;
  const exact = items.map((i) => ({ value: i.value, want: (total * i.weight) / sum }));
  const counts = exact.map((e) => Math.floor(e.want));
  let left = total - counts.reduce((s, c) => s + c, 0);
  const order = exact.map((e, i) => ({ i, rem: e.want - Math.floor(e.want) })).sort((a, b) => b.rem - a.rem);
  for (let k = 0; left > 0 && order.length > 0; k = (k + 1) % order.length, left--) counts[order[k]!.i]! += 1;
  return exact
    .map((e, i) => ({ value: e.value, count: counts[i]! }))
    .filter((e) => e.count > 0)
    .sort((a, b) => b.count - a.count);
}

const tagCache = new WeakMap<Issue, TagSummary[]>();

/** Per-key value counts over all of the issue's events, sorted by key (GET …/issues/{id}/tags/). */
export function issueTags(world: World, issue: Issue): TagSummary[] {
  const cached = tagCache.get(issue);
  if (cached) return cached;
  const rng = rngFor(world.seed, `issues:tags:${issue.id}`);
  const audience = audienceFor(world, issue);
  const spec = issue.spec;
  const total = issue.count;
  const span = Math.max(1, issue.lastSeen - issue.firstSeen);
  const summaries: TagSummary[] = [];
  const add = (key: string, counts: Array<{ value: string; count: number }>, unique = counts.length): void => {
    if (counts.length === 0) return;
    const values = counts.map((c, i) => {
      // The most common value was there from the start and is still seen; rarer ones come and go.
      const first = i === 0 ? issue.firstSeen : issue.firstSeen + Math.floor(span * rng.next() * 0.7);
      const last = i === 0 ? issue.lastSeen : Math.max(first, issue.lastSeen - Math.floor(span * rng.next() * 0.3));
      return { value: c.value, count: c.count, firstSeen: first, lastSeen: last };
    });
    summaries.push({ key, name: tagKeyLabel(key), totalValues: counts.reduce((s, c) => s + c.count, 0), uniqueValues: unique, values });
  };
  const strings = <T>(items: Array<{ value: T; weight: number }>, f: (v: T) => string): Array<{ value: string; weight: number }> => {
    const merged = new Map<string, number>();
    for (const i of items) merged.set(f(i.value), (merged.get(f(i.value)) ?? 0) + i.weight);
    return [...merged].map(([value, weight]) => ({ value, weight }));
  };
  add("environment", split(total, audience.environments));
  add("level", [{ value: issue.level, count: total }]);
  if (audience.releases.length > 0) add("release", split(total, audience.releases));
  const main = mainException(spec);
  if (main) {
    add("handled", [{ value: main.mechanism.handled ? "yes" : "no", count: total }]);
    add("mechanism", [{ value: main.mechanism.type, count: total }]);
  }
  if (spec.kind !== "csp") add("transaction", [{ value: spec.transaction, count: total }]);
  if (spec.logger) add("logger", [{ value: spec.logger, count: total }]);
  if (audience.browsers.length > 0) {
    add("browser", split(total, strings(audience.browsers, (b) => `${b.name} ${b.version}`)));
    add("browser.name", split(total, strings(audience.browsers, (b) => b.name)));
    add("os.name", split(total, strings(audience.browsers, (b) => b.os)));
    add("device", split(total, strings(audience.browsers, (b) => b.device)));
  }
  if (audience.devices.length > 0) {
    add("device", split(total, strings(audience.devices, (d) => d.model)));
    add("device.family", [{ value: "iOS", count: total }]);
    add("os", split(total, strings(audience.devices, (d) => `iOS ${d.osVersion}`)));
    add("os.name", [{ value: "iOS", count: total }]);
  }
  if (audience.servers.length > 0) add("server_name", split(total, audience.servers));
  if (spec.family === "python") add("runtime", [{ value: "CPython 3.12.7", count: total }]);
  if (spec.family === "node") add("runtime", [{ value: "node v20.18.1", count: total }]);
  const url = requestUrl(projectOf(world, issue), spec);
  if (url) add("url", [{ value: url, count: total }]);
  if (spec.csp) {
    add("blocked-uri", [{ value: spec.csp.blockedUri, count: total }]);
    add("effective-directive", [{ value: spec.csp.effectiveDirective, count: total }]);
  }
  if (audience.users.length > 0) {
    // Not every event carries a user (logged-out sessions), and only the top users are listed.
    const withUser = Math.max(audience.users.length, Math.round(total * (0.75 + rng.next() * 0.2)));
    add("user", split(withUser, strings(audience.users, (u) => `id:${u.id}`)), issue.userCount);
  }
  for (const [key, value] of Object.entries(spec.tags)) add(key, [{ value, count: total }]);
  const byKey = new Map<string, TagSummary>();
  for (const s of summaries) if (!byKey.has(s.key)) byKey.set(s.key, s);
  const result = [...byKey.values()].sort((a, b) => a.key.localeCompare(b.key));
  tagCache.set(issue, result);
  return result;
}
