// Contract checks: validates a sandbox response against the response schema Sentry publishes for the operation
// (../shared/sentry-api/openapi-derefed.json, OpenAPI 3.0.3, all $refs inlined), so the sandbox stays faithful.
// Where ../shared is absent (a fresh clone), HAVE_SCHEMA is false and contract suites skip with a visible warning.

import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import * as formatsModule from "ajv-formats";
import { expect } from "vitest";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const SCHEMA_DIR = resolve(REPO_ROOT, "../shared/sentry-api");
/** The full schema, and the subset that also keeps the legacy alert-rule paths removed from the current one. */
const SCHEMA_FILES = [resolve(SCHEMA_DIR, "openapi-derefed.json"), resolve(SCHEMA_DIR, "subset-13-operations.json")];
/** How many validation errors a failure message lists (the rest are counted). */
const MAX_ERRORS_SHOWN = 8;

export const HAVE_SCHEMA = SCHEMA_FILES.some((file) => existsSync(file));
if (!HAVE_SCHEMA) {
  console.warn(`contract tests SKIPPED: Sentry's OpenAPI schema was not found at ${SCHEMA_DIR}`);
}

type JsonObject = Record<string, unknown>;
type OpenApiPaths = Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> }>>;
interface OpenApiDocument {
  paths: OpenApiPaths;
  /** Only in the subset file: the legacy alert-rule paths as the last schema that had them described them. */
  legacy_paths_removed_2026_05_08?: OpenApiPaths;
}

let documents: OpenApiDocument[] | undefined;
function loadDocuments(): OpenApiDocument[] {
  documents ??= SCHEMA_FILES.filter((file) => existsSync(file)).map((file) => JSON.parse(readFileSync(file, "utf8")) as OpenApiDocument);
  return documents;
}

/**
 * OpenAPI 3.0's `nullable: true` is not JSON Schema: turn it into a union with null. Done by rewriting rather
 * than Ajv's own `nullable` support, which rejects `nullable` beside `enum` without null, or without `type`.
 */
export function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (typeof node !== "object" || node === null) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    // OpenAPI annotations that are not validation keywords; examples can be large and hold invalid data.
    if (key === "example" || key === "examples" || key === "discriminator" || key === "xml" || key.startsWith("x-")) continue;
    if (key === "properties" && typeof value === "object" && value !== null) {
      out.properties = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, toJsonSchema(sub)]));
    } else {
      out[key] = toJsonSchema(value);
    }
  }
  if (out.nullable !== true) {
    delete out.nullable;
    return out;
  }
  delete out.nullable;
  if (typeof out.type === "string") {
    out.type = [out.type, "null"];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [out, { type: "null" }] };
}

const addFormats = ((formatsModule as unknown as { default?: unknown }).default ?? formatsModule) as (ajv: Ajv) => Ajv;
let ajv: Ajv | undefined;
const validators = new Map<string, ValidateFunction | null>();

function validatorFor(method: string, pathTemplate: string, status: number): ValidateFunction | null {
  const key = `${method} ${pathTemplate} ${status}`;
  if (validators.has(key)) return validators.get(key)!;
  const operation = loadDocuments()
    .map((doc) => (doc.paths[pathTemplate] ?? doc.legacy_paths_removed_2026_05_08?.[pathTemplate])?.[method.toLowerCase()])
    .find((op) => op !== undefined);
  if (!operation) throw new Error(`the schema has no operation ${method} ${pathTemplate}`);
  const response = operation.responses?.[String(status)];
  if (!response) throw new Error(`the schema documents no ${status} answer for ${method} ${pathTemplate}`);
  const schema = response.content?.["application/json"]?.schema;
  if (!ajv) {
    // strict: false because the schema uses formats and keywords (readOnly, deprecated) Ajv does not enforce.
    ajv = new Ajv({ strict: false, allErrors: true, logger: false });
    addFormats(ajv);
  }
  const validate = schema === undefined ? null : ajv.compile(toJsonSchema(schema) as JsonObject);
  validators.set(key, validate);
  return validate;
}

/** The schema's errors for a body, as readable lines ("/0/teams/0/id must be string"); empty when it conforms. */
export function schemaErrors(method: string, pathTemplate: string, status: number, body: unknown): string[] {
  const validate = validatorFor(method, pathTemplate, status);
  if (!validate) return body === undefined || body === "" ? [] : ["the schema documents no body for this answer"];
  if (validate(body)) return [];
  const errors = (validate.errors ?? []).map((e) => `${e.instancePath || "(root)"} ${e.message ?? "is invalid"}${e.params && "missingProperty" in e.params ? "" : ` ${JSON.stringify(e.params)}`}`);
  const unique = [...new Set(errors)];
  return unique.length > MAX_ERRORS_SHOWN ? [...unique.slice(0, MAX_ERRORS_SHOWN), `… and ${unique.length - MAX_ERRORS_SHOWN} more`] : unique;
}

/**
 * Fails the test unless `body` conforms to the schema of `method pathTemplate` for `status`.
 * pathTemplate is spelled as in the schema: "/api/0/organizations/{organization_id_or_slug}/issues/".
 */
export function expectMatchesSchema(method: string, pathTemplate: string, status: number, body: unknown): void {
  const errors = schemaErrors(method, pathTemplate, status, body);
  expect(errors, `${method} ${pathTemplate} → ${status} does not match Sentry's schema`).toEqual([]);
}
