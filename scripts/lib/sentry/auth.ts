// What the token may do, asked before a write is promised: GET /api/0/ answers with the calling token's
// scopes (Sentry's API index, docs/sentry-api.md §18), so a preview can say "this token cannot write" instead
// of "Would send" followed by a 403 under --yes.

import type { SentryApi } from "../api.js";
import { AuthError } from "../errors.js";
import { getChecked, tryGet } from "./client.js";
import { arrayOf, nullable, object, optional, str } from "./schema.js";

const apiIndex = object({ auth: optional(nullable(object({ scopes: arrayOf(str) }))) });

/**
 * The scopes that admit each write the tools send (the endpoints' permission classes: OrganizationReleasePermission
 * for POST/PUT on releases, the group permission for PUT on issues). A token with any one of them may write.
 */
export const WRITE_SCOPES = {
  releases: ["project:releases", "org:ci", "project:write", "project:admin"],
  issues: ["event:write", "event:admin"],
} as const;

/** The token's scopes, or null when the server does not say (no `auth` in the index, or the read is refused). */
async function tokenScopes(api: SentryApi): Promise<string[] | null> {
  const index = await tryGet(getChecked(api, "/", apiIndex), (err) => err instanceof AuthError);
  return index?.body.auth?.scopes ?? null;
}

/**
 * Stops a write before anything is promised or sent when the token's scopes are known and none admits it
 * (exit 4). When the server does not say, Sentry keeps the last word (a 403 under --yes).
 */
export async function requireWriteScope(api: SentryApi, kind: keyof typeof WRITE_SCOPES, hint: string): Promise<void> {
  const scopes = await tokenScopes(api);
  if (!scopes) return;
  const admitted: readonly string[] = WRITE_SCOPES[kind];
  if (scopes.some((s) => admitted.includes(s))) return;
  throw new AuthError(`this token cannot make this change: it has ${scopes.length ? scopes.join(", ") : "no scopes"}, and the write needs one of ${admitted.join(", ")}`, hint, 403);
}
