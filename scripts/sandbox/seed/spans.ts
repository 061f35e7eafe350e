// Seeded performance data for the sandbox: raw span records from which GET /organizations/{org}/events/
// computes every aggregate (list-transactions, transaction-summary, slow-queries read them through that endpoint).
//
// How routes/events.ts computes each function from these records (tests recompute them the same way):
// - Sampling. Like Sentry, the sandbox stores sampled spans: each record carries w = sampleWeight = 1 / the
//   project's transaction sample rate (EAP `sentry.sampling_weight`; see SAMPLE_RATES), the same for every span of a
//   trace, and count-like aggregates are extrapolated by it: a stored row stands for w rows of real traffic. Below,
//   "weight of" a set of rows is Σ w over it; with one project (uniform w) every mean, share and percentile equals the
//   unweighted one, and counts are w × the stored rows.
// - Rows. dataset=spans: every record. dataset=transactions (legacy): only segment roots (isTransaction).
//   A row is in the window when start <= timestamp < end (timestamp = span start, epoch ms). Both datasets
//   extrapolate: a legacy server reads unsampled metrics, whose counts the extrapolated ones stand in for.
// - count(), count(span.duration), count(span.self_time): weight of the rows in the group. count_sample() (spans
//   only): the number of stored rows, unweighted.
// - count_unique(f): number of distinct non-null, non-empty values of f, not extrapolated (Sentry does not
//   extrapolate uniques).
// - sum(f) = Σ w·f; avg(f) = Σ w·f ÷ Σ w; min/max(f) over the rows (durationMs for span.duration /
//   transaction.duration, selfTimeMs for span.self_time).
// - p50/p75/p90/p95/p99/p100(f), percentile(f,q): weighted linear interpolation between closest ranks. Sort the
//   rows by f ascending (ties by w ascending); C[i] = weight of the rows before row i, W = total weight,
//   t = q × (W − w[n−1]); take the row i with C[i] <= t < C[i+1] (the last row when t = W − w[n−1]) and
//   result = v[i] + ((t − C[i]) ÷ w[i]) × (v[i+1] − v[i]). With equal weights t ÷ w = (n − 1) × q and this is
//   numpy's default "linear" method: h = (n - 1) * q, v[floor(h)] + (h - floor(h)) * (v[ceil(h)] - v[floor(h)]).
// - epm(): weight of the rows ÷ window minutes; tpm(): weight of the segment rows ÷ window minutes (EAP counts
//   is_segment=true for tpm). The window is the request's statsPeriod/start/end (default 90d, as Sentry's), not
//   the span of the data.
// - failure_count(): weight of the rows whose status is not ok, cancelled or unknown; failure_rate() =
//   failure_count() ÷ count(), so with is_transaction:true (as the tools query) it is the share of failed
//   transactions (formulas.py failure_rate).
// - apdex(span.duration,T) / apdex(T) / apdex(): over the segment rows of the group only (EAP builds the
//   is_transaction filter in): satisfied = weight of duration <= T, tolerating = weight of T < duration <= 4T,
//   apdex = (satisfied + tolerating / 2) ÷ weight of the segments. T defaults to DEFAULT_APDEX_THRESHOLD_MS.
// - count_miserable(user[,T]) (not extrapolated: a count of distinct users): distinct users with at least one
//   segment slower than 4T.
//   user_misery(span.duration,T) = (miserable + MISERY_ALPHA) ÷ (distinct users + MISERY_ALPHA + MISERY_BETA),
//   users counted over segments with a user (Sentry's Bayesian prior, search/events/constants.py); with no
//   users at all it is MISERY_ALPHA ÷ (MISERY_ALPHA + MISERY_BETA), never null. Unique users: not extrapolated.
// - span.self_time is exclusive time: the span's duration minus the union of its direct children's intervals
//   (clipped to the span), so concurrent children are not subtracted twice.
// - With no matching rows and no group-by fields, the one row carries 0 for counts, sums, rates and
//   failure_rate, and null for averages, percentiles, min/max and apdex.

import { createHash } from "node:crypto";
import type { Project, World } from "../types.js";
import type { Rng } from "./rng.js";
import { rngFor } from "./rng.js";
import { worldHourOfDay } from "../time.js";

/** Trace statuses as Sentry stores them on spans (`trace.status`). */
export type SpanStatus =
  | "ok"
  | "cancelled"
  | "unknown"
  | "internal_error"
  | "deadline_exceeded"
  | "unavailable"
  | "not_found"
  | "unauthenticated"
  | "permission_denied"
  | "invalid_argument"
  | "resource_exhausted"
  | "aborted";

/** Statuses that do not count as failures in failure_rate()/failure_count() (formulas.py). */
export const NON_FAILURE_STATUSES: readonly SpanStatus[] = ["ok", "cancelled", "unknown"];

/** Apdex/user-misery threshold T when a request names none (Sentry's project default). */
export const DEFAULT_APDEX_THRESHOLD_MS = 300;
/** Bayesian prior of user_misery (src/sentry/search/events/constants.py MISERY_ALPHA/MISERY_BETA). */
export const MISERY_ALPHA = 5.8875;
export const MISERY_BETA = 111.8625;

