// set-commits: ties commits to a release so Sentry can suggest the commit behind an issue. Either names the
// repository and HEAD (Sentry fetches the range through its repository integration) or sends the local git
// history itself; previews what would be sent, and replaces the release's commits with --yes.

import { resolve } from "node:path";
import { apiPath } from "./lib/urls.js";
import { plural, relativeTime, shellQuote, truncate } from "./lib/output.js";
import { defineTool, runIfMain, type ToolContext, type WriteSummary } from "./lib/tool.js";
import { AuthError, NotFoundError, UsageError } from "./lib/errors.js";
import { parseIntegerFlag, parseReleaseVersion } from "./lib/validate.js";
import { headCommit, hasCommit, isCommitSha, readHistory, readRemotes, type LocalCommit, type Remote } from "./lib/git.js";
import {
  matchRemotes,
  parseCommitFlag,
  preferredRemote,
  RELEASE_SCOPES,
  releaseNotFoundHint,
  type ExplicitRef,
  type SentryRepo,
} from "./lib/releases.js";

const DEFAULT_INITIAL_DEPTH = 20;
const MAX_INITIAL_DEPTH = 10_000;
const SHORT_SHA = 12;
const SUBJECT_WIDTH = 60;
/** Sentry's limits on raw commits (src/sentry/api/serializers/rest_framework/commit.py). */
const MAX_AUTHOR_NAME = 128;
const MAX_AUTHOR_EMAIL = 200;

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

/** The body of PUT /organizations/{org}/releases/{version}/ (docs/sentry-api.md §10). */
interface RefBody {
  repository: string;
  commit: string;
  previousCommit?: string;
}

interface CommitBody {
  id: string;
  repository: string;
  message: string;
  author_name: string;
  author_email?: string;
  timestamp: string;
  patch_set: Array<{ path: string; type: "A" | "M" | "D" }>;
}

interface CommitSummary {
  id: string;
  subject: string;
  author: string;
  timestamp: string;
}

interface Result extends WriteSummary {
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
  fileCount: number;
  newest: CommitSummary | null;
  oldest: CommitSummary | null;
  /** Last commit of the previous release with commits, when the local range starts there. */
  previousCommit: string | null;
  /**
   * That release's last commit when it is not in the local history: --ignore-missing then sent the newest
   * --initial-depth commits instead. null otherwise.
   */
  missingPreviousCommit: string | null;
  /** The previous release with commits (Sentry's previous-with-commits), when there is one. */
  previousRelease: string | null;
  /** Commits the release had before: the PUT replaces them. */
  replacedCount: number;
  /** Why nothing is sent, when nothing is. */
  nothingToDo: string | null;
  /** The PUT --yes sends (or sent); a commit list is summarised as its count, newest and oldest IDs. */
  requests: PlannedRequest[];
  /** The release's commit count in Sentry's answer to the PUT (applied only; null in a preview). */
  releaseCommitCount: number | null;
}

interface PlannedRequest {
  method: "PUT";
  path: string;
  body: { refs: RefBody[] } | { commits: { count: number; repository: string; first: string; last: string } };
}

interface RawRelease {
  version: string;
  commitCount?: number;
}

interface PreviousRelease {
  version?: string;
  lastCommit?: { id?: string } | null;
}

