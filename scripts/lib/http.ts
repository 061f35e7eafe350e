// The HTTP client every tool uses: undici with one keep-alive pool per origin, timeouts, an overall
// deadline, bounded retries for calls that are safe to repeat, Sentry's rate-limit headers, and
// Sentry's error bodies turned into typed errors. Nothing here prints a token: log lines go through
// redactSecrets, and the Authorization header is never logged.

// undici's parts, not its index: the index loads fetch, WebSocket, EventSource, caches, mocks and every
// dispatcher (about 550 KB bundled) for a tool that sends a few GETs. Agent and the request API are
// what a call needs; types come from undici's own declarations (scripts/lib/undici-parts.d.ts).
import Agent from "undici/lib/dispatcher/agent.js";
import requestApi from "undici/lib/api/api-request.js";
import undiciErrors from "undici/lib/core/errors.js";
import type { Dispatcher } from "undici";
import { ApiError, AuthError, CliError, NetworkError, NotFoundError, RateLimitError, UsageError } from "./errors.js";
import { redactSecrets } from "./redact.js";
import { capText } from "./text.js";

import { VERSION } from "./version.js";

export const USER_AGENT = `sentry-monitoring/${VERSION}`;

/** Attempts for a call that is safe to repeat: the first try plus this many retries. */
export const MAX_RETRIES = 3;
const BACKOFF_BASE_MS = 250;
const BACKOFF_MAX_MS = 4000;
/** Longest we wait for a rate-limit window to reset before giving up with exit 6. */
export const MAX_RATE_LIMIT_WAIT_S = 20;
/**
 * Longest wait a rate-limit answer is believed about. Sentry's windows last seconds to minutes; a
 * Retry-After of 400 digits is a broken or hostile server, and is reported as "over an hour", capped.
 */
export const MAX_REPORTED_WAIT_S = 3600;
const CONNECT_TIMEOUT_MS = 10_000;
/** Bodies over this size are refused: no single Sentry API page is anywhere near it. */
export const MAX_BODY_BYTES = 50 * 1024 * 1024;

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
/** Statuses whose meaning (and exit code) does not depend on the body being Sentry's JSON. */
const STATUSES_WITH_OWN_MEANING = new Set([401, 403, 404, 410, 429]);

export interface HttpRequest {
  method: "GET" | "POST" | "PUT" | "DELETE";
  url: string;
  token: string;
  body?: unknown;
  /**
   * True when sending the request twice leaves the same outcome as sending it once. GETs are;
   * each write that sets this says why at its call site.
   */
  idempotent: boolean;
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Record<string, string>;
  body: T;
  /** Raw body size in bytes, for the benchmark's output-economy figures. */
  bytes: number;
}

export interface HttpOptions {
  /** Overall deadline for one call, retries and rate-limit waits included. */
  timeoutMs: number;
  /**
   * Epoch milliseconds by which the whole run must be done, every call included: --timeout bounds one
   * call, this bounds `--all` over many slow pages. Absent: only the per-call deadline applies.
   */
  runDeadline?: number;
  /** Called with request/response lines when --verbose is on. */
  log?: (line: string) => void;
  /** Test hook: scales backoff sleeps (0 = no sleep). Not exposed as a flag. */
  backoffScale?: number;
}

let agent: Agent | undefined;
function sharedAgent(): Agent {
  // One Agent keeps a keep-alive pool per origin, so a tool's parallel calls share connections.
  // HTTP/1.1 only (undici's default, said here because the build leaves its HTTP/2 client out).
  agent ??= new Agent({ connect: { timeout: CONNECT_TIMEOUT_MS }, keepAliveTimeout: 10_000, connections: 8, allowH2: false });
  return agent;
}

type RequestOptions = Omit<Dispatcher.RequestOptions, "origin" | "path"> & { dispatcher: Dispatcher };

/** undici's top-level request(url, options), on the request API alone (its index is not loaded). */
function request(url: string, { dispatcher, ...options }: RequestOptions): Promise<Dispatcher.ResponseData> {
  const { origin, pathname, search } = new URL(url);
  return requestApi.call(dispatcher, { ...options, origin, path: `${pathname}${search}` });
}

/** Lets a finished tool exit at once instead of waiting for idle keep-alive sockets. */
export async function closeHttp(): Promise<void> {
  const a = agent;
  agent = undefined;
  if (a) await a.close().catch(() => undefined);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function backoffMs(attempt: number, scale: number): number {
  const exp = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** attempt);
  // Full jitter: concurrent clients that failed together do not retry together.
  return Math.round((exp / 2 + Math.random() * (exp / 2)) * scale);
}

