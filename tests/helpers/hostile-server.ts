// A hostile server for the reliability suite: a small node:http listener on loopback that records what it
// was sent (above all the Authorization header) and answers as a test scripts it, or as a proxy in front of
// the sandbox that rewrites the sandbox's answers (escape sequences in titles, a poisoned cursor, 1,000
// records a page, a slow page). This is how an attacker with a proxy, a DSN or a .sentryclirc sees the tools.

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface SeenRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  authorization?: string;
}

export interface HostileServer {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** Every request received, in order. */
  readonly requests: SeenRequest[];
  /** Bytes of response body written so far (for answers streamed with `streamBody`). */
  bytesWritten: number;
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, server: HostileServer) => void | Promise<void>;

export async function startHostileServer(handler: Handler): Promise<HostileServer> {
  const requests: SeenRequest[] = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? "GET", url: req.url ?? "/", authorization: req.headers.authorization });
    Promise.resolve(handler(req, res, handle)).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const handle: HostileServer = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    bytesWritten: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return handle;
}

/** JSON answer with a status and extra headers. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)), ...headers }).end(text);
}

/**
 * Streams `totalBytes` of a JSON array with no Content-Length (chunked), counting what the socket
 * accepted, and stops when the client goes away.
 */
export function streamBody(res: ServerResponse, totalBytes: number, server: HostileServer): void {
  res.writeHead(200, { "content-type": "application/json" });
  const chunk = Buffer.from(`${'"x",'.repeat(16 * 1024)}`);
  let sent = 0;
  res.write("[");
  const pump = () => {
    while (sent < totalBytes && !res.destroyed) {
      sent += chunk.length;
      server.bytesWritten += chunk.length;
      if (!res.write(chunk)) {
        res.once("drain", pump);
        return;
      }
    }
    if (!res.destroyed) res.end('"x"]');
  };
  res.on("close", () => res.removeAllListeners("drain"));
  pump();
}

export interface UpstreamAnswer {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON body, or undefined when the body was empty or not JSON. */
  body: unknown;
}

/**
 * A proxy to `target` (the sandbox) that lets `rewrite` change each answer before it is sent on:
 * status, headers (Link, X-Hits) and the parsed body.
 */
export function proxyTo(target: () => string, rewrite: (answer: UpstreamAnswer, req: IncomingMessage) => UpstreamAnswer | Promise<UpstreamAnswer>): Handler {
  return async (req, res) => {
    const upstream = await fetch(`${target()}${req.url}`, {
      method: req.method,
      headers: req.headers.authorization ? { authorization: req.headers.authorization } : {},
    });
    const text = await upstream.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    const headers: Record<string, string> = {};
    for (const name of ["link", "x-hits"]) {
      const value = upstream.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    const answer = await rewrite({ status: upstream.status, headers, body }, req);
    sendJson(res, answer.status, answer.body, answer.headers);
  };
}

/** A Link header announcing a next page with this cursor. */
export function nextLink(url: string, cursor: string): string {
  return `<${url}>; rel="previous"; results="false"; cursor="0:0:1", <${url}>; rel="next"; results="true"; cursor="${cursor}"`;
}
