// What must never appear in anything a tool prints: the token (in full or its first 12 characters, in any
// letter case), any Bearer value, and credentials from a git remote URL; nor in the environment of a
// program a tool starts (recordingGit). The sandbox accepts SECRET_TOKEN with every scope,
// so tools print their full output (not only a 401 line) while the scan looks for it.

import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { USER_TOKEN } from "../../scripts/sandbox/auth.js";
import { tempDir, type RunResult } from "./run.js";

/** A user token in Sentry's format (sntryu_ + 64 hex), accepted by the sandbox with every scope. */
export const SECRET_TOKEN = USER_TOKEN;
/** Enough of a token to look it up or guess the rest: a prefix this long must not be printed either. */
export const TOKEN_PREFIX_LENGTH = 12;
/** Credentials a CI checkout may carry in its remote URL (https://user:token@host/owner/repo.git). */
export const GIT_REMOTE_USER = "ci-deploy";
export const GIT_REMOTE_PASSWORD = "ghp_R3moteCredentialThatMustNotLeak0123";

/** Every secret-looking thing in a run's output, as findings ("token prefix in stderr: …"). */
export function findSecrets(res: Pick<RunResult, "stdout" | "stderr">, token = SECRET_TOKEN): string[] {
  const found: string[] = [];
  for (const [stream, text] of [["stdout", res.stdout], ["stderr", res.stderr]] as const) {
    const around = (i: number) => JSON.stringify(text.slice(Math.max(0, i - 30), i + 50));
    const check = (what: string, i: number) => {
      if (i >= 0) found.push(`${what} in ${stream}: ${around(i)}`);
    };
    const folded = text.toLowerCase();
    check("the token", folded.indexOf(token.toLowerCase()));
    check("the token's first 12 characters", folded.indexOf(token.slice(0, TOKEN_PREFIX_LENGTH).toLowerCase()));
    // A Bearer value other than the redaction mask.
    const bearer = /Bearer\s+(?!\[redacted\])\S/i.exec(text);
    check("a Bearer value", bearer ? bearer.index : -1);
    check("the git remote's password", text.indexOf(GIT_REMOTE_PASSWORD));
    check("the git remote's user:password", text.indexOf(`${GIT_REMOTE_USER}:`));
  }
  return found;
}

export function expectNoSecrets(res: Pick<RunResult, "stdout" | "stderr">, token = SECRET_TOKEN): void {
  expect(findSecrets(res, token)).toEqual([]);
}

/**
 * A `git` first on PATH that writes its whole environment to a log and then runs the real git: put
 * `path` in a tool's PATH and scan `environments()` like output, since whatever git gets, a program it
 * starts (a hook, gpg.program) gets too. The log path is written into the script, not passed in the
 * environment, which the tools cut down for git.
 */
export function recordingGit(): { path: string; environments(): string[] } {
  const bin = tempDir("sm-git-spy-");
  const log = join(bin, "environments.log");
  const realGit = execFileSync("sh", ["-c", "command -v git"], { encoding: "utf8" }).trim();
  const script = join(bin, "git");
  writeFileSync(script, `#!/bin/sh\n{ env; echo '--- end of environment'; } >> '${log}'\nexec '${realGit}' "$@"\n`);
  chmodSync(script, 0o755);
  return {
    path: `${bin}:${process.env.PATH ?? ""}`,
    environments: () => (existsSync(log) ? readFileSync(log, "utf8").split("--- end of environment\n").filter((e) => e.trim()) : []),
  };
}
