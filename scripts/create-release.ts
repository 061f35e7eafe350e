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

/** "added projects": the version existed, and Sentry added the projects it did not have yet (also a 201). */
type Outcome = "would create" | "created" | "added projects" | "already existed";

interface Result extends WriteSummary {
  org: string;
  version: string;
  projects: string[];
  outcome: Outcome;
  ref: string | null;
  url: string | null;
  dateReleased: string | null;
  /** Projects this run added to a release that already existed (outcome "added projects"), empty otherwise. */
  addedProjects: string[];
  /** What changed on a release that already existed (finalized, ref, url), empty otherwise. */
  updated: string[];
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
  fields: ["applied", "changes", "org", "version", "projects", "outcome", "ref", "url", "dateReleased", "addedProjects", "updated"],
  examples: [
    { args: "web-frontend@2.15.0 --project web-frontend", about: "preview: what would be created (exit 3)" },
    { args: "web-frontend@2.15.0 --project web-frontend --ref v2.15.0 --yes", about: "create it" },
    { args: "web-frontend@2.15.0 --project web-frontend --finalize --yes", about: "after deploying: mark it released now (the date is kept if already set)" },
  ],
  scopes: RELEASE_SCOPES,
  api: [
    "GET /api/0/organizations/{org}/releases/{version}/ (only with several --project: which of them it has)",
    "POST /api/0/organizations/{org}/releases/",
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
    const base = { org, version: input.version, projects };
    if (!ctx.yes) {
      return {
        ...base,
        applied: false,
        changes: 1,
        outcome: "would create",
        ref: input.ref ?? null,
        url: input.url ?? null,
        dateReleased: input.finalize ? new Date(ctx.now).toISOString() : null,
        addedProjects: [],
        updated: [],
      };
    }

    // Sentry answers 201 both when it created the release and when it only added projects to an existing one
    // (organization_releases.py: get_or_create by version, then add_project for each), and the body does not
    // say which. For one project the answer tells: a release created now lists only that project, an existing
    // one its earlier projects too. For several, an existing release may have had some of them, which the
    // answer cannot show, so the release's projects are read first (one GET; 404: it does not exist yet).
    const before = projects.length > 1 ? await tryGetReleaseProjects(ctx, org, input.version) : undefined;
    const releasedAt = input.finalize ? new Date(ctx.now).toISOString() : undefined;
    // Idempotent by version: Sentry answers 201 when it created the release (or added projects to it) and
    // 208 when the version already existed with these projects, changing nothing. A retry after a lost
    // answer therefore cannot create a second release; at worst it reports "already existed".
    const res = await ctx.api.write<RawRelease>(
      "POST",
      apiPath`/organizations/${org}/releases/`,
      { version: input.version, projects, ref: input.ref, url: input.url, dateReleased: releasedAt },
      { idempotent: true, errorContext: { scopes: RELEASE_SCOPES, notFoundHint: "check the organization slug (SENTRY_ORG or --org)" } },
    );
    let release = res.body;
    const answered = (release.projects ?? []).map((p) => p.slug);
    let addedProjects: string[] = [];
    if (res.status !== STATUS_ALREADY_EXISTED) {
      // One project: an existing release with no project left at all (its projects were deleted) would read as
      // created; that is the only case this misses, and it costs no request.
      if (before === undefined) addedProjects = answered.some((slug) => !projects.includes(slug)) ? projects : [];
      else if (before !== null) addedProjects = projects.filter((slug) => !before.includes(slug));
    }
    const existed = res.status === STATUS_ALREADY_EXISTED || addedProjects.length > 0;
    const updated: string[] = [];
    if (existed) {
      // On an existing release Sentry ignores ref, url and dateReleased in the POST (they are creation
      // defaults), so they are set with a PUT. An earlier release date is kept: re-running CI must not move it.
      const changes: Record<string, string> = {};
      if (releasedAt && !release.dateReleased) changes.dateReleased = releasedAt;
      if (input.ref !== undefined && input.ref !== release.ref) changes.ref = input.ref;
      if (input.url !== undefined && input.url !== release.url) changes.url = input.url;
      if (Object.keys(changes).length) {
        // Idempotent: the same fields with the same values (the date was fixed once, before the first attempt).
        const put = await ctx.api.write<RawRelease>("PUT", apiPath`/organizations/${org}/releases/${input.version}/`, changes, {
          idempotent: true,
          errorContext: { scopes: RELEASE_SCOPES },
        });
        release = put.body;
        updated.push(...Object.keys(changes).map((k) => (k === "dateReleased" ? "finalized" : k)));
      }
    }
    const outcome: Outcome = !existed ? "created" : addedProjects.length > 0 ? "added projects" : "already existed";
    return {
      ...base,
      projects: release.projects?.map((p) => p.slug) ?? projects,
      applied: true,
      // Adding the projects was one change, as creating the release is; the PUT's fields are the others.
      changes: (outcome === "already existed" ? 0 : 1) + updated.length,
      outcome,
      ref: release.ref ?? null,
      url: release.url ?? null,
      dateReleased: release.dateReleased ?? null,
      addedProjects,
      updated,
    };
  },
  render(r, ctx) {
    const projects = listWithMore(r.projects, MAX_PROJECTS_SHOWN);
    const details = [r.ref ? `ref ${r.ref}` : "", r.url ? `url ${r.url}` : ""].filter(Boolean).join(", ");
    const released = r.dateReleased ? `released ${relativeTime(r.dateReleased, ctx.now)}` : "not finalized";
    const version = shellQuote(r.version);
    const next = `Next: node dist/set-commits.mjs ${version} --yes${r.dateReleased ? "" : `, and after deploying: node dist/create-release.mjs ${version} --finalize --yes`}`;
    switch (r.outcome) {
      case "would create":
        return [
          `Would create release ${r.version} in ${r.org} for ${projects}${details ? ` (${details})` : ""}${r.dateReleased ? ", finalized now" : ""}.`,
          "Nothing was sent. If the version already exists, Sentry keeps it and only adds missing projects.",
        ].join("\n");
      case "created":
        return [`Created release ${r.version} in ${r.org} for ${projects}${details ? ` (${details})` : ""}, ${released}.`, next].join("\n");
      case "added projects": {
        const added = `added project${r.addedProjects.length > 1 ? "s" : ""} ${r.addedProjects.join(", ")}`;
        const changed = r.updated.length ? `; updated: ${r.updated.join(", ")}` : "";
        return `Release ${r.version} already existed in ${r.org}; ${added}, now for ${projects}${changed} (${released}).`;
      }
      default:
        return `Release ${r.version} already existed in ${r.org} for ${projects}; ${r.updated.length ? `updated: ${r.updated.join(", ")}` : "nothing changed"} (${released}).`;
    }
  },
});

/** The slugs of the projects an existing release has, or null when the version does not exist yet. */
async function tryGetReleaseProjects(ctx: ToolContext, org: string, version: string): Promise<string[] | null> {
  try {
    const res = await ctx.api.get<RawRelease>(apiPath`/organizations/${org}/releases/${version}/`, undefined, { scopes: RELEASE_SCOPES });
    return (res.body.projects ?? []).map((p) => p.slug);
  } catch (err) {
    if (err instanceof NotFoundError && err.status === 404) return null;
    throw err;
  }
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
