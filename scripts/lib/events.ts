// The events endpoint (GET /organizations/{org}/events/, ENDPOINTS.md §5–7 and §14) as the performance tools
// query it: one request builder, each dataset's field names, and the fallback from the current `spans`
// dataset to the legacy `transactions` dataset on servers that do not have spans (older self-hosted).

import type { SentryApi } from "./api.js";
import type { HttpResponse } from "./http.js";
import { CliError, EXIT, NetworkError, UsageError } from "./errors.js";
import { apiPath, parseLinkHeader, type Query } from "./urls.js";

export type Dataset = "spans" | "transactions";

/** listOrganizationEvents accepts org:read|org:write|org:admin; org:read is the least. */
export const EVENTS_SCOPES = "org:read";

/** The endpoint's page size is "default and maximum 100" (schema, §14). */
export const EVENTS_MAX_PAGE_SIZE = 100;
/** The `project` value for "every project the token can access" (ENDPOINTS.md §1: `-1` = all accessible). */
const ALL_ACCESSIBLE_PROJECTS = "-1";
/** With --all, stop after this many pages and print the cursor to continue from. */
const MAX_PAGES_ALL = 100;

/**
 * Apdex / user-misery threshold T, in ms. The spans dataset needs T spelled out (`apdex(span.duration,300)`,
 * mep_to_eap.py), while the legacy `apdex()` would read each project's own setting. Sending the same T to
 * both keeps the numbers comparable whichever dataset answered; 300 ms is Sentry's default project threshold.
 */
export const APDEX_THRESHOLD_MS = 300;

/** Names of the transaction-level fields in one dataset (EAP ⇄ legacy translation table, ENDPOINTS.md §6). */
export interface TransactionFields {
  /** The search filter that keeps transactions (segment roots) only. */
  isTransaction: string;
  duration: string;
  p50: string;
  p75: string;
  p95: string;
  p99: string;
  avg: string;
  count: string;
  tpm: string;
  failureRate: string;
  apdex: string;
  userMisery: string;
}

export const TRANSACTION_FIELDS: Record<Dataset, TransactionFields> = {
  spans: {
    isTransaction: "is_transaction:true",
    duration: "span.duration",
    p50: "p50(span.duration)",
    p75: "p75(span.duration)",
    p95: "p95(span.duration)",
    p99: "p99(span.duration)",
    avg: "avg(span.duration)",
    count: "count()",
    // EAP's tpm() counts segments (is_segment=true) per minute of the requested window (formulas.py).
    tpm: "tpm()",
    failureRate: "failure_rate()",
    apdex: `apdex(span.duration,${APDEX_THRESHOLD_MS})`,
    userMisery: `user_misery(span.duration,${APDEX_THRESHOLD_MS})`,
  },
  transactions: {
    isTransaction: "event.type:transaction",
    duration: "transaction.duration",
    // Legacy percentile functions read transaction.duration when given no column (discover.py).
    p50: "p50()",
    p75: "p75()",
    p95: "p95()",
    p99: "p99()",
    avg: "avg(transaction.duration)",
    count: "count()",
    tpm: "tpm()",
    failureRate: "failure_rate()",
    apdex: `apdex(${APDEX_THRESHOLD_MS})`,
    userMisery: `user_misery(${APDEX_THRESHOLD_MS})`,
  },
};

/** A time window: a relative statsPeriod ("24h"), or absolute ISO start/end. */
export type EventsWindow = { statsPeriod: string } | { start: string; end: string };

export interface EventsRequest {
  fields: readonly string[];
  query: string;
  /** A requested field, `-` prefixed for descending (the endpoint rejects sorting on anything else). */
  sort?: string;
  window: EventsWindow;
  /** Project slugs; none = every project the token can see. */
  projects?: readonly string[];
  environments?: readonly string[];
  perPage?: number;
  cursor?: string;
}

export type EventsRow = Record<string, unknown>;

