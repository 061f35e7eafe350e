// create-release: creates a release for one or more projects (from CI or a terminal), optionally finalized
// now. Safe to repeat: an existing version is reported as such, and finalizing never moves an earlier date.

import { apiPath } from "./lib/urls.js";
import { listWithMore, relativeTime, shellQuote } from "./lib/output.js";
import { defineTool, runIfMain, type ToolContext, type WriteSummary } from "./lib/tool.js";
import { NotFoundError, UsageError } from "./lib/errors.js";
import { parseReleaseVersion, MAX_VERSION_LENGTH } from "./lib/validate.js";
import { stripUrlCredentials } from "./lib/redact.js";
import { parseProjectFlags, RELEASE_SCOPES } from "./lib/releases.js";

const MAX_PROJECTS_SHOWN = 5;
/** HTTP 208 Already Reported: Sentry's answer when the version exists and no project was added (organization_releases.py). */
const STATUS_ALREADY_EXISTED = 208;

interface Input {
  version: string;
  projects: string[];
  ref?: string;
  url?: string;
  finalize: boolean;
}

interface RawRelease {
  version: string;
  ref: string | null;
  url: string | null;
  dateCreated: string;
  dateReleased: string | null;
  projects?: Array<{ slug: string }>;
}

/**
 * "added projects": the version existed, and Sentry added the projects it did not have yet (also a 201).
 * The preview names the same outcomes in the conditional ("would create", …); "already existed" with an
 * empty `updated` and no added project means there was nothing to do.
 */
type Outcome = "would create" | "created" | "would add projects" | "added projects" | "would update" | "already existed";

/** A request --yes sends (or sent): shown in the preview so the agent sees exactly what will change. */
interface PlannedRequest {
  method: "POST" | "PUT";
  path: string;
  body: Record<string, unknown>;
}

interface Result extends WriteSummary {
  org: string;
  version: string;
  projects: string[];
  outcome: Outcome;
  ref: string | null;
  url: string | null;
  dateReleased: string | null;
  /** Projects this run added (or would add) to a release that already existed, empty otherwise. */
  addedProjects: string[];
  /** What changed (or would change) on a release that already existed (finalized, ref, url), empty otherwise. */
  updated: string[];
  /** The requests --yes sends, in order (sent ones when applied). */
  requests: PlannedRequest[];
}

