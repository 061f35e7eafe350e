// resolve-issue: marks issues resolved (now, in a release, in the next release, or in a commit).
// Without --yes it reads each issue (and the release to resolve in) and prints the exact request --yes would send.

import { NotFoundError, UsageError } from "./lib/errors.js";
import { bool, value } from "./lib/flags.js";
import { planStatusUpdate, renderStatusUpdate, WRITE_SCOPE, type PrecheckResult, type RawIssue, type StatusChange } from "./lib/issues.js";
import { commandLine, plural } from "./lib/output.js";
import { explainMissingRelease, parseCommitFlag, orgArgs } from "./lib/releases.js";
import { isForbidden } from "./lib/sentry/client.js";
import { getRelease, newestRelease, RELEASE_READ_SCOPE, type RawRelease } from "./lib/sentry/releases.js";
import { runIfMain, writeTool, type ToolContext } from "./lib/tool.js";
import { isShortId, parseIssueRef, parseReleaseVersion } from "./lib/validate.js";

/** Sentry's own word for "the project's most recent release" in inRelease (StatusDetailsValidator.validate_inRelease). */
const LATEST = "latest";

type Resolution = { kind: "now" } | { kind: "inRelease"; version: string } | { kind: "inNextRelease" } | { kind: "inCommit"; repository: string; commit: string };

export const tool = writeTool({
  name: "resolve-issue",
  category: "errors",
  summary: "Resolve issues now, in a release, in the next release, or in a commit",
  positionals: [{ name: "issue", help: "Numeric ID, short ID or issue URL; several allowed", required: true, variadic: true }],
  flags: {
    "in-release": value(
      { placeholder: "VERSION", help: "Resolved in this release (or 'latest', the project's newest): a later event in a newer release is a regression" },
      (version) => (version === LATEST ? LATEST : parseReleaseVersion(version)),
    ),
    "in-next-release": bool("Resolved in the project's next release"),
    "in-commit": value({ placeholder: "REPO@SHA", help: "Resolved by this commit, e.g. acme/web@1a2b3c4 (repository as named in Sentry)" }, parseCommit),
  },
  fields: ["applied", "changes", "verb", "target", "issues", "requests", "warnings"],
  examples: [
    { args: "WEB-FRONTEND-1A2", about: "preview resolving now (exit 3, nothing sent)" },
    { args: "WEB-FRONTEND-1A2 WEB-FRONTEND-1A3 --in-next-release --yes", about: "resolve two issues in the next release" },
    { args: "4242 --in-release 2.4.1 --yes", about: "resolved in a given release" },
    { args: "WEB-FRONTEND-1A2 --in-release latest", about: "preview resolving in the project's newest release (named in the preview)" },
    { args: "WEB-FRONTEND-1A2 --in-commit acme/web@1a2b3c4d --yes", about: "resolved by a commit" },
  ],
  scopes: WRITE_SCOPE,
  api: [
    "GET /api/0/organizations/{org}/issues/{issue}/ (each issue, for the preview)",
    "GET /api/0/organizations/{org}/releases/{version}/ (--in-release: it exists, in the issue's project)",
    "GET /api/0/organizations/{org}/releases/?project={id}&per_page=1 (--in-release latest: the project has a release)",
    "PUT /api/0/organizations/{org}/issues/{id}/ (one issue)",
    "PUT /api/0/organizations/{org}/issues/?id=…&project=… (several; per project for release resolutions)",
  ],
  parse({ flags, positionals }) {
    const refs = positionals.map((label) => ({ ref: parseIssueRef(label), label }));
    const given = { "in-release": flags["in-release"] !== undefined, "in-next-release": flags["in-next-release"], "in-commit": flags["in-commit"] !== undefined };
    const chosen = Object.entries(given).filter(([, on]) => on).map(([name]) => name);
    if (chosen.length > 1) throw new UsageError(`choose one of --${chosen.join(", --")}`);
    let resolution: Resolution = { kind: "now" };
    if (flags["in-release"] !== undefined) resolution = { kind: "inRelease", version: flags["in-release"] };
    else if (flags["in-next-release"]) resolution = { kind: "inNextRelease" };
    else if (flags["in-commit"] !== undefined) resolution = flags["in-commit"];
    return { refs, resolution };
  },
  plan: (input, ctx) => planStatusUpdate(input.refs, resolveChange(input.resolution), ctx),
  render: (result) => renderStatusUpdate(result),
});

