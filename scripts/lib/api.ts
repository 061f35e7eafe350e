// The Sentry API as the tools see it: paths with encoded segments, the organization's region host,
// default organization and project, Link-header pagination, and a hard stop on writes without --yes.

import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { Config } from "./config.js";
import { requireToken } from "./config.js";
import { AuthError, CliError, EXIT, NotFoundError, UnexpectedAnswerError } from "./errors.js";
import type { ErrorContext, HttpOptions, HttpResponse } from "./http.js";
import { sendRequest } from "./http.js";
import { cachedRegion, firstTokenContact, hasRegions, isAllowedRegionUrl, isPlainHttpToRemote, storeRegion } from "./region.js";
import { apiPath, buildQuery, MAX_PAGE_SIZE, MAX_PAGES_ALL, MAX_RECORDS_ALL, parseLinkHeader, type Query } from "./urls.js";
import { isCursor } from "./validate.js";

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  hits?: number;
}

let gc: (() => void) | undefined;
/**
 * Between pages of a long listing everything of the page before is garbage: the caller has printed it.
 * V8 lets it pile up first, and grows its young generation while it does: `--all` over 100 pages of
 * issues peaked at 85 MiB against 52 for one page (measured, issue 12). A full collection here, with the
 * young generation kept at its starting size, holds the peak near one page's for a few milliseconds a
 * page, against a page's round trip. Node offers no collection without --expose-gc, which a new context
 * picks up once the flag is set; nothing of this runs for a listing of one page.
 */
function collectGarbage(): void {
  if (!gc) {
    setFlagsFromString("--expose-gc --semi-space-growth-factor=1");
    gc = runInNewContext("gc") as () => void;
  }
  gc();
}

export interface PaginateOptions {
  query?: Query;
  /** Page size parameter: issues take `limit`, most endpoints `per_page`. */
  sizeParam: "limit" | "per_page";
  /** Records wanted in total (ignored with `all`). */
  limit: number;
  cursor?: string;
  all?: boolean;
  /** With `all`, stop after this many pages and report the cursor to continue from. */
  maxPages?: number;
  /** The scopes for a 403's hint, what a 404 means here (the resource layer's ReadContext). */
  context?: ErrorContext;
  /** The key of the list when the body wraps it in an object, e.g. "data" for the events endpoint (docs/sentry-api.md §14). */
  itemsKey?: string;
}

export interface ApiOptions {
  config: Config;
  http: HttpOptions;
  /** Writes are refused unless the user passed --yes: the last line of defence for the preview promise. */
  allowWrites: boolean;
  warn: (message: string) => void;
  regionCachePath?: string;
  /** Where the hosts that got the token before are remembered (region.ts knownHostsPath). */
  knownHostsPath?: string;
}

interface OrganizationSummary {
  slug: string;
  links?: { regionUrl?: string };
}

export class SentryApi {
  private readonly token: string;
  private readonly regions = new Map<string, Promise<string>>();
  private orgPromise?: Promise<string>;
  private projectPromise?: Promise<string>;
  private warnedPlainHttp = false;
  private readonly contactedOrigins = new Set<string>();

  constructor(private readonly options: ApiOptions) {
    this.token = requireToken(options.config);
  }

  get config(): Config {
    return this.options.config;
  }

  /** The configured organization, or the first one the token can see (said on stderr). */
  org(): Promise<string> {
    this.orgPromise ??= (async () => {
      if (this.config.org) return this.config.org;
      const res = await this.send<OrganizationSummary[]>("GET", "/organizations/", { query: { per_page: 1 }, base: this.config.url });
      const first = Array.isArray(res.body) ? res.body[0] : undefined;
      if (!first) throw new NotFoundError("the token cannot see any organization", "set SENTRY_ORG, or use a token of a member of the organization");
      if (first.links?.regionUrl) this.rememberRegion(first.slug, first.links.regionUrl);
      this.options.warn(`using organization ${first.slug} (the first the token can see; set SENTRY_ORG to choose)`);
      return first.slug;
    })();
    return this.orgPromise;
  }