export const tool = defineTool<Input, Result>({
  name: "set-commits",
  category: "releases",
  summary: "Attach commits to a release: via Sentry's repo integration or from local git history",
  writes: true,
  positionals: [{ name: "version", required: true, help: "Release version (create it first with create-release)" }],
  flags: {
    auto: { type: "boolean", help: "Match the local git remotes with the organization's repositories and send HEAD; Sentry fetches the range" },
    local: { type: "boolean", help: "Send the local history since the previous release's last commit (no repository integration needed)" },
    commit: { type: "string", multiple: true, placeholder: "REPO@[PREV..]SHA", help: "Send this ref as given (repeatable), e.g. acme/web@1a2b3c4..5d6e7f8" },
    clear: { type: "boolean", help: "Remove every commit from the release" },
    path: { type: "string", placeholder: "DIR", help: "The git repository to read", default: "." },
    "initial-depth": { type: "string", placeholder: "N", help: "--local: commits to send when no earlier release has commits", default: String(DEFAULT_INITIAL_DEPTH) },
    "ignore-missing": { type: "boolean", help: "--local: if the previous release's commit is not in the local history, send the newest --initial-depth commits" },
  },
  fields: [
    "applied",
    "changes",
    "org",
    "version",
    "mode",
    "fallbackReason",
    "repository",
    "remote",
    "refs",
    "commitCount",
    "fileCount",
    "newest",
    "oldest",
    "previousCommit",
    "missingPreviousCommit",
    "previousRelease",
    "replacedCount",
    "nothingToDo",
    "requests",
    "releaseCommitCount",
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
    const version = parseReleaseVersion(positionals[0]!);
    const commitFlags = (flags.commit as string[] | undefined) ?? [];
    const chosen: Mode[] = [];
    if (flags.auto) chosen.push("auto");
    if (flags.local) chosen.push("local");
    if (commitFlags.length) chosen.push("commit");
    if (flags.clear) chosen.push("clear");
    if (chosen.length > 1) throw new UsageError(`choose one of --auto, --local, --commit and --clear (got ${chosen.map((m) => `--${m}`).join(" and ")})`);
    const mode = chosen[0];
    const localOnly = ["initial-depth", "ignore-missing"].filter((f) => flags[f] !== undefined);
    if (localOnly.length && mode !== undefined && mode !== "local") {
      throw new UsageError(`--${localOnly[0]} goes with --local (or no mode), not --${mode}`);
    }
    if (flags.path !== undefined && (mode === "commit" || mode === "clear")) throw new UsageError(`--path is not used with --${mode}`);
    const depthText = flags["initial-depth"] as string | undefined;
    return {
      version,
      mode,
      refs: commitFlags.map(parseCommitFlag),
      path: resolve((flags.path as string | undefined) ?? "."),
      initialDepth: depthText === undefined ? DEFAULT_INITIAL_DEPTH : parseIntegerFlag(depthText, "initial-depth", 1, MAX_INITIAL_DEPTH),
      ignoreMissing: flags["ignore-missing"] === true,
    };
  },
  async run(input, ctx) {
    // The local repository is read before anything is sent, so a wrong --path fails without a request.
    const git = input.mode === "commit" || input.mode === "clear" ? undefined : await readGitState(input.path);
    const org = await ctx.api.org();
    const releasePath = apiPath`/organizations/${org}/releases/${input.version}/`;
    const errorContext = { scopes: RELEASE_SCOPES, notFoundHint: releaseNotFoundHint(input.version) };

    // One round trip: the release (it must exist; its commit count is what gets replaced), the repositories
    // to match (any git mode), and with --local the previous release's last commit.
    const [release, repos, previous] = await Promise.all([
      ctx.api.get<RawRelease>(releasePath, undefined, errorContext).then((r) => r.body),
      git ? tryListRepos(ctx, org) : Promise.resolve(undefined),
      input.mode === "local" ? fetchPrevious(ctx, org, input.version) : Promise.resolve(undefined),
    ]);
    const base: Result = {
      org,
      version: input.version,
      mode: input.mode ?? "auto",
      fallbackReason: null,
      repository: null,
      remote: null,
      refs: null,
      commitCount: 0,
      fileCount: 0,
      newest: null,
      oldest: null,
      previousCommit: null,
      missingPreviousCommit: null,
      previousRelease: null,
      replacedCount: release.commitCount ?? 0,
      nothingToDo: null,
      requests: [],
      releaseCommitCount: null,
      applied: false,
      changes: 0,
    };

    let plan: { result: Result; body: { refs: RefBody[] } | { commits: CommitBody[] } };
    if (input.mode === "clear") {
      plan = { result: { ...base, refs: [] }, body: { refs: [] } };
      // Sentry clears commits only for an explicit empty list (organization_release_details.py `put`).
      if (base.replacedCount === 0) plan.result.nothingToDo = "the release has no commits";
    } else if (input.mode === "commit") {
      const refs = input.refs.map((r) => ({ ...r }));
      plan = { result: { ...base, refs }, body: { refs } };
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
        const refs = [{ repository: match.repo.name, commit: state.head }];
        plan = {
          result: { ...base, mode: "auto", repository: match.repo.name, remote: remoteInfo(match.remote), refs },
          body: { refs },
        };
      } else if (input.mode === "auto") {
        throw new NotFoundError(`--auto: ${noMatch}`, "connect the repository integration in Sentry (Settings > Integrations), or use --local");
      } else {
        const since = previous ?? (await fetchPrevious(ctx, org, input.version));
        plan = await planLocal(input, ctx, state, repos ?? [], since, { ...base, mode: "local", fallbackReason: input.mode === undefined ? noMatch : null });
      }
    }

    const result = plan.result;
    const sent = "refs" in plan.body ? plan.body.refs.length : plan.body.commits.length;
    result.changes = result.nothingToDo ? 0 : input.mode === "clear" ? 1 : sent;
    if (result.changes === 0 && !result.nothingToDo) result.nothingToDo = "no commits to send";
    if (result.changes > 0) result.requests = [{ method: "PUT", path: `/api/0${releasePath}`, body: summarizeBody(plan.body) }];
    if (!ctx.yes || result.changes === 0) return result;

    let answer: RawRelease;
    try {
      // Idempotent: the PUT replaces the release's commit list with exactly this one (Release.set_commits /
      // set_refs / clear_commits), so sending it twice leaves the same commits as sending it once.
      answer = (await ctx.api.write<RawRelease>("PUT", releasePath, plan.body, { idempotent: true, errorContext })).body;
    } catch (err) {
      throw explainRejection(err);
    }
    // The PUT answers with the release (organization_release_details.py serializes it after set_commits).
    return { ...result, applied: true, releaseCommitCount: answer?.commitCount ?? null };
  },
  render(r, ctx) {
    const lines: string[] = [];
    const verb = r.applied ? "Set" : "Would set";
    const replacing = r.replacedCount ? `replacing its ${plural(r.replacedCount, "commit")}` : "";
    const replaced = replacing ? ` (${replacing})` : "";
    if (r.fallbackReason) lines.push(`Mode: local history (auto found no match: ${r.fallbackReason}).`);
    if (r.nothingToDo) {
      lines.push(`Nothing to send to release ${r.version}: ${r.nothingToDo}.`);
      return lines.join("\n");
    }
    switch (r.mode) {
      case "clear":
        lines.push(`${r.applied ? "Cleared" : "Would clear"} the ${plural(r.replacedCount, "commit")} of release ${r.version} in ${r.org}.`);
        break;
      case "commit":
        lines.push(`${verb} release ${r.version} in ${r.org} to ${plural(r.refs!.length, "ref")}${replaced}; Sentry fetches the commits through the repository integration:`);
        for (const ref of r.refs!) lines.push(`  ${ref.repository} ${ref.previousCommit ? `${short(ref.previousCommit)}..` : ""}${short(ref.commit)}`);
        break;
      case "auto":
        lines.push(
          `${verb} release ${r.version} in ${r.org} to ${r.repository} at HEAD ${short(r.refs![0]!.commit)} (auto: remote ${r.remote!.name} matches).`,
          `Sentry fetches the commits since the previous release through the repository integration${replacing ? `, ${replacing}` : ""}.`,
        );
        break;
      default: {
        const since = r.previousCommit
          ? `since ${short(r.previousCommit)} (last commit of release ${r.previousRelease ?? "?"})`
          : r.missingPreviousCommit
            ? `the newest ${r.commitCount} (--ignore-missing: ${short(r.missingPreviousCommit)}, the last commit of release ${r.previousRelease ?? "?"}, is not in the local history)`
            : `the newest ${r.commitCount} (Sentry knows no earlier release with commits)`;
        lines.push(`${verb} ${plural(r.commitCount, "commit")} of ${r.repository} on release ${r.version} in ${r.org}${replaced}, ${since}; ${plural(r.fileCount, "file change")}:`);
        lines.push(`  newest ${describeCommit(r.newest!, ctx.now)}`);
        if (r.commitCount > 1) lines.push(`  oldest ${describeCommit(r.oldest!, ctx.now)}`);
      }
    }
    if (r.applied && r.releaseCommitCount !== null) {
      // With refs, Sentry fetches the range through the integration in a background task (fetch_commits),
      // so its count right after the PUT may still grow; raw commits are stored before it answers.
      const later = r.mode === "auto" || r.mode === "commit" ? " (the integration fetches the range in the background; the count may still grow)" : "";
      lines.push(`Release ${r.version} now has ${plural(r.releaseCommitCount, "commit")} in Sentry${later}.`);
    }
    if (r.requests.length) {
      lines.push(r.applied ? "Sent:" : "Would send:");
      for (const q of r.requests) lines.push(`  ${q.method} ${q.path} ${describeBody(q.body)}`);
    }
    // The preview form of the next write: the agent reads what it would do before adding --yes.
    if (r.applied && r.mode !== "clear") lines.push(`Next, once deployed: node dist/create-release.mjs ${shellQuote(r.version)} --finalize`);
    return lines.join("\n");
  },
});