/** REPO@SHA, read by the same rules as the release tools' --commit; a range names no single commit. */
function parseCommit(value: string): Extract<Resolution, { kind: "inCommit" }> {
  let ref: ReturnType<typeof parseCommitFlag> | undefined;
  try {
    ref = parseCommitFlag(value);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
  }
  if (!ref || ref.previousCommit !== undefined) {
    throw new UsageError(`invalid --in-commit ${JSON.stringify(value)}: use REPO@SHA, e.g. acme/web@1a2b3c4`, "the repository as Sentry names it (owner/name), the commit's hex SHA");
  }
  return { kind: "inCommit", repository: ref.repository, commit: ref.commit.toLowerCase() };
}

/** The request body and the "already there" test for each way of resolving (update.py, docs/sentry-api.md §3). */
function resolveChange(r: Resolution): StatusChange {
  const details = (issue: RawIssue) => issue.statusDetails ?? {};
  const resolved = (issue: RawIssue) => issue.status === "resolved";
  const base = { verb: "resolve", perProject: false, needsReset: () => false };
  switch (r.kind) {
    case "now":
      return {
        ...base,
        label: "resolved",
        body: { status: "resolved", statusDetails: {} },
        isCurrent: (i) => resolved(i) && !details(i).inRelease && !details(i).inNextRelease && !details(i).inCommit,
      };
    case "inRelease":
      return {
        ...base,
        label: r.version === LATEST ? "resolved in the latest release" : `resolved in ${r.version}`,
        body: { status: "resolved", statusDetails: { inRelease: r.version } },
        // "Cannot set resolved in release for multiple projects" (update.py): one request per project.
        perProject: true,
        // "latest" is whichever release is newest when Sentry applies it: sending it again changes nothing.
        isCurrent: (i) => resolved(i) && r.version !== LATEST && details(i).inRelease === r.version,
        precheck: (issues, ctx) => checkRelease(r.version, issues, ctx),
        badRequestHint: `Sentry resolves only in a release of the issue's own project: check it with node dist/list-releases.mjs --project SLUG`,
      };
    case "inNextRelease":
      return {
        ...base,
        label: "resolved in the next release",
        body: { status: "resolved", statusDetails: { inNextRelease: true } },
        perProject: true,
        isCurrent: (i) => resolved(i) && details(i).inNextRelease === true,
        badRequestHint: "the next release is counted from the project's latest one: the project needs a release first (node dist/create-release.mjs)",
      };
    case "inCommit":
      return {
        ...base,
        label: `resolved in commit ${r.commit.slice(0, 12)} (${r.repository})`,
        body: { status: "resolved", statusDetails: { inCommit: { commit: r.commit, repository: r.repository } } },
        badRequestHint: "Sentry needs the repository under the name it shows (Settings > Repositories) and a commit it knows, by its full SHA",
        isCurrent: (i) => {
          const c = details(i).inCommit as { id?: string; commit?: string } | undefined;
          const sha = (c?.id ?? c?.commit ?? "").toLowerCase();
          return resolved(i) && sha !== "" && (sha.startsWith(r.commit) || r.commit.startsWith(sha));
        },
      };
  }
}

/**
 * Without this check a release Sentry does not have passes the preview and fails only under --yes, with a 400
 * (StatusDetailsValidator). Sentry looks the release up in each issue's project, so that is checked too. A token
 * that may resolve issues but not read releases skips the check (said on stderr): Sentry still has the last word.
 * The releases read name "latest" in the label and tell which issues were already seen in a later release.
 */
