// set-commits: ties commits to a release so Sentry can suggest the commit behind an issue. Either names the
// repository and HEAD (Sentry fetches the range through its repository integration) or sends the local git
// history itself; previews what would be sent, and replaces the release's commits with --yes.

import { resolve } from "node:path";
import { describeCommit, NO_HISTORY, planLocalCommits, readGitState, remoteInfo, sameCommit, short, summarizeBody, type CommitsBody, type HistorySummary, type RefBody } from "./lib/commits.js";
import { NotFoundError, UsageError } from "./lib/errors.js";
import { bool, int, text } from "./lib/flags.js";
import { commandLine, plural } from "./lib/output.js";
import {
  checkRefRepositories,
  commitRefs,
  explainMissingRelease,
  explainRefRejection,
  matchRemotes,
  RELEASE_SCOPES,
  releaseNotFoundHint,
  orgArgs,
  tryListRepos,
  type ExplicitRef,
} from "./lib/releases.js";
import { requireWriteScope } from "./lib/sentry/auth.js";
import { scopeHint } from "./lib/sentry/client.js";
import { getRelease, previousWithCommits, releaseRequestPath, updateRelease } from "./lib/sentry/releases.js";
import { cleanText } from "./lib/text.js";
import { runIfMain, writeTool, type ToolContext, type WritePlan } from "./lib/tool.js";
import { parseReleaseVersion } from "./lib/validate.js";

const DEFAULT_INITIAL_DEPTH = 20;
const MAX_INITIAL_DEPTH = 10_000;

type Mode = "auto" | "local" | "commit" | "clear";

interface Input {
  version: string;
  /** Undefined: try auto, fall back to local. */
  mode?: Mode;
  refs: ExplicitRef[];
  path: string;
  initialDepth: number;
  ignoreMissing: boolean;
}

interface Result extends HistorySummary {
  org: string;
  version: string;
  mode: Mode;
  /** Why the default mode fell back from auto to local; null otherwise. */
  fallbackReason: string | null;
  /** The repository as Sentry names it (local and auto modes). */
  repository: string | null;
  /** Remote (name and URL, credentials removed) the repository was read from. */
  remote: { name: string; url: string } | null;
  refs: RefBody[] | null;
  commitCount: number;
  /** Commits the release had before: the PUT replaces them. */
  replacedCount: number;
  /** Why nothing is sent, when nothing is. */
  nothingToDo: string | null;
  /** The release's commit count in Sentry's answer to the PUT (applied only; null in a preview). */
  releaseCommitCount: number | null;
  /** Whether the release is finalized (Sentry's answer when applied): no "finalize it next" then. */
  finalized: boolean;
}

