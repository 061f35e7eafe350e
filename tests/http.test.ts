// The HTTP client against a local server that misbehaves on purpose: retries, Sentry's 429 headers,
// deadlines, non-JSON bodies, and the rule that writes are retried only when they are idempotent.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { AuthError, NetworkError, NotFoundError, RateLimitError, UsageError } from "../scripts/lib/errors.js";
import { closeHttp, describeErrorBody, rateLimitWaitSeconds, sendRequest } from "../scripts/lib/http.js";

type Handler = (req: IncomingMessage, res: ServerResponse, hit: number) => void;
let server: Server;
let base = "";
let handler: Handler = (_q, res) => res.end("{}");
let hits: Array<{ method: string; url: string; auth?: string; ua?: string }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, ua: req.headers["user-agent"] });
    req.resume();
    req.on("end", () => handler(req, res, hits.length));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await closeHttp();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
afterEach(() => {
  hits = [];
});

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
};
const get = (timeoutMs = 5000) => sendRequest({ method: "GET", url: `${base}/api/0/x/`, token: "tok-1234567890", idempotent: true }, { timeoutMs, backoffScale: 0.01 });

describe("HTTP client", () => {
  it("sends the token as a Bearer header and names itself", async () => {
    handler = (_q, res) => json(res, 200, [1]);
    const res = await get();
    expect(res.body).toEqual([1]);
    expect(hits[0]).toMatchObject({ auth: "Bearer tok-1234567890", ua: expect.stringMatching(/^sentry-monitoring\//) });
  });

  it("retries a 502 and a 503 on a GET, then succeeds", async () => {
    handler = (_q, res, n) => (n <= 2 ? json(res, n === 1 ? 502 : 503, { detail: "bad gateway" }) : json(res, 200, { ok: true }));
    expect((await get()).body).toEqual({ ok: true });
    expect(hits).toHaveLength(3);
  });

  it("waits for X-Sentry-Rate-Limit-Reset when a 429 has no Retry-After", async () => {
    // Reset two whole seconds ahead: the retry must not come before that instant (backoff alone
    // would retry after a few milliseconds here, since backoffScale is 0.01).
    let resetAt = 0;
    handler = (_q, res, n) => {
      if (n > 1) return json(res, 200, []);
      resetAt = Math.ceil(Date.now() / 1000) + 2;
      json(res, 429, { detail: "You are attempting to use this endpoint too frequently. Limit is 1 requests in 1 seconds" }, { "X-Sentry-Rate-Limit-Reset": String(resetAt) });
    };
    await get();
    expect(hits).toHaveLength(2);
    expect(Date.now()).toBeGreaterThanOrEqual(resetAt * 1000);
  });

  it("gives up with exit 6 and the time to wait when the rate-limit window is far away", async () => {
    handler = (_q, res) => json(res, 429, { detail: "too frequently" }, { "X-Sentry-Rate-Limit-Reset": String(Math.ceil(Date.now() / 1000) + 600) });
    const err = await get().catch((e) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err.exitCode).toBe(6);
    expect(err.hint).toMatch(/wait (599|600|601) s/);
    expect(hits).toHaveLength(1);
  });

  it("honours Retry-After when a proxy sends it", async () => {
    handler = (_q, res, n) => (n === 1 ? json(res, 429, { detail: "slow down" }, { "Retry-After": "0" }) : json(res, 200, { ok: 1 }));
    expect((await get()).body).toEqual({ ok: 1 });
  });

  it("stops retrying after a bounded number of attempts", async () => {
    handler = (_q, res) => json(res, 503, { detail: "unavailable" });
    const err = await get().catch((e) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.exitCode).toBe(7);
    expect(hits).toHaveLength(4);
  });

  it("does not retry a 500, nor a write that is not idempotent", async () => {
    handler = (_q, res) => json(res, 500, { detail: "boom" });
    expect(await get().catch((e) => e.exitCode)).toBe(7);
    expect(hits).toHaveLength(1);
    hits = [];
    handler = (_q, res) => json(res, 502, {});
    const write = sendRequest({ method: "POST", url: `${base}/api/0/x/`, token: "t", body: { a: 1 }, idempotent: false }, { timeoutMs: 5000, backoffScale: 0.01 });
    expect(await write.catch((e) => e.exitCode)).toBe(7);
    expect(hits).toHaveLength(1);
  });

  it("turns a hang into a timeout error of its own deadline", async () => {
    handler = () => undefined;
    // The message is the client's deadline speaking (a hang never ends by itself); not timed here.
    const err = await get(600).catch((e) => e);
    expect(err).toBeInstanceOf(NetworkError);
    expect(err.message).toMatch(/timed out/);
  });

  it("reports an HTML page, truncated JSON and an empty body clearly, retrying the GET first", async () => {
    handler = (_q, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html><body>Login</body></html>");
    };
    const html = await get().catch((e) => e);
    expect(html.message).toMatch(/HTML page instead of JSON/);
    expect(hits.length).toBeGreaterThan(1);
    handler = (_q, res, n) => (n === 1 ? (res.writeHead(200), res.end('{"data": [1, 2')) : json(res, 200, { fine: true }));
    hits = [];
    expect((await get()).body).toEqual({ fine: true });
    handler = (_q, res) => (res.writeHead(200, { "content-type": "application/json" }), res.end(""));
    expect((await get().catch((e) => e)).message).toMatch(/empty body/);
  });

  it("maps statuses to typed errors with hints", async () => {
    const cases: Array<[number, unknown, Function, RegExp]> = [
      [400, { query: ["Invalid query"] }, UsageError, /query: Invalid query/],
      [401, { detail: "Invalid token" }, AuthError, /401.*Invalid token/],
      [403, { detail: "You do not have permission to perform this action." }, AuthError, /403/],
      [404, { detail: "The requested resource does not exist" }, NotFoundError, /404/],
      [410, { message: "This API no longer exists." }, NotFoundError, /410.*no longer exists/],
    ];
    for (const [status, body, type, message] of cases) {
      handler = (_q, res) => json(res, status, body);
      const err = await get().catch((e) => e);
      expect(err, String(status)).toBeInstanceOf(type);
      expect(err.message).toMatch(message);
      expect(err.hint).toBeTruthy();
    }
  });

  it("never follows a redirect with the token", async () => {
    handler = (_q, res) => (res.writeHead(302, { location: "https://elsewhere.example.com/" }), res.end());
    const err = await get().catch((e) => e);
    expect(err.message).toMatch(/redirects are not followed/);
    expect(hits).toHaveLength(1);
  });
});

describe("Sentry error bodies and rate-limit headers", () => {
  it("reads detail as a string, a list, an object, and field errors", () => {
    expect(describeErrorBody({ detail: "Nope" })).toBe("Nope");
    expect(describeErrorBody({ detail: ["a", "b"] })).toBe("a; b");
    expect(describeErrorBody({ detail: { code: "sso-required", message: "SSO required", extra: {} } })).toBe("SSO required");
    expect(describeErrorBody({ version: ["Release with this version already exists."], projects: ["Invalid"] })).toBe("version: Release with this version already exists.; projects: Invalid");
  });

  it("computes the wait from Retry-After seconds, an HTTP date, or the reset epoch", () => {
    const now = 1_700_000_000_000;
    expect(rateLimitWaitSeconds({ "retry-after": "7" }, now)).toBe(7);
    expect(rateLimitWaitSeconds({ "retry-after": new Date(now + 3000).toUTCString() }, now)).toBe(3);
    expect(rateLimitWaitSeconds({ "x-sentry-rate-limit-reset": String(now / 1000 + 12) }, now)).toBe(12);
    expect(rateLimitWaitSeconds({}, now)).toBeUndefined();
  });
});
