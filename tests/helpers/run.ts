// Runs a built tool (dist/<tool>.mjs) as a child process, the way an agent does through Bash, with
// an isolated HOME, cache and working directory so no real .sentryclirc or region cache leaks in.

import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { firstTokenContact } from "../../scripts/lib/region.js";

export const ROOT = resolve(import.meta.dirname, "../..");
export const DIST = join(ROOT, "dist");

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON when it is JSON. */
  json?: any;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** Keep the same HOME between runs (e.g. to share the region cache). */
  home?: string;
  input?: string;
  timeoutMs?: number;
  /**
   * Run as a user whose token has never been sent to SENTRY_URL's host, so the tool warns about that
   * first contact. By default the host is recorded as known first: every other test runs as a user who
   * has used this server before, and its stderr stays free of that one-time note.
   */
  firstContact?: boolean;
}

/** A fresh empty directory for HOME / cwd. */
export function tempDir(prefix = "sm-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function runTool(tool: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const home = options.home ?? tempDir();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    HOME: home,
    XDG_CACHE_HOME: join(home, ".cache"),
    // Retries back off in milliseconds instead of seconds, so fault tests stay fast.
    SENTRY_MONITORING_TEST_FAST_RETRY: "1",
  };
  for (const [k, v] of Object.entries(options.env ?? {})) if (v !== undefined) env[k] = v;
  if (!options.firstContact && env.SENTRY_URL) {
    try {
      firstTokenContact(new URL(env.SENTRY_URL).origin, join(env.XDG_CACHE_HOME!, "sentry-monitoring", "token-hosts.json"));
    } catch {
      // Not a URL: the tool reports that itself.
    }
  }
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(DIST, `${tool}.mjs`), ...args], {
      cwd: options.cwd ?? home,
      env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 20_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      let json: unknown;
      try {
        json = stdout.trim() ? JSON.parse(stdout) : undefined;
      } catch {
        json = undefined;
      }
      // Tools print runnable commands with the dist folder as invoked from their working directory
      // (an absolute path here); tests read them as the skill's folder would show them.
      stdout = stdout.replaceAll(`node ${DIST}/`, "node dist/");
      stderr = stderr.replaceAll(`node ${DIST}/`, "node dist/");
      resolvePromise({ code, stdout, stderr, json });
    });
    // A tool that exits before reading stdin closes the pipe; that is not an error of the run.
    child.stdin.on("error", () => undefined);
    child.stdin.end(options.input ?? "");
  });
}
