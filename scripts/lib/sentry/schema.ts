// Shape checks at the boundary: each resource declares the JSON it relies on as a small schema, and every
// answer is checked against it before a tool reads it. A mismatch (null, a bare number, a list of strings, a
// missing id, a wrong type) throws UnexpectedAnswerError, exit 7, naming what was wrong and where, so no tool
// crashes on a TypeError, prints `undefined`, or decides to write on a malformed read (issue 13 item 3).
// Objects keep the keys a schema does not name: a tool may still read them, as unknown.

import { UnexpectedAnswerError } from "../errors.js";

/** Checks `value` (found at `at`, e.g. "[3].project.slug") and returns it typed; throws UnexpectedAnswerError. */
export interface Schema<T> {
  (value: unknown, at: string): T;
  /** Set on optional() schemas: the key may be missing from its object. */
  optional?: true;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

type OptionalKeys<S> = { [K in keyof S]: S[K] extends { optional: true } ? K : never }[keyof S];
type Simplify<T> = { [K in keyof T]: T[K] } & {};
/** The type an object() schema checks: named keys typed, optional ones optional. */
export type ObjectOf<S extends Record<string, Schema<unknown>>> = Simplify<
  { [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Infer<S[K]> }
>;

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
  if (typeof value === "object") return "an object";
  return `${typeof value === "number" ? "the number" : typeof value} ${String(value).slice(0, 40)}`;
}

function fail(expected: string, value: unknown, at: string): never {
  throw new UnexpectedAnswerError(`expected ${expected}${at ? ` at ${at}` : ""}, got ${describe(value)}`);
}

export const str: Schema<string> = (v, at) => (typeof v === "string" ? v : fail("a string", v, at));
export const num: Schema<number> = (v, at) => (typeof v === "number" && Number.isFinite(v) ? v : fail("a number", v, at));
export const bool: Schema<boolean> = (v, at) => (typeof v === "boolean" ? v : fail("true or false", v, at));
/** Sentry sends counts as strings on some endpoints (issue count) and numbers on others. */
export const numeric: Schema<string | number> = (v, at) =>
  (typeof v === "number" && Number.isFinite(v)) || (typeof v === "string" && /^\d+$/.test(v)) ? v : fail("a count", v, at);
/** Anything: for values a tool only passes on or inspects itself. */
export const unknownValue: Schema<unknown> = (v) => v;

export function nullable<T>(s: Schema<T>): Schema<T | null> {
  return (v, at) => (v === null ? null : s(v, at));
}

/** A key that may be missing (or undefined). */
export function optional<T>(s: Schema<T>): Schema<T | undefined> & { optional: true } {
  const check = ((v: unknown, at: string) => (v === undefined ? undefined : s(v, at))) as Schema<T | undefined> & { optional: true };
  check.optional = true;
  return check;
}

export function arrayOf<T>(item: Schema<T>): Schema<T[]> {
  return (v, at) => {
    if (!Array.isArray(v)) fail("a list", v, at);
    (v as unknown[]).forEach((x, i) => item(x, `${at}[${i}]`));
    return v as T[];
  };
}

/** An object with at least these keys; other keys are kept, untyped. */
export function object<S extends Record<string, Schema<unknown>>>(shape: S): Schema<ObjectOf<S> & Record<string, unknown>> {
  return (v, at) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) fail("an object", v, at);
    const obj = v as Record<string, unknown>;
    for (const [key, check] of Object.entries(shape)) check(obj[key], at ? `${at}.${key}` : key);
    return obj as ObjectOf<S> & Record<string, unknown>;
  };
}

/** A fixed-length list of two values, e.g. a stats point [unix seconds, count]. */
export function pair<A, B>(first: Schema<A>, second: Schema<B>): Schema<[A, B]> {
  return (v, at) => {
    if (!Array.isArray(v) || v.length < 2) fail("a pair of values", v, at);
    const list = v as unknown[];
    first(list[0], `${at}[0]`);
    second(list[1], `${at}[1]`);
    return v as [A, B];
  };
}

/** A map of string keys to values of one shape (stats by period, highlight context). */
export function record<T>(value: Schema<T>): Schema<Record<string, T>> {
  return (v, at) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) fail("an object", v, at);
    for (const [key, x] of Object.entries(v as Record<string, unknown>)) value(x, at ? `${at}.${key}` : key);
    return v as Record<string, T>;
  };
}

/** Checks a whole answer; `what` names the request ("GET /api/0/organizations/acme/projects/") in the message. */
export function checkAnswer<T>(schema: Schema<T>, body: unknown, what: string): T {
  try {
    return schema(body, "");
  } catch (err) {
    if (err instanceof UnexpectedAnswerError) throw new UnexpectedAnswerError(`${err.message.replace(/^unexpected answer from Sentry: /, "")} (${what})`);
    throw err;
  }
}
