// Input validation, run before any request: a value that fails here exits 2 and nothing is sent.
// Every parser throws only UsageError, so the runner can turn any bad input into one clear line.

import { UsageError } from "./errors.js";
import { capText } from "./text.js";

/** User input quoted for an error message, shortened: a 100 KB --query is not echoed back whole. */
export function quoteInput(value: string): string {
  return capText(JSON.stringify(value));
}

/**
 * Sentry slugs: lowercase letters, digits, - and _ (src/sentry/db/models/fields/slug.py). All digits
 * is let through: the API also takes numeric organization and project IDs where it takes slugs.
 */
const SLUG = /^[a-z0-9_-]{1,100}$/;

export function parseSlug(value: string, what: "organization" | "project" | "team"): string {
  const trimmed = value.trim();
  if (!SLUG.test(trimmed)) {
    throw new UsageError(
      `invalid ${what} slug ${quoteInput(value)}: use lowercase letters, digits, - and _`,
      what === "project" ? "list them with: node dist/list-projects.mjs" : "the slug is in your Sentry URLs: /organizations/<slug>/",
    );
  }
  return trimmed;
}

export type IssueRef =
  | { kind: "id"; id: string }
  | { kind: "shortId"; shortId: string }
  | { kind: "url"; id: string; org?: string };

/** Short IDs are PROJECT-SLUG in upper case, a dash, then a base-32 counter: WEB-FRONTEND-1A2. */
const SHORT_ID = /^[A-Z0-9][A-Z0-9_-]*-[A-Z0-9]+$/;
const MAX_SHORT_ID_LENGTH = 120;

/**
 * Whether a short ID from a server has the shape user input must have. A value that does not is never
 * put into a suggested command (a shortId of `WEB-1 --yes; curl …|sh` would become one).
 */
export function isShortId(value: unknown): value is string {
  return typeof value === "string" && value.length <= MAX_SHORT_ID_LENGTH && SHORT_ID.test(value);
}
const NUMERIC_ID = /^[1-9]\d{0,19}$/;

/**
 * Accepts a numeric issue ID, a short ID (case-insensitive), or a Sentry issue URL, in any of the
 * shapes Sentry links use: https://<org>.sentry.io/issues/<id>/ and https://host/organizations/<org>/issues/<id>/.
 */
export function parseIssueRef(value: string): IssueRef {
  const raw = value.trim();
  if (NUMERIC_ID.test(raw)) return { kind: "id", id: raw };
  if (/^https?:\/\//i.test(raw)) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new UsageError(`invalid issue URL ${quoteInput(value)}`);
    }
    const path = url.pathname;
    const orgPath = /\/organizations\/([^/]+)\/issues\/(\d+)(?:\/|$)/.exec(path);
    if (orgPath) {
      let org: string;
      try {
        org = decodeURIComponent(orgPath[1]!);
      } catch {
        throw new UsageError(`invalid issue URL ${quoteInput(value)}: bad percent-encoding in the organization`);
      }
      // The organization is sent back in API paths: it must be a slug like any --org.
      return { kind: "url", id: orgPath[2]!, org: parseSlug(org, "organization") };
    }
    const bare = /^\/issues\/(\d+)(?:\/|$)/.exec(path);
    if (bare) {
      // SaaS links put the organization in the subdomain: https://acme.sentry.io/issues/123/
      const sub = /^([a-z0-9_-]+)\.sentry\.io$/i.exec(url.hostname);
      const org = sub && !["us", "de", "www"].includes(sub[1]!.toLowerCase()) ? sub[1]!.toLowerCase() : undefined;
      return { kind: "url", id: bare[1]!, org };
    }
    throw new UsageError(`not a Sentry issue URL: ${quoteInput(value)}`, "expected …/issues/<numeric id>/ in the path");
  }
  const upper = raw.toUpperCase();
  if (isShortId(upper)) return { kind: "shortId", shortId: upper };
  throw new UsageError(
    `invalid issue ${quoteInput(value)}: expected a numeric ID, a short ID like WEB-1A2, or an issue URL`,
  );
}

export const MAX_VERSION_LENGTH = 200;

