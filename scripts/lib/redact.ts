// The one redaction function applied to everything the tools print or log. A token must never reach
// stdout, stderr, or a file, even inside an error message echoed back from a server.

const MASK = "[redacted]";

/** Sentry's prefixed tokens: user, organization, user-app and internal-integration (src/sentry/types/token.py). */
const PREFIXED_TOKEN = /\bsntry[usai]_[A-Za-z0-9+/=_\-.]{8,}/gi;
// A backslash ends the value too: inside JSON text it starts an escape that must survive masking.
const BEARER_VALUE = /\b(Bearer)\s+[^\s"',;\\]+/gi;
/** user:password@ in any URL (git remotes, DSNs typed by hand, proxies). */
const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@:"']+):([^\s/@"']+)@/gi;
/**
 * A bare user@ on http(s) is, in practice, a token used as the user name (https://<token>@github.com/…).
 * Exception: exactly 32 hex characters is a Sentry DSN's public key, which is public by design
 * (it ships in every browser bundle), so DSNs stay readable.
 */
const HTTP_USERINFO = /\b(https?:\/\/)(?![0-9a-f]{32}@)[^\s/@"']+@/gi;
/** user:password@ in git's scp-like form (user:token@host:owner/repo.git), which has no scheme. */
const SCP_CREDENTIALS = /(^|[\s"'=(])([^\s/@:"'=(]+):([^\s/@"']+)@(?=[^\s/@:"']+:)/g;
/** Credentials in a query string (https://host/repo.git?access_token=…), as GitLab and proxies take them. */
const QUERY_SECRET = /([?&](?:access_token|private_token|token|auth|password|passwd|secret|api_key|apikey|key)=)[^\s&#"']+/gi;
/** Enough of a token to look it up or guess the rest; a prefix this long is masked wherever it appears. */
const SECRET_PREFIX_LENGTH = 12;

const knownSecrets = new Set<string>();
/** For each known secret, a pattern that finds it, or its first 12 characters, in any letter case. */
const secretPatterns = new Map<string, RegExp>();

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Remember a secret (the configured token) so it is masked wherever it shows up, even unprefixed. */
export function registerSecret(secret: string | undefined): void {
  // Very short values would mask ordinary words; real tokens are long.
  if (!secret || secret.length < 8 || knownSecrets.has(secret)) return;
  knownSecrets.add(secret);
  // A server may echo the token upper-cased (a header name normalised, a log line shouted), or only its
  // start (a "token abcdef012345… is invalid" message): both are masked, with whatever token
  // characters follow the prefix.
  const prefix = escapeRegExp(secret.slice(0, SECRET_PREFIX_LENGTH));
  secretPatterns.set(secret, new RegExp(`${prefix}[A-Za-z0-9+/=_.-]*`, "gi"));
}

export function redactSecrets(text: string): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (out.includes(secret)) out = out.split(secret).join(MASK);
    const pattern = secretPatterns.get(secret)!;
    pattern.lastIndex = 0;
    if (pattern.test(out)) out = out.replace(pattern, MASK);
  }
  return out
    .replace(PREFIXED_TOKEN, MASK)
    .replace(QUERY_SECRET, (_m, key: string) => `${key}${MASK}`)
    .replace(SCP_CREDENTIALS, (_m, before: string) => `${before}${MASK}@`)
    .replace(BEARER_VALUE, (_m, scheme: string) => `${scheme} ${MASK}`)
    .replace(URL_CREDENTIALS, (_m, scheme: string) => `${scheme}${MASK}@`)
    .replace(HTTP_USERINFO, (m, scheme: string) => (m.startsWith(`${scheme}${MASK}@`) ? m : `${scheme}${MASK}@`));
}

/**
 * Removes credentials from a URL before it is sent or printed (git remotes with embedded tokens):
 * user:password@ with a scheme or in scp form, a bare user@ on http(s), and the query string and
 * fragment (?access_token=…), which a repository's address never needs. A plain ssh user (git@) stays.
 */
export function stripUrlCredentials(url: string): string {
  return url
    .replace(URL_CREDENTIALS, (_m, scheme: string) => scheme)
    .replace(HTTP_USERINFO, (_m, scheme: string) => scheme)
    .replace(SCP_CREDENTIALS, (_m, before: string) => before)
    .replace(/[?#][^\s]*$/, "");
}
