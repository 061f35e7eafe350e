// The sandbox's events endpoint answers in the shape Sentry's OpenAPI schema gives listOrganizationEvents,
// for each kind of query the performance tools send: aggregates, samples, the legacy dataset and an empty match.

import { describe, expect, it } from "vitest";
import { expectMatchesSchema, HAVE_SCHEMA } from "./helpers/contract.js";
import { useSandbox } from "./helpers/sandbox.js";

const TEMPLATE = "/api/0/organizations/{organization_id_or_slug}/events/";
/** The meta keys Sentry's standard path (handle_results_with_meta) always carries. */
const STANDARD_META_KEYS = ["fields", "units", "isMetricsData", "isMetricsExtractedData", "tips", "datasetReason", "dataset", "dataScanned", "bytesScanned"];

const sandbox = useSandbox();

async function getEvents(params: Array<[string, string]>): Promise<{ status: number; body: { data: Array<Record<string, unknown>>; meta: Record<string, unknown> } }> {
  const res = await fetch(`${sandbox.url}/api/0/organizations/acme/events/?${new URLSearchParams(params)}`, {
    headers: { Authorization: "Bearer sandbox" },
  });
  return { status: res.status, body: (await res.json()) as never };
}

const fields = (...names: string[]): Array<[string, string]> => names.map((n) => ["field", n]);

describe.skipIf(!HAVE_SCHEMA)("sandbox contract › events", () => {
  const cases: Array<{ story: string; params: Array<[string, string]> }> = [
    {
      story: "aggregates per transaction (list-transactions)",
      params: [["dataset", "spans"], ...fields("transaction", "project", "tpm()", "p50(span.duration)", "p95(span.duration)", "failure_rate()", "count()", "apdex(span.duration,300)"), ["query", "is_transaction:true"], ["sort", "-tpm()"], ["statsPeriod", "24h"]],
    },
    {
      story: "database spans by normalized query (slow-queries)",
      params: [["dataset", "spans"], ...fields("project.id", "span.group", "sentry.normalized_description", "epm()", "avg(span.self_time)", "sum(span.self_time)", "count()", "count_sample()", "count_unique(transaction.id)"), ["query", "span.category:db has:sentry.normalized_description"], ["sort", "-sum(span.self_time)"], ["per_page", "25"]],
    },
    {
      story: "slowest samples of one transaction (transaction-summary)",
      params: [["dataset", "spans"], ...fields("id", "trace", "span.duration", "timestamp", "is_transaction"), ["query", 'is_transaction:true transaction:"GET /api/checkout"'], ["sort", "-span.duration"], ["per_page", "5"]],
    },
    {
      story: "the legacy transactions dataset (older servers)",
      params: [["dataset", "transactions"], ...fields("transaction", "project", "tpm()", "p95()", "apdex()", "user_misery()", "count_miserable(user)"), ["query", "event.type:transaction"], ["sort", "-tpm()"]],
    },
    {
      story: "a transaction without data",
      params: [["dataset", "spans"], ...fields("count()", "p95(span.duration)"), ["query", 'is_transaction:true transaction:"GET /nowhere"']],
    },
  ];

  for (const c of cases) {
    it(`answers ${c.story} as the schema says`, async () => {
      const { status, body } = await getEvents(c.params);
      expect(status).toBe(200);
      expect(body.data.length).toBeGreaterThan(0);
      expectMatchesSchema("GET", TEMPLATE, status, body);
      expect(Object.keys(body.meta)).toEqual(expect.arrayContaining(STANDARD_META_KEYS));
      // Row keys, meta.fields and meta.units name exactly the requested fields, in Sentry's spelling.
      const requested = c.params.filter(([k]) => k === "field").map(([, v]) => v);
      for (const row of body.data) expect(Object.keys(row).sort()).toEqual([...requested].sort());
      expect(Object.keys(body.meta.fields as object).sort()).toEqual([...requested].sort());
      expect(Object.keys(body.meta.units as object).sort()).toEqual([...requested].sort());
    });
  }
});