interface GitState {
  head: string;
  remotes: Remote[];
}

async function readGitState(dir: string): Promise<GitState> {
  const head = await headCommit(dir);
  return { head, remotes: await readRemotes(dir) };
}

/**
 * The organization's repositories (active ones, as Sentry lists them by default). Optional: without them
 * auto cannot match, but the local history can still be sent, so a failure here degrades to "absent".
 */
async function tryListRepos(ctx: ToolContext, org: string): Promise<SentryRepo[] | undefined> {
  try {
    const repos: SentryRepo[] = [];
    for await (const page of ctx.api.paginate<SentryRepo>(apiPath`/organizations/${org}/repos/`, {
      sizeParam: "per_page",
      limit: 0,
      all: true,
      errorContext: { scopes: RELEASE_SCOPES },
    })) {
      repos.push(...page.items);
    }
    return repos;
  } catch (err) {
    if (err instanceof AuthError || err instanceof NotFoundError) {
      ctx.warn(`cannot list the organization's repositories (${err.message})`);
      return undefined;
    }
    throw err;
  }
}

/**
 * The newest release of the same projects that has commits (undocumented, used by sentry-cli: docs/sentry-api.md §10);
 * `{}` when there is none.
 */
async function fetchPrevious(ctx: ToolContext, org: string, version: string): Promise<PreviousRelease> {
  const res = await ctx.api.get<PreviousRelease | null>(apiPath`/organizations/${org}/releases/${version}/previous-with-commits/`, undefined, {
    scopes: RELEASE_SCOPES,
    notFoundHint: releaseNotFoundHint(version),
  });
  return res.body ?? {};
}

