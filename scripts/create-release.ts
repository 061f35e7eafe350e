// create-release: creates a release for one or more projects (from CI or a terminal), optionally finalized
// now. Safe to repeat: an existing version is reported as such, and finalizing never moves an earlier date.

import { UsageError } from "./lib/errors.js";
import { bool, projects as projectsFlag, value } from "./lib/flags.js";
import { commandLine, listWithMore, relativeTime } from "./lib/output.js";
import {
  explainProjectRejection,
  fieldChanges,
  parseRef,
  parseReleaseUrl,
  planReleaseSteps,
  projectSlugs,
  RELEASE_SCOPES,
  orgArgs,
  updatedFields,
  type WantedRelease,
} from "./lib/releases.js";
import { requireWriteScope } from "./lib/sentry/auth.js";
import { scopeHint, tryGet } from "./lib/sentry/client.js";
import { createRelease, findRelease, releaseRequestPath, releasesStartingWith, updateRelease, type RawRelease } from "./lib/sentry/releases.js";
import { cleanText } from "./lib/text.js";
import { runIfMain, writeTool, type PlannedRequest, type ToolContext, type WritePlan } from "./lib/tool.js";
import { parseReleaseVersion } from "./lib/validate.js";

const MAX_PROJECTS_SHOWN = 5;
/** HTTP 208 Already Reported: Sentry's answer when the version exists and no project was added (organization_releases.py). */
const STATUS_ALREADY_EXISTED = 208;

/**
 * "added projects": the version existed, and Sentry added the projects it did not have yet (also a 201).
 * The preview names the same outcomes in the conditional ("would create", …); "already existed" with an
 * empty `updated` and no added project means there was nothing to do.
 */
type Outcome = "would create" | "created" | "would add projects" | "added projects" | "would update" | "already existed";

interface Result {
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
}

export const tool = writeTool({
  name: "create-release",
  category: "releases",
  summary: "Create a release (idempotent by version); --finalize marks it released",
  positionals: [{ name: "version", required: true, help: "Release version, e.g. web-frontend@2.15.0 or a commit SHA (Sentry's rules: no / or \\, ≤ 200 chars)" }],
  flags: {
    project: projectsFlag("Project the release belongs to (repeatable; default SENTRY_PROJECT or .sentryclirc)"),
    ref: value({ placeholder: "REF", help: "Commit reference the release was built from (tag or SHA)" }, parseRef),
    // Not --url: every tool's --url is the Sentry server (lib/tool.ts COMMON_FLAGS).
    url: value({ placeholder: "URL", help: "Link stored on the release (CI run, changelog, tag page); the Sentry server comes from SENTRY_URL here" }, parseReleaseUrl),
    finalize: bool("Set the release date to now (a finalized release counts as shipped)"),
  },
  fields: ["applied", "changes", "org", "version", "projects", "outcome", "ref", "url", "dateReleased", "addedProjects", "updated", "requests", "warnings"],
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
  parse: ({ flags, positionals }) => ({ version: parseReleaseVersion(positionals[0]!), ...flags }),
  plan: planRelease,
  render(r, ctx) {
    const version = cleanText(r.version);
    const projects = listWithMore(r.projects.map(cleanText), MAX_PROJECTS_SHOWN);
    const details = [r.ref ? `ref ${cleanText(r.ref)}` : "", r.url ? `url ${cleanText(r.url)}` : ""].filter(Boolean).join(", ");
    const released = r.dateReleased ? `released ${relativeTime(r.dateReleased, ctx.now)}` : "not finalized";
    // Hints name the preview form of the next write: the agent reads what it would do before adding --yes.
    const scope = orgArgs(ctx.config);
    const finalizeHint = commandLine("create-release", [r.version, "--finalize", ...scope]);
    const next = `Next: ${commandLine("set-commits", [r.version, ...scope])}${r.dateReleased ? "" : `, and after deploying: ${finalizeHint}`}`;
    const lines: string[] = [];
    const added = `project${r.addedProjects.length > 1 ? "s" : ""} ${r.addedProjects.join(", ")}`;
    switch (r.outcome) {
      case "would create":
        lines.push(`Would create release ${version} in ${r.org} for ${projects}${details ? ` (${details})` : ""}${r.dateReleased ? ", finalized now" : ""}.`);
        break;
      case "would add projects":
      case "would update": {
        const todo = [r.addedProjects.length ? `add ${added}` : "", ...r.updated.map(describeUpdate)].filter(Boolean).join(", ");
        lines.push(`Release ${version} exists in ${r.org} (${released}); would ${todo}.`);
        break;
      }
      case "created":
        lines.push(`Created release ${version} in ${r.org} for ${projects}${details ? ` (${details})` : ""}, ${released}.`, next);
        break;
      case "added projects": {
        const changed = r.updated.length ? `; updated: ${r.updated.join(", ")}` : "";
        lines.push(`Release ${version} already existed in ${r.org}; added ${added}, now for ${projects}${changed} (${released}).`);
        break;
      }
      default:
        if (!r.applied) {
          lines.push(`Release ${version} already exists in ${r.org} for ${projects}${details ? ` (${details})` : ""}, ${released}; nothing to do.`);
          if (!r.dateReleased) lines.push(`Next, after deploying: ${finalizeHint}`);
        } else {
          lines.push(`Release ${version} already existed in ${r.org} for ${projects}; ${r.updated.length ? `updated: ${r.updated.join(", ")}` : "nothing changed"} (${released}).`);
        }
    }
    return lines.join("\n");
  },
});

