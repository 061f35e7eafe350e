// Bearer tokens the sandbox accepts, and how Sentry answers when they are missing, unknown or too weak.
// Scopes and 401 bodies follow docs/sentry-api.md §18 (src/sentry/api/permissions.py, authentication.py).

import { rngFor } from "./seed/rng.js";
import { SECOND } from "./time.js";
import type { TokenInfo, World } from "./types.js";

export const FULL_ACCESS_TOKEN = "sandbox";
export const READ_ONLY_TOKEN = "sandbox-read";
export const CI_TOKEN = "sandbox-ci";
/**
 * A user auth token in Sentry's current format (`sntryu_` + 64 hex characters), with every scope: long and
 * shaped like a real one, so the secret-scanning tests can look for it, and its first 12 characters, in
 * everything a tool prints while it succeeds, not only while it fails with 401.
 */
export const USER_TOKEN = `sntryu_${"5e1f0c3a9b7d2e46".repeat(4)}`;

const READ_SCOPES = ["org:read", "project:read", "event:read", "alerts:read", "member:read", "team:read"];
const ALL_SCOPES = [
  ...READ_SCOPES,
  "org:write",
  "org:admin",
  "project:write",
  "project:admin",
  "project:releases",
  "event:write",
  "event:admin",
  "alerts:write",
];
/** Organization tokens are created with exactly this scope and it cannot be edited (docs/sentry-api.md §18). */
export const ORG_TOKEN_SCOPES = ["org:ci"];

export const NO_CREDENTIALS = { detail: "Authentication credentials were not provided." };
export const INVALID_TOKEN = { detail: "Invalid token" };
export const PERMISSION_DENIED = { detail: "You do not have permission to perform this action." };

/** The identity a request without Authorization gets on routes that allow it (GET /api/0/). */
export const ANONYMOUS: TokenInfo = { label: "anonymous", kind: "user", scopes: new Set() };

/** Length of the random part of an `sntrys_` token; Sentry uses 32 random bytes, base64 without padding (43 chars). */
const ORG_TOKEN_SECRET_BYTES = 32;

/**
 * Builds the `sntrys_` organization token: `sntrys_<base64 JSON {iat, url, region_url, org}>_<secret>`.
 * The claims are unsigned but written by the server, so clients read url/region_url from them to pick a host
 * (getsentry/cli lib/token-claims.ts). Deterministic for (seed, now, urls) so a printed token stays valid on restart.
 */
export function makeOrgToken(world: World, urls: { main: string; region?: string }): string {
  const org = world.orgs[0]!;
  const claims = {
    iat: Math.floor(world.now / SECOND),
    url: urls.main,
    region_url: org.home === "region" && urls.region ? urls.region : urls.main,
    org: org.slug,
  };
  const payload = Buffer.from(JSON.stringify(claims)).toString("base64");
  const secret = Buffer.from(rngFor(world.seed, "org-token").hex(ORG_TOKEN_SECRET_BYTES * 2), "hex")
    .toString("base64")
    .replace(/=+$/, "");
  return `sntrys_${payload}_${secret}`;
}

export type AuthResult = { ok: true; token: TokenInfo } | { ok: false; status: 401; body: unknown };

/** The token table of one running sandbox. */
export function createAuthenticator(world: World, orgToken: string): (authorization: string | undefined) => AuthResult {
  const firstOrg = world.orgs[0]!.slug;
  const tokens = new Map<string, TokenInfo>([
    [FULL_ACCESS_TOKEN, { label: FULL_ACCESS_TOKEN, kind: "user", scopes: new Set(ALL_SCOPES) }],
    [READ_ONLY_TOKEN, { label: READ_ONLY_TOKEN, kind: "user", scopes: new Set(READ_SCOPES) }],
    [CI_TOKEN, { label: CI_TOKEN, kind: "org", scopes: new Set(ORG_TOKEN_SCOPES), orgSlug: firstOrg }],
    [USER_TOKEN, { label: "sntryu_…", kind: "user", scopes: new Set(ALL_SCOPES) }],
    [orgToken, { label: "sntrys_…", kind: "org", scopes: new Set(ORG_TOKEN_SCOPES), orgSlug: firstOrg }],
  ]);
  return (authorization) => {
    if (authorization === undefined || authorization.trim() === "") return { ok: false, status: 401, body: NO_CREDENTIALS };
    // Only the Bearer scheme names a token (TokenAuthentication); another scheme authenticates nothing,
    // which Sentry answers like a missing header.
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) return { ok: false, status: 401, body: NO_CREDENTIALS };
    const token = tokens.get(match[1]!);
    if (!token) return { ok: false, status: 401, body: INVALID_TOKEN };
    return { ok: true, token };
  };
}

/** Any-of check, as Sentry's ScopedPermission does; an empty list admits any valid token. */
export function hasAnyScope(token: TokenInfo, required: readonly string[]): boolean {
  return required.length === 0 || required.some((s) => token.scopes.has(s));
}

/** `Bearer sandbox` → `Bearer sand…`: enough to tell tokens apart in a log, never the secret. */
export function maskAuthorization(authorization: string | undefined): string | null {
  if (authorization === undefined) return null;
  const match = /^(\S+)\s+(\S+)/.exec(authorization);
  if (!match) return "…";
  return `${match[1]} ${match[2]!.slice(0, 4)}…`;
}
