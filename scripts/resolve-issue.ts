// resolve-issue: marks issues resolved (now, in a release, in the next release, or in a commit).
// Without --yes it reads each issue and prints its status and the exact request --yes would send.

import { UsageError } from "./lib/errors.js";
import { renderStatusUpdate, updateIssueStatus, WRITE_SCOPE, type RawIssue, type StatusChange, type StatusUpdateResult } from "./lib/issues.js";
import { defineTool, runIfMain } from "./lib/tool.js";
import { parseIssueRef, parseReleaseVersion, type IssueRef } from "./lib/validate.js";

/** Git SHAs: abbreviated (7+) or full SHA-1/SHA-256 hex. */
const COMMIT_SHA = /^[0-9a-f]{7,64}$/i;
/** Repositories as Sentry names them: "owner/name" (or a bare name for some providers). */
const REPO_NAME = /^[\w.-]+(?:\/[\w.-]+)*$/;

type Resolution = { kind: "now" } | { kind: "inRelease"; version: string } | { kind: "inNextRelease" } | { kind: "inCommit"; repository: string; commit: string };

interface Input {
  refs: Array<{ ref: IssueRef; label: string }>;
  resolution: Resolution;
}

export const tool = defineTool<Input, StatusUpdateResult>({
  name: "resolve-issue",
  category: "errors",
  summary: "Resolve issues now, in a release, in the next release, or in a commit",
  writes: true,
  positionals: [{ name: "issue", help: "Numeric ID, short ID or issue URL; several allowed", required: true, variadic: true }],
  flags: {
    "in-release": { type: "string", placeholder: "VERSION", help: "Resolved in this release: a later event in a newer release is a regression" },
    "in-next-release": { type: "boolean", help: "Resolved in the project's next release" },
    "in-commit": { type: "string", placeholder: "REPO@SHA", help: "Resolved by this commit, e.g. acme/web@1a2b3c4 (repository as named in Sentry)" },
  },
  fields: ["applied", "changes", "verb", "target", "issues", "requests"],
  examples: [
    { args: "WEB-1A2", about: "preview resolving now (exit 3, nothing sent)" },
    { args: "WEB-1A2 WEB-1A3 --in-next-release --yes", about: "resolve two issues in the next release" },
    { args: "4242 --in-release 2.4.1 --yes", about: "resolved in a given release" },
    { args: "WEB-1A2 --in-commit acme/web@1a2b3c4d --yes", about: "resolved by a commit" },
  ],
  scopes: WRITE_SCOPE,
  api: [
    "GET /api/0/organizations/{org}/issues/{issue}/ (each issue, for the preview)",
    "PUT /api/0/organizations/{org}/issues/{id}/ (one issue)",
    "PUT /api/0/organizations/{org}/issues/?id=…&project=… (several; per project for release resolutions)",
  ],
  parse({ flags, positionals }) {
    const refs = positionals.map((label) => ({ ref: parseIssueRef(label), label }));
    const chosen = ["in-release", "in-next-release", "in-commit"].filter((f) => flags[f] !== undefined && flags[f] !== false);
    if (chosen.length > 1) throw new UsageError(`choose one of --${chosen.join(", --")}`);
    let resolution: Resolution = { kind: "now" };
    if (typeof flags["in-release"] === "string") resolution = { kind: "inRelease", version: parseReleaseVersion(flags["in-release"]) };
    else if (flags["in-next-release"] === true) resolution = { kind: "inNextRelease" };
    else if (typeof flags["in-commit"] === "string") resolution = parseCommit(flags["in-commit"]);
    return { refs, resolution };
  },
  async run(input, ctx) {
    return updateIssueStatus(input.refs, resolveChange(input.resolution), ctx);
  },
  render: (result) => renderStatusUpdate(result),
});

function parseCommit(value: string): Resolution {
  const at = value.lastIndexOf("@");
  const repository = value.slice(0, at).trim();
  const commit = value.slice(at + 1).trim();
  if (at <= 0 || !REPO_NAME.test(repository) || !COMMIT_SHA.test(commit)) {
    throw new UsageError(`invalid --in-commit ${JSON.stringify(value)}: use REPO@SHA, e.g. acme/web@1a2b3c4`, "the repository as Sentry names it (owner/name), the commit as a 7 to 64 character hex SHA");
  }
  return { kind: "inCommit", repository, commit: commit.toLowerCase() };
}

/** The request body and the "already there" test for each way of resolving (update.py, ENDPOINTS.md §3). */
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
        label: `resolved in ${r.version}`,
        body: { status: "resolved", statusDetails: { inRelease: r.version } },
        // "Cannot set resolved in release for multiple projects" (update.py): one request per project.
        perProject: true,
        isCurrent: (i) => resolved(i) && details(i).inRelease === r.version,
      };
    case "inNextRelease":
      return {
        ...base,
        label: "resolved in next release",
        body: { status: "resolved", statusDetails: { inNextRelease: true } },
        perProject: true,
        isCurrent: (i) => resolved(i) && details(i).inNextRelease === true,
      };
    case "inCommit":
      return {
        ...base,
        label: `resolved in commit ${r.commit.slice(0, 12)} (${r.repository})`,
        body: { status: "resolved", statusDetails: { inCommit: { commit: r.commit, repository: r.repository } } },
        isCurrent: (i) => {
          const c = details(i).inCommit as { id?: string; commit?: string } | undefined;
          const sha = (c?.id ?? c?.commit ?? "").toLowerCase();
          return resolved(i) && sha !== "" && (sha.startsWith(r.commit) || r.commit.startsWith(sha));
        },
      };
  }
}

runIfMain(tool, import.meta.url);