export const tool = writeTool({
  name: "set-commits",
  category: "releases",
  summary: "Attach commits to a release, from Sentry's repo integration or local git",
  positionals: [{ name: "version", required: true, help: "Release version (create it first with create-release)" }],
  flags: {
    auto: bool("Match the local git remotes with the organization's repositories and send HEAD; Sentry fetches the range"),
    local: bool("Send the local history since the previous release's last commit (no repository integration needed)"),
    commit: commitRefs("Send this ref as given (repeatable), e.g. acme/web@1a2b3c4..5d6e7f8"),
    clear: bool("Remove every commit from the release"),
    path: text({ placeholder: "DIR", help: "The git repository to read (default: the current directory)" }),
    "initial-depth": int({ min: 1, max: MAX_INITIAL_DEPTH, help: `--local: commits to send when no earlier release has commits (default ${DEFAULT_INITIAL_DEPTH})` }),
    "ignore-missing": bool("--local: if the previous release's commit is not in the local history, send the newest --initial-depth commits"),
  },
  fields: [
    ...["applied", "changes", "org", "version", "mode", "fallbackReason", "repository", "remote", "refs", "commitCount", "fileCount"],
    ...["newest", "oldest", "previousCommit", "missingPreviousCommit", "previousRelease", "replacedCount", "nothingToDo", "releaseCommitCount"],
    ...["finalized", "requests", "warnings"],
  ],
  examples: [
    { args: "web-frontend@2.15.0", about: "preview: auto if a remote matches a Sentry repository, else the local history" },
    { args: "web-frontend@2.15.0 --local --yes", about: "send the local commits since the previous release" },
    { args: "web-frontend@2.15.0 --commit acme/web-frontend@1a2b3c4..9f8e7d6 --yes", about: "an explicit range" },
    { args: "web-frontend@2.15.0 --clear --yes", about: "remove the release's commits" },
  ],
  scopes: RELEASE_SCOPES,
  api: [
    "GET /api/0/organizations/{org}/releases/{version}/",
    "GET /api/0/organizations/{org}/repos/",
    "GET /api/0/organizations/{org}/releases/{version}/previous-with-commits/ (--local)",
    "PUT /api/0/organizations/{org}/releases/{version}/ with refs or commits",
  ],
  parse({ flags, positionals }) {
    const chosen = (["auto", "local", "commit", "clear"] as const).filter((m) => (m === "commit" ? flags.commit.length > 0 : flags[m]));
    if (chosen.length > 1) throw new UsageError(`choose one of --auto, --local, --commit and --clear (got ${chosen.map((m) => `--${m}`).join(" and ")})`);
    const mode: Mode | undefined = chosen[0];
    const localOnly = (["initial-depth", "ignore-missing"] as const).filter((f) => (f === "ignore-missing" ? flags[f] : flags[f] !== undefined));
    if (localOnly.length && mode !== undefined && mode !== "local") throw new UsageError(`--${localOnly[0]} goes with --local (or no mode), not --${mode}`);
    if (flags.path !== undefined && (mode === "commit" || mode === "clear")) throw new UsageError(`--path is not used with --${mode}`);
    return {
      version: parseReleaseVersion(positionals[0]!),
      mode,
      refs: flags.commit,
      path: resolve(flags.path ?? "."),
      initialDepth: flags["initial-depth"] ?? DEFAULT_INITIAL_DEPTH,
      ignoreMissing: flags["ignore-missing"],
    };
  },
  plan: planCommits,
  render(r, ctx) {
    const lines: string[] = [];
    const version = cleanText(r.version);
    const repository = cleanText(r.repository ?? "");
    const verb = r.applied ? "Set" : "Would set";
    const replacing = r.replacedCount ? `replacing its ${plural(r.replacedCount, "commit")}` : "";
    const replaced = replacing ? ` (${replacing})` : "";
    if (r.fallbackReason) lines.push(`Mode: local history (auto found no match: ${cleanText(r.fallbackReason)}).`);
    if (r.nothingToDo) {
      lines.push(`Nothing to send to release ${version}: ${r.nothingToDo}.`);
      return lines.join("\n");
    }
    switch (r.mode) {
      case "clear":
        lines.push(`${r.applied ? "Cleared" : "Would clear"} the ${plural(r.replacedCount, "commit")} of release ${version} in ${r.org}.`);
        break;
      case "commit":
        lines.push(`${verb} release ${version} in ${r.org} to ${plural(r.refs!.length, "ref")}${replaced}; Sentry fetches the commits through the repository integration:`);
        for (const ref of r.refs!) lines.push(`  ${cleanText(ref.repository)} ${ref.previousCommit ? `${short(ref.previousCommit)}..` : ""}${short(ref.commit)}`);
        break;
      case "auto":
        lines.push(
          `${verb} release ${version} in ${r.org} to ${repository} at HEAD ${short(r.refs![0]!.commit)} (auto: remote ${cleanText(r.remote!.name)} matches).`,
          `Sentry fetches the commits since the previous release through the repository integration${replacing ? `, ${replacing}` : ""}.`,
        );
        break;
      default: {
        const previous = cleanText(r.previousRelease ?? "?");
        const since = r.previousCommit
          ? `since ${short(r.previousCommit)} (last commit of release ${previous})`
          : r.missingPreviousCommit
            ? `the newest ${r.commitCount} (--ignore-missing: ${short(r.missingPreviousCommit)}, the last commit of release ${previous}, is not in the local history)`
            : `the newest ${r.commitCount} (Sentry knows no earlier release with commits)`;
        lines.push(`${verb} ${plural(r.commitCount, "commit")} of ${repository} on release ${version} in ${r.org}${replaced}, ${since}; ${plural(r.fileCount, "file change")}:`);
        lines.push(`  newest ${describeCommit(r.newest!, ctx.now)}`);
        if (r.commitCount > 1) lines.push(`  oldest ${describeCommit(r.oldest!, ctx.now)}`);
      }
    }
    if (r.applied && r.releaseCommitCount !== null) {
      // With refs, Sentry fetches the range through the integration in a background task (fetch_commits),
      // so its count right after the PUT may still grow; raw commits are stored before it answers.
      const later = r.mode === "auto" || r.mode === "commit" ? " (the integration fetches the range in the background; the count may still grow)" : "";
      lines.push(`Release ${version} now has ${plural(r.releaseCommitCount, "commit")} in Sentry${later}.`);
    }
    // The preview form of the next write, only when there is one: a finalized release needs no finalizing.
    if (r.applied && r.mode !== "clear" && !r.finalized) {
      lines.push(`Next, once deployed: ${commandLine("create-release", [r.version, "--finalize", ...orgArgs(ctx.config)])}`);
    }
    return lines.join("\n");
  },
});