export const tool = defineTool<Input, Result>({
  name: "create-release",
  category: "releases",
  summary: "Create a release (idempotent by version); --finalize marks it released now",
  writes: true,
  positionals: [{ name: "version", required: true, help: "Release version, e.g. web-frontend@2.15.0 or a commit SHA (Sentry's rules: no / or \\, ≤ 200 chars)" }],
  flags: {
    project: { type: "string", multiple: true, placeholder: "SLUG", help: "Project the release belongs to (repeatable; default SENTRY_PROJECT or .sentryclirc)" },
    ref: { type: "string", placeholder: "REF", help: "Commit reference the release was built from (tag or SHA)" },
    // Not --url: every tool's --url is the Sentry server (lib/tool.ts COMMON_FLAGS).
    url: { type: "string", placeholder: "URL", help: "Link stored on the release (CI run, changelog, tag page); the Sentry server comes from SENTRY_URL here" },
    finalize: { type: "boolean", help: "Set the release date to now (a finalized release counts as shipped)" },
  },
  fields: ["applied", "changes", "org", "version", "projects", "outcome", "ref", "url", "dateReleased", "addedProjects", "updated", "requests"],
  examples: [
    { args: "web-frontend@2.15.0 --project web-frontend", about: "preview: what --yes would create or change, and the requests (exit 3)" },
    { args: "web-frontend@2.15.0 --project web-frontend --ref v2.15.0 --yes", about: "create it" },
    { args: "web-frontend@2.15.0 --project web-frontend --finalize --yes", about: "after deploying: mark it released now (the date is kept if already set)" },
  ],
  scopes: RELEASE_SCOPES,
  api: [
    "GET /api/0/organizations/{org}/releases/{version}/ (does it exist, with which projects, ref, url and date)",
    "POST /api/0/organizations/{org}/releases/ (create, or add missing projects)",
    "PUT /api/0/organizations/{org}/releases/{version}/ (finalize, ref or url of an existing release)",
  ],
  parse({ flags, positionals }) {
    const version = parseReleaseVersion(positionals[0]!);
    const ref = (flags.ref as string | undefined)?.trim();
    if (ref !== undefined && (ref === "" || ref.length > MAX_VERSION_LENGTH || /\s/.test(ref))) {
      throw new UsageError(`invalid --ref ${JSON.stringify(ref)}: a tag, branch or SHA without spaces, at most ${MAX_VERSION_LENGTH} characters`);
    }
    return { version, projects: parseProjectFlags(flags.project), ref, url: parseReleaseUrl(flags.url as string | undefined), finalize: flags.finalize === true };
  },
  async run(input, ctx) {
    // A release without projects is refused by Sentry. Guessing "the first project" for a write would be
    // wrong, and an organization token cannot list projects anyway: take the flags or the configured one.
    const projects = input.projects.length ? input.projects : ctx.config.project ? [ctx.config.project] : [];
    if (projects.length === 0) {
      throw new UsageError("name the release's project(s)", "add --project SLUG (repeatable), or set SENTRY_PROJECT");
    }
    const org = await ctx.api.org();
    const releasesPath = apiPath`/organizations/${org}/releases/`;
    const releasePath = apiPath`/organizations/${org}/releases/${input.version}/`;
    const errorContext = { scopes: RELEASE_SCOPES, notFoundHint: "check the organization slug (SENTRY_ORG or --org)" };
    // Fixed once, before the first attempt, so a retried write sends the same date.
    const releasedAt = input.finalize ? new Date(ctx.now).toISOString() : undefined;

    // Sentry answers the POST with 201 both when it created the release and when it only added projects to
    // an existing one (organization_releases.py: get_or_create by version, then add_project for each), and it
    // ignores ref, url and dateReleased for an existing version. So the release is read first (404: new), and
    // the plan (create, add projects, update fields, or nothing) is known before anything is sent.
    const existing = await tryGetRelease(ctx, org, input.version);
    const plan = planRequests(input, projects, existing, releasedAt);
    const requests = plan.map(({ method, path, body }) => ({ method, path: `/api/0${path === "create" ? releasesPath : releasePath}`, body }));
    const addedProjects = existing ? projects.filter((slug) => !existing.projects.includes(slug)) : [];
    const updated = existing ? fieldsChanged(plan) : [];
    const changes = existing ? (addedProjects.length ? 1 : 0) + updated.length : 1;
    const base = { org, version: input.version, addedProjects, updated, requests, changes };

    if (!ctx.yes || changes === 0) {
      return {
        ...base,
        projects: existing ? [...existing.projects, ...addedProjects] : projects,
        applied: false,
        outcome: !existing ? "would create" : addedProjects.length ? "would add projects" : updated.length ? "would update" : "already existed",
        ref: input.ref ?? existing?.ref ?? null,
        url: input.url ?? existing?.url ?? null,
        // An existing release's date as it stands (`updated` says whether --yes would finalize it).
        dateReleased: existing ? existing.dateReleased : (releasedAt ?? null),
      };
    }

    let release: RawRelease | undefined;
    for (const step of plan) {
      if (step.method === "POST") {
        // Idempotent by version: Sentry answers 201 when it created the release (or added projects to it) and
        // 208 when the version already existed with these projects, changing nothing. A retry after a lost
        // answer therefore cannot create a second release.
        const res = await ctx.api
          .write<RawRelease>("POST", releasesPath, step.body, { idempotent: true, errorContext })
          .catch((err: unknown) => Promise.reject(explainProjectRejection(err, projects)));
        release = res.body;
        if (!existing && res.status === STATUS_ALREADY_EXISTED) {
          // Created by someone else between the GET and the POST: the fields in the POST were ignored.
          ctx.warn(`release ${input.version} was created meanwhile by another client; re-run to apply --ref/--url/--finalize`);
        }
      } else {
        // Idempotent: the same fields with the same values (the date was fixed before the first attempt).
        release = (await ctx.api.write<RawRelease>("PUT", releasePath, step.body, { idempotent: true, errorContext: { scopes: RELEASE_SCOPES } })).body;
      }
    }
    return {
      ...base,
      projects: release?.projects?.map((p) => p.slug) ?? projects,
      applied: true,
      outcome: !existing ? "created" : addedProjects.length ? "added projects" : "already existed",
      ref: release?.ref ?? null,
      url: release?.url ?? null,
      dateReleased: release?.dateReleased ?? null,
    };
  },
  render(r, ctx) {
    const projects = listWithMore(r.projects, MAX_PROJECTS_SHOWN);
    const details = [r.ref ? `ref ${r.ref}` : "", r.url ? `url ${r.url}` : ""].filter(Boolean).join(", ");
    const released = r.dateReleased ? `released ${relativeTime(r.dateReleased, ctx.now)}` : "not finalized";
    const version = shellQuote(r.version);
    // Hints name the preview form of the next write: the agent reads what it would do before adding --yes.
    const finalizeHint = `node dist/create-release.mjs ${version} --finalize`;
    const next = `Next: node dist/set-commits.mjs ${version}${r.dateReleased ? "" : `, and after deploying: ${finalizeHint}`}`;
    const lines: string[] = [];
    const added = `project${r.addedProjects.length > 1 ? "s" : ""} ${r.addedProjects.join(", ")}`;
    switch (r.outcome) {
      case "would create":
        lines.push(`Would create release ${r.version} in ${r.org} for ${projects}${details ? ` (${details})` : ""}${r.dateReleased ? ", finalized now" : ""}.`);
        break;
      case "would add projects":
      case "would update": {
        const todo = [r.addedProjects.length ? `add ${added}` : "", ...r.updated.map(describeUpdate)].filter(Boolean).join(", ");
        lines.push(`Release ${r.version} exists in ${r.org} (${released}); would ${todo}.`);
        break;
      }
      case "created":
        lines.push(`Created release ${r.version} in ${r.org} for ${projects}${details ? ` (${details})` : ""}, ${released}.`, next);
        break;
      case "added projects": {
        const changed = r.updated.length ? `; updated: ${r.updated.join(", ")}` : "";
        lines.push(`Release ${r.version} already existed in ${r.org}; added ${added}, now for ${projects}${changed} (${released}).`);
        break;
      }
      default:
        if (!r.applied) {
          lines.push(`Release ${r.version} already exists in ${r.org} for ${projects}${details ? ` (${details})` : ""}, ${released}; nothing to do.`);
          if (!r.dateReleased) lines.push(`Next, after deploying: ${finalizeHint}`);
        } else {
          lines.push(`Release ${r.version} already existed in ${r.org} for ${projects}; ${r.updated.length ? `updated: ${r.updated.join(", ")}` : "nothing changed"} (${released}).`);
        }
    }
    if (r.requests.length && r.changes > 0) {
      lines.push(r.applied ? "Sent:" : "Would send:");
      for (const q of r.requests) lines.push(`  ${q.method} ${q.path} ${JSON.stringify(q.body)}`);
    }
    return lines.join("\n");
  },
});