  /** The configured project, or the organization's first project (said on stderr). */
  project(): Promise<string> {
    this.projectPromise ??= (async () => {
      if (this.config.project) return this.config.project;
      const org = await this.org();
      const res = await this.get<Array<{ slug: string }>>(apiPath`/organizations/${org}/projects/`, { per_page: 1 });
      const first = Array.isArray(res.body) ? res.body[0] : undefined;
      if (!first) throw new NotFoundError(`organization ${org} has no projects`, "create a project in Sentry first");
      this.options.warn(`using project ${first.slug} (the first in ${org}; set SENTRY_PROJECT or --project to choose)`);
      return first.slug;
    })();
    return this.projectPromise;
  }

  get<T>(path: string, query?: Query, errorContext?: ErrorContext): Promise<HttpResponse<T>> {
    return this.send<T>("GET", path, { query, errorContext });
  }

  /**
   * A write. `idempotent` must say whether repeating it cannot change the outcome (then transient
   * failures are retried); callers justify it in a comment.
   */
  write<T>(method: "POST" | "PUT" | "DELETE", path: string, body: unknown, opts: { idempotent: boolean; query?: Query; errorContext?: ErrorContext }): Promise<HttpResponse<T>> {
    if (!this.options.allowWrites) {
      // Tools preview without --yes and never reach here; this guards against a tool bug.
      throw new CliError(`refusing to ${method} ${path} without --yes`, EXIT.UNEXPECTED);
    }
    return this.send<T>(method, path, { body, ...opts });
  }

  /** Follows Link-header pages, yielding each as it arrives, up to `limit` records or the page cap. */
  async *paginate<T>(path: string, opts: PaginateOptions): AsyncGenerator<Page<T>> {
    let cursor = opts.cursor;
    // --all is bounded in records as well as pages: a server may answer far more items than a page holds.
    let remaining = opts.all ? MAX_RECORDS_ALL : opts.limit;
    const maxPages = opts.maxPages ?? MAX_PAGES_ALL;
    for (let pageNo = 0; remaining > 0; pageNo++) {
      const size = Math.min(MAX_PAGE_SIZE, opts.all ? MAX_PAGE_SIZE : remaining);
      const res = await this.get<unknown>(path, { ...opts.query, [opts.sizeParam]: size, cursor }, opts.context);
      const list = opts.itemsKey && res.body && typeof res.body === "object" ? (res.body as Record<string, unknown>)[opts.itemsKey] : res.body;
      if (!Array.isArray(list)) {
        throw new UnexpectedAnswerError(`expected a list, got ${list === null ? "nothing" : typeof list} (GET /api/0${path})`);
      }
      const items = (list as T[]).slice(0, remaining);
      remaining -= items.length;
      const next = parseLinkHeader(res.headers.link).next;
      const more = next?.results === true && next.cursor !== cursor;
      if (more && !isCursor(next!.cursor)) {
        // The cursor ends up in a printed "--cursor …" suggestion; one that --cursor would refuse is not passed on.
        throw new CliError(`Sentry answered ${path} with a malformed pagination cursor`, EXIT.NETWORK, "a proxy or the server sent an unexpected Link header; try again");
      }
      const hitsHeader = res.headers["x-hits"];
      const hits = hitsHeader !== undefined && /^\d+$/.test(hitsHeader) ? Number(hitsHeader) : undefined;
      const nextCursor = more ? next!.cursor : null;
      yield { items, nextCursor, hits };
      // Collected only when another page follows: a listing that stops here (one page, or --limit met)
      // skips a full collection, and its V8 flags stay those the API client's code cache was made under.
      if (!more || items.length === 0 || remaining <= 0 || pageNo + 1 >= maxPages) return;
      collectGarbage();
      cursor = nextCursor!;
    }
  }