export interface Paging {
  perPage: number;
  cursor?: string;
}

export interface EventsTable {
  /** Row keys are the requested field strings exactly (§14). */
  rows: EventsRow[];
  nextCursor: string | null;
  dataset: Dataset;
}

interface EventsBody {
  data?: unknown;
}

/** Where the client reports the dataset it settled on (ctx.warn under --verbose). */
export interface DatasetNotes {
  verbose: boolean;
  warn(message: string): void;
}

/**
 * Queries the events endpoint for one organization, deciding the dataset once per run: the first answer
 * settles it. Calls fanned out in parallel before that answer all try `spans`; after a rejection every
 * later call goes straight to the legacy dataset.
 */
export class EventsClient {
  private dataset?: Dataset;
  /** Numeric IDs of the requested projects, once a server has asked for them. */
  private projectIds?: Promise<string[]>;

  constructor(
    private readonly api: SentryApi,
    readonly org: string,
    private readonly notes: DatasetNotes,
  ) {}

  /** The dataset in use, once a call has settled it. */
  get settledDataset(): Dataset | undefined {
    return this.dataset;
  }

  /** A query both datasets can answer: `build` is given the field names of the dataset being tried. */
  async table(build: (fields: TransactionFields, dataset: Dataset) => EventsRequest): Promise<EventsTable> {
    const first = this.dataset ?? "spans";
    try {
      const table = await this.send(first, build(TRANSACTION_FIELDS[first], first));
      this.settle(first);
      return table;
    } catch (err) {
      if (first !== "spans" || !rejectsSpansDataset(err)) throw err;
      this.settle("transactions");
      return this.send("transactions", build(TRANSACTION_FIELDS.transactions, "transactions"));
    }
  }

  /**
   * A query about individual spans (database queries, span operations), which the legacy dataset cannot
   * answer: it holds whole transactions only. Resolves to null when the server has no spans dataset.
   */
  async spansTable(request: EventsRequest): Promise<EventsTable | null> {
    if (this.dataset === "transactions") return null;
    try {
      const table = await this.send("spans", request);
      this.settle("spans");
      return table;
    } catch (err) {
      if (!rejectsSpansDataset(err)) throw err;
      this.settle("transactions");
      return null;
    }
  }

  /** Like spansTable, for a tool that has nothing to show without spans: throws SpansUnavailableError instead. */
  async spanRows(request: EventsRequest, needs: string): Promise<EventsTable> {
    const table = await this.spansTable(request);
    if (!table) throw new SpansUnavailableError(needs);
    return table;
  }

  /**
   * Follows pages up to `limit` rows (or every page with `all`, up to MAX_PAGES_ALL), yielding each as it
   * arrives. `fetchPage` sends one request with the given page size and cursor (table or spanRows).
   */
  async *pages(fetchPage: (paging: Paging) => Promise<EventsTable>, opts: { limit: number; cursor?: string; all: boolean }): AsyncGenerator<EventsTable> {
    let cursor = opts.cursor;
    let remaining = opts.all ? Number.POSITIVE_INFINITY : opts.limit;
    for (let pageNo = 0; remaining > 0; pageNo++) {
      const page = await fetchPage({ perPage: Math.min(EVENTS_MAX_PAGE_SIZE, remaining), cursor });
      const rows = page.rows.slice(0, Number.isFinite(remaining) ? remaining : undefined);
      remaining -= rows.length;
      yield { ...page, rows };
      if (!page.nextCursor || rows.length === 0 || pageNo + 1 >= MAX_PAGES_ALL) return;
      cursor = page.nextCursor;
    }
  }

  private settle(dataset: Dataset): void {
    if (this.dataset) return;
    this.dataset = dataset;
    if (!this.notes.verbose) return;
    this.notes.warn(
      dataset === "spans"
        ? "querying the spans dataset (is_transaction:true, span.duration)"
        : "this server rejected dataset=spans (older Sentry); using the legacy transactions dataset (event.type:transaction, transaction.duration)",
    );
  }