/** Sentry's release version rules (src/sentry/models/release.py, docs/sentry-api.md §9). */
export function parseReleaseVersion(value: string): string {
  const problem = releaseVersionProblem(value);
  if (problem) throw new UsageError(`invalid release version ${quoteInput(value)}: ${problem}`);
  return value;
}

function releaseVersionProblem(value: string): string | undefined {
  if (value.length === 0) return "it is empty";
  if (value.length > MAX_VERSION_LENGTH) return `it is longer than ${MAX_VERSION_LENGTH} characters`;
  if (value !== value.trim()) return "it has leading or trailing white space";
  if (value === "." || value === "..") return "it cannot be . or ..";
  if (value.toLowerCase() === "latest") return "'latest' is reserved";
  if (/[/\\]/.test(value)) return "it cannot contain / or \\";
  if (/[\r\n\f\t\v]/.test(value)) return "it cannot contain newlines or tabs";
  return undefined;
}

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** "30m", "2h", "7d", "1w" → seconds. */
export function parseDuration(value: string, flag = "duration"): number {
  const m = /^(\d{1,6})([smhdw])$/.exec(value.trim());
  if (!m || Number(m[1]) === 0) {
    throw new UsageError(`invalid ${flag} ${quoteInput(value)}: use a number and a unit, like 30m, 24h, 7d`);
  }
  return Number(m[1]) * DURATION_UNITS[m[2]!]!;
}

/** Formats seconds back as the largest whole unit: 86400 → "1d" (round-trips with parseDuration). */
export function formatDuration(seconds: number): string {
  for (const unit of ["w", "d", "h", "m"] as const) {
    const size = DURATION_UNITS[unit]!;
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

/** Sentry's statsPeriod accepts these units; weeks are sent as days. */
export function toStatsPeriod(seconds: number): string {
  const text = formatDuration(seconds);
  return text.endsWith("w") ? `${(seconds / 86400).toString()}d` : text;
}

/** One of a fixed set of words (--sort, --type); own values only, so "toString" is not a choice. */
export function parseChoice<T extends string>(value: string | undefined, flag: string, choices: readonly T[], fallback: T): T {
  const chosen = (value ?? fallback).trim();
  if (!(choices as readonly string[]).includes(chosen)) {
    throw new UsageError(`invalid --${flag} ${quoteInput(chosen)}`, `use one of: ${choices.join(", ")}`);
  }
  return chosen as T;
}

export function parseIntegerFlag(value: string, flag: string, min: number, max: number): number {
  const trimmed = value.trim();
  if (!/^-?\d+$/.test(trimmed)) throw new UsageError(`--${flag} must be a whole number, got ${quoteInput(value)}`);
  const n = Number(trimmed);
  if (n < min || n > max) throw new UsageError(`--${flag} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** Opaque pagination cursors look like 0:100:0 or 1420837533:0:0 (docs/sentry-api.md §15). */
const CURSOR = /^-?\d{1,20}:\d{1,10}:[01]$/;

export function parseCursor(value: string): string {
  if (!CURSOR.test(value.trim())) {
    throw new UsageError(`invalid --cursor ${quoteInput(value)}: copy it from the previous page's footer`);
  }
  return value.trim();
}

/**
 * Whether a cursor from a server's Link header is one --cursor would accept. Cursors are printed in
 * "continue with --cursor …" lines, so one that is not (`0:100:0$(touch x)`) is never passed on.
 */
export function isCursor(value: unknown): value is string {
  return typeof value === "string" && CURSOR.test(value);
}

/** A base URL for Sentry: http(s) with a host, no path beyond an optional trailing slash. */
export function parseBaseUrl(value: string, source: string): URL {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new UsageError(`invalid Sentry URL ${quoteInput(value)} (from ${source})`, "expected e.g. https://sentry.io");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new UsageError(`invalid Sentry URL ${quoteInput(value)} (from ${source}): must be http or https`);
  }
  if (url.username || url.password) {
    throw new UsageError(`the Sentry URL from ${source} contains credentials; put the token in SENTRY_AUTH_TOKEN instead`);
  }
  return url;
}
