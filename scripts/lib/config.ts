// Where the tools find their Sentry URL, organization, project and token, highest first:
// flags > environment > .sentryclirc (nearest upward, then ~) > organization-token claims > defaults.
// There is deliberately no --token flag: a token in argv ends up in shell history and process lists.
// A token is bound to where it came from (bindTokenToUrl): a .sentryclirc in a checkout the agent did
// not write must not be able to send the user's token to a host of its choosing.

import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { AuthError, UsageError } from "./errors.js";
import { shellQuote } from "./output.js";
import { registerSecret } from "./redact.js";
import { parseBaseUrl, parseSlug } from "./validate.js";

export const DEFAULT_URL = "https://sentry.io";

export interface Config {
  /** Base URL without a trailing slash, e.g. https://sentry.io */
  url: string;
  urlSource: string;
  org?: string;
  orgSource?: string;
  project?: string;
  projectSource?: string;
  token?: string;
  tokenSource?: string;
  /** Region URL an organization token names for its own organization. */
  tokenRegionUrl?: string;
}

export interface ConfigInputs {
  flags: { org?: string; project?: string; url?: string };
  env: NodeJS.ProcessEnv;
  cwd: string;
  home: string;
}

export interface SentryCliRc {
  token?: string;
  url?: string;
  org?: string;
  project?: string;
}

/**
 * Parses the INI subset sentry-cli reads: [section] headers, key = value (or key: value),
 * ; and # comments. Unknown sections and keys are ignored; a malformed line is a UsageError.
 */
export function parseSentryCliRc(text: string, path = ".sentryclirc"): SentryCliRc {
  const out: SentryCliRc = {};
  let section = "";
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "" || line.startsWith(";") || line.startsWith("#")) continue;
    const header = /^\[([^\]]*)\]$/.exec(line);
    if (header) {
      section = header[1]!.trim().toLowerCase();
      continue;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    if (!kv) throw new UsageError(`${path}:${i + 1}: cannot read this line (expected key = value)`);
    const key = kv[1]!.trim().toLowerCase();
    const value = unquote(kv[2]!.trim());
    if (section === "auth" && key === "token") out.token = value;
    else if (section === "defaults" && (key === "url" || key === "org" || key === "project")) out[key] = value;
  }
  return out;
}

function unquote(value: string): string {
  if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0]!)) return value.slice(1, -1);
  return value;
}

