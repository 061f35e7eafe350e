// The events endpoint (GET /organizations/{org}/events/, docs/sentry-api.md §5–7 and §14) as the performance tools
// query it: one request builder, each dataset's field names, and the fallback from the current `spans`
// dataset to the legacy `transactions` dataset on servers that do not have spans (older self-hosted).

import type { Page, SentryApi } from "../api.js";
import type { ErrorContext } from "../http.js";
import { CliError, EXIT, UnexpectedAnswerError, UsageError } from "../errors.js";
import { ProjectSelector } from "../projects.js";
import { apiPath, MAX_PAGE_SIZE, parseLinkHeader, type Query } from "../urls.js";
import { isCursor } from "../validate.js";
import { getChecked, pages as checkedPages } from "./client.js";
import { arrayOf, object, optional, unknownValue, type Schema } from "./schema.js";

export type Dataset = "spans" | "transactions";

/** listOrganizationEvents accepts org:read|org:write|org:admin; org:read is the least. */
export const EVENTS_SCOPES = "org:read";

/** The endpoint's page size is "default and maximum 100" (schema, §14). */
export const EVENTS_MAX_PAGE_SIZE = MAX_PAGE_SIZE;

/**
 * Apdex / user-misery threshold T, in ms. The spans dataset needs T spelled out (`apdex(span.duration,300)`,
 * mep_to_eap.py), while the legacy `apdex()` would read each project's own setting. Sending the same T to
 * both keeps the numbers comparable whichever dataset answered; 300 ms is Sentry's default project threshold.
 */
export const APDEX_THRESHOLD_MS = 300;

/** Names of the transaction-level fields in one dataset (EAP ⇄ legacy translation table, docs/sentry-api.md §6). */
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
  /** Project slugs; none = every project the token can access. */
  projects?: readonly string[];
  environments?: readonly string[];
  perPage?: number;
}

export interface EventsTable {
  /** Row keys are the requested field strings exactly (§14). */
  rows: EventsRow[];
  nextCursor: string | null;
  dataset: Dataset;
}

/** What a paged query follows: the runner's --limit, --cursor and --all. */
export interface PagesOptions {
  limit: number;
  cursor?: string;
  all: boolean;
  /** For a query about individual spans: the tool to name when the server has none (SpansUnavailableError). */
  spansOnlyFor?: string;
}

/** One cell of a row: the endpoint answers plain values only (numbers, strings, booleans, null for "no data"). */
export type Cell = string | number | boolean | null;
export type EventsRow = Record<string, Cell>;

/**
 * A row holds every requested field under its field string (§14), each a plain value. A row missing one is an
 * answer the tools cannot read (a proxy, or a server that does not know the function): it names what is
 * missing instead of printing a column of "-".
 */
export function eventsRow(fields: readonly string[]): Schema<EventsRow> {
  const row = object({});
  return (value, at) => {
    const checked = row(value, at);
    const missing = fields.filter((f) => !(f in checked));
    if (missing.length) throw new UnexpectedAnswerError(`the row at ${at} lacks the requested ${missing.map((f) => JSON.stringify(f)).join(", ")}`);
    for (const f of fields) {
      const cell = checked[f];
      const plain = cell === null || typeof cell === "string" || typeof cell === "boolean" || (typeof cell === "number" && Number.isFinite(cell));
      if (!plain) throw new UnexpectedAnswerError(`expected a plain value for ${JSON.stringify(f)} at ${at}, got ${Array.isArray(cell) ? "a list" : typeof cell}`);
    }
    return checked as EventsRow;
  };
}

/** The endpoint's answer: {data: [rows], meta: {fields, units}}; meta is not read. */
export function eventsAnswer(fields: readonly string[]): Schema<{ data: EventsRow[] }> {
  return object({ data: arrayOf(eventsRow(fields)), meta: optional(unknownValue) });
}

/** Where the client reports the dataset it settled on (ctx.warn under --verbose) and other fallbacks (always). */
export interface DatasetNotes {
  verbose: boolean;
  warn(message: string): void;
}

/**
 * Queries the events endpoint for one organization, deciding the dataset once per run: the first answer
 * settles it. Calls fanned out in parallel before that answer all try `spans`; after a rejection every
 * later call goes straight to the legacy dataset. Project slugs go through one ProjectSelector per run, so
 * an older server's demand for numeric IDs is met once for all calls.
 */
export class EventsClient {
  private dataset?: Dataset;
  private readonly projects: ProjectSelector;
  private readonly path: string;
  private readonly errorContext: ErrorContext;

  constructor(
    private readonly api: SentryApi,
    readonly org: string,
    private readonly notes: DatasetNotes,
  ) {
    this.projects = new ProjectSelector(api, org, notes.warn);
    this.path = apiPath`/organizations/${org}/events/`;
    this.errorContext = { scopes: EVENTS_SCOPES, notFoundHint: `check the organization slug ${JSON.stringify(org)} (SENTRY_ORG or --org)` };
  }

