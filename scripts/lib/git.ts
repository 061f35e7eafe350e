// The local git repository as the release tools read it: git run as a subprocess with an argument list
// (never through a shell, so no path, SHA or remote can be interpreted as shell syntax), the remotes
// reduced to host + path so they can be matched with Sentry's repositories, and the history since a
// commit with the files each commit changed, in the shape Sentry's release commits take.
//
// The repository is untrusted: its .git/config can name programs for git to run (gpg.program with
// log.showSignature, core.fsmonitor, diff.external, textconv drivers, hooks, credential helpers, a pager).
// git therefore runs with a minimal environment (no token, nothing of ours) and with `-c` overrides that
// switch each of those off, so reading the history never starts a program the repository chose.

import { execFile } from "node:child_process";
import { UsageError } from "./errors.js";
import { stripUrlCredentials } from "./redact.js";
import { cleanText } from "./text.js";

/** A history of thousands of commits with their file lists fits easily; more than this is refused by git, not truncated. */
const GIT_MAX_BUFFER_BYTES = 64 * 1024 * 1024;
const GIT_TIMEOUT_MS = 30_000;

/** Full or abbreviated hexadecimal object names; anything else never reaches git's argument list. */
const COMMIT_SHA = /^[0-9a-f]{4,64}$/i;

export function isCommitSha(value: string): boolean {
  return COMMIT_SHA.test(value);
}

interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Configuration that wins over the repository's own (command-line `-c` beats every config file): no
 * signature verification (gpg.program), no fsmonitor hook, no hooks, no pager, no external diff or
 * textconv driver, no credential helper, no askpass program.
 */
const SAFE_CONFIG = [
  "log.showSignature=false",
  "core.fsmonitor=false",
  "core.hooksPath=/dev/null",
  "core.pager=cat",
  "core.askPass=",
  "credential.helper=",
  "diff.external=",
  "protocol.allow=never",
].flatMap((setting) => ["-c", setting]);

/** Variables git may see: where to find itself and the user's own config, and nothing else of ours. */
const PASSED_ENV = ["PATH", "HOME", "XDG_CONFIG_HOME", "SYSTEMROOT", "TMPDIR"];

/**
 * The environment git runs with. Built from an allowlist, not by deleting names: the parent holds
 * SENTRY_AUTH_TOKEN and may hold GIT_DIR, GIT_CONFIG_*, GIT_EXTERNAL_DIFF or NODE_OPTIONS, none of
 * which git (or a program it might start) should get. The system config (/etc/gitconfig) is skipped;
 * the user's ~/.gitconfig still applies (safe.directory, insteadOf rewrites).
 */
export function gitEnvironment(parent: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of PASSED_ENV) {
    const value = parent[name];
    if (value !== undefined) env[name] = value;
  }
  // No credential prompt can hang a tool an agent runs; C locale keeps git's messages parseable.
  return { ...env, GIT_CONFIG_NOSYSTEM: "1", GIT_TERMINAL_PROMPT: "0", GIT_PAGER: "cat", LC_ALL: "C" };
}

