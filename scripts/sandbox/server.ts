// The sandbox's HTTP front: one node:http listener that authenticates, rate-limits,
// injects faults, routes /api/0/… to the category modules and answers the way Sentry's API does.
// Tests start it in-process with startSandbox({ port: 0 }); the CLI (main.ts) wraps the same function.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { ANONYMOUS, createAuthenticator, hasAnyScope, makeOrgToken, maskAuthorization, PERMISSION_DENIED } from "./auth.js";
import { FAULT_BODIES, faultHtmlPage, FaultTable, validateFaultRule, type ActiveFault, type FaultControl } from "./faults.js";
import { NOT_FOUND } from "./lookup.js";
import { ROUTES } from "./modules.js";
import { showcaseEvent } from "./seed/traces.js";
import type { Listener, Reply, RequestContext, RouteDef, SandboxOptions, TokenInfo, World } from "./types.js";
import { SECOND } from "./time.js";
import { SandboxHttpError } from "./types.js";
import { createWorldWithState, saveWorldState } from "./world.js";

export const DEFAULT_HOST = "127.0.0.1";
const API_PREFIX = "/api/0";
const ADMIN_PREFIX = "/__sandbox/";
/**
 * With --regions the region is served under this path on the same listener. The tools accept a region
 * URL only on the configured host and port (a region on another port could be anyone's), so a region
 * on a second port would be refused; a path keeps the same origin and still tells the two apart.
 */
const REGION_PREFIX = "/region";
/** Bodies above this are refused: no Sentry endpoint the tools use takes more than a few kilobytes. */
const MAX_BODY_BYTES = 5 * 1024 * 1024;
/** The request log keeps this many entries (oldest dropped), so a long-running CLI sandbox stays small. */
const MAX_LOGGED_REQUESTS = 10_000;
/** How long close() waits for in-flight answers before cutting their sockets. */
const CLOSE_GRACE_MS = 1000;
/** The concurrency half of Sentry's limiter; the sandbox reports it but only enforces the fixed window. */
const CONCURRENT_LIMIT = 25;
/** What an injected 429 claims when the sandbox itself runs without --rate-limit. */
const FAULT_RATE_LIMIT = { limit: 40, windowSeconds: 1 };

export interface LoggedRequest {
  method: string;
  /** The request path as sent, without the query string, e.g. "/api/0/organizations/acme/issues/". */
  path: string;
  /** Query parameters; a repeated parameter becomes an array in the order sent. */
  query: Record<string, string | string[]>;
  /** Parsed JSON body, the raw text when it is not JSON, undefined when there is none. */
  body: unknown;
  listener: Listener;
  /** The Authorization header masked to its first four token characters ("Bearer sand…"), or null. */
  authorization: string | null;
  /** The status answered, once answered (absent for a reset or a hang). */
  status?: number;
  /**
   * When the request arrived and when its answer was sent (absent for a reset or a hang), in epoch
   * milliseconds with fractions: a request that arrived after another's answer waited for it, which is
   * how the bench counts round trips.
   */
  receivedAt: number;
  answeredAt?: number;
}

export interface Sandbox {
  /** Base URL of the main listener, e.g. http://127.0.0.1:8765 (no trailing slash). */
  url: string;
  /** Base URL of the region listener with --regions. */
  regionUrl?: string;
  world: World;
  requests(): LoggedRequest[];
  clearRequests(): void;
  faults: FaultControl;
  /** The `sntrys_` organization token whose claims name this sandbox's URL and first org. */
  orgToken: string;
  close(): Promise<void>;
}

interface CompiledRoute {
  route: RouteDef;
  segments: string[];
}

/**
 * Routes sorted so that literal segments beat parameters (".../issues/stats/" before ".../issues/:issue/"),
 * as Django's ordered URL patterns let a specific endpoint shadow a generic one; ties keep declaration order.
 */
