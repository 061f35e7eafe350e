// Sentry-style pagination: a Link header with both rel="previous" and rel="next", each saying
// results="true|false" and carrying cursor="<value>:<offset>:<is_prev>", plus X-Hits / X-Max-Hits.
// (docs/sentry-api.md §15; src/sentry/api/base.py add_cursor_headers.)

import type { Reply, RequestContext } from "./types.js";
import { SandboxHttpError } from "./types.js";

export interface PageOptions {
  /** Query parameter that sets the page size: issues use "limit", most others "per_page". */
  sizeParam?: "limit" | "per_page";
  defaultSize?: number;
  maxSize?: number;
  /** Extra headers for the reply (deprecation headers, …). */
  headers?: Record<string, string>;
}

export function parseCursor(raw: string | null): number {
  if (!raw) return 0;
  const parts = raw.split(":");
  if (parts.length !== 3 || !parts.every((p) => /^-?\d+$/.test(p))) {
    throw new SandboxHttpError(400, { detail: "Invalid cursor parameter." });
  }
  const offset = Number(parts[1]);
  if (offset < 0) throw new SandboxHttpError(400, { detail: "Invalid cursor parameter." });
  return offset;
}

export function pageSize(ctx: RequestContext, options: PageOptions = {}): number {
  const param = options.sizeParam ?? "per_page";
  const max = options.maxSize ?? 100;
  const raw = ctx.query.get(param);
  if (raw === null || raw === "") return options.defaultSize ?? 100;
  if (!/^\d+$/.test(raw)) throw new SandboxHttpError(400, { detail: `Invalid ${param} parameter.` });
  const n = Number(raw);
  if (n < 1) throw new SandboxHttpError(400, { detail: `Invalid ${param} parameter.` });
  // Sentry caps silently rather than rejecting an over-large page size.
  return Math.min(n, max);
}

function linkFor(ctx: RequestContext, cursor: string, rel: "previous" | "next", hasResults: boolean): string {
  const url = new URL(`${ctx.baseUrl}/api/0${ctx.path}`);
  for (const [k, v] of ctx.query) if (k !== "cursor") url.searchParams.append(k, v);
  url.searchParams.set("cursor", cursor);
  return `<${url.toString()}>; rel="${rel}"; results="${hasResults}"; cursor="${cursor}"`;
}

/** Slices `items` by the request's cursor and page size and answers with Sentry's pagination headers. */
export function paginate<T>(ctx: RequestContext, items: readonly T[], options: PageOptions = {}): Reply {
  const size = pageSize(ctx, options);
  const offset = parseCursor(ctx.query.get("cursor"));
  const page = items.slice(offset, offset + size);
  const prevOffset = Math.max(0, offset - size);
  const nextOffset = offset + size;
  const link = [
    linkFor(ctx, `0:${prevOffset}:1`, "previous", offset > 0),
    linkFor(ctx, `0:${nextOffset}:0`, "next", nextOffset < items.length),
  ].join(", ");
  return {
    status: 200,
    body: page,
    headers: {
      Link: link,
      "X-Hits": String(items.length),
      "X-Max-Hits": "1000",
      ...options.headers,
    },
  };
}
