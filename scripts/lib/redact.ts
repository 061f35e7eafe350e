// The one redaction function applied to everything the tools print or log. A token must never reach
// stdout, stderr, or a file, even inside an error message echoed back from a server.

const MASK = "[redacted]";

/** Sentry's prefixed tokens: user, organization, user-app and internal-integration (src/sentry/types/token.py). */
const PREFIXED_TOKEN = /\bsntry[usai]_[A-Za-z0-9+/=_\-.]{8,}/g;
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

const knownSecrets = new Set<string>();

/** Remember a secret (the configured token) so it is masked wherever it shows up, even unprefixed. */
export function registerSecret(secret: string | undefined): void {
  // Very short values would mask ordinary words; real tokens are long.
  if (secret && secret.length >= 8) knownSecrets.add(secret);
}

export function redactSecrets(text: string): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (out.includes(secret)) out = out.split(secret).join(MASK);
  }
  return out
    .replace(PREFIXED_TOKEN, MASK)
    .replace(BEARER_VALUE, (_m, scheme: string) => `${scheme} ${MASK}`)
    .replace(URL_CREDENTIALS, (_m, scheme: string) => `${scheme}${MASK}@`)
    .replace(HTTP_USERINFO, (m, scheme: string) => (m.startsWith(`${scheme}${MASK}@`) ? m : `${scheme}${MASK}@`));
}

/** Removes user:password from a URL before it is sent or printed (git remotes with embedded tokens). */
export function stripUrlCredentials(url: string): string {
  return url.replace(URL_CREDENTIALS, (_m, scheme: string) => scheme).replace(HTTP_USERINFO, (_m, scheme: string) => scheme);
}