interface Input {
  version: string;
  project: string[];
  ref?: string;
  url?: string;
  finalize: boolean;
}

/**
 * Sentry answers the POST with 201 both when it created the release and when it only added projects to an
 * existing one (organization_releases.py: get_or_create by version, then add_project for each), and it ignores
 * ref, url and dateReleased for an existing version. So the release is read first (404: new), and the plan
 * (create, add projects, update fields, or nothing) is known before anything is sent.
 */
async function planRelease(input: Input, ctx: ToolContext): Promise<WritePlan<Result>> {
  // A release without projects is refused by Sentry. Guessing "the first project" for a write would be
  // wrong, and an organization token cannot list projects anyway: take the flags or the configured one.
  const projects = input.project.length ? input.project : ctx.config.project ? [ctx.config.project] : [];
  if (projects.length === 0) throw new UsageError("name the release's project(s)", "add --project SLUG (repeatable), or set SENTRY_PROJECT");
  const org = await ctx.api.org();
  const wanted: WantedRelease = {
    version: input.version,
    projects,
    ref: input.ref,
    url: input.url,
    dateReleased: input.finalize ? new Date(ctx.now).toISOString() : undefined,
  };
  const [existing] = await Promise.all([findRelease(ctx.api, org, input.version), requireWriteScope(ctx.api, "releases", scopeHint(RELEASE_SCOPES))]);
  const steps = planReleaseSteps(wanted, existing);
  const requests: PlannedRequest[] = steps.map((s) => ({ method: s.method, path: releaseRequestPath(org, s.method === "POST" ? undefined : input.version), body: s.body }));
  const addedProjects = existing ? projects.filter((slug) => !projectSlugs(existing).includes(slug)) : [];
  const put = steps.find((s) => s.method === "PUT");
  const updated = put ? updatedFields(put.body) : [];
  const base = { org, version: input.version, addedProjects, updated };
  // A shortened version (a 12-character hash from a list) would make a second release beside the real one.
  const longer = existing ? [] : ((await tryGet(releasesStartingWith(ctx.api, org, input.version))) ?? []);
  const warnings = longer.map((v) => `release ${cleanText(v)} exists and starts with ${cleanText(input.version)}: if that is the one, use its whole version`);

  const preview: Result = {
    ...base,
    projects: existing ? [...projectSlugs(existing), ...addedProjects] : projects,
    outcome: !existing ? "would create" : addedProjects.length ? "would add projects" : updated.length ? "would update" : "already existed",
    ref: wanted.ref ?? existing?.ref ?? null,
    url: wanted.url ?? existing?.url ?? null,
    // An existing release's date as it stands (`updated` says whether --yes would finalize it).
    dateReleased: existing ? (existing.dateReleased ?? null) : (wanted.dateReleased ?? null),
  };

  async function apply(): Promise<Result> {
    let release: RawRelease | undefined;
    let outcome: Outcome = !existing ? "created" : addedProjects.length ? "added projects" : "already existed";
    for (const step of steps) {
      if (step.method === "PUT") {
        release = (await updateRelease(ctx.api, org, input.version, step.body)).body;
        continue;
      }
      const res = await createRelease(ctx.api, org, step.body).catch((err: unknown) => Promise.reject(explainProjectRejection(err, projects)));
      release = res.body;
      if (!existing && res.status === STATUS_ALREADY_EXISTED) {
        // The version existed when the POST arrived: most often our own first attempt, whose answer was lost
        // and which the client retried, possibly another client. Either way Sentry ignored the POST's fields,
        // so its answer (the release as it stands) is compared with what was asked, and what differs is set.
        outcome = "already existed";
        const rest = fieldChanges(wanted, release);
        if (Object.keys(rest).length) release = (await updateRelease(ctx.api, org, input.version, rest)).body;
        base.updated = updatedFields(rest);
        ctx.warn(`release ${cleanText(input.version)} already existed when the create arrived (possibly from this run's first attempt, whose answer was lost); it exists now${base.updated.length ? `, and ${base.updated.join(", ")} were set on it` : " as asked"}`);
      }
    }
    return {
      ...base,
      projects: release?.projects ? projectSlugs(release) : projects,
      outcome,
      ref: release?.ref ?? null,
      url: release?.url ?? null,
      dateReleased: release?.dateReleased ?? null,
    };
  }

  return { changes: existing ? (addedProjects.length ? 1 : 0) + updated.length : 1, result: preview, requests, warnings, apply };
}

function describeUpdate(field: string): string {
  return field === "finalized" ? "finalize it (released now)" : `set its ${field}`;
}

runIfMain(tool, import.meta.url);