/** Reads the release, the repositories and the history, and works out the one PUT that sets the commits. */
async function planCommits(input: Input, ctx: ToolContext): Promise<WritePlan<Result>> {
  // The local repository is read before anything is sent, so a wrong --path fails without a request.
  const git = input.mode === "commit" || input.mode === "clear" ? undefined : await readGitState(input.path);
  const org = await ctx.api.org();
  const notFoundHint = releaseNotFoundHint(input.version, ctx.config);
  // One round trip: the release (it must exist; its commit count is what gets replaced), the repositories
  // (to match remotes, or to check --commit's), and with --local the previous release's last commit.
  const [{ body: release }, repos, previous] = await Promise.all([
    getRelease(ctx.api, org, input.version, { scopes: RELEASE_SCOPES, notFoundHint }).catch(async (err: unknown) =>
      Promise.reject(await explainMissingRelease(err, ctx.api, org, input.version, (full) => commandLine("set-commits", [full, ...orgArgs(ctx.config)]))),
    ),
    input.mode === "clear" ? Promise.resolve(undefined) : tryListRepos(ctx.api, org, ctx.warn),
    input.mode === "local" ? previousWithCommits(ctx.api, org, input.version, notFoundHint) : Promise.resolve(undefined),
    requireWriteScope(ctx.api, "releases", scopeHint(RELEASE_SCOPES)),
  ]);
  const result: Result = {
    ...{ org, version: input.version, mode: input.mode ?? "auto", fallbackReason: null, repository: null, remote: null, refs: null },
    ...{ commitCount: 0, ...NO_HISTORY },
    ...{ replacedCount: release.commitCount ?? 0, nothingToDo: null, releaseCommitCount: null, finalized: Boolean(release.dateReleased) },
  };

  let body: CommitsBody;
  if (input.mode === "clear") {
    // Sentry clears commits only for an explicit empty list (organization_release_details.py `put`).
    body = { refs: [] };
    result.refs = [];
    if (result.replacedCount === 0) result.nothingToDo = "the release has no commits";
  } else if (input.mode === "commit") {
    // Checked in the preview: Sentry refuses a ref to a repository it does not know only when --yes sends it.
    if (repos) checkRefRepositories(input.refs, repos, org);
    body = { refs: input.refs.map((r) => ({ ...r })) };
    result.refs = body.refs;
  } else {
    const state = git!;
    const match = repos && input.mode !== "local" ? matchRemotes(state.remotes, repos)[0] : undefined;
    const noMatch = !repos
      ? "the organization's repositories could not be read"
      : state.remotes.length === 0
        ? "the local repository has no remotes"
        : `no repository of ${org} matches the remotes ${state.remotes.map((r) => `${r.name} (${r.url})`).join(", ")}`;
    if (match) {
      // No previousCommit: Sentry starts from the previous release's head commit for this repository.
      body = { refs: [{ repository: match.repo.name, commit: state.head }] };
      Object.assign(result, { mode: "auto", repository: match.repo.name, remote: remoteInfo(match.remote), refs: body.refs });
      // The release already ends at HEAD: sending the same ref again would only re-fetch the same range.
      if (release.lastCommit && sameCommit(release.lastCommit.id, state.head)) result.nothingToDo = `it already has the commits up to HEAD ${short(state.head)}`;
    } else if (input.mode === "auto") {
      throw new NotFoundError(`--auto: ${noMatch}`, "connect the repository integration in Sentry (Settings > Integrations), or use --local");
    } else {
      const since = previous ?? (await previousWithCommits(ctx.api, org, input.version, notFoundHint));
      const local = await planLocalCommits({ ...input, warn: ctx.warn }, state, repos ?? [], since);
      const { commits, ...summary } = local;
      Object.assign(result, summary, { mode: "local", commitCount: commits.length, fallbackReason: input.mode === undefined ? noMatch : null });
      body = { commits };
    }
  }

  const sent = "refs" in body ? body.refs.length : body.commits.length;
  const changes = result.nothingToDo ? 0 : input.mode === "clear" ? 1 : sent;
  if (changes === 0 && !result.nothingToDo) result.nothingToDo = "no commits to send";
  const requests = changes > 0 ? [{ method: "PUT" as const, path: releaseRequestPath(org, input.version), body: summarizeBody(body) }] : [];

  async function apply(): Promise<Result> {
    // Idempotent (updateRelease): the PUT replaces the release's commit list with exactly this one.
    const answer = await updateRelease(ctx.api, org, input.version, body, notFoundHint).catch((err: unknown) => Promise.reject(explainRefRejection(err)));
    // The PUT answers with the release (organization_release_details.py serializes it after set_commits).
    return { ...result, releaseCommitCount: answer.body.commitCount ?? null, finalized: Boolean(answer.body.dateReleased) };
  }
  return { changes, result, requests, warnings: [], apply };
}

runIfMain(tool, import.meta.url);