/**
 * Seconds to wait after a 429: Retry-After (seconds or HTTP date) when a proxy sends it, otherwise
 * X-Sentry-Rate-Limit-Reset (epoch seconds of the next window), which is all Sentry's API sends.
 */
export function rateLimitWaitSeconds(headers: Record<string, string>, nowMs = Date.now()): number | undefined {
  const wait = askedWaitSeconds(headers, nowMs);
  return wait === undefined ? undefined : Math.min(wait, MAX_REPORTED_WAIT_S + 1);
}

function askedWaitSeconds(headers: Record<string, string>, nowMs: number): number | undefined {
  const retryAfter = headers["retry-after"];
  if (retryAfter !== undefined) {
    if (/^\d+(\.\d+)?$/.test(retryAfter.trim())) return Math.max(0, Number(retryAfter));
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, (date - nowMs) / 1000);
  }
  const reset = headers["x-sentry-rate-limit-reset"];
  if (reset !== undefined && /^\d+(\.\d+)?$/.test(reset.trim())) return Math.max(0, Number(reset) - nowMs / 1000);
  return undefined;
}

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

/** Sentry's `detail` is a string, a list, or {code, message}; serializer errors are {field: [msg]}. */
export function describeErrorBody(body: unknown): string | undefined {
  if (body === null || body === undefined) return undefined;
  if (typeof body === "string") return body.trim() ? capText(body.trim()) : undefined;
  if (Array.isArray(body)) return body.map((b) => describeErrorBody(b)).filter(Boolean).join("; ") || undefined;
  if (typeof body !== "object") return String(body);
  const obj = body as Record<string, unknown>;
  if ("detail" in obj) {
    const detail = obj.detail;
    if (detail && typeof detail === "object" && !Array.isArray(detail)) {
      const d = detail as Record<string, unknown>;
      return describeErrorBody(d.message ?? d.code);
    }
    return describeErrorBody(detail);
  }
  if (typeof obj.message === "string") return capText(obj.message);
  const fieldErrors = Object.entries(obj)
    .map(([field, msgs]) => `${field}: ${describeErrorBody(msgs) ?? "invalid"}`)
    .join("; ");
  return fieldErrors || undefined;
}

export interface ErrorContext {
  /** Scopes the tool's call needs, for a 403 hint, e.g. "event:write". */
  scopes?: string;
  /** What a 404 most likely means for this call. */
  notFoundHint?: string;
}

/** Maps a final non-2xx answer to the typed error and exit code SKILL.md documents. */
export function errorForStatus(status: number, body: unknown, headers: Record<string, string>, what: string, ctx: ErrorContext = {}): CliError {
  // Field errors and lists are joined from many parts: the whole is capped as well as each part.
  const described = describeErrorBody(body);
  const detail = described === undefined ? undefined : capText(described);
  const suffix = detail ? `: ${detail}` : "";
  switch (status) {
    case 400:
      return new UsageError(`Sentry rejected the request (400)${suffix}`, "check the flag values; see --help", 400, detail ?? "");
    case 401:
      return new AuthError(`authentication failed (401)${suffix}`, "the token is invalid, expired or revoked: create a new one and set SENTRY_AUTH_TOKEN", 401);
    case 403:
      return new AuthError(
        `permission denied (403)${suffix}`,
        ctx.scopes ? `this call needs a token with scope ${ctx.scopes}` : "the token lacks a scope this call needs, or you are not a member of the project",
        403,
      );
    case 404:
      return new NotFoundError(`not found (404): ${what}`, ctx.notFoundHint ?? "check the organization and project slugs (SENTRY_ORG, SENTRY_PROJECT, --org)", 404);
    case 410:
      return new NotFoundError(`this API endpoint is gone (410)${suffix}`, "Sentry has retired this endpoint; update sentry-monitoring", 410);
    case 414:
    case 431:
      // A proxy or the server refuses a request line or headers this large: a very long --query or list of values.
      return new UsageError(
        `Sentry refused the request as too large (${status}${status === 431 ? ", request headers too large" : ", URL too long"})`,
        "shorten the longest value (a --query, a list of IDs or projects) and try again",
      );
    case 429: {
      const wait = rateLimitWaitSeconds(headers);
      const hint =
        wait === undefined
          ? "wait a minute and try again"
          : wait > MAX_REPORTED_WAIT_S
            ? `the server asked to wait over ${MAX_REPORTED_WAIT_S / 3600} h (capped; an implausible answer); try again later`
            : `wait ${Math.ceil(wait)} s and try again`;
      return new RateLimitError(`rate limited by Sentry (429)${suffix}`, wait, hint);
    }
    default:
      if (status >= 500) return new NetworkError(`Sentry answered ${status} for ${what}${suffix}`, "a server-side problem; try again shortly");
      return new ApiError(`Sentry answered ${status} for ${what}${suffix}`, status);
  }
}

