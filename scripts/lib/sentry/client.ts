// How every resource talks to Sentry: one checked read, one pager, one checked write, and one helper for
// optional reads that degrade to "absent". Endpoint functions in lib/sentry/<resource>.ts use these; tool
// files call the endpoint functions and never build API paths themselves. SentryApi is imported for its type
// only, so a tool's --help never loads the HTTP client.

import type { Page, PaginateOptions, SentryApi } from "../api.js";
import { AuthError } from "../errors.js";
import type { ErrorContext } from "../http.js";
import { buildQuery, type Query } from "../urls.js";
import { arrayOf, checkAnswer, type Schema } from "./schema.js";

export interface Checked<T> {
  body: T;
  headers: Record<string, string>;
  /** Bytes of the answer (the benchmark's raw-bytes figure). */
  bytes: number;
}

/** What an endpoint function passes along: the scopes for a 403's hint, what a 404 means here. */
export type ReadContext = ErrorContext;

function what(method: string, path: string, query?: Query): string {
  return `${method} /api/0${path}${buildQuery(query)}`;
}

/**
 * A GET whose answer must match `schema`. A 204 or an empty body is no answer to a read: it fails the schema
 * like any other wrong shape (exit 7).
 */
export async function getChecked<T>(api: SentryApi, path: string, schema: Schema<T>, query?: Query, context?: ReadContext): Promise<Checked<T>> {
  const res = await api.get<unknown>(path, query, context);
  return { body: checkAnswer(schema, res.body, what("GET", path)), headers: res.headers, bytes: res.bytes };
}

/** The one pager: api.paginate's Link-header pages as they arrive, each item checked against `item`. */
export async function* pages<T>(api: SentryApi, path: string, item: Schema<T>, opts: PaginateOptions): AsyncGenerator<Page<T>> {
  const list = arrayOf(item);
  for await (const page of api.paginate<unknown>(path, opts)) {
    yield { ...page, items: checkAnswer(list, page.items, what("GET", path)) };
  }
}

/**
 * A PUT/POST/DELETE whose answer must match `schema` (which may allow null for a 204). `idempotent` says
 * whether repeating it cannot change the outcome; the endpoint function says why in a comment.
 */
export async function writeChecked<T>(
  api: SentryApi,
  method: "POST" | "PUT" | "DELETE",
  path: string,
  body: unknown,
  schema: Schema<T>,
  opts: { idempotent: boolean; query?: Query; context?: ReadContext },
): Promise<Checked<T> & { status: number }> {
  const res = await api.write<unknown>(method, path, body, { idempotent: opts.idempotent, query: opts.query, errorContext: opts.context });
  return { status: res.status, body: checkAnswer(schema, res.body, what(method, path, opts.query)), headers: res.headers, bytes: res.bytes };
}

/**
 * The hint for a 403 that a missing scope explains. Organization tokens carry org:ci alone (docs/sentry-api.md §18),
 * which admits the release endpoints and nothing else, so they are named: they are the usual culprit.
 */
export function scopeHint(scopes: string): string {
  return `this call needs a token with scope ${scopes} (an organization token, scope org:ci, can manage releases only)`;
}

/** A 403 explained by the scope the calling tool needs (scopeHint). */
export async function withScopeHint<T>(call: Promise<T>, scopes: string): Promise<T> {
  try {
    return await call;
  } catch (err) {
    if (err instanceof AuthError && err.status === 403) throw new AuthError(err.message, scopeHint(scopes), 403);
    throw err;
  }
}

/** A 403: the token may not read this part, which an optional read treats as "absent". */
export const isForbidden = (err: unknown): boolean => err instanceof AuthError && err.status === 403;

/**
 * An optional read (client keys, the latest event, a release check): null when it fails in a way that only
 * means "not available to this token" (`absentOn`, a 403 by default), so the rest of the answer still shows.
 * Any other failure, a wrong shape included, still ends the run.
 */
export async function tryGet<T>(read: Promise<T>, absentOn: (err: unknown) => boolean = isForbidden): Promise<T | null> {
  try {
    return await read;
  } catch (err) {
    if (absentOn(err)) return null;
    throw err;
  }
}