/** One span as stored: the raw data every aggregate is computed from. Field names map to Sentry's in routes/events.ts. */
export interface SpanRecord {
  /** 16 hex (`id`, `span_id` in the spans dataset). */
  spanId: string;
  /** null for a segment root (`parent_span`). */
  parentSpanId: string | null;
  /** 32 hex (`trace`). */
  traceId: string;
  /** Event ID of the transaction this span belongs to, 32 hex: `id` in the legacy dataset, `transaction.id` in spans. */
  transactionId: string;
  /** Segment root (`is_transaction`). */
  isTransaction: boolean;
  /** Name of the enclosing transaction (`transaction`). */
  transaction: string;
  /** HTTP method of the transaction (`transaction.method`, legacy `http.method`); null for page loads and tasks. */
  transactionMethod: string | null;
  /** op of the segment root (`transaction.op`). */
  transactionOp: string;
  projectId: string;
  projectSlug: string;
  environment: string;
  /** Latest release of the project deployed before the span started; null before the first one. */
  release: string | null;
  /** `span.op`, e.g. http.server, db.sql.query, http.client, cache.get, ui.load. */
  op: string;
  /** `span.category`: the op's first segment when Sentry knows it (db, http, cache, ui …), else null. */
  category: string | null;
  /** `span.description` as the SDK sent it (driver placeholders, concrete IDs). */
  description: string;
  /** `sentry.normalized_description`: placeholders as %s, IDs as *; null where Sentry does not normalize (ui, function …). */
  normalizedDescription: string | null;
  /** `span.group`: first 16 hex of md5(normalized description, or description when there is none). */
  group: string;
  /** `span.action`: SQL verb, cache/redis command or HTTP method; null otherwise. */
  action: string | null;
  /** `span.domain`: table for db spans, host for http spans; null otherwise. */
  domain: string | null;
  /** Span start, epoch milliseconds (`timestamp`). */
  timestamp: number;
  /** `span.duration` (legacy `transaction.duration` on segments), milliseconds. */
  durationMs: number;
  /** `span.self_time`: exclusive time, milliseconds (see the header). */
  selfTimeMs: number;
  /** `trace.status` / `span.status` (legacy `transaction.status`). */
  status: SpanStatus;
  /** `user.id`; `user` is shown as "id:<userId>". null for anonymous traffic. */
  userId: string | null;
  /** `db.system` for database spans (postgresql, redis, sqlite), else null. */
  dbSystem: string | null;
  /** `sentry.sampling_weight`: 1 / the project's sample rate, so how many real spans this stored one stands for. */
  sampleWeight: number;
}

export interface SpansWorld {
  /** Chronological by transaction start; each transaction's root comes first, then its descendants. */
  spans: SpanRecord[];
  /** Threshold T used by apdex()/user_misery() without an argument. */
  apdexThresholdMs: number;
  /** The transaction whose latency rises in the last 24 h (the story for period comparisons). */
  regressedTransaction: string;
  /** The transaction that repeats one query per row (the N+1 story for slow-queries). */
  nPlusOneTransaction: string;
  /** Normalized description of that repeated query. */
  nPlusOneQuery: string;
}