  private async send(dataset: Dataset, request: EventsRequest): Promise<EventsTable> {
    const slugs = request.projects?.length ? request.projects : undefined;
    let res: HttpResponse<EventsBody>;
    try {
      res = await this.get(dataset, request, slugs && this.projectIds ? await this.projectIds : slugs);
    } catch (err) {
      if (!slugs || this.projectIds || !wantsNumericProjects(err)) throw err;
      // Older servers take numeric project IDs only (ENDPOINTS.md §1): look the slugs up once per run.
      this.projectIds = Promise.all(slugs.map((slug) => this.projectId(slug)));
      res = await this.get(dataset, request, await this.projectIds);
    }
    const data = res.body?.data;
    if (!Array.isArray(data)) {
      throw new NetworkError(`the events endpoint answered without a data list (dataset=${dataset})`, "a proxy or an unexpected server answered; retry with --verbose to see the request");
    }
    const next = parseLinkHeader(res.headers.link).next;
    const nextCursor = next?.results === true && next.cursor !== request.cursor ? next.cursor : null;
    return { rows: data as EventsRow[], nextCursor, dataset };
  }

  private get(dataset: Dataset, request: EventsRequest, projects: readonly string[] | undefined): Promise<HttpResponse<EventsBody>> {
    const query: Query = {
      dataset,
      field: [...request.fields],
      query: request.query || undefined,
      sort: request.sort,
      // Without `project`, Sentry searches only the caller's member projects; -1 means every accessible one.
      project: projects ? [...projects] : ALL_ACCESSIBLE_PROJECTS,
      environment: request.environments?.length ? [...request.environments] : undefined,
      per_page: request.perPage,
      cursor: request.cursor,
      ...request.window,
    };
    return this.api.get<EventsBody>(apiPath`/organizations/${this.org}/events/`, query, { scopes: EVENTS_SCOPES });
  }

  private async projectId(slug: string): Promise<string> {
    if (/^\d+$/.test(slug)) return slug;
    const res = await this.api.get<{ id?: string }>(apiPath`/projects/${this.org}/${slug}/`, undefined, {
      scopes: "project:read",
      notFoundHint: `no project ${JSON.stringify(slug)} in ${this.org}: list them with node dist/list-projects.mjs`,
    });
    if (!res.body?.id) throw new NetworkError(`the project endpoint answered without an id for ${slug}`);
    return String(res.body.id);
  }
}

/** The server has no spans dataset, and the tool has nothing to show without individual spans. */
export class SpansUnavailableError extends CliError {
  constructor(needs: string) {
    super(
      `this Sentry server has no spans dataset (it answered 400 to dataset=spans), and ${needs} needs individual spans`,
      EXIT.NOT_FOUND,
      "older self-hosted Sentry keeps whole transactions only: list-transactions and transaction-summary still work there",
    );
  }
}

/**
 * Servers without EAP answer 400 "dataset must be one of: …" for dataset=spans (organization_events.py
 * get_dataset). Only that answer triggers the fallback: a 400 about the user's --query must surface as is.
 */
export function rejectsSpansDataset(err: unknown): boolean {
  return err instanceof UsageError && /\(400\)/.test(err.message) && /\bdataset\b/i.test(err.message);
}

/** Older servers answer 400 "Invalid project parameter. Values must be numbers." to project slugs. */
function wantsNumericProjects(err: unknown): boolean {
  return err instanceof UsageError && /must be numbers/i.test(err.message);
}

/** A value for Sentry's search syntax, always quoted: `transaction:"GET /api/orders"`; only `"` needs escaping. */
export function searchValue(text: string): string {
  return `"${text.replace(/"/g, '\\"')}"`;
}

/** A numeric cell: null when absent or not a number (aggregates over no rows come back null). */
export function numberOrNull(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return null;
}

export function stringOrNull(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}