/** --local: the history since the previous release's last commit, as raw commits for Sentry. */
async function planLocal(
  input: Input,
  ctx: ToolContext,
  git: GitState,
  repos: SentryRepo[],
  previous: PreviousRelease,
  base: Result,
): Promise<{ result: Result; body: { commits: CommitBody[] } }> {
  // The repository as Sentry names it: the matching Sentry repository when there is one (exact spelling),
  // else the remote's owner/name path, never the remote's local name.
  const matched = matchRemotes(git.remotes, repos)[0];
  const remote = matched?.remote ?? preferredRemote(git.remotes);
  if (!remote) {
    throw new UsageError("the local repository has no remote to name it in Sentry", "add one (git remote add origin URL), or use --commit REPO@SHA");
  }
  const repository = matched?.repo.name ?? remote.path;

  const previousCommit = previous.lastCommit?.id && isCommitSha(previous.lastCommit.id) ? previous.lastCommit.id : null;
  const previousRelease = previousCommit ? (previous.version ?? null) : null;

  // Sentry's "previous release with commits" includes the release itself once it has commits (its date is
  // not after its own date). Reading from its own last commit would replace its commits with only the newer
  // ones, so a re-run with an unchanged HEAD is a no-op and anything else asks for an explicit --clear.
  if (previousCommit && previousRelease === input.version) {
    if (git.head.startsWith(previousCommit) || previousCommit.startsWith(git.head)) {
      return { result: { ...base, repository, remote: remoteInfo(remote), nothingToDo: `it already has the commits up to HEAD ${short(git.head)}` }, body: { commits: [] } };
    }
    throw new UsageError(
      `release ${input.version} already has commits (up to ${short(previousCommit)}), so Sentry offers no earlier release to start from`,
      `to replace them, clear first (preview, then --yes): node dist/set-commits.mjs ${shellQuote(input.version)} --clear`,
    );
  }

  let range: { since: string } | { maxCount: number } = { maxCount: input.initialDepth };
  let usedPrevious: string | null = null;
  let missingPrevious: string | null = null;
  if (previousCommit) {
    if (await hasCommit(input.path, previousCommit)) {
      range = { since: previousCommit };
      usedPrevious = previousCommit;
    } else if (input.ignoreMissing) {
      missingPrevious = previousCommit;
      ctx.warn(`the previous release's last commit ${short(previousCommit)} is not in the local history; sending up to the newest ${input.initialDepth} commits (--ignore-missing)`);
    } else {
      throw new UsageError(
        `the last commit of the previous release ${previousRelease ?? ""} (${previousCommit}) is not in the local history`.replace("  ", " "),
        "fetch the history that holds it (git fetch, or git fetch --unshallow in a shallow clone), or add --ignore-missing to send the newest --initial-depth commits",
      );
    }
  }

  const history = await readHistory(input.path, range);
  const commits = history.map((c) => commitBody(c, repository));
  return {
    result: {
      ...base,
      repository,
      remote: remoteInfo(remote),
      commitCount: commits.length,
      fileCount: history.reduce((n, c) => n + c.files.length, 0),
      newest: history.length ? summarize(history[0]!) : null,
      oldest: history.length ? summarize(history[history.length - 1]!) : null,
      previousCommit: usedPrevious,
      missingPreviousCommit: missingPrevious,
      previousRelease,
      nothingToDo: commits.length === 0 ? `HEAD ${short(git.head)} is the last commit of the previous release` : null,
    },
    body: { commits },
  };
}