function isTransientNetworkError(err: unknown): boolean {
  if (err instanceof undiciErrors.SocketError || err instanceof undiciErrors.ConnectTimeoutError) return true;
  const code = (err as { code?: string }).code;
  return ["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "UND_ERR_SOCKET", "UND_ERR_CLOSED", "EAI_AGAIN"].includes(code ?? "");
}

function describeNetworkError(err: unknown, url: string): string {
  const code = (err as { code?: string }).code;
  const host = new URL(url).host;
  if (code === "ECONNREFUSED") return `cannot connect to ${host} (connection refused)`;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return `cannot resolve ${host}`;
  if (code === "ECONNRESET" || code === "UND_ERR_SOCKET") return `the connection to ${host} was reset`;
  return `network error talking to ${host}: ${(err as Error).message}`;
}

/**
 * One API call with retries. Returns the parsed JSON body of a 2xx answer; throws a typed CliError
 * for everything else. A 204 yields `null`; any other empty 2xx body is an error (a cut-off answer).
 */
export async function sendRequest<T = unknown>(req: HttpRequest, options: HttpOptions, errorContext: ErrorContext = {}): Promise<HttpResponse<T>> {
  const what = `${req.method} ${new URL(req.url).pathname}`;
  const callDeadline = Date.now() + options.timeoutMs;
  const runDeadline = options.runDeadline ?? Number.POSITIVE_INFINITY;
  const deadline = Math.min(callDeadline, runDeadline);
  // Which deadline cut the call short decides what the user is told to change. Timers fire a few
  // milliseconds early or late, hence the margin.
  const timeoutError = () =>
    runDeadline < callDeadline && Date.now() >= runDeadline - 50
      ? new NetworkError(`stopped: the run passed its overall deadline while waiting for ${what}`, "the whole run is limited to a multiple of --timeout; narrow the request (--limit instead of --all, a shorter period) or raise --timeout")
      : new NetworkError(`timed out after ${Math.round(options.timeoutMs / 1000)} s waiting for ${what}`, "Sentry is slow or unreachable; raise --timeout or try again");
  const scale = options.backoffScale ?? 1;
  const log = options.log;
  let lastError: CliError | undefined;

  for (let attempt = 0; attempt <= MAX_RETRIES; attempt++) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      lastError = timeoutError();
      break;
    }
    const started = Date.now();
    log?.(redactSecrets(`> ${req.method} ${req.url}${attempt ? ` (retry ${attempt})` : ""}`));
    let status: number;
    let headers: Record<string, string>;
    let text: string;
    try {
      const res = await request(req.url, {
        method: req.method,
        dispatcher: sharedAgent(),
        headers: {
          authorization: `Bearer ${req.token}`,
          "user-agent": USER_AGENT,
          accept: "application/json",
          ...(req.body !== undefined ? { "content-type": "application/json" } : {}),
        },
        body: req.body !== undefined ? JSON.stringify(req.body) : undefined,
        headersTimeout: remaining,
        bodyTimeout: remaining,
        // undici's request() follows no redirects (no redirect interceptor is installed), so a
        // cross-origin redirect can never carry the token elsewhere.
        signal: AbortSignal.timeout(remaining),
      });
      status = res.statusCode;
      headers = flattenHeaders(res.headers as Record<string, string | string[] | undefined>);
      text = await readBodyCapped(res.body, headers, what);
    } catch (err) {
      if (err instanceof CliError) throw err;
      const timedOut =
        err instanceof undiciErrors.HeadersTimeoutError ||
        err instanceof undiciErrors.BodyTimeoutError ||
        (err as Error).name === "TimeoutError" ||
        (err as Error).name === "AbortError" ||
        Date.now() >= deadline;
      if (timedOut) {
        lastError = timeoutError();
        break;
      }
      lastError = new NetworkError(describeNetworkError(err, req.url), "check the URL (SENTRY_URL) and your connection");
      log?.(redactSecrets(`< ${lastError.message} after ${Date.now() - started} ms`));
      if (req.idempotent && isTransientNetworkError(err) && attempt < MAX_RETRIES) {
        await sleep(Math.min(backoffMs(attempt, scale), Math.max(0, deadline - Date.now())));
        continue;
      }
      throw lastError;
    }

    const bytes = Buffer.byteLength(text);
    log?.(`< ${status} ${bytes} B ${Date.now() - started} ms`);

    if (status >= 200 && status < 300) {
      try {
        return { status, headers, body: parseJsonBody<T>(req.method, status, text, headers, what), bytes };
      } catch (err) {
        if (status === 204) throw err;
        // A cut-off or empty body is a transport fault: asking again is safe for idempotent calls.
        lastError = err as CliError;
        if (!req.idempotent || attempt >= MAX_RETRIES) throw lastError;
        await sleep(Math.min(backoffMs(attempt, scale), Math.max(0, deadline - Date.now())));
        continue;
      }
    }

    const body = tryParseJson(text);
    if (status >= 300 && status < 400) {
      throw new NetworkError(
        `Sentry answered ${status} (redirect to ${headers.location ?? "?"}) for ${what}; redirects are not followed with a token`,
        "set SENTRY_URL to the server's API origin directly",
      );
    }
    if (body === undefined && text.trim() !== "" && (status >= 500 || !STATUSES_WITH_OWN_MEANING.has(status))) {
      // An HTML error page from a proxy or load balancer, not Sentry's JSON.
      lastError = new NetworkError(`Sentry answered ${status} with a non-JSON page for ${what}`, "a proxy or the server is failing; try again shortly");
    } else {
      // 401, 403, 404, 410 and 429 mean the same with any body (a proxy's HTML page included).
      lastError = errorForStatus(status, body, headers, what, errorContext);
    }

    if (!RETRYABLE_STATUS.has(status) || !req.idempotent || attempt >= MAX_RETRIES) throw lastError;

    let waitMs = backoffMs(attempt, scale);
    if (status === 429) {
      const wait = rateLimitWaitSeconds(headers);
      if (wait !== undefined) {
        if (wait > MAX_RATE_LIMIT_WAIT_S || Date.now() + wait * 1000 > deadline) throw lastError;
        // Small jitter past the reset instant: the window flips exactly then.
        waitMs = Math.ceil(wait * 1000) + Math.round(Math.random() * 100 * scale);
      }
      log?.(`  rate limited; waiting ${(waitMs / 1000).toFixed(1)} s`);
    }
    if (Date.now() + waitMs > deadline) throw lastError;
    await sleep(waitMs);
  }
  throw lastError ?? timeoutError();
}

