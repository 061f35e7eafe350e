// What the three release tools share: the scopes their endpoints accept, the hint for a release that does
// not exist yet, project flags, and matching local git remotes with the repositories Sentry knows.

import { UsageError } from "./errors.js";
import { normalizeHost, parseRemoteUrl, type Remote } from "./git.js";
import { shellQuote } from "./output.js";
import { parseSlug } from "./validate.js";

/** The scopes' home is lib/sentry/releases.ts; re-exported for the release tools not yet migrated. */
export { RELEASE_SCOPES } from "./sentry/releases.js";

export function releaseNotFoundHint(version: string): string {
  return `no release ${JSON.stringify(version)} in this organization: create it first (preview, then --yes): node dist/create-release.mjs ${shellQuote(version)} --project SLUG`;
}


/** Repeatable --project values, each a valid slug, duplicates dropped. */
export function parseProjectFlags(value: unknown): string[] {
  const values = Array.isArray(value) ? value : typeof value === "string" ? [value] : [];
  return [...new Set(values.map((v) => parseSlug(String(v), "project")))];
}

/** GET /organizations/{org}/repos/ items, the fields the tools read. */
export interface SentryRepo {
  id: string;
  /** How Sentry names the repository: "owner/name" for GitHub, the group path for GitLab. */
  name: string;
  url: string | null;
  provider?: { id: string; name: string } | null;
  status?: string;
}

export interface RepoMatch {
  repo: SentryRepo;
  remote: Remote;
}

/** Remote names tried first when several remotes match different repositories. */
const PREFERRED_REMOTES = ["origin", "upstream"];

/**
 * Pairs local remotes with the organization's repositories. A remote matches a repository when host and
 * path equal those of the repository's URL, or when its path equals the repository's name (repositories
 * added without a URL); both compared without case, `.git` suffix, credentials, port or `www.`.
 * The best match comes first: origin, then upstream, then the remotes in git's order.
 */
export function matchRemotes(remotes: readonly Remote[], repos: readonly SentryRepo[]): RepoMatch[] {
  const matches: RepoMatch[] = [];
  for (const remote of remotes) {
    const remotePath = remote.path.toLowerCase();
    const remoteHost = normalizeHost(remote.host);
    const repo = repos.find((r) => {
      const fromUrl = r.url ? parseRemoteUrl(r.url) : undefined;
      if (fromUrl && remoteHost && normalizeHost(fromUrl.host) === remoteHost && fromUrl.path.toLowerCase() === remotePath) return true;
      return r.name.toLowerCase() === remotePath;
    });
    if (repo) matches.push({ repo, remote });
  }
  const rank = (m: RepoMatch) => {
    const i = PREFERRED_REMOTES.indexOf(m.remote.name);
    return i < 0 ? PREFERRED_REMOTES.length : i;
  };
  return matches.sort((a, b) => rank(a) - rank(b));
}

/** The remote whose path names the repository in --local mode: origin, then upstream, then the first. */
export function preferredRemote(remotes: readonly Remote[]): Remote | undefined {
  for (const name of PREFERRED_REMOTES) {
    const found = remotes.find((r) => r.name === name);
    if (found) return found;
  }
  return remotes[0];
}

/** A --commit value: REPO@SHA or REPO@PREVIOUS..SHA, as sentry-cli spells it. */
export interface ExplicitRef {
  repository: string;
  commit: string;
  previousCommit?: string;
}

/** Sentry's limits on refs (ReleaseHeadCommitSerializer: repository ≤ 200, previousCommit ≤ 64). */
const MAX_REF_REPOSITORY_LENGTH = 200;
const SHA = /^[0-9a-f]{4,64}$/i;

export function parseCommitFlag(value: string): ExplicitRef {
  const at = value.lastIndexOf("@");
  const usage = `invalid --commit ${JSON.stringify(value)}: expected REPO@SHA or REPO@PREVIOUS..SHA, e.g. acme/web@1a2b3c4..5d6e7f8`;
  if (at <= 0) throw new UsageError(usage);
  const repository = value.slice(0, at).trim();
  const range = value.slice(at + 1).trim();
  if (!repository || repository.length > MAX_REF_REPOSITORY_LENGTH || /\s/.test(repository)) throw new UsageError(usage);
  const [previous, commit, extra] = range.includes("..") ? range.split("..") : [undefined, range];
  if (extra !== undefined || !commit || !SHA.test(commit) || (previous !== undefined && !SHA.test(previous))) throw new UsageError(usage);
  return previous !== undefined ? { repository, commit, previousCommit: previous } : { repository, commit };
}