async function checkRelease(version: string, issues: ReadonlyArray<{ org: string; issue: RawIssue }>, ctx: ToolContext): Promise<PrecheckResult> {
  const byOrg = new Map<string, Map<string, RawIssue["project"]>>();
  for (const { org, issue } of issues) {
    const projects = byOrg.get(org) ?? new Map<string, RawIssue["project"]>();
    projects.set(issue.project.id, issue.project);
    byOrg.set(org, projects);
  }
  /** "org\0project id" → the release the issues of that project would be resolved in. */
  const chosen = new Map<string, RawRelease>();
  await Promise.all(
    [...byOrg].map(async ([org, projects]) => {
      try {
        if (version === LATEST) {
          await Promise.all([...projects.values()].map(async (p) => chosen.set(`${org}\u0000${p.id}`, await latestRelease(org, p, ctx))));
        } else {
          const ids = issues.filter((i) => i.org === org).map(({ issue }) => (isShortId(issue.shortId) ? issue.shortId : issue.id));
          const release = await checkReleaseInProjects(org, version, [...projects.values()], ids, ctx);
          for (const p of projects.values()) chosen.set(`${org}\u0000${p.id}`, release);
        }
      } catch (err) {
        if (!isForbidden(err)) throw err;
        ctx.warn(`could not check that release ${JSON.stringify(version)} exists (the token lacks ${RELEASE_READ_SCOPE}); Sentry will refuse the change if it does not`);
      }
    }),
  );
  const warnings = new Map<string, string>();
  for (const { org, issue } of issues) {
    const target = chosen.get(`${org}\u0000${issue.project.id}`);
    const last = issue.lastRelease;
    if (!target || !last || last.version === target.version || !(releaseTime(target) < releaseTime(last))) continue;
    warnings.set(
      issue.shortId,
      `${issue.shortId} was last seen in ${last.version}, a later release than ${target.version}: it will likely regress at its next event there`,
    );
  }
  const latest = [...new Set([...chosen.values()].map((r) => r.version))];
  const label = version === LATEST && latest.length ? `resolved in the latest release (${latest.join(", ")})` : undefined;
  return { label, warnings };
}

/**
 * When a release came out, from the dates the release API gives: its release date, else (not released yet, or
 * released without a date) its creation date. NaN when neither is there, which compares as "not older".
 */
function releaseTime(r: RawRelease): number {
  return Date.parse(r.dateReleased ?? r.dateCreated ?? "");
}

function createHint(version: string, projects: ReadonlyArray<{ slug: string }>, ctx: ToolContext): string {
  return `create it first with ${commandLine("create-release", [version, ...projects.flatMap((p) => ["--project", p.slug]), ...orgArgs(ctx.config)])} (preview; then add --yes)`;
}

async function checkReleaseInProjects(
  org: string,
  version: string,
  projects: ReadonlyArray<RawIssue["project"]>,
  issueIds: readonly string[],
  ctx: ToolContext,
): Promise<RawRelease> {
  const { body: release } = await getRelease(ctx.api, org, version, { notFoundHint: `no release ${JSON.stringify(version)} in ${org}: ${createHint(version, projects, ctx)}` }).catch(
    async (err: unknown) => Promise.reject(await explainMissingRelease(err, ctx.api, org, version, (full) => commandLine("resolve-issue", [...issueIds, "--in-release", full, ...orgArgs(ctx.config)]))),
  );
  const has = new Set((release.projects ?? []).map((p) => p.slug));
  const missing = projects.filter((p) => !has.has(p.slug));
  if (missing.length) {
    throw new NotFoundError(
      `release ${version} is not a release of ${plural(missing.length, "project")} ${missing.map((p) => p.slug).join(", ")}, which Sentry needs to resolve in it`,
      `add the project to it with ${commandLine("create-release", [version, ...missing.flatMap((p) => ["--project", p.slug]), ...orgArgs(ctx.config)])} (preview; then add --yes), or pick another with ${commandLine("list-releases", ["--project", missing[0]!.slug, ...orgArgs(ctx.config)])}`,
    );
  }
  return release;
}

/** The project's newest release: what "latest" will resolve in. */
async function latestRelease(org: string, project: RawIssue["project"], ctx: ToolContext): Promise<RawRelease> {
  const newest = await newestRelease(ctx.api, org, project.id);
  if (newest) return newest;
  throw new NotFoundError(`project ${project.slug} has no release, so there is no latest release to resolve in`, `create one first with ${commandLine("create-release", ["VERSION", "--project", project.slug, ...orgArgs(ctx.config)])} (preview; then add --yes)`);
}

runIfMain(tool, import.meta.url);
