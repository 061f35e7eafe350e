// The commits set-commits ties to a release: the local repository's state, the history since the previous
// release's last commit as the raw commits Sentry stores, and how a commit list is summarised in a preview.
// Reads git only (lib/git.ts); the requests themselves are lib/sentry/releases.ts's.

import { UsageError } from "./errors.js";
import { hasCommit, headCommit, isCommitSha, readHistory, readRemotes, type LocalCommit, type Remote } from "./git.js";
import { commandLine, relativeTime, truncate } from "./output.js";
import { matchRemotes, preferredRemote, type SentryRepo } from "./releases.js";
import type { PreviousRelease } from "./sentry/releases.js";
import { cleanText } from "./text.js";

const SHORT_SHA = 12;
const SUBJECT_WIDTH = 60;
/** Sentry's limits on raw commits (src/sentry/api/serializers/rest_framework/commit.py). */
const MAX_AUTHOR_NAME = 128;
const MAX_AUTHOR_EMAIL = 200;

/** A ref of PUT /organizations/{org}/releases/{version}/ (docs/sentry-api.md §10). */
export interface RefBody {
  repository: string;
  commit: string;
  previousCommit?: string;
}

export interface CommitBody {
  id: string;
  repository: string;
  message: string;
  author_name: string;
  author_email?: string;
  timestamp: string;
  patch_set: Array<{ path: string; type: "A" | "M" | "D" }>;
}

export interface CommitSummary {
  id: string;
  subject: string;
  author: string;
  timestamp: string;
}

export type CommitsBody = { refs: RefBody[] } | { commits: CommitBody[] };

/** How a preview shows a commit list: its count and end points (each commit carries its message and files). */
export type SummarizedBody = { refs: RefBody[] } | { commits: { count: number; repository: string; first: string; last: string } };

export interface GitState {
  head: string;
  remotes: Remote[];
}

export async function readGitState(dir: string): Promise<GitState> {
  const head = await headCommit(dir);
  return { head, remotes: await readRemotes(dir) };
}

export const short = (sha: string): string => sha.slice(0, SHORT_SHA);

/** Two SHAs name the same commit when one is a prefix of the other (Sentry may store either length). */
export const sameCommit = (a: string, b: string): boolean => a.toLowerCase().startsWith(b.toLowerCase()) || b.toLowerCase().startsWith(a.toLowerCase());

export function remoteInfo(remote: Remote): { name: string; url: string } {
  return { name: remote.name, url: remote.url };
}

/** What a local history holds and where it starts: set-commits' result carries these fields as they are. */
export interface HistorySummary {
  fileCount: number;
  newest: CommitSummary | null;
  oldest: CommitSummary | null;
  /** Last commit of the previous release with commits, when the local range starts there. */
  previousCommit: string | null;
  /** That release's last commit when it is not in the local history (--ignore-missing sent the newest instead). */
  missingPreviousCommit: string | null;
  /** The previous release with commits (Sentry's previous-with-commits), when there is one. */
  previousRelease: string | null;
}

/** A history with nothing in it yet. */
export const NO_HISTORY: HistorySummary = {
  fileCount: 0,
  newest: null,
  oldest: null,
  previousCommit: null,
  missingPreviousCommit: null,
  previousRelease: null,
};

export interface LocalPlan extends HistorySummary {
  repository: string;
  remote: { name: string; url: string };
  commits: CommitBody[];
  nothingToDo: string | null;
}

export interface LocalOptions {
  version: string;
  path: string;
  initialDepth: number;
  ignoreMissing: boolean;
  warn(message: string): void;
}

/** --local: the history since the previous release's last commit, as raw commits for Sentry. */
export async function planLocalCommits(opts: LocalOptions, git: GitState, repos: readonly SentryRepo[], previous: PreviousRelease): Promise<LocalPlan> {
  // The repository as Sentry names it: the matching Sentry repository when there is one (exact spelling),
  // else the remote's owner/name path, never the remote's local name.
  const matched = matchRemotes(git.remotes, repos)[0];
  const remote = matched?.remote ?? preferredRemote(git.remotes);
  if (!remote) {
    throw new UsageError("the local repository has no remote to name it in Sentry", "add one (git remote add origin URL), or use --commit REPO@SHA");
  }
  const repository = matched?.repo.name ?? remote.path;
  const empty: LocalPlan = { repository, remote: remoteInfo(remote), commits: [], ...NO_HISTORY, nothingToDo: null };

  const previousCommit = previous.lastCommit?.id && isCommitSha(previous.lastCommit.id) ? previous.lastCommit.id : null;
  const previousRelease = previousCommit ? (previous.version ?? null) : null;

  // Sentry's "previous release with commits" includes the release itself once it has commits (its date is
  // not after its own date). Reading from its own last commit would replace its commits with only the newer
  // ones, so a re-run with an unchanged HEAD is a no-op and anything else asks for an explicit --clear.
  if (previousCommit && previousRelease === opts.version) {
    if (sameCommit(git.head, previousCommit)) return { ...empty, nothingToDo: `it already has the commits up to HEAD ${short(git.head)}` };
    throw new UsageError(
      `release ${cleanText(opts.version)} already has commits (up to ${short(previousCommit)}), so Sentry offers no earlier release to start from`,
      `to replace them, clear first (preview, then --yes): ${commandLine("set-commits", [opts.version, "--clear"])}`,
    );
  }

  let range: { since: string } | { maxCount: number } = { maxCount: opts.initialDepth };
  let usedPrevious: string | null = null;
  let missingPrevious: string | null = null;
  if (previousCommit) {
    if (await hasCommit(opts.path, previousCommit)) {
      range = { since: previousCommit };
      usedPrevious = previousCommit;
    } else if (opts.ignoreMissing) {
      missingPrevious = previousCommit;
      opts.warn(`the previous release's last commit ${short(previousCommit)} is not in the local history; sending up to the newest ${opts.initialDepth} commits (--ignore-missing)`);
    } else {
      throw new UsageError(
        `the last commit of the previous release ${cleanText(previousRelease ?? "")} (${previousCommit}) is not in the local history`.replace("  ", " "),
        "fetch the history that holds it (git fetch, or git fetch --unshallow in a shallow clone), or add --ignore-missing to send the newest --initial-depth commits",
      );
    }
  }

  const history = await readHistory(opts.path, range);
  return {
    ...empty,
    commits: history.map((c) => commitBody(c, repository)),
    fileCount: history.reduce((n, c) => n + c.files.length, 0),
    newest: history.length ? summarize(history[0]!) : null,
    oldest: history.length ? summarize(history[history.length - 1]!) : null,
    previousCommit: usedPrevious,
    missingPreviousCommit: missingPrevious,
    previousRelease,
    nothingToDo: history.length === 0 ? `HEAD ${short(git.head)} is the last commit of the previous release` : null,
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
export function summarizeBody(body: CommitsBody): SummarizedBody {
  if ("refs" in body) return body;
  const { commits } = body;
  return { commits: { count: commits.length, repository: commits[0]?.repository ?? "", first: commits[0]?.id ?? "", last: commits[commits.length - 1]?.id ?? "" } };
}

/** One line about a local commit: short SHA, subject, author, age. Git text is untrusted: cleaned. */
export function describeCommit(c: CommitSummary, now: number): string {
  return `${short(c.id)}  ${truncate(cleanText(c.subject), SUBJECT_WIDTH)} (${cleanText(c.author)}, ${relativeTime(c.timestamp, now)})`;
}