/** .sentryclirc files from the working directory upward, then the one in the home directory. */
function findSentryCliRcFiles(cwd: string, home: string): string[] {
  const found: string[] = [];
  let dir = resolve(cwd);
  for (;;) {
    const candidate = join(dir, ".sentryclirc");
    if (existsSync(candidate)) found.push(candidate);
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  const homeRc = join(home, ".sentryclirc");
  if (!found.includes(homeRc) && existsSync(homeRc)) found.push(homeRc);
  return found;
}

export interface TokenClaims {
  url?: string;
  regionUrl?: string;
  org?: string;
}

/**
 * Organization tokens carry unsigned claims written by the server: sntrys_<base64 JSON>_<secret>
 * with {iat, url, region_url, org} (docs/sentry-api.md §18). Anything unreadable yields no claims.
 */
export function parseOrgTokenClaims(token: string): TokenClaims {
  if (!token.startsWith("sntrys_")) return {};
  const body = token.slice("sntrys_".length);
  const end = body.lastIndexOf("_");
  if (end <= 0) return {};
  try {
    const json = JSON.parse(Buffer.from(body.slice(0, end), "base64").toString("utf8")) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
    return { url: str(json.url), regionUrl: str(json.region_url), org: str(json.org) };
  } catch {
    return {};
  }
}

export function resolveConfig(inputs: ConfigInputs): Config {
  const { flags, env } = inputs;
  const rc: SentryCliRc & { sources: Partial<Record<keyof SentryCliRc, string>> } = { sources: {} };
  // Nearest file wins per key; farther files (and ~/.sentryclirc) only fill in what is missing.
  for (const file of findSentryCliRcFiles(inputs.cwd, inputs.home)) {
    const parsed = parseSentryCliRc(readFileSync(file, "utf8"), file);
    for (const key of ["token", "url", "org", "project"] as const) {
      if (rc[key] === undefined && parsed[key]) {
        rc[key] = parsed[key];
        rc.sources[key] = file;
      }
    }
  }

  // Values are trimmed: a token pasted with its trailing newline is still the token.
  const pick = (...candidates: Array<[string | undefined, string]>): [string, string] | undefined => {
    for (const [value, source] of candidates) {
      const trimmed = value?.trim();
      if (trimmed) return [trimmed, source];
    }
    return undefined;
  };

  const token = pick([env.SENTRY_AUTH_TOKEN, "SENTRY_AUTH_TOKEN"], [rc.token, rc.sources.token ?? ".sentryclirc"]);
  if (token) {
    registerSecret(token[0]);
    checkTokenCharacters(token[0], token[1]);
  }
  const claims = token ? parseOrgTokenClaims(token[0]) : {};

  const url = pick(
    [flags.url, "--url"],
    [env.SENTRY_URL, "SENTRY_URL"],
    [env.SENTRY_HOST, "SENTRY_HOST"],
    [rc.url, rc.sources.url ?? ".sentryclirc"],
    [claims.url, "organization token"],
  ) ?? [DEFAULT_URL, "default"];
  const baseUrl = parseBaseUrl(url[0], url[1]);
  if (token) bindTokenToUrl(baseUrl, url[1], token[1]);

  const org = pick([flags.org, "--org"], [env.SENTRY_ORG, "SENTRY_ORG"], [rc.org, rc.sources.org ?? ".sentryclirc"], [claims.org, "organization token"]);
  const project = pick([flags.project, "--project"], [env.SENTRY_PROJECT, "SENTRY_PROJECT"], [rc.project, rc.sources.project ?? ".sentryclirc"]);

  return {
    url: baseUrl.origin + baseUrl.pathname.replace(/\/+$/, ""),
    urlSource: url[1],
    org: org ? parseSlug(org[0], "organization") : undefined,
    orgSource: org?.[1],
    project: project ? parseSlug(project[0], "project") : undefined,
    projectSource: project?.[1],
    token: token?.[0],
    tokenSource: token?.[1],
    // The claimed region applies only to the claimed organization.
    tokenRegionUrl: claims.regionUrl && org && claims.org === org[0] ? claims.regionUrl : undefined,
  };
}

/** Where a URL counts as chosen by the user for any token: flags, the environment, the token itself, the default. */
const EXPLICIT_URL_SOURCES = new Set(["--url", "SENTRY_URL", "SENTRY_HOST", "organization token", "default"]);

const isSentryIoHttps = (url: URL) => url.protocol === "https:" && (url.hostname === "sentry.io" || url.hostname.endsWith(".sentry.io")) && url.port === "";

/**
 * A token goes only to the URL configured beside it: a URL from the same .sentryclirc as the token, or
 * one the user set for any token (--url, SENTRY_URL), or sentry.io. A URL that a .sentryclirc in the
 * working directory or a parent sets while the token comes from elsewhere (the environment, or
 * ~/.sentryclirc) is refused: whoever wrote that file would receive the user's token.
 */
function bindTokenToUrl(url: URL, urlSource: string, tokenSource: string): void {
  if (EXPLICIT_URL_SOURCES.has(urlSource) || urlSource === tokenSource || isSentryIoHttps(url)) return;
  const base = url.origin + url.pathname.replace(/\/+$/, "");
  throw new AuthError(
    `${urlSource} sets the Sentry URL to ${base}, but the token comes from ${tokenSource}; a token is only sent to the URL configured beside it`,
    `if ${url.host} is your Sentry server, say so: export SENTRY_URL=${shellQuote(base)} (or --url); otherwise remove its url line`,
  );
}

/**
 * A token is printable ASCII without spaces. A line break inside one (a file saved with CRLF, two values
 * pasted together) would otherwise reach the HTTP layer and surface as a puzzling network error.
 */
function checkTokenCharacters(token: string, source: string): void {
  if (/^[\x21-\x7e]+$/.test(token)) return;
  const what = /[\r\n]/.test(token) ? "a line break" : "a space or a character tokens never have";
  throw new AuthError(`the token from ${source} contains ${what}`, `set it again as the token alone, on one line (from Settings > Auth Tokens)`);
}

export function requireToken(config: Config): string {
  if (!config.token) {
    throw new AuthError(
      "no Sentry auth token configured",
      "set SENTRY_AUTH_TOKEN (or [auth] token in .sentryclirc); create one under Settings > Auth Tokens",
    );
  }
  return config.token;
}

export function defaultConfigInputs(flags: ConfigInputs["flags"]): ConfigInputs {
  return { flags, env: process.env, cwd: process.cwd(), home: process.env.HOME || homedir() };
}