function tryParseJson(text: string): unknown {
  if (text.trim() === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Reads a body while counting its bytes, so a chunked answer with no Content-Length is cut at the cap
 * as it streams instead of being buffered whole first (a 100 MB body then costs 50 MB at most).
 */
async function readBodyCapped(body: AsyncIterable<Buffer> & { destroy(err?: Error): unknown }, headers: Record<string, string>, what: string): Promise<string> {
  const tooLarge = () => new NetworkError(`the answer to ${what} is larger than ${MAX_BODY_BYTES / 1024 / 1024} MB; stopped reading`, "no Sentry API page is that large: check SENTRY_URL points at Sentry, or narrow the request");
  if (Number(headers["content-length"] ?? 0) > MAX_BODY_BYTES) {
    body.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.length;
    if (total > MAX_BODY_BYTES) {
      body.destroy();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total).toString("utf8");
}

function parseJsonBody<T>(method: HttpRequest["method"], status: number, text: string, headers: Record<string, string>, what: string): T {
  if (status === 204) {
    // Writes may answer 204 No Content; a read that answers nothing has no data a tool could show.
    if (method !== "GET") return null as T;
    throw new NetworkError(`Sentry answered ${what} with no content (204)`, "a proxy or the server answered without data; try again, or check SENTRY_URL");
  }
  if (text.trim() === "") throw new NetworkError(`Sentry answered ${what} with an empty body`, "the server or a proxy cut the answer short; try again");
  try {
    return JSON.parse(text) as T;
  } catch {
    const type = headers["content-type"] ?? "unknown type";
    const kind = /html/i.test(type) || /^\s*</.test(text) ? "an HTML page" : "malformed JSON";
    throw new NetworkError(`Sentry answered ${what} with ${kind} instead of JSON`, "check SENTRY_URL points at the Sentry server (not a login page or proxy); try again if it was cut off");
  }
}