  /** The dataset in use, once a call has settled it. */
  get settledDataset(): Dataset | undefined {
    return this.dataset;
  }

  /** A query both datasets can answer: `build` is given the field names of the dataset being tried. */
  async table(build: (fields: TransactionFields, dataset: Dataset) => EventsRequest): Promise<EventsTable> {
    const table = await this.onDataset(false, (dataset) => {
      const request = build(TRANSACTION_FIELDS[dataset], dataset);
      return this.withProjects(dataset, request, (query) => this.fetchTable(dataset, query, request.fields));
    });
    return table!;
  }

  /**
   * A query about individual spans (database queries, span operations), which the legacy dataset cannot
   * answer: it holds whole transactions only. Resolves to null when the server has no spans dataset.
   */
  spansTable(request: EventsRequest): Promise<EventsTable | null> {
    return this.onDataset(true, (dataset) => this.withProjects(dataset, request, (query) => this.fetchTable(dataset, query, request.fields)));
  }

  /** Like spansTable, for a tool that has nothing to show without spans: throws SpansUnavailableError instead. */
  async spanRows(request: EventsRequest, needs: string): Promise<EventsTable> {
    const table = await this.spansTable(request);
    if (!table) throw new SpansUnavailableError(needs);
    return table;
  }

  /**
   * Follows the pages of a query through the runtime's paginate (--limit rows, or every page with --all up to
   * its cap), yielding each as it arrives. The first page settles the dataset and the project values; the
   * rest follow its cursor.
   */
  async *pages(build: (fields: TransactionFields, dataset: Dataset) => EventsRequest, opts: PagesOptions): AsyncGenerator<EventsTable> {
    let pages: AsyncGenerator<Page<EventsRow>> | undefined;
    let settled: Dataset = "spans";
    const first = await this.onDataset(opts.spansOnlyFor !== undefined, (dataset) => {
      const request = build(TRANSACTION_FIELDS[dataset], dataset);
      return this.withProjects(dataset, request, async (query) => {
        const started = checkedPages(this.api, this.path, eventsRow(request.fields), {
          query,
          sizeParam: "per_page",
          limit: opts.limit,
          cursor: opts.cursor,
          all: opts.all,
          context: this.errorContext,
          itemsKey: "data",
        });
        const page = await started.next();
        pages = started;
        settled = dataset;
        return page;
      });
    });
    if (first === null) throw new SpansUnavailableError(opts.spansOnlyFor!);
    if (first.done) return;
    yield pageTable(first.value, settled);
    for await (const page of pages!) yield pageTable(page, settled);
  }

  /**
   * Runs `send` on the settled dataset, or tries `spans` first and falls back to the legacy dataset when the
   * server has none. With `spansOnly`, a server without spans gives null instead of a legacy answer.
   */
  private async onDataset<T>(spansOnly: boolean, send: (dataset: Dataset) => Promise<T>): Promise<T | null> {
    const first = this.dataset ?? "spans";
    if (spansOnly && first === "transactions") return null;
    try {
      const result = await send(first);
      this.settle(first);
      return result;
    } catch (err) {
      if (first !== "spans" || !rejectsSpansDataset(err)) throw err;
      this.settle("transactions");
      return spansOnly ? null : send("transactions");
    }
  }

  /** Sends with the request's projects as the server wants them; a 403 is probed with the cheapest request. */
  private withProjects<T>(dataset: Dataset, request: EventsRequest, send: (query: Query) => Promise<T>): Promise<T> {
    return this.projects.send(request.projects ?? [], (project) => send(this.query(dataset, request, project)), {
      scopes: EVENTS_SCOPES,
      probe: (project) => this.api.get(this.path, this.query(dataset, { ...request, sort: undefined, perPage: 1 }, project), this.errorContext),
    });
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

  private async fetchTable(dataset: Dataset, query: Query, fields: readonly string[]): Promise<EventsTable> {
    const res = await getChecked(this.api, this.path, eventsAnswer(fields), query, this.errorContext);
    const next = parseLinkHeader(res.headers.link).next;
    const nextCursor = next?.results === true ? next.cursor : null;
    // The cursor is printed in a "--cursor …" suggestion: only one --cursor itself would accept.
    if (nextCursor !== null && !isCursor(nextCursor)) {
      throw new UnexpectedAnswerError(`a malformed pagination cursor in the Link header (dataset=${dataset})`);
    }
    return { rows: res.body.data, nextCursor, dataset };
  }

  private query(dataset: Dataset, request: EventsRequest, project: string[]): Query {
    return {
      dataset,
      field: [...request.fields],
      query: request.query || undefined,
      sort: request.sort,
      project,
      environment: request.environments?.length ? [...request.environments] : undefined,
      per_page: request.perPage,
      ...request.window,
    };
  }
}

function pageTable(page: Page<EventsRow>, dataset: Dataset): EventsTable {
  return { rows: page.items, nextCursor: page.nextCursor, dataset };
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
  return err instanceof UsageError && err.status === 400 && /\bdataset\b/i.test(err.detail ?? "");
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