interface ExistingRelease {
  projects: string[];
  ref: string | null;
  url: string | null;
  dateReleased: string | null;
}

/** The release as it stands, or null when the version does not exist yet (404). */
async function tryGetRelease(ctx: ToolContext, org: string, version: string): Promise<ExistingRelease | null> {
  try {
    const res = await ctx.api.get<RawRelease>(apiPath`/organizations/${org}/releases/${version}/`, undefined, { scopes: RELEASE_SCOPES });
    const r = res.body;
    return { projects: (r.projects ?? []).map((p) => p.slug), ref: r.ref ?? null, url: r.url ?? null, dateReleased: r.dateReleased ?? null };
  } catch (err) {
    if (err instanceof NotFoundError && err.status === 404) return null;
    throw err;
  }
}

interface PlannedStep {
  method: "POST" | "PUT";
  /** "create": the organization's releases; "update": the release itself. */
  path: "create" | "update";
  body: Record<string, unknown>;
}

/**
 * The requests that reach the wanted state: one POST that creates the release with every field, or, for an
 * existing one, a POST with the projects it lacks and a PUT with the fields that differ. An earlier release
 * date is kept: re-running CI must not move it.
 */
function planRequests(input: Input, projects: string[], existing: ExistingRelease | null, releasedAt: string | undefined): PlannedStep[] {
  if (!existing) {
    const body = { version: input.version, projects, ref: input.ref, url: input.url, dateReleased: releasedAt };
    return [{ method: "POST", path: "create", body: withoutUndefined(body) }];
  }
  const steps: PlannedStep[] = [];
  const missing = projects.filter((slug) => !existing.projects.includes(slug));
  if (missing.length) steps.push({ method: "POST", path: "create", body: { version: input.version, projects: missing } });
  const changes: Record<string, string> = {};
  if (releasedAt && !existing.dateReleased) changes.dateReleased = releasedAt;
  if (input.ref !== undefined && input.ref !== existing.ref) changes.ref = input.ref;
  if (input.url !== undefined && input.url !== existing.url) changes.url = input.url;
  if (Object.keys(changes).length) steps.push({ method: "PUT", path: "update", body: changes });
  return steps;
}

/** The PUT's fields as the output names them: dateReleased is "finalized". */
function fieldsChanged(plan: PlannedStep[]): string[] {
  const put = plan.find((s) => s.method === "PUT");
  return put ? Object.keys(put.body).map((k) => (k === "dateReleased" ? "finalized" : k)) : [];
}

function describeUpdate(field: string): string {
  return field === "finalized" ? "finalize it (released now)" : `set its ${field}`;
}

function withoutUndefined(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
}

/**
 * Sentry answers 400 {"projects": ["Invalid project ids or slugs"]} when a slug names no project of the
 * organization (ReleaseWithVersionSerializer / organization_releases.py); the generic 400 hint says nothing.
 */
function explainProjectRejection(err: unknown, projects: string[]): unknown {
  if (err instanceof UsageError && err.status === 400 && /\bprojects\b/.test(err.detail ?? "")) {
    return new UsageError(
      projects.length === 1
        ? `unknown project ${projects[0]} in this organization (Sentry: ${err.detail})`
        : `one of the projects ${projects.join(", ")} is unknown in this organization (Sentry: ${err.detail})`,
      "check the slug: node dist/list-projects.mjs lists the projects",
      400,
      err.detail,
    );
  }
  return err;
}

/** --url must be an absolute http(s) URL; credentials in it would be stored in Sentry for everyone to see. */
function parseReleaseUrl(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new UsageError(`invalid --url ${JSON.stringify(value)}: expected an absolute http(s) URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new UsageError(`invalid --url ${JSON.stringify(value)}: expected http or https`);
  if (url.username || url.password) {
    throw new UsageError(`--url contains credentials: ${stripUrlCredentials(value)}`, "remove user:password@ from the URL; Sentry shows it to every member");
  }
  return value.trim();
}

runIfMain(tool, import.meta.url);
