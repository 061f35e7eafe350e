// Fault injection: answer the next N matching requests with a failure a real Sentry (or a proxy in front
// of it) produces, so tools can be tested and tried against rate limits, brownouts, resets, hangs and bad bodies.

import { wildcardToRegExp } from "./match.js";

export type FaultKind =
  /** An HTTP error with a Sentry-like body (429 with rate-limit headers, 410 brownout, 5xx …). */
  | "status"
  /** Destroy the socket without answering (ECONNRESET / "socket hang up" on the client). */
  | "reset"
  /** Never answer until the sandbox closes: the client's timeout must fire. */
  | "hang"
  /** An HTML page instead of JSON, as a load balancer or login redirect sends. */
  | "html"
  /** Status 200 and JSON cut in the middle. */
  | "truncated"
  /** Status 200, content-type JSON, empty body. */
  | "empty";

export interface FaultRule {
  /** Only this method (any when absent). */
  method?: string;
  /**
   * Which requests: a substring of the request path (e.g. "/issues/"), or, when it contains `*`, a pattern where
   * `*` matches any characters, anchored at both ends. Matched against the full path ("/api/0/organizations/…/")
   * and against the path after /api/0, so "/organizations/*\/issues/" works too.
   */
  path: string;
  /** How many matching requests fail; later ones pass through. Defaults to 1. */
  times?: number;
  kind: FaultKind;
  /** For "status": 429, 410, 500, 502, 503, 401, 403 or 404 (default 500). For "html": 200 or 502 (default 502). */
  status?: number;
  /** For a 429: also send Retry-After with this many seconds (Sentry's own middleware never does; proxies do). */
  retryAfter?: number;
}

export interface ActiveFault extends Required<Pick<FaultRule, "path" | "kind">> {
  method?: string;
  status?: number;
  retryAfter?: number;
  remaining: number;
}

export interface FaultControl {
  add(rule: FaultRule): void;
  clear(): void;
  list(): ActiveFault[];
}

const KINDS: readonly FaultKind[] = ["status", "reset", "hang", "html", "truncated", "empty"];
export const STATUS_FAULT_CODES = [401, 403, 404, 410, 429, 500, 502, 503] as const;
const HTML_FAULT_CODES = [200, 502];
const DEFAULT_STATUS = 500;
const DEFAULT_HTML_STATUS = 502;

/** Validates a rule from the admin API or a test; throws an Error whose message says what is wrong. */
export function validateFaultRule(input: unknown): FaultRule {
  if (typeof input !== "object" || input === null || Array.isArray(input)) throw new Error("fault rule must be a JSON object");
  const rule = input as Record<string, unknown>;
  if (typeof rule.path !== "string" || rule.path === "") throw new Error("fault rule needs a non-empty string `path`");
  if (typeof rule.kind !== "string" || !KINDS.includes(rule.kind as FaultKind)) {
    throw new Error(`fault rule \`kind\` must be one of ${KINDS.join(", ")}`);
  }
  if (rule.method !== undefined && typeof rule.method !== "string") throw new Error("fault rule `method` must be a string");
  if (rule.times !== undefined && (!Number.isInteger(rule.times) || (rule.times as number) < 1)) {
    throw new Error("fault rule `times` must be a positive integer");
  }
  if (rule.status !== undefined) {
    const allowed: readonly number[] = rule.kind === "html" ? HTML_FAULT_CODES : STATUS_FAULT_CODES;
    if (!allowed.includes(rule.status as number)) throw new Error(`fault rule \`status\` for ${rule.kind} must be one of ${allowed.join(", ")}`);
  }
  if (rule.retryAfter !== undefined && (!Number.isInteger(rule.retryAfter) || (rule.retryAfter as number) < 0)) {
    throw new Error("fault rule `retryAfter` must be a non-negative integer (seconds)");
  }
  return {
    path: rule.path,
    kind: rule.kind as FaultKind,
    ...(rule.method !== undefined && { method: (rule.method as string).toUpperCase() }),
    ...(rule.times !== undefined && { times: rule.times as number }),
    ...(rule.status !== undefined && { status: rule.status as number }),
    ...(rule.retryAfter !== undefined && { retryAfter: rule.retryAfter as number }),
  };
}

function pathMatches(pattern: string, fullPath: string): boolean {
  const shortPath = fullPath.startsWith("/api/0/") ? fullPath.slice("/api/0".length) : fullPath;
  if (!pattern.includes("*")) return fullPath.includes(pattern);
  const regex = wildcardToRegExp(pattern, { caseInsensitive: false });
  return regex.test(fullPath) || regex.test(shortPath);
}

export class FaultTable implements FaultControl {
  private rules: ActiveFault[] = [];

  add(rule: FaultRule): void {
    const valid = validateFaultRule(rule);
    this.rules.push({
      path: valid.path,
      kind: valid.kind,
      ...(valid.method !== undefined && { method: valid.method }),
      status: valid.status ?? (valid.kind === "html" ? DEFAULT_HTML_STATUS : valid.kind === "status" ? DEFAULT_STATUS : undefined),
      ...(valid.retryAfter !== undefined && { retryAfter: valid.retryAfter }),
      remaining: valid.times ?? 1,
    });
  }

  clear(): void {
    this.rules = [];
  }

  list(): ActiveFault[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** The first rule that matches, consuming one of its uses (rules are tried in the order they were added). */
  take(method: string, path: string): ActiveFault | undefined {
    const index = this.rules.findIndex((r) => (!r.method || r.method === method) && pathMatches(r.path, path));
    if (index < 0) return undefined;
    const rule = this.rules[index]!;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.rules.splice(index, 1);
    return { ...rule };
  }
}

/** Sentry-like bodies for injected statuses (DRF `detail`; the brownout body is src/sentry/api/helpers/deprecation.py). */
export const FAULT_BODIES: Record<number, unknown> = {
  401: { detail: "Invalid token" },
  403: { detail: "You do not have permission to perform this action." },
  404: { detail: "The requested resource does not exist" },
  410: { message: "This API no longer exists." },
  500: { detail: "Internal Error" },
  502: { detail: "Bad Gateway" },
  503: { detail: "Service Unavailable" },
};

/** A proxy-style error page: what a client sees when a load balancer, not the API, answers. */
export function faultHtmlPage(status: number): string {
  const title = status === 200 ? "Sentry" : `${status} Bad Gateway`;
  const heading = status === 200 ? "Please sign in to continue" : "502 Bad Gateway";
  return `<!DOCTYPE html>\n<html>\n<head><title>${title}</title></head>\n<body>\n<center><h1>${heading}</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n`;
}