// This category's part of the world (types.ts leaves it to each seed module, so types flow one way).
declare module "../types.js" {
  interface World {
    spans: SpansWorld;
  }
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** 14 days plus one, so statsPeriod=7d and 14d comparisons both have a previous period with data. */
const SEEDED_DAYS = 15;
/** No transaction starts closer to `now` than this, so even a 30 s timeout has finished by `now`. */
const NEWEST_START_AGE_MS = 5 * 60_000;
/** Transactions seeded across all performance projects; keeps the world near 35k spans (< 300 ms to seed). */
const TRANSACTION_BUDGET = 6_000;
const MIN_TRANSACTIONS_PER_PROJECT = 700;
const MAX_TRANSACTIONS_PER_PROJECT = 3_500;
/** Backends serve every client, so they see more transactions than one web or mobile app. */
const FAMILY_TRAFFIC: Record<Family, number> = { backend: 1.5, browser: 1, mobile: 0.8 };
/**
 * traces_sample_rate per project, by family, in the order the family's projects appear in the world: the
 * stored ~100 transactions a day per project then stand for a few thousand (the busiest endpoints at a few per
 * minute, next to releases' 15–50k sessions a day). Busy backends sample least; mobile apps, with fewer and
 * costlier sessions, most. Two projects of one family differ (teams set their own rate), so a query across
 * projects mixes weights, as it does in Sentry. Every rate is 1 / an integer, so extrapolated counts are integers.
 */
const SAMPLE_RATES: Record<Family, readonly number[]> = {
  backend: [0.005, 0.01],
  browser: [0.01, 0.02],
  mobile: [0.02, 0.05],
};
/** Users in the pool; a squared uniform draw makes a few of them heavy users. */
const USER_POOL_SIZE = 400;
/** User IDs are shared across projects, as one signed-in person uses the web app, the app and the API. */
const FIRST_USER_ID = 10_001;
/** Share of browser/mobile traffic without a signed-in user. */
const ANONYMOUS_SHARE = 0.15;
/** The regression (an added query, slower calls to the regressed endpoint) shows in this most recent stretch. */
const REGRESSION_WINDOW_MS = DAY_MS;
const REGRESSED_TRANSACTION = "GET /api/checkout";
const N_PLUS_ONE_QUERY =
  'SELECT "order_items"."id", "order_items"."product_id", "order_items"."quantity", "order_items"."price_cents" FROM "order_items" WHERE "order_items"."order_id" = %s';

/** Op prefixes Sentry turns into span.category (Relay's category table, abridged to what the seed uses). */
const KNOWN_CATEGORIES = new Set([
  "db",
  "http",
  "cache",
  "ui",
  "resource",
  "browser",
  "pageload",
  "navigation",
  "function",
  "middleware",
  "queue",
  "file",
]);
/** Categories whose descriptions Sentry normalizes (and so carry sentry.normalized_description). */
const NORMALIZED_CATEGORIES = new Set(["db", "http", "cache", "resource", "queue"]);

type Family = "backend" | "browser" | "mobile";
/** How the SDK's database driver writes bind parameters in span descriptions. */
type PlaceholderStyle = "percent" | "dollar" | "question";

interface ChildSpec {
  op: string;
  /** Normalized description: %s for SQL parameters (and `IN (%s)` for lists), * for IDs in keys and URLs. */
  normalized: string;
  median: number;
  sigma: number;
  /** Share of transactions that have this span (cache misses, optional calls). */
  probability?: number;
  /** Repeated this many times in a row (N+1 queries, one insert per item). */
  repeat?: readonly [number, number];
  /** Starts together with the previous concurrent sibling instead of after it (browser resources). */
  concurrent?: boolean;
  /** Only in the last 24 h: the query a recent release added. */
  recentOnly?: boolean;
  /** Multiplies the duration in the last 24 h. */
  recentSlowdown?: number;
  /** `*` fills with hex rather than digits (asset hashes, tokens). */
  hexIds?: boolean;
  dbSystem?: string;
  /** Span not normalized by Sentry (ui, function): its description is used verbatim. */
  verbatim?: boolean;
  children?: readonly ChildSpec[];
}

interface TransactionTemplate {
  name: string;
  op: string;
  method: string | null;
  /** Relative traffic. */
  weight: number;
  /** The root's own time (before/after its children). */
  ownMedian: number;
  ownSigma: number;
  failureRate: number;
  failureStatuses: ReadonlyArray<readonly [SpanStatus, number]>;
  /** Statuses that are not failures but not ok either (client went away). */
  softStatusRate?: number;
  anonymous?: boolean;
  children: readonly ChildSpec[];
}

// ---------------------------------------------------------------------------------------------
// The transactions each kind of project sends.

const PG = "postgresql";

function backendTemplates(middlewareOp: string): TransactionTemplate[] {
  const auth: ChildSpec = { op: middlewareOp, normalized: "authenticate", median: 1.2, sigma: 0.4, verbatim: true };
  return [
    {
      name: "GET /api/products",
      op: "http.server",
      method: "GET",
      weight: 14,
      ownMedian: 18,
      ownSigma: 0.5,
      failureRate: 0.004,
      failureStatuses: [["internal_error", 1]],
      children: [
        auth,
        { op: "cache.get", normalized: "products:list:*", median: 1.5, sigma: 0.5 },
        {
          op: "db.sql.query",
          normalized:
            'SELECT "products"."id", "products"."title", "products"."price_cents", "products"."image_url" FROM "products" WHERE ("products"."is_active" AND UPPER("products"."title"::text) LIKE UPPER(%s)) ORDER BY "products"."popularity" DESC LIMIT %s',
          median: 42,
          sigma: 0.6,
          probability: 0.45,
          dbSystem: PG,
        },
        {
          op: "db.sql.query",
          normalized: 'SELECT COUNT(*) AS "__count" FROM "products" WHERE "products"."is_active"',
          median: 9,
          sigma: 0.5,
          probability: 0.45,
          dbSystem: PG,
        },
      ],
    },
    {
      name: "GET /api/products/:id",
      op: "http.server",
      method: "GET",
      weight: 18,
      ownMedian: 12,
      ownSigma: 0.45,
      failureRate: 0.03,
      failureStatuses: [
        ["not_found", 8],
        ["internal_error", 1],
      ],
      children: [
        auth,
        { op: "cache.get", normalized: "product:*", median: 1.1, sigma: 0.4 },
        {
          op: "db.sql.query",
          normalized:
            'SELECT "products"."id", "products"."title", "products"."description", "products"."price_cents", "products"."stock" FROM "products" WHERE "products"."id" = %s LIMIT %s',
          median: 4,
          sigma: 0.5,
          probability: 0.35,
          dbSystem: PG,
        },
        {
          op: "db.sql.query",
          normalized:
            'SELECT "reviews"."id", "reviews"."rating", "reviews"."body", "reviews"."created_at" FROM "reviews" WHERE "reviews"."product_id" = %s ORDER BY "reviews"."created_at" DESC LIMIT %s',
          median: 11,
          sigma: 0.6,
          dbSystem: PG,
        },
        { op: "cache.put", normalized: "product:*", median: 0.9, sigma: 0.4, probability: 0.35 },
      ],
    },
    {
      name: REGRESSED_TRANSACTION,
      op: "http.server",
      method: "GET",
      weight: 12,
      ownMedian: 22,
      ownSigma: 0.5,
      failureRate: 0.02,
      // No timeouts here: one 30 s outlier among ~25 requests a day would swamp the p95 comparison this endpoint is for.
      failureStatuses: [["internal_error", 1]],
      children: [
        auth,
        { op: "cache.get", normalized: "session:*", median: 1.3, sigma: 0.4, hexIds: true },
        {
          op: "function",
          normalized: "CheckoutService.prepare",
          median: 3,
          sigma: 0.5,
          verbatim: true,
          children: [
            {
              op: "db.sql.query",
              normalized:
                'SELECT "carts"."id", "carts"."user_id", "carts"."updated_at" FROM "carts" WHERE "carts"."user_id" = %s LIMIT %s',
              median: 3.5,
              sigma: 0.5,
              dbSystem: PG,
            },
            {
              op: "db.sql.query",
              normalized:
                'SELECT "cart_items"."id", "cart_items"."quantity", "products"."id", "products"."price_cents" FROM "cart_items" INNER JOIN "products" ON ("cart_items"."product_id" = "products"."id") WHERE "cart_items"."cart_id" = %s',
              median: 14,
              sigma: 0.55,
              dbSystem: PG,
            },
            {
              // The query the latest release added: locks inventory rows, slow under contention.
              op: "db.sql.query",
              normalized:
                'SELECT "inventory"."sku", "inventory"."quantity" FROM "inventory" WHERE "inventory"."sku" IN (%s) FOR UPDATE',
              median: 240,
              sigma: 0.6,
              recentOnly: true,
              dbSystem: PG,
            },
          ],
        },
        {
          op: "http.client",
          normalized: "POST https://payments.acme.test/v1/payment_intents",
          median: 160,
          sigma: 0.45,
        },
        {
          op: "db.sql.query",
          normalized: 'UPDATE "carts" SET "checked_out_at" = %s WHERE "carts"."id" = %s',
          median: 5,
          sigma: 0.5,
          dbSystem: PG,
        },
      ],
    },
    {
      name: "POST /api/orders",
      op: "http.server",
      method: "POST",
      weight: 6,
      ownMedian: 20,
      ownSigma: 0.5,
      failureRate: 0.025,
      failureStatuses: [
        ["internal_error", 2],
        ["invalid_argument", 3],
      ],
      children: [
        auth,
        {
          op: "db.sql.query",
          normalized:
            'INSERT INTO "orders" ("user_id", "status", "total_cents", "created_at") VALUES (%s, %s, %s, %s) RETURNING "orders"."id"',
          median: 6,
          sigma: 0.5,
          dbSystem: PG,
        },
        {
          op: "db.sql.query",
          normalized:
            'INSERT INTO "order_items" ("order_id", "product_id", "quantity", "price_cents") VALUES (%s, %s, %s, %s)',
          median: 3,
          sigma: 0.45,
          repeat: [1, 5],
          dbSystem: PG,
        },
        {
          op: "db.sql.query",
          normalized: 'UPDATE "inventory" SET "quantity" = ("inventory"."quantity" - %s) WHERE "inventory"."sku" = %s',
          median: 4,
          sigma: 0.5,
          repeat: [1, 3],
          dbSystem: PG,
        },
        { op: "queue.publish", normalized: "order.created", median: 2.5, sigma: 0.5 },
      ],
    },
    {
      name: "GET /api/orders",
      op: "http.server",
      method: "GET",
      weight: 7,
      ownMedian: 15,
      ownSigma: 0.5,
      failureRate: 0.008,
      failureStatuses: [["internal_error", 1]],
      children: [
        auth,
        {
          op: "db.sql.query",
          normalized:
            'SELECT "orders"."id", "orders"."status", "orders"."total_cents", "orders"."created_at" FROM "orders" WHERE "orders"."user_id" = %s ORDER BY "orders"."created_at" DESC LIMIT %s',
          median: 8,
          sigma: 0.5,
          dbSystem: PG,
        },
        // The N+1: one query per order on the page instead of one IN (...) query.
        { op: "db.sql.query", normalized: N_PLUS_ONE_QUERY, median: 2.6, sigma: 0.45, repeat: [20, 50], dbSystem: PG },
      ],
    },
    {
      name: "POST /api/auth/login",
      op: "http.server",
      method: "POST",
      weight: 5,
      ownMedian: 10,
      ownSigma: 0.4,
      failureRate: 0.12,
      failureStatuses: [
        ["unauthenticated", 10],
        ["resource_exhausted", 1],
      ],
      children: [
        { op: "db.redis", normalized: "INCR ratelimit:login:*", median: 0.8, sigma: 0.4, dbSystem: "redis" },
        {
          op: "db.sql.query",
          normalized:
            'SELECT "users"."id", "users"."email", "users"."password_hash", "users"."is_active" FROM "users" WHERE "users"."email" = %s LIMIT %s',
          median: 3,
          sigma: 0.5,
          dbSystem: PG,
        },
        { op: "function", normalized: "verify_password", median: 85, sigma: 0.15, verbatim: true },
        {
          op: "db.sql.query",
          normalized: 'INSERT INTO "sessions" ("user_id", "token", "expires_at") VALUES (%s, %s, %s)',
          median: 3.5,
          sigma: 0.45,
          dbSystem: PG,
        },
      ],
    },
    {
      name: "GET /api/users/me",
      op: "http.server",
      method: "GET",
      weight: 10,
      ownMedian: 6,
      ownSigma: 0.45,
      failureRate: 0.01,
      failureStatuses: [["unauthenticated", 1]],
      children: [
        auth,
        { op: "cache.get", normalized: "user:*", median: 0.9, sigma: 0.4 },
        {
          op: "db.sql.query",
          normalized: 'SELECT "users"."id", "users"."email", "users"."name" FROM "users" WHERE "users"."id" = %s LIMIT %s',
          median: 2.5,
          sigma: 0.45,
          probability: 0.25,
          dbSystem: PG,
        },
      ],
    },
    {
      name: "GET /healthz",
      op: "http.server",
      method: "GET",
      weight: 16,
      ownMedian: 1.5,
      ownSigma: 0.4,
      failureRate: 0.002,
      failureStatuses: [["unavailable", 1]],
      anonymous: true,
      children: [{ op: "db.sql.query", normalized: "SELECT %s", median: 0.6, sigma: 0.4, dbSystem: PG }],
    },
    {
      name: "GET /api/reports/sales",
      op: "http.server",
      method: "GET",
      weight: 1.2,
      ownMedian: 35,
      ownSigma: 0.5,
      failureRate: 0.08,
      failureStatuses: [
        ["deadline_exceeded", 3],
        ["internal_error", 1],
      ],
      children: [
        auth,
        {
          op: "db.sql.query",
          normalized:
            'SELECT DATE_TRUNC(%s, "orders"."created_at" AT TIME ZONE %s) AS "day", SUM("orders"."total_cents") AS "revenue", COUNT("orders"."id") AS "orders" FROM "orders" WHERE ("orders"."created_at" >= %s AND "orders"."status" = %s) GROUP BY 1 ORDER BY 1 ASC',
          median: 1_300,
          sigma: 0.55,
          dbSystem: PG,
        },
        {
          op: "db.sql.query",
          normalized:
            'SELECT "products"."id", "products"."title", SUM("order_items"."quantity") AS "units" FROM "order_items" INNER JOIN "products" ON ("order_items"."product_id" = "products"."id") GROUP BY "products"."id" ORDER BY "units" DESC LIMIT %s',
          median: 560,
          sigma: 0.5,
          dbSystem: PG,
        },
      ],
    },
    {
      name: "POST /api/webhooks/payments",
      op: "http.server",
      method: "POST",
      weight: 3,
      ownMedian: 8,
      ownSigma: 0.45,
      failureRate: 0.02,
      failureStatuses: [
        ["permission_denied", 1],
        ["internal_error", 1],
      ],
      anonymous: true,
      children: [
        {
          op: "db.sql.query",
          normalized:
            'SELECT "payments"."id", "payments"."order_id", "payments"."status" FROM "payments" WHERE "payments"."intent_id" = %s LIMIT %s',
          median: 3,
          sigma: 0.5,
          dbSystem: PG,
        },
        {
          op: "db.sql.query",
          normalized: 'UPDATE "orders" SET "status" = %s WHERE "orders"."id" = %s',
          median: 4,
          sigma: 0.5,
          dbSystem: PG,
        },
        { op: "queue.publish", normalized: "order.paid", median: 2.5, sigma: 0.5 },
      ],
    },
    {
      name: "GET /api/search",
      op: "http.server",
      method: "GET",
      weight: 5,
      ownMedian: 9,
      ownSigma: 0.45,
      failureRate: 0.015,
      failureStatuses: [
        ["unavailable", 2],
        ["deadline_exceeded", 1],
      ],
      children: [
        auth,
        { op: "cache.get", normalized: "search:*", median: 1.2, sigma: 0.4, hexIds: true },
        { op: "http.client", normalized: "GET https://search.acme.test/products/_search", median: 110, sigma: 0.5 },
      ],
    },
    {
      name: "DELETE /api/cart/items/:id",
      op: "http.server",
      method: "DELETE",
      weight: 2,
      ownMedian: 8,
      ownSigma: 0.45,
      failureRate: 0.02,
      failureStatuses: [["not_found", 1]],
      children: [
        auth,
        {
          op: "db.sql.query",
          normalized: 'DELETE FROM "cart_items" WHERE ("cart_items"."cart_id" = %s AND "cart_items"."id" = %s)',
          median: 3,
          sigma: 0.5,
          dbSystem: PG,
        },
        {
          op: "db.sql.query",
          normalized:
            'SELECT "cart_items"."id", "cart_items"."quantity" FROM "cart_items" WHERE "cart_items"."cart_id" = %s',
          median: 2.5,
          sigma: 0.45,
          dbSystem: PG,
        },
      ],
    },
    {
      name: "tasks.send_order_confirmation",
      op: "queue.process",
      method: null,
      weight: 4,
      ownMedian: 12,
      ownSigma: 0.5,
      failureRate: 0.03,
      failureStatuses: [
        ["unavailable", 2],
        ["internal_error", 1],
      ],
      children: [
        {
          op: "db.sql.query",
          normalized:
            'SELECT "orders"."id", "orders"."user_id", "orders"."total_cents" FROM "orders" WHERE "orders"."id" = %s LIMIT %s',
          median: 3,
          sigma: 0.5,
          dbSystem: PG,
        },
        { op: "http.client", normalized: "POST https://mail.acme.test/v3/mail/send", median: 210, sigma: 0.5 },
      ],
    },
  ];
}

const API = "https://api.acme.test";

function browserTemplates(): TransactionTemplate[] {
  const shell: ChildSpec[] = [
    { op: "resource.script", normalized: "https://cdn.acme.test/assets/main.*.js", median: 180, sigma: 0.5, concurrent: true, hexIds: true },
    { op: "resource.css", normalized: "https://cdn.acme.test/assets/main.*.css", median: 60, sigma: 0.5, concurrent: true, hexIds: true },
    { op: "browser", normalized: "domContentLoadedEvent", median: 40, sigma: 0.4, verbatim: true },
  ];
  const page = (
    name: string,
    op: "pageload" | "navigation",
    weight: number,
    calls: ChildSpec[],
    component: string,
  ): TransactionTemplate => ({
    name,
    op,
    method: null,
    weight,
    ownMedian: op === "pageload" ? 90 : 25,
    ownSigma: 0.5,
    failureRate: 0.004,
    failureStatuses: [["internal_error", 1]],
    softStatusRate: 0.03,
    children: [
      ...(op === "pageload" ? shell : []),
      ...calls,
      { op: "ui.react.render", normalized: component, median: 18, sigma: 0.6, verbatim: true },
    ],
  });
  const call = (method: string, path: string, median: number, extra: Partial<ChildSpec> = {}): ChildSpec => ({
    op: "http.client",
    normalized: `${method} ${API}${path}`,
    median,
    sigma: 0.5,
    ...extra,
  });
  return [
    page("/", "pageload", 12, [call("GET", "/api/products", 120, { concurrent: true }), call("GET", "/api/users/me", 40, { concurrent: true })], "HomePage"),
    page("/products/:id", "pageload", 14, [call("GET", "/api/products/*", 70)], "ProductPage"),
    page("/products/:id", "navigation", 10, [call("GET", "/api/products/*", 70)], "ProductPage"),
    page("/checkout", "pageload", 6, [call("GET", "/api/checkout", 260, { recentSlowdown: 1.9 })], "CheckoutPage"),
    page("/orders", "navigation", 5, [call("GET", "/api/orders", 190)], "OrderHistory"),
    page("/cart", "navigation", 6, [call("GET", "/api/checkout", 260, { recentSlowdown: 1.9 })], "CartDrawer"),
    page("/login", "pageload", 4, [call("POST", "/api/auth/login", 130)], "LoginForm"),
    page("/account", "navigation", 3, [call("GET", "/api/users/me", 40)], "AccountSettings"),
    page("/search", "navigation", 5, [call("GET", "/api/search", 160)], "SearchResults"),
  ];
}

function mobileTemplates(screen: (base: string) => string): TransactionTemplate[] {
  const load = (base: string, weight: number, calls: ChildSpec[]): TransactionTemplate => ({
    name: screen(base),
    op: "ui.load",
    method: null,
    weight,
    ownMedian: 45,
    ownSigma: 0.5,
    failureRate: 0.006,
    failureStatuses: [["internal_error", 1]],
    softStatusRate: 0.05,
    children: [
      { op: "ui.load.initial_display", normalized: `${screen(base)} initial display`, median: 120, sigma: 0.45, verbatim: true },
      ...calls,
      { op: "ui.load.full_display", normalized: `${screen(base)} full display`, median: 60, sigma: 0.5, verbatim: true },
    ],
  });
  const local = (normalized: string, median: number, extra: Partial<ChildSpec> = {}): ChildSpec => ({
    op: "db.sql.room",
    normalized,
    median,
    sigma: 0.5,
    dbSystem: "sqlite",
    ...extra,
  });
  const call = (method: string, path: string, median: number, extra: Partial<ChildSpec> = {}): ChildSpec => ({
    op: "http.client",
    normalized: `${method} ${API}${path}`,
    median,
    sigma: 0.55,
    ...extra,
  });
  return [
    load("Main", 14, [
      { op: "file.read", normalized: "home_feed.json", median: 6, sigma: 0.5, verbatim: true },
      call("GET", "/api/products", 150),
    ]),
    load("ProductDetail", 12, [local("SELECT * FROM products WHERE id = %s LIMIT %s", 2, { probability: 0.6 }), call("GET", "/api/products/*", 95)]),
    load("Cart", 7, [local("SELECT * FROM cart_items WHERE cart_id = %s", 2.5), call("GET", "/api/checkout", 280, { recentSlowdown: 1.9 })]),
    load("Checkout", 5, [call("GET", "/api/checkout", 280, { recentSlowdown: 1.9 }), call("POST", "/api/orders", 210)]),
    load("OrderHistory", 5, [
      {
        op: "db.sql.query",
        normalized: "SELECT id, status, total_cents FROM cached_orders ORDER BY created_at DESC LIMIT %s",
        median: 3,
        sigma: 0.5,
        dbSystem: "sqlite",
      },
      call("GET", "/api/orders", 230),
    ]),
    load("Search", 6, [call("GET", "/api/search", 180)]),
    load("Login", 3, [call("POST", "/api/auth/login", 150)]),
    load("Settings", 2, [{ op: "file.read", normalized: "settings.json", median: 3, sigma: 0.4, verbatim: true }]),
  ];
}

/** Which family of transactions a project sends, from its platform string. */
function familyOf(platform: string): Family {
  const p = platform.toLowerCase();
  if (/^(android|apple|cocoa|ios|flutter|react-native|dart|kotlin|swift)/.test(p)) return "mobile";
  if (p.startsWith("javascript") && !p.includes("node")) return "browser";
  return "backend";
}

function templatesFor(platform: string): TransactionTemplate[] {
  const p = platform.toLowerCase();
  switch (familyOf(platform)) {
    case "browser":
      return browserTemplates();
    case "mobile":
      // Android names screens after Activities, iOS after view controllers, cross-platform SDKs after screens.
      if (p.startsWith("android") || p.startsWith("kotlin")) return mobileTemplates((b) => `${b}Activity`);
      if (/^(apple|cocoa|ios|swift)/.test(p)) return mobileTemplates((b) => `${b}ViewController`);
      return mobileTemplates((b) => `${b}Screen`);
    case "backend":
      if (p.startsWith("python")) return backendTemplates("middleware.django");
      if (p.startsWith("node") || p.includes("node")) return backendTemplates("middleware.express");
      return backendTemplates("middleware.handler");
  }
}

function placeholderStyleOf(platform: string): PlaceholderStyle {
  const p = platform.toLowerCase();
  if (familyOf(platform) !== "backend") return "question";
  if (p.startsWith("python")) return "percent";
  if (p.includes("node")) return "dollar";
  return "question";
}

// ---------------------------------------------------------------------------------------------
// Descriptions: what the SDK sent, and the fields Sentry derives from it.

/** Turns a normalized SQL statement back into what a driver sends: its placeholders, and `IN (%s)` expanded to a list. */
function rawSql(normalized: string, style: PlaceholderStyle, rng: Rng): string {
  const fixed = !normalized.includes("IN (%s)");
  const key = `${style}\u0000${normalized}`;
  // Without an IN list the text depends only on the driver: reuse one string instead of building one per span.
  if (fixed && rawSqlCache.has(key)) return rawSqlCache.get(key)!;
  let n = 0;
  const one = (): string => {
    n += 1;
    return style === "percent" ? "%s" : style === "dollar" ? `$${n}` : "?";
  };
  const raw = normalized
    .replace(/IN \(%s\)/g, () => `IN (${Array.from({ length: rng.int(1, 8) }, one).join(", ")})`)
    .replace(/%s/g, one);
  if (fixed) rawSqlCache.set(key, raw);
  return raw;
}

const rawSqlCache = new Map<string, string>();

function rawWithIds(normalized: string, hexIds: boolean, rng: Rng): string {
  return normalized.replace(/\*/g, () => (hexIds ? rng.hex(10) : String(rng.int(1_000, 99_999))));
}

function categoryOf(op: string): string | null {
  const head = op.split(".")[0]!;
  return KNOWN_CATEGORIES.has(head) ? head : null;
}

function actionOf(category: string | null, normalized: string): string | null {
  if (category === "db") return normalized.split(" ")[0]!.toUpperCase();
  if (category === "http") return normalized.split(" ")[0]!;
  return null;
}

function domainOf(category: string | null, normalized: string): string | null {
  if (category === "db") return /(?:FROM|INTO|UPDATE)\s+"?(\w+)"?/i.exec(normalized)?.[1] ?? null;
  if (category === "http") return /https?:\/\/([^/\s]+)/.exec(normalized)?.[1] ?? null;
  return null;
}

function groupOf(text: string): string {
  return createHash("md5").update(text).digest("hex").slice(0, 16);
}

/** The fields Sentry derives from a span's op and normalized description; the same for every span of one spec. */
interface DerivedFields {
  op: string;
  category: string | null;
  normalizedDescription: string | null;
  group: string;
  action: string | null;
  domain: string | null;
}

// Memoized per spec/template: deriving them per span (md5, regexes) would dominate seeding time.
const derivedCache = new WeakMap<object, DerivedFields>();

function derivedFieldsOf(spec: ChildSpec): DerivedFields {
  let fields = derivedCache.get(spec);
  if (!fields) {
    const category = categoryOf(spec.op);
    const normalized = !spec.verbatim && category && NORMALIZED_CATEGORIES.has(category) ? spec.normalized : null;
    fields = {
      op: spec.op,
      category,
      normalizedDescription: normalized,
      // Verbatim descriptions are fixed text, so grouping by them matches grouping by what the span shows.
      group: groupOf(normalized ?? spec.normalized),
      action: normalized ? actionOf(category, normalized) : null,
      domain: normalized ? domainOf(category, normalized) : null,
    };
    derivedCache.set(spec, fields);
  }
  return fields;
}

function rootFieldsOf(template: TransactionTemplate): DerivedFields {
  let fields = derivedCache.get(template);
  if (!fields) {
    fields = {
      op: template.op,
      category: categoryOf(template.op),
      normalizedDescription: null,
      group: groupOf(template.name),
      action: null,
      domain: null,
    };
    derivedCache.set(template, fields);
  }
  return fields;
}

// ---------------------------------------------------------------------------------------------
// Building one transaction: a tree of intervals, then exclusive times from it.

interface Node {
  spec: ChildSpec | null;
  start: number;
  duration: number;
  description: string;
  status: SpanStatus;
  children: Node[];
}

interface BuildContext {
  rng: Rng;
  recent: boolean;
  style: PlaceholderStyle;
}

const HEX_BYTES = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/**
 * `words` × 8 lowercase hex characters from the spans stream. Same role as rng.hex, but through a byte table:
 * IDs for ~40k spans were the single largest cost of seeding with toString(16).
 */
function hexId(rng: Rng, words: number): string {
  let out = "";
  for (let i = 0; i < words; i++) {
    const w = (rng.next() * 0x100000000) >>> 0;
    out += HEX_BYTES[w >>> 24]! + HEX_BYTES[(w >>> 16) & 0xff]! + HEX_BYTES[(w >>> 8) & 0xff]! + HEX_BYTES[w & 0xff]!;
  }
  return out;
}

const round3 = (ms: number): number => Math.round(ms * 1000) / 1000;

/** Lays children out one after another (concurrent ones side by side) from `start`; returns them and where they end. */
function layOut(specs: readonly ChildSpec[], start: number, ctx: BuildContext): { nodes: Node[]; end: number } {
  const { rng } = ctx;
  const nodes: Node[] = [];
  let cursor = start + rng.next() * 1.5;
  let groupStart = cursor;
  let groupEnd = cursor;
  for (const spec of specs) {
    if (spec.recentOnly && !ctx.recent) continue;
    if (spec.probability !== undefined && !rng.chance(spec.probability)) continue;
    const times = spec.repeat ? rng.int(spec.repeat[0], spec.repeat[1]) : 1;
    for (let i = 0; i < times; i++) {
      const begin = spec.concurrent ? groupStart : cursor;
      const node = buildSpan(spec, begin, ctx);
      nodes.push(node);
      const end = node.start + node.duration;
      if (spec.concurrent) {
        groupEnd = Math.max(groupEnd, end);
        cursor = groupEnd + rng.next() * 0.8;
      } else {
        cursor = end + rng.next() * 0.8;
        groupStart = cursor;
        groupEnd = cursor;
      }
    }
  }
  return { nodes, end: Math.max(cursor, groupEnd) };
}

function buildSpan(spec: ChildSpec, start: number, ctx: BuildContext): Node {
  const slowdown = ctx.recent && spec.recentSlowdown ? spec.recentSlowdown : 1;
  const own = ctx.rng.logNormal(spec.median, spec.sigma) * slowdown;
  const category = derivedFieldsOf(spec).category;
  const description = spec.verbatim
    ? spec.normalized
    : category === "db" && spec.dbSystem !== "redis"
      ? rawSql(spec.normalized, ctx.style, ctx.rng)
      : rawWithIds(spec.normalized, spec.hexIds ?? false, ctx.rng);
  const roundedStart = round3(start);
  if (!spec.children) {
    return { spec, start: roundedStart, duration: round3(own), description, status: "ok", children: [] };
  }
  const inner = layOut(spec.children, roundedStart, ctx);
  return {
    spec,
    start: roundedStart,
    duration: round3(inner.end - roundedStart + own),
    description,
    status: "ok",
    children: inner.nodes,
  };
}

/** Duration minus the union of the children's intervals clipped to the span. */
function exclusiveTime(node: Node): number {
  if (node.children.length === 0) return node.duration;
  return exclusiveMs(node.start, node.duration, node.children.map((c) => [c.start, c.start + c.duration] as const));
}

/**
 * A span's self time: its duration minus the union of its children's [start, end) intervals clipped to it,
 * rounded to microseconds as Sentry stores span.self_time. Shared with seed/traces.ts.
 */
export function exclusiveMs(start: number, duration: number, children: ReadonlyArray<readonly [number, number]>): number {
  const end = start + duration;
  const intervals = children
    .map(([a, b]) => [Math.max(a, start), Math.min(b, end)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let covered = 0;
  let runStart = -Infinity;
  let runEnd = -Infinity;
  for (const [a, b] of intervals) {
    if (a > runEnd) {
      if (runEnd > runStart) covered += runEnd - runStart;
      runStart = a;
      runEnd = b;
    } else {
      runEnd = Math.max(runEnd, b);
    }
  }
  if (runEnd > runStart) covered += runEnd - runStart;
  return Math.max(0, round3(duration - covered));
}

/** A failed transaction: a timeout stretches the root, an error cuts the work short and marks the span that failed. */
function applyFailure(root: Node, status: SpanStatus, rng: Rng): void {
  if (status === "deadline_exceeded") {
    root.duration = round3(Math.max(root.duration * rng.int(2, 5), rng.pick([5_000, 10_000, 30_000])));
  } else if (root.children.length > 1 && status === "internal_error") {
    const keep = rng.int(1, root.children.length - 1);
    root.children = root.children.slice(0, keep);
    const culprit = root.children[keep - 1]!;
    if (culprit.spec && /^(db|http)/.test(culprit.spec.op)) culprit.status = "internal_error";
    const end = culprit.start + culprit.duration;
    root.duration = round3(end - root.start + rng.logNormal(4, 0.5));
  }
  root.status = status;
}

// ---------------------------------------------------------------------------------------------
// The world.

interface ProjectContext {
  project: Project;
  /** The project's transaction templates with their relative traffic, as rng.weighted takes them. */
  traffic: ReadonlyArray<readonly [TransactionTemplate, number]>;
  style: PlaceholderStyle;
  family: Family;
  releases: Array<{ version: string; at: number }>;
  environments: string[];
  /** 1 / the project's sample rate, carried by every span it stores. */
  sampleWeight: number;
}

function releaseTimeline(world: World, project: Project): Array<{ version: string; at: number }> {
  return world.releaseStubs
    .filter((r) => r.projectIds.includes(project.id))
    .map((r) => ({ version: r.version, at: Date.parse(r.dateReleased ?? r.dateCreated) }))
    .filter((r) => !Number.isNaN(r.at))
    .sort((a, b) => a.at - b.at);
}

function releaseAt(timeline: ReadonlyArray<{ version: string; at: number }>, ts: number): string | null {
  let lo = 0;
  let hi = timeline.length - 1;
  let found: string | null = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (timeline[mid]!.at <= ts) {
      found = timeline[mid]!.version;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** Most traffic goes to production; the rest spreads over the other environments. */
function pickEnvironment(environments: readonly string[], rng: Rng): string {
  if (environments.length === 0) return "production";
  const main = environments.includes("production") ? "production" : environments[0]!;
  const others = environments.filter((e) => e !== main);
  if (others.length === 0 || rng.chance(0.85)) return main;
  return rng.pick(others);
}

/**
 * Start times over the last 15 days, denser in the world's daytime than at night. Offsets from `now` in whole
 * milliseconds, and the hour of day is the world's own: the same seed draws the same spans at any clock.
 */
function pickStart(world: World, rng: Rng): number {
  const span = SEEDED_DAYS * DAY_MS - NEWEST_START_AGE_MS;
  for (;;) {
    const age = SEEDED_DAYS * DAY_MS - Math.floor(rng.next() * span);
    const t = world.now - age;
    const hour = worldHourOfDay(t, world.now);
    const busy = 0.55 + 0.45 * Math.sin(((hour - 8) / 24) * 2 * Math.PI);
    if (rng.next() < busy) return t;
  }
}

function weightedTemplates(templates: readonly TransactionTemplate[]): ReadonlyArray<readonly [TransactionTemplate, number]> {
  return templates.map((t) => [t, t.weight] as const);
}

function pickUser(pc: ProjectContext, template: TransactionTemplate, rng: Rng): string | null {
  if (template.anonymous) return null;
  if (pc.family !== "backend" && rng.chance(ANONYMOUS_SHARE)) return null;
  return String(FIRST_USER_ID + Math.floor(rng.next() ** 2 * USER_POOL_SIZE));
}

function rootStatus(template: TransactionTemplate, rng: Rng): SpanStatus {
  if (rng.chance(template.failureRate)) return rng.weighted(template.failureStatuses);
  if (template.softStatusRate && rng.chance(template.softStatusRate)) return rng.weighted([["cancelled", 3], ["unknown", 1]] as const);
  return "ok";
}

function emitTransaction(pc: ProjectContext, template: TransactionTemplate, start: number, world: World, rng: Rng, out: SpanRecord[]): void {
  const recent = start >= world.now - REGRESSION_WINDOW_MS;
  const ctx: BuildContext = { rng, recent, style: pc.style };
  const inner = layOut(template.children, start, ctx);
  const own = rng.logNormal(template.ownMedian, template.ownSigma);
  const root: Node = {
    spec: null,
    start,
    duration: round3(inner.end - start + own),
    description: template.name,
    status: "ok",
    children: inner.nodes,
  };
  const status = rootStatus(template, rng);
  if (status !== "ok") applyFailure(root, status, rng);

  const traceId = hexId(rng, 4);
  const transactionId = hexId(rng, 4);
  const environment = pickEnvironment(pc.environments, rng);
  const release = releaseAt(pc.releases, start);
  const userId = pickUser(pc, template, rng);
  const visit = (node: Node, parentSpanId: string | null): void => {
    const spanId = hexId(rng, 2);
    const derived = node.spec ? derivedFieldsOf(node.spec) : rootFieldsOf(template);
    // Spelled out rather than spread from a shared object: V8 builds ~45k spread literals several times slower.
    out.push({
      spanId,
      parentSpanId,
      traceId,
      transactionId,
      isTransaction: node.spec === null,
      transaction: template.name,
      transactionMethod: template.method,
      transactionOp: template.op,
      projectId: pc.project.id,
      projectSlug: pc.project.slug,
      environment,
      release,
      op: derived.op,
      category: derived.category,
      description: node.description,
      normalizedDescription: derived.normalizedDescription,
      group: derived.group,
      action: derived.action,
      domain: derived.domain,
      timestamp: node.start,
      durationMs: node.duration,
      selfTimeMs: exclusiveTime(node),
      status: node.status,
      userId,
      dbSystem: node.spec?.dbSystem ?? null,
      sampleWeight: pc.sampleWeight,
    });
    for (const child of node.children) visit(child, spanId);
  };
  visit(root, null);
}

export function seedSpans(world: World): SpansWorld {
  const rng = rngFor(world.seed, "spans");
  const projects = world.projects.filter((p) => p.hasPerformance);
  const totalTraffic = projects.reduce((sum, p) => sum + FAMILY_TRAFFIC[familyOf(p.platform)], 0);
  const transactionsFor = (project: Project): number =>
    Math.max(
      MIN_TRANSACTIONS_PER_PROJECT,
      Math.min(
        MAX_TRANSACTIONS_PER_PROJECT,
        Math.round((TRANSACTION_BUDGET * FAMILY_TRAFFIC[familyOf(project.platform)]) / totalTraffic),
      ),
    );
  const planned: Array<{ pc: ProjectContext; start: number }> = [];
  const seenInFamily: Record<Family, number> = { backend: 0, browser: 0, mobile: 0 };
  for (const project of projects) {
    const family = familyOf(project.platform);
    const rates = SAMPLE_RATES[family];
    const rate = rates[seenInFamily[family]++ % rates.length]!;
    const pc: ProjectContext = {
      project,
      traffic: weightedTemplates(templatesFor(project.platform)),
      style: placeholderStyleOf(project.platform),
      family,
      releases: releaseTimeline(world, project),
      environments: project.environments,
      // 1 / 0.005 etc. are integral up to float noise; rounding keeps extrapolated counts exact integers.
      sampleWeight: Math.round(1 / rate),
    };
    const count = transactionsFor(project);
    for (let i = 0; i < count; i++) planned.push({ pc, start: pickStart(world, rng) });
  }
  // Sorting is stable, so equal start times keep project order and the result stays a function of the seed.
  planned.sort((a, b) => a.start - b.start);
  const spans: SpanRecord[] = [];
  for (const { pc, start } of planned) emitTransaction(pc, rng.weighted(pc.traffic), start, world, rng, spans);
  return {
    spans,
    apdexThresholdMs: DEFAULT_APDEX_THRESHOLD_MS,
    regressedTransaction: REGRESSED_TRANSACTION,
    nPlusOneTransaction: "GET /api/orders",
    nPlusOneQuery: N_PLUS_ONE_QUERY,
  };
}
