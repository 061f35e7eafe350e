// Sentry's Explore queries as query-events asks them: one page of the events table (GET /organizations/{org}/events/,
// docs/sentry-api.md §14) and one time series (GET /organizations/{org}/events-stats/, §20), both checked for
// shape. Scopes: org:read for both.

import type { SentryApi } from "../api.js";
import { ProjectSelector } from "../projects.js";
import { apiPath, parseLinkHeader, type Query } from "../urls.js";
import { isCursor } from "../validate.js";
import { getChecked } from "./client.js";
import { arrayOf, nullable, num, object, optional, pair, record, str, type Schema } from "./schema.js";
import { UnexpectedAnswerError } from "../errors.js";

export const EXPLORE_SCOPE = "org:read";

export type ExploreDataset = "spans" | "errors" | "logs";
export type ExploreWindow = { statsPeriod: string } | { start: string; end: string };

export interface ExploreQuery {
  dataset: ExploreDataset;
  fields: readonly string[];
  query?: string;
  sort?: string;
  window: ExploreWindow;
  /** Project slugs or numeric IDs; none = every project the token can access. */
  projects: readonly string[];
  environments: readonly string[];
}

type Cell = string | number | boolean | null;

/** A row must hold every requested field (its keys are the field strings exactly, §14), each a plain value. */
function rowOf(fields: readonly string[]): Schema<Record<string, Cell>> {
  return (v, at) => {
    const row = object({})(v, at);
    for (const f of fields) {
      const cell = row[f];
      const plain = cell === null || typeof cell === "string" || typeof cell === "boolean" || (typeof cell === "number" && Number.isFinite(cell));
      if (!plain) throw new UnexpectedAnswerError(`expected a value for ${JSON.stringify(f)} at ${at}, got ${cell === undefined ? "none" : typeof cell === "object" ? "an object" : String(cell)}`);
    }
    return row as Record<string, Cell>;
  };
}

const meta = object({ fields: optional(record(str)), units: optional(record(nullable(str))) });

export interface ExplorePage {
  rows: Array<Record<string, Cell>>;
  /** Each field's type and unit as Sentry names them (duration/millisecond, percentage, …), when it says. */
  types: Record<string, string>;
  units: Record<string, string | null>;
  nextCursor: string | null;
}

function notFoundHint(org: string): string {
  return `check the organization slug ${JSON.stringify(org)} (SENTRY_ORG or --org)`;
}

function baseQuery(q: ExploreQuery, project: string[]): Query {
  return { dataset: q.dataset, query: q.query || undefined, project, environment: q.environments.length ? [...q.environments] : undefined, ...q.window };
}

/**
 * Sends with the projects as the server wants them: slugs (current Sentry takes IDs or slugs), or numeric IDs
 * after an older server refused slugs (lib/projects.ts). One selector per run.
 */
export function projectSender(api: SentryApi, org: string, warn: (m: string) => void): ProjectSelector {
  return new ProjectSelector(api, org, warn);
}

export async function eventsPage(api: SentryApi, org: string, selector: ProjectSelector, q: ExploreQuery, page: { limit: number; cursor?: string }): Promise<ExplorePage & { bytes: number }> {
  const path = apiPath`/organizations/${org}/events/`;
  const schema = object({ data: arrayOf(rowOf(q.fields)), meta: optional(meta) });
  const context = { scopes: EXPLORE_SCOPE, notFoundHint: notFoundHint(org) };
  const res = await selector.send(
    q.projects,
    (project) => getChecked(api, path, schema, { ...baseQuery(q, project), field: [...q.fields], sort: q.sort, per_page: page.limit, cursor: page.cursor }, context),
    { scopes: EXPLORE_SCOPE },
  );
  const next = parseLinkHeader(res.headers.link).next;
  const cursor = next?.results === true ? next.cursor : null;
  // The cursor is printed in a "--cursor …" suggestion: only one --cursor itself would accept.
  if (cursor !== null && !isCursor(cursor)) throw new UnexpectedAnswerError("a malformed pagination cursor in the Link header");
  return { rows: res.body.data, types: res.body.meta?.fields ?? {}, units: res.body.meta?.units ?? {}, nextCursor: cursor, bytes: res.bytes };
}

/** events-stats with one yAxis: {data: [[unix seconds, [{count}]]], start, end} (Sentry zero-fills empty buckets). */
const series = object({ data: arrayOf(pair(num, arrayOf(object({ count: nullable(num) })))) });

export interface SeriesPoint {
  /** Epoch milliseconds of the bucket's start. */
  at: number;
  value: number;
}

export async function eventsSeries(api: SentryApi, org: string, selector: ProjectSelector, q: ExploreQuery, yAxis: string, interval: string): Promise<SeriesPoint[]> {
  const path = apiPath`/organizations/${org}/events-stats/`;
  const context = { scopes: EXPLORE_SCOPE, notFoundHint: notFoundHint(org) };
  const res = await selector.send(q.projects, (project) => getChecked(api, path, series, { ...baseQuery(q, project), yAxis, interval }, context), { scopes: EXPLORE_SCOPE });
  return res.body.data.map(([seconds, values]) => ({ at: seconds * 1000, value: values.reduce((n, v) => n + (v.count ?? 0), 0) }));
}