/** Runs `git -C dir <args>`. Resolves with the exit code; rejects only when git cannot be started. */
function runGit(dir: string, args: string[]): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    execFile(
      "git",
      [...SAFE_CONFIG, "--no-pager", "-C", dir, ...args],
      {
        maxBuffer: GIT_MAX_BUFFER_BYTES,
        timeout: GIT_TIMEOUT_MS,
        encoding: "utf8",
        env: gitEnvironment(),
      },
      (error, stdout, stderr) => {
        const err = error as (NodeJS.ErrnoException & { code?: number | string }) | null;
        if (err && typeof err.code === "string") {
          if (err.code === "ENOENT") reject(new UsageError("git is not installed (or not on PATH)", "install git, or use --commit REPO@SHA"));
          else reject(new UsageError(`could not run git: ${err.message}`));
          return;
        }
        resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

async function gitOrThrow(dir: string, args: string[], what: string): Promise<string> {
  const res = await runGit(dir, args);
  if (res.code !== 0) {
    const reason = res.stderr.trim().split("\n")[0] ?? "";
    throw new UsageError(`git could not ${what} in ${dir}${reason ? `: ${stripUrlCredentials(reason)}` : ""}`);
  }
  return res.stdout;
}

/** The commit HEAD points at; a directory that is not a repository (or has no commit yet) is a usage error. */
export async function headCommit(dir: string): Promise<string> {
  const res = await runGit(dir, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]);
  if (res.code !== 0) {
    const inside = await runGit(dir, ["rev-parse", "--is-inside-work-tree"]);
    if (inside.code !== 0) throw new UsageError(`${dir} is not a git repository`, "run the tool inside the repository, or point --path at it");
    throw new UsageError(`the git repository in ${dir} has no commits yet`);
  }
  return res.stdout.trim();
}

/** Whether the commit is in the local object store (a shallow CI clone often lacks older ones). */
export async function hasCommit(dir: string, sha: string): Promise<boolean> {
  if (!isCommitSha(sha)) return false;
  const res = await runGit(dir, ["cat-file", "-e", `${sha}^{commit}`]);
  return res.code === 0;
}

export interface Remote {
  /** The remote's local name, e.g. origin. */
  name: string;
  /** Fetch URL with any user:password@ removed: safe to print. */
  url: string;
  /** Lower-cased host without port, or undefined for local paths. */
  host?: string;
  /** Repository path as written in the URL, without .git and surrounding slashes: "Owner/Name". */
  path: string;
}

/** The fetch URL of every remote, credentials stripped. `git remote -v` applies url.*.insteadOf rewrites. */
export async function readRemotes(dir: string): Promise<Remote[]> {
  const out = await gitOrThrow(dir, ["remote", "-v"], "list remotes");
  const remotes: Remote[] = [];
  for (const line of out.split("\n")) {
    const m = /^(\S+)\t(\S+) \(fetch\)$/.exec(line.trim());
    if (!m) continue;
    const parsed = parseRemoteUrl(m[2]!);
    if (!parsed) continue;
    remotes.push({ name: cleanText(m[1]!), url: cleanText(stripUrlCredentials(m[2]!)), ...parsed });
  }
  return remotes;
}

/**
 * Reduces a remote URL to host and repository path, whatever form git accepts:
 * scp-like `git@github.com:Owner/Name.git`, `ssh://git@host:22/Owner/Name.git`,
 * `https://user:token@host/Owner/Name.git`, `git://host/Owner/Name`, and local paths (no host).
 */
export function parseRemoteUrl(raw: string): { host?: string; path: string } | undefined {
  // Credentials and any query or fragment (?access_token=…) go first: they are never part of the repository.
  const url = stripUrlCredentials(raw.trim());
  if (!url) return undefined;
  let host: string | undefined;
  let path: string;
  const withScheme = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(url);
  if (withScheme) {
    const scheme = withScheme[1]!.toLowerCase();
    if (scheme === "file") {
      path = withScheme[2]!;
    } else {
      const rest = withScheme[2]!;
      const slash = rest.indexOf("/");
      const authority = slash < 0 ? rest : rest.slice(0, slash);
      path = slash < 0 ? "" : rest.slice(slash);
      // Drop user:password@ and :port; IPv6 hosts keep their brackets.
      host = authority.slice(authority.lastIndexOf("@") + 1).replace(/:\d*$/, "").toLowerCase();
    }
  } else {
    // scp-like syntax: [user@]host:path, where the part before the colon has no slash (git's own rule).
    const scp = /^(?:[^@/]+@)?([^:/]+):(.*)$/.exec(url);
    if (scp && !/^[a-z]:[\\/]/i.test(url)) {
      host = scp[1]!.toLowerCase();
      path = scp[2]!;
    } else {
      path = url;
    }
  }
  const cleaned = path
    .replace(/\\/g, "/")
    .replace(/^[/~]+/, "")
    .replace(/\/+$/, "")
    .replace(/\.git$/i, "")
    .replace(/\/{2,}/g, "/");
  if (!cleaned) return undefined;
  return { host: host || undefined, path: cleaned };
}

/** A comparison key for a host: case-folded, without a leading www. */
export function normalizeHost(host: string | undefined): string | undefined {
  return host ? host.toLowerCase().replace(/^www\./, "") : undefined;
}

export interface FileChange {
  path: string;
  /** Sentry accepts exactly A (added), M (modified) and D (deleted) (src/sentry/models/commitfilechange.py). */
  type: "A" | "M" | "D";
}

export interface LocalCommit {
  id: string;
  authorName: string;
  authorEmail: string;
  /** Author date, strict ISO 8601 with the author's UTC offset. */
  timestamp: string;
  message: string;
  files: FileChange[];
}

/** Sentry rejects a file change whose path is longer than this (CommitFileChange.filename, max_length=510). */
export const MAX_PATCH_PATH_LENGTH = 510;

const RECORD = "\x1e";
const FIELD = "\x1f";
/** One record per commit: SHA, author name, author email, author date (strict ISO), raw message. */
const LOG_FORMAT = `${RECORD}%H${FIELD}%an${FIELD}%ae${FIELD}%aI${FIELD}%B${FIELD}`;

export type HistoryRange = { since: string } | { maxCount: number };

/**
 * Reads the history reachable from HEAD, newest first (git log order, which is also the order Sentry
 * stores a release's commits in): either the commits after `since` or the newest `maxCount`.
 *
 * Renames: `--no-renames` makes git report a rename as D old + A new. Sentry accepts only A/M/D, and the
 * pair keeps both paths, so a stack frame naming either the old or the new file can still be matched to
 * the commit when Sentry suggests suspect commits. Copies show up as A, type changes as M.
 * Merge commits list no files (git log shows no diff for them unless asked), as sentry-cli sends them.
 */
export async function readHistory(dir: string, range: HistoryRange): Promise<LocalCommit[]> {
  if ("since" in range && !isCommitSha(range.since)) throw new UsageError(`not a commit SHA: ${JSON.stringify(range.since)}`);
  const selection = "since" in range ? [`${range.since}..HEAD`] : [`--max-count=${range.maxCount}`, "HEAD"];
  // -z: paths come out verbatim (no C-style quoting of spaces, tabs or non-ASCII names).
  const out = await gitOrThrow(
    dir,
    ["log", "-z", "--no-renames", "--no-show-signature", "--no-ext-diff", "--no-textconv", "--no-color", "--name-status", `--format=${LOG_FORMAT}`, ...selection, "--"],
    "read the history",
  );
  return parseLog(out);
}

/** Parses the output of readHistory's `git log` (records and fields split by control characters, files by NUL). */
function parseLog(out: string): LocalCommit[] {
  const commits: LocalCommit[] = [];
  for (const record of out.split(RECORD)) {
    if (!record.trim()) continue;
    const fields = record.split(FIELD);
    if (fields.length < 6) continue;
    const [id, authorName, authorEmail, timestamp] = fields as [string, string, string, string];
    // The message may itself contain the separator; everything between the date and the file list is message.
    const message = fields.slice(4, -1).join(FIELD).replace(/\s+$/, "");
    const files: FileChange[] = [];
    const tokens = fields[fields.length - 1]!.replace(/^[\0\n]+/, "").split("\0");
    for (let i = 0; i + 1 < tokens.length; i += 2) {
      const status = tokens[i]!.replace(/^\n+/, "");
      const path = tokens[i + 1]!;
      if (!status || !path) continue;
      if (path.length > MAX_PATCH_PATH_LENGTH) continue;
      files.push({ path, type: status.startsWith("A") ? "A" : status.startsWith("D") ? "D" : "M" });
    }
    commits.push({ id, authorName, authorEmail, timestamp, message, files });
  }
  return commits;
}
