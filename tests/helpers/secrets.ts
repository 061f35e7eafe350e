// What must never appear in anything a tool prints: the token (in full or its first 12 characters), any
// Bearer value, and credentials from a git remote URL. The sandbox accepts SECRET_TOKEN with every scope,
// so tools print their full output (not only a 401 line) while the scan looks for it.

import { expect } from "vitest";
import { USER_TOKEN } from "../../scripts/sandbox/auth.js";
import type { RunResult } from "./run.js";

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
    check("the token", text.indexOf(token));
    check("the token's first 12 characters", text.indexOf(token.slice(0, TOKEN_PREFIX_LENGTH)));
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