function compileRoutes(routes: readonly RouteDef[]): CompiledRoute[] {
  const compiled = routes.map((route) => ({ route, segments: route.pattern.split("/").filter((s) => s !== "") }));
  const literals = (c: CompiledRoute) => c.segments.filter((s) => !s.startsWith(":")).length;
  return compiled.sort((a, b) => literals(b) - literals(a));
}

function matchSegments(pattern: string[], segments: string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    if (p.startsWith(":")) params[p.slice(1)] = segments[i]!;
    else if (p !== segments[i]) return undefined;
  }
  return params;
}

function queryRecord(query: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(query.keys())) {
    const values = query.getAll(key);
    out[key] = values.length === 1 ? values[0]! : values;
  }
  return out;
}

function formatUrl(host: string, port: number): string {
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

function isLoopback(address: string | undefined): boolean {
  return address === "127.0.0.1" || address === "::1" || address === "::ffff:127.0.0.1" || (address?.startsWith("127.") ?? false);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new SandboxHttpError(413, { detail: "Request body too large." }));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Splits and decodes an /api/0 path, always treating it as ending in "/" as Sentry's URL patterns do. */
function apiSegments(pathname: string): string[] | undefined {
  const rest = pathname.slice(API_PREFIX.length);
  try {
    return rest.split("/").filter((s) => s !== "").map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

interface RateWindow {
  windowStart: number;
  count: number;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const host = options.host ?? DEFAULT_HOST;
  const world = createWorldWithState(options);
  const routes = compileRoutes(ROUTES);
  const faults = new FaultTable();
  const log: LoggedRequest[] = [];
  const rateWindows = new Map<string, RateWindow>();
  const inFlightByToken = new Map<string, number>();
  const hanging = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  const urls: { main: string; region?: string } = { main: "" };
  // Set once the listeners know their URLs (the org token embeds them); until then the API answers 503.
  let authenticate: ReturnType<typeof createAuthenticator> | undefined;
  let closing = false;

  function send(res: ServerResponse, reply: Reply): void {
    if (res.headersSent || res.destroyed) return;
    const headers: Record<string, string> = { ...reply.headers };
    if (reply.body === undefined || reply.status === 204) {
      res.writeHead(reply.status, headers).end();
      return;
    }
    const text = JSON.stringify(reply.body);
    headers["Content-Type"] ??= "application/json";
    headers["Content-Length"] = String(Buffer.byteLength(text));
    res.writeHead(reply.status, headers).end(text);
  }

  /** Sentry's limiter headers (src/sentry/middleware/ratelimit.py process_response) for one token's window. */
  function rateLimitHeaders(limit: { limit: number; windowSeconds: number }, windowStart: number, count: number, key: string): Record<string, string> {
    return {
      "X-Sentry-Rate-Limit-Limit": String(limit.limit),
      "X-Sentry-Rate-Limit-Remaining": String(Math.max(0, limit.limit - count)),
      "X-Sentry-Rate-Limit-Reset": String(windowStart + limit.windowSeconds),
      "X-Sentry-Rate-Limit-ConcurrentLimit": String(CONCURRENT_LIMIT),
      "X-Sentry-Rate-Limit-ConcurrentRemaining": String(Math.max(0, CONCURRENT_LIMIT - (inFlightByToken.get(key) ?? 0))),
    };
  }

  function rateLimitedReply(limit: { limit: number; windowSeconds: number }, headers: Record<string, string>): Reply {
    // Sentry's middleware sends no Retry-After: clients must wait for X-Sentry-Rate-Limit-Reset (docs/sentry-api.md §16).
    return {
      status: 429,
      body: { detail: `You are attempting to use this endpoint too frequently. Limit is ${limit.limit} requests in ${limit.windowSeconds} seconds` },
      headers,
    };
  }

  /**
   * Counts one request in the token's fixed window (windows aligned to the epoch, like Sentry's). The window
   * follows the real clock, not world.clock(): a limit is about how fast requests really arrive, and a clock
   * stopped by --now would otherwise keep every request of a run in one window forever.
   */
  function countRequest(key: string): { allowed: boolean; headers: Record<string, string> } | undefined {
    const limit = options.rateLimit;
    if (!limit) return undefined;
    const nowSeconds = Math.floor(Date.now() / SECOND);
    const windowStart = nowSeconds - (nowSeconds % limit.windowSeconds);
    let window = rateWindows.get(key);
    if (!window || window.windowStart !== windowStart) {
      window = { windowStart, count: 0 };
      rateWindows.set(key, window);
    }
    window.count += 1;
    return { allowed: window.count <= limit.limit, headers: rateLimitHeaders(limit, windowStart, window.count, key) };
  }

  /** The API answer for a request, from routing to handler, as a value (so a "truncated" fault can cut it). */
  async function answerApi(req: IncomingMessage, url: URL, rawBody: Buffer, listener: Listener, baseUrl: string): Promise<Reply> {
    const method = req.method ?? "GET";
    const segments = url.pathname === API_PREFIX || url.pathname.startsWith(`${API_PREFIX}/`) ? apiSegments(url.pathname) : undefined;
    if (!segments) return { status: 404, body: NOT_FOUND };
    const candidates = routes.flatMap((c) => {
      const params = matchSegments(c.segments, segments);
      return params ? [{ route: c.route, params }] : [];
    });
    // Django resolves the URL before any authentication: an unknown path is a 404 whatever the token.
    if (candidates.length === 0) return { status: 404, body: NOT_FOUND };
    const match = candidates.find((c) => c.route.method === method);

    if (!authenticate) return { status: 503, body: { detail: "The sandbox is still starting." } };
    let token: TokenInfo;
    const auth = authenticate(req.headers.authorization);
    if (auth.ok) token = auth.token;
    else if (req.headers.authorization === undefined && match?.route.allowAnonymous) token = ANONYMOUS;
    else return { status: auth.status, body: auth.body };

    const limitKey = token === ANONYMOUS ? `ip:${req.socket.remoteAddress}` : `token:${token.label}`;
    const limited = countRequest(limitKey);
    if (limited && !limited.allowed) return rateLimitedReply(options.rateLimit!, limited.headers);
    const extraHeaders = limited?.headers ?? {};

    // DRF authenticates before dispatch, so a wrong method on a known path is a 405 only for a valid caller.
    if (!match) return { status: 405, body: { detail: `Method "${method}" not allowed.` }, headers: extraHeaders };
    if (!hasAnyScope(token, match.route.scopes)) return { status: 403, body: PERMISSION_DENIED, headers: extraHeaders };

    let body: unknown;
    if (rawBody.length > 0) {
      try {
        body = JSON.parse(rawBody.toString("utf8"));
      } catch (error) {
        return { status: 400, body: { detail: `JSON parse error - ${(error as Error).message}` }, headers: extraHeaders };
      }
    }

    let dirty = false;
    const ctx: RequestContext = {
      method,
      path: `/${segments.map((s) => encodeURIComponent(s)).join("/")}${segments.length ? "/" : ""}`,
      params: match.params,
      query: url.searchParams,
      body,
      token,
      world,
      listener,
      baseUrl,
      urls,
      markDirty: () => {
        dirty = true;
      },
    };
    inFlightByToken.set(limitKey, (inFlightByToken.get(limitKey) ?? 0) + 1);
    let reply: Reply;
    try {
      reply = await match.route.handler(ctx);
    } catch (error) {
      if (error instanceof SandboxHttpError) reply = { status: error.status, body: error.body, headers: error.headers };
      else {
        process.stderr.write(`sandbox: ${method} ${url.pathname} failed: ${(error as Error).stack ?? String(error)}\n`);
        reply = { status: 500, body: { detail: "Internal Error" } };
      }
    } finally {
      inFlightByToken.set(limitKey, (inFlightByToken.get(limitKey) ?? 1) - 1);
    }
    if (dirty && options.stateFile) saveWorldState(world, options.stateFile);
    return { ...reply, headers: { ...extraHeaders, ...reply.headers } };
  }

  async function applyFault(fault: ActiveFault, res: ServerResponse, answer: () => Promise<Reply>): Promise<number | undefined> {
    switch (fault.kind) {
      case "reset":
        res.socket?.destroy();
        return undefined;
      case "hang":
        hanging.add(res);
        res.on("close", () => hanging.delete(res));
        return undefined;
      case "html": {
        const status = fault.status ?? 502;
        const page = faultHtmlPage(status);
        res.writeHead(status, { "Content-Type": "text/html", "Content-Length": String(Buffer.byteLength(page)) }).end(page);
        return status;
      }
      case "empty":
        res.writeHead(200, { "Content-Type": "application/json", "Content-Length": "0" }).end();
        return 200;
      case "truncated": {
        // The real answer, cut in half: what a client sees when a proxy drops the rest of the body.
        const reply = await answer();
        const text = JSON.stringify(reply.body ?? {});
        const cut = Buffer.from(text).subarray(0, Math.max(1, Math.floor(Buffer.byteLength(text) / 2)));
        res.writeHead(200, { "Content-Type": "application/json", "Content-Length": String(cut.length) }).end(cut);
        return 200;
      }
      case "status": {
        const status = fault.status ?? 500;
        if (status === 429) {
          const limit = options.rateLimit ?? FAULT_RATE_LIMIT;
          const nowSeconds = Math.floor(Date.now() / SECOND);
          const windowStart = nowSeconds - (nowSeconds % limit.windowSeconds);
          const headers = rateLimitHeaders(limit, windowStart, limit.limit, "fault");
          // Sentry's own middleware never sends Retry-After; a rule asks for it to play a proxy that does.
          if (fault.retryAfter !== undefined) headers["Retry-After"] = String(fault.retryAfter);
          send(res, rateLimitedReply(limit, headers));
        } else {
          send(res, { status, body: FAULT_BODIES[status] ?? { detail: "Internal Error" } });
        }
        return status;
      }
    }
  }

  function answerAdmin(req: IncomingMessage, res: ServerResponse, url: URL, rawBody: Buffer): void {
    // Loopback only, and never from a web page: a browser's cross-site request carries an Origin.
    const origin = req.headers.origin;
    if (!isLoopback(req.socket.remoteAddress) || (origin !== undefined && !/^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/.test(origin))) {
      send(res, { status: 403, body: { detail: "The sandbox admin API only answers loopback clients." } });
      return;
    }
    const route = `${req.method} ${url.pathname.replace(/\/+$/, "")}`;
    switch (route) {
      case "GET /__sandbox/requests":
        send(res, { status: 200, body: log });
        return;
      case "DELETE /__sandbox/requests":
        log.length = 0;
        send(res, { status: 204 });
        return;
      case "GET /__sandbox/showcase": {
        // The ~1,000-span trace of seed/traces.ts, for the benchmark's trace-details figures (no tool reads this).
        const shown = showcaseEvent(world);
        send(res, shown ? { status: 200, body: { traceId: shown.traceId, shortId: shown.issue.shortId, eventId: shown.event.eventID } } : { status: 404, body: NOT_FOUND });
        return;
      }
      case "GET /__sandbox/faults":
        send(res, { status: 200, body: faults.list() });
        return;
      case "DELETE /__sandbox/faults":
        faults.clear();
        send(res, { status: 204 });
        return;
      case "POST /__sandbox/faults": {
        try {
          const parsed: unknown = JSON.parse(rawBody.toString("utf8"));
          const rules = (Array.isArray(parsed) ? parsed : [parsed]).map(validateFaultRule);
          for (const rule of rules) faults.add(rule);
          send(res, { status: 201, body: faults.list() });
        } catch (error) {
          send(res, { status: 400, body: { detail: (error as Error).message } });
        }
        return;
      }
      default:
        send(res, { status: 404, body: NOT_FOUND });
    }
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  async function handle(req: IncomingMessage, res: ServerResponse, listener: Listener): Promise<void> {
    const started = performance.now();
    const baseUrl = listener === "region" ? urls.region! : urls.main;
    const url = new URL(req.url ?? "/", baseUrl);
    const method = req.method ?? "GET";
    let rawBody: Buffer;
    try {
      rawBody = await readBody(req);
    } catch (error) {
      if (error instanceof SandboxHttpError) send(res, { status: error.status, body: error.body });
      return;
    }
    if (url.pathname.startsWith(ADMIN_PREFIX) || url.pathname === ADMIN_PREFIX.slice(0, -1)) {
      answerAdmin(req, res, url, rawBody);
      return;
    }

    const text = rawBody.toString("utf8");
    let loggedBody: unknown;
    if (rawBody.length > 0) {
      try {
        loggedBody = JSON.parse(text);
      } catch {
        loggedBody = text;
      }
    }
    const entry: LoggedRequest = {
      method,
      path: url.pathname,
      query: queryRecord(url.searchParams),
      body: loggedBody,
      listener,
      authorization: maskAuthorization(req.headers.authorization),
      receivedAt: performance.timeOrigin + started,
    };
    log.push(entry);
    if (log.length > MAX_LOGGED_REQUESTS) log.splice(0, log.length - MAX_LOGGED_REQUESTS);

    if (options.latencyMs) await sleep(options.latencyMs);
    if (closing) {
      res.socket?.destroy();
      return;
    }
    const fault = faults.take(method, url.pathname);
    const answer = () => answerApi(req, url, rawBody, listener, baseUrl);
    let status: number | undefined;
    if (fault) status = await applyFault(fault, res, answer);
    else {
      const reply = await answer();
      send(res, reply);
      status = reply.status;
    }
    if (status !== undefined) {
      entry.status = status;
      entry.answeredAt = performance.timeOrigin + performance.now();
    }
    if (options.logRequests) {
      const elapsed = Math.round(performance.now() - started);
      const outcome = status ?? (fault ? fault.kind : "?");
      process.stderr.write(`${method} ${url.pathname}${url.search} ${outcome} ${elapsed}ms${listener === "region" ? " [region]" : ""}${fault ? " (fault)" : ""}\n`);
    }
  }

  function makeServer(): Server {
    const server = createServer((req, res) => {
      let listener: Listener = "main";
      if (options.regions && (req.url === REGION_PREFIX || req.url?.startsWith(`${REGION_PREFIX}/`))) {
        listener = "region";
        req.url = req.url.slice(REGION_PREFIX.length) || "/";
      }
      handle(req, res, listener).catch((error: unknown) => {
        process.stderr.write(`sandbox: ${(error as Error).stack ?? String(error)}\n`);
        send(res, { status: 500, body: { detail: "Internal Error" } });
      });
    });
    server.on("connection", (socket) => {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    });
    return server;
  }

  function listen(server: Server, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  }

  const servers: Server[] = [];
  const mainServer = makeServer();
  servers.push(mainServer);
  const mainPort = await listen(mainServer, options.port ?? 0);
  urls.main = formatUrl(host, mainPort);
  if (options.regions) urls.region = `${urls.main}${REGION_PREFIX}`;
  const orgToken = makeOrgToken(world, urls);
  authenticate = createAuthenticator(world, orgToken);

  async function close(): Promise<void> {
    if (closing) return;
    closing = true;
    // A hanging answer never ends by itself: cut it, as a server going away would.
    for (const res of hanging) res.socket?.destroy();
    hanging.clear();
    const closed = servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
    for (const server of servers) server.closeIdleConnections();
    const grace = setTimeout(() => {
      for (const socket of sockets) socket.destroy();
    }, CLOSE_GRACE_MS);
    await Promise.all(closed);
    clearTimeout(grace);
  }

  return {
    url: urls.main,
    ...(urls.region !== undefined && { regionUrl: urls.region }),
    world,
    requests: () => log.map((entry) => ({ ...entry })),
    clearRequests: () => {
      log.length = 0;
    },
    faults: {
      add: (rule) => faults.add(rule),
      clear: () => faults.clear(),
      list: () => faults.list(),
    },
    orgToken,
    close,
  };
}
