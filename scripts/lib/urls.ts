// URL pieces shared by every tool: encoded API paths, query strings, and Sentry's Link header.
// Kept apart from api.ts so that tools can build paths without loading the HTTP client at start-up.

/** Sentry's largest page (`limit` for issues, `per_page` elsewhere): 100 (docs/sentry-api.md §1, §14, §15). */
export const MAX_PAGE_SIZE = 100;
/** --all stops after this many pages and prints the cursor to go on from. */
export const MAX_PAGES_ALL = 100;
/** --all also stops after this many records, whatever the pages held. */
export const MAX_RECORDS_ALL = MAX_PAGES_ALL * MAX_PAGE_SIZE;

export type QueryValue = string | number | boolean | undefined | null | ReadonlyArray<string | number>;
export type Query = Record<string, QueryValue>;

/** Builds an API path with every interpolated value URL-encoded as one path segment. */
export function apiPath(strings: TemplateStringsArray, ...values: Array<string | number>): string {
  return strings.reduce((out, s, i) => out + s + (i < values.length ? encodeURIComponent(String(values[i])) : ""), "");
}

export function buildQuery(query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === false) continue;
    if (Array.isArray(value)) for (const v of value) params.append(key, String(v));
    else params.append(key, value === true ? "1" : String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

export interface LinkTarget {
  cursor: string;
  results: boolean;
  url?: string;
}

/**
 * Parses Sentry's Link header: `<url>; rel="next"; results="true"; cursor="0:100:0"` entries joined
 * by commas (docs/sentry-api.md §15). Both rels are always present; only results="true" means more data.
 */
export function parseLinkHeader(header: string | undefined): { next?: LinkTarget; previous?: LinkTarget } {
  const out: { next?: LinkTarget; previous?: LinkTarget } = {};
  if (!header) return out;
  // URLs may contain commas in query values, so split on the "," that precedes a new "<".
  for (const part of header.split(/,\s*(?=<)/)) {
    const url = /^\s*<([^>]*)>/.exec(part)?.[1];
    const attrs: Record<string, string> = {};
    for (const m of part.matchAll(/;\s*([a-zA-Z]+)\s*=\s*"([^"]*)"/g)) attrs[m[1]!.toLowerCase()] = m[2]!;
    const rel = attrs.rel;
    if ((rel === "next" || rel === "previous") && attrs.cursor !== undefined) {
      out[rel] = { cursor: attrs.cursor, results: attrs.results === "true", url };
    }
  }
  return out;
}