function commitBody(c: LocalCommit, repository: string): CommitBody {
  return {
    id: c.id,
    repository,
    message: c.message,
    author_name: c.authorName.slice(0, MAX_AUTHOR_NAME),
    // An address Sentry would reject is better left out than cut into a different address.
    ...(c.authorEmail && c.authorEmail.length <= MAX_AUTHOR_EMAIL ? { author_email: c.authorEmail } : {}),
    timestamp: c.timestamp,
    patch_set: c.files.map((f) => ({ path: f.path, type: f.type })),
  };
}

function summarize(c: LocalCommit): CommitSummary {
  return { id: c.id, subject: c.message.split("\n")[0] ?? "", author: c.authorName, timestamp: c.timestamp };
}

/** A commit list is summarised (count, newest, oldest): each commit carries its message and file list. */
function summarizeBody(body: { refs: RefBody[] } | { commits: CommitBody[] }): PlannedRequest["body"] {
  if ("refs" in body) return body;
  const { commits } = body;
  return { commits: { count: commits.length, repository: commits[0]?.repository ?? "", first: commits[0]?.id ?? "", last: commits[commits.length - 1]?.id ?? "" } };
}

function describeBody(body: PlannedRequest["body"]): string {
  if ("refs" in body) return JSON.stringify(body);
  const c = body.commits;
  const range = c.count > 1 ? `${short(c.first)} (newest) … ${short(c.last)} (oldest)` : short(c.first);
  return `{"commits": [${plural(c.count, "commit")} of ${c.repository}: ${range}, each with message, author, timestamp, patch_set]}`;
}

function remoteInfo(remote: Remote): { name: string; url: string } {
  return { name: remote.name, url: remote.url };
}

function short(sha: string): string {
  return sha.slice(0, SHORT_SHA);
}

function describeCommit(c: CommitSummary, now: number): string {
  return `${short(c.id)}  ${truncate(c.subject, SUBJECT_WIDTH)} (${c.author}, ${relativeTime(c.timestamp, now)})`;
}

/** Sentry answers 400 {"refs": ["…"]} when a ref names a repository it does not know (InvalidRepository). */
function explainRejection(err: unknown): unknown {
  if (err instanceof UsageError && err.status === 400 && /\brefs\b/.test(err.detail ?? "")) {
    return new UsageError(err.message, "connect the repository integration in Sentry (or check REPO's spelling), or send the local history with --local");
  }
  return err;
}

runIfMain(tool, import.meta.url);