  private rememberRegion(org: string, regionUrl: string): void {
    const base = this.config.url;
    if (!hasRegions(base) || !isAllowedRegionUrl(regionUrl, base)) return;
    const trimmed = regionUrl.replace(/\/+$/, "");
    this.regions.set(org, Promise.resolve(trimmed));
    storeRegion(base, org, trimmed, this.options.regionCachePath);
  }

  /** Base URL for an organization's calls: its region, from claims, the disk cache, or one lookup. */
  private orgBaseUrl(org: string): Promise<string> {
    let known = this.regions.get(org);
    if (known) return known;
    known = (async () => {
      const base = this.config.url;
      const claimed = this.config.org === org ? this.config.tokenRegionUrl : undefined;
      if (claimed && isAllowedRegionUrl(claimed, base)) return claimed.replace(/\/+$/, "");
      if (!hasRegions(base)) return base;
      const cached = cachedRegion(base, org, this.options.regionCachePath);
      if (cached && isAllowedRegionUrl(cached, base)) return cached;
      let regionUrl: string | undefined;
      try {
        const res = await this.send<OrganizationSummary>("GET", apiPath`/organizations/${org}/`, {
          base,
          // detailed=0 leaves out the organization's project and team lists (11 KB → under 2 KB here).
          query: { detailed: 0 },
          errorContext: { notFoundHint: `check the organization slug ${JSON.stringify(org)} (SENTRY_ORG or --org)` },
        });
        regionUrl = res.body?.links?.regionUrl;
      } catch (err) {
        // Organization tokens (org:ci) may not read the organization itself; their calls still work
        // on the configured host, which proxies to the region.
        if (err instanceof AuthError && err.status === 403) return base;
        throw err;
      }
      if (!regionUrl) return base;
      if (!isAllowedRegionUrl(regionUrl, base)) {
        this.options.warn(`ignoring region URL ${regionUrl}: not on sentry.io nor on ${new URL(base).hostname}`);
        return base;
      }
      const trimmed = regionUrl.replace(/\/+$/, "");
      storeRegion(base, org, trimmed, this.options.regionCachePath);
      return trimmed;
    })();
    this.regions.set(org, known);
    return known;
  }

  private async send<T>(
    method: "GET" | "POST" | "PUT" | "DELETE",
    path: string,
    opts: { query?: Query; body?: unknown; idempotent?: boolean; errorContext?: ErrorContext; base?: string },
  ): Promise<HttpResponse<T>> {
    let base = opts.base;
    if (!base) {
      const orgScoped = /^\/(?:organizations|projects)\/([^/]+)\//.exec(path);
      base = orgScoped ? await this.orgBaseUrl(decodeURIComponent(orgScoped[1]!)) : this.config.url;
      // Without a region lookup (not on sentry.io) a wrong organization first shows here.
      if (orgScoped && path.startsWith("/organizations/") && !opts.errorContext?.notFoundHint) {
        opts = { ...opts, errorContext: { ...opts.errorContext, notFoundHint: `check the organization slug ${JSON.stringify(decodeURIComponent(orgScoped[1]!))} (SENTRY_ORG or --org)` } };
      }
    }
    const origin = new URL(base).origin;
    if (!this.contactedOrigins.has(origin)) {
      this.contactedOrigins.add(origin);
      if (firstTokenContact(origin, this.options.knownHostsPath)) {
        const configured = new URL(this.config.url);
        const why = origin === configured.origin ? `Sentry URL from ${this.config.urlSource}` : `the organization's region, named by ${configured.host}`;
        this.options.warn(`sending the token to ${new URL(base).host} for the first time (${why}); stop here if you do not trust that host`);
      }
    }
    if (!this.warnedPlainHttp && isPlainHttpToRemote(base)) {
      this.warnedPlainHttp = true;
      this.options.warn(`sending the token over plain http to ${new URL(base).host}; use https unless this is a trusted network`);
    }
    const url = `${base}/api/0${path}${buildQuery(opts.query)}`;
    return sendRequest<T>(
      { method, url, token: this.token, body: opts.body, idempotent: opts.idempotent ?? method === "GET" },
      this.options.http,
      opts.errorContext,
    );
  }
}
