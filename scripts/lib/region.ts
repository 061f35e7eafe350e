// Which host serves an organization's API. On sentry.io each organization lives in a region
// (us.sentry.io, de.sentry.io) named by `links.regionUrl` on the organization (docs/sentry-api.md §17);
// self-hosted servers name themselves. The answer is cached on disk, keyed by host and organization
// (never by token), so each run after the first goes straight to the right host.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export const REGION_CACHE_TTL_MS = 24 * 3600 * 1000;

interface CacheEntry {
  regionUrl: string;
  expires: number;
}

/** The skill's folder in the user's cache (XDG_CACHE_HOME, else ~/.cache): region lookups, V8 code caches. */
export function cacheDirectory(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), ".cache"), "sentry-monitoring");
}

export function regionCachePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDirectory(env), "regions.json");
}

function readCache(path: string): Record<string, CacheEntry> {
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as unknown;
    return parsed && typeof parsed === "object" ? (parsed as Record<string, CacheEntry>) : {};
  } catch {
    return {};
  }
}

const cacheKey = (baseUrl: string, org: string) => `${baseUrl}|${org}`;

export function cachedRegion(baseUrl: string, org: string, path = regionCachePath(), now = Date.now()): string | undefined {
  const entry = readCache(path)[cacheKey(baseUrl, org)];
  return entry && entry.expires > now && typeof entry.regionUrl === "string" ? entry.regionUrl : undefined;
}

export function storeRegion(baseUrl: string, org: string, regionUrl: string, path = regionCachePath(), now = Date.now()): void {
  try {
    const cache = readCache(path);
    for (const [key, entry] of Object.entries(cache)) if (!(entry.expires > now)) delete cache[key];
    cache[cacheKey(baseUrl, org)] = { regionUrl, expires: now + REGION_CACHE_TTL_MS };
    mkdirSync(join(path, ".."), { recursive: true });
    // Write then rename, so a concurrent run never reads half a file.
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(cache));
    renameSync(tmp, path);
  } catch {
    // A read-only home or cache directory only costs one extra lookup next time.
  }
}

const isSentryIoHost = (host: string) => host === "sentry.io" || host.endsWith(".sentry.io");

/** The port a URL connects to, default ports spelled out, so https://h and https://h:443 compare equal. */
const effectivePort = (url: URL) => url.port || (url.protocol === "https:" ? "443" : "80");

/** Test hook: the sandbox's --regions mode plays sentry.io's regions on loopback. Not a flag. */
const TEST_REGIONS_ENV = "SENTRY_MONITORING_TEST_REGIONS";

/**
 * Whether an organization may live on another host than the configured one. Only sentry.io has
 * regions; a self-hosted server answers for all its organizations, and the region URL it names may
 * only be itself anyway (isAllowedRegionUrl), so looking it up would cost a round trip for nothing.
 */
export function hasRegions(configuredUrl: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env[TEST_REGIONS_ENV] === "1") return true;
  try {
    return isSentryIoHost(new URL(configuredUrl).hostname);
  } catch {
    return false;
  }
}

/**
 * The token may be sent to a region URL only when it is
 * - https on sentry.io (or a subdomain, on the default port) while the configured URL is sentry.io too, or
 * - on the configured host or a subdomain of it, on the same port, over https (or over http when the
 *   configured URL is http itself: a region cannot make a plain-http setup worse, only a downgrade could).
 * Another port on the same host is refused: it may be another service, or another user's process, and a
 * region answer is cached for a day. Anything else would hand the token to a host the user never named;
 * a self-hosted token never goes to sentry.io.
 */
export function isAllowedRegionUrl(regionUrl: string, configuredUrl: string): boolean {
  let region: URL;
  let configured: URL;
  try {
    region = new URL(regionUrl);
    configured = new URL(configuredUrl);
  } catch {
    return false;
  }
  if (region.username || region.password || region.search || region.hash) return false;
  if (isSentryIoHost(configured.hostname)) {
    return region.protocol === "https:" && isSentryIoHost(region.hostname) && region.port === "";
  }
  const schemeOk = region.protocol === "https:" || region.protocol === configured.protocol;
  const hostOk = region.hostname === configured.hostname || region.hostname.endsWith(`.${configured.hostname}`);
  return schemeOk && hostOk && effectivePort(region) === effectivePort(configured);
}

/**
 * Hosts (other than sentry.io) that have received the token before, kept beside the region cache as
 * SHA-256 hashes of the origin: the file says nothing readable about which servers the user talks to,
 * and never holds the token. The first time a host gets the token, the tool says so on stderr.
 */
export function knownHostsPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(regionCachePath(env), "..", "token-hosts.json");
}

// node:crypto is taken when a host is checked, not imported with the bundle: loading it costs
// about 6 ms, which --help and bad input need not pay (measured, issue 12).
const hostDigest = (origin: string) => process.getBuiltinModule("node:crypto").createHash("sha256").update(origin).digest("hex");

/** Records that `origin` got the token; true when it had not before (and it is not sentry.io). */
export function firstTokenContact(origin: string, path = knownHostsPath()): boolean {
  if (isSentryIoHost(new URL(origin).hostname)) return false;
  const digest = hostDigest(origin);
  let known: string[] = [];
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as unknown;
    if (Array.isArray(parsed)) known = parsed.filter((d): d is string => typeof d === "string");
  } catch {
    // Missing or unreadable: every host is new, which only costs a warning.
  }
  if (known.includes(digest)) return false;
  try {
    mkdirSync(join(path, ".."), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify([...known, digest]));
    renameSync(tmp, path);
  } catch {
    // A read-only cache directory means the warning comes again next time; better than never.
  }
  return true;
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

export function isPlainHttpToRemote(url: string): boolean {
  const u = new URL(url);
  return u.protocol === "http:" && !LOOPBACK.has(u.hostname) && !u.hostname.startsWith("127.");
}
