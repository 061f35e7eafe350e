// demo: starts the sandbox in-process and runs the seed's three workflows (incident response, performance,
// release management) through the real dist/ tools as child processes, checking each step as it goes.
// Needs only Node (and git for the release step); nothing leaves the machine: every call goes to 127.0.0.1.

import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { NOW_VARIABLE, toolNow } from "./lib/clock.js";
import { UsageError } from "./lib/errors.js";
import { firstTokenContact, knownHostsPath } from "./lib/region.js";
import { FULL_ACCESS_TOKEN } from "./sandbox/auth.js";
import { startSandbox, type LoggedRequest, type Sandbox } from "./sandbox/server.js";

/** The seeded organization and projects the workflows use (present for every seed: seed/core.ts blueprints). */
const ORG = "acme";
const FRONTEND = "web-frontend";
const BACKEND = "api-backend";
/** A version after the seeded web-frontend@2.13.x line, so list-releases shows it first. */
const DEMO_RELEASE = `${FRONTEND}@2.14.0`;
/** The remote a temporary repository gets: the sandbox knows it as a connected repository (seed/core.ts). */
const DEMO_REMOTE = "https://github.com/acme/web-frontend.git";
const DEMO_COMMITS = [
  { file: "src/checkout/total.ts", text: "export const roundCents = (n: number) => Math.round(n);\n", message: "Round checkout totals to whole cents" },
  { file: "src/cart/CartView.tsx", text: "export const EMPTY_CART_LABEL = 'Your cart is empty';\n", message: "Show an empty-cart message instead of a blank page" },
  { file: "src/api/orders.ts", text: "export const ORDERS_PAGE_SIZE = 50;\n", message: "Page the order history" },
];
/** A step that takes longer than this is stuck (a tool answers the sandbox in well under a second). */
const STEP_TIMEOUT_MS = 15_000;
const WRITE_METHODS = new Set(["POST", "PUT", "DELETE"]);

const EXIT_OK = 0;
const EXIT_PREVIEW = 3;
const EXIT_DEMO_FAILED = 1;

/** Where the bundles are: next to this file once built (dist/demo.mjs), or ../dist from scripts/demo.ts. */
const HERE = dirname(fileURLToPath(import.meta.url));
const DIST = basename(HERE) === "dist" ? HERE : join(HERE, "..", "dist");
const ROOT = dirname(DIST);

class DemoFailure extends Error {}

interface StepResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Requests the sandbox received during the step. */
  requests: LoggedRequest[];
}

/** Quotes an argument the way a POSIX shell needs it, so every printed command can be pasted as is. */
function shellQuote(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, "'\\''")}'`;
}

class DemoRunner {
  steps = 0;

  constructor(
    private readonly sandbox: Sandbox,
    private readonly env: Record<string, string>,
    private readonly cwd: string,
  ) {}

  /** Runs one tool as an agent would, prints the command and its output, and checks the exit code. */
  async step(tool: string, args: string[], expectedExit: number, cwd = this.cwd): Promise<StepResult> {
    this.steps += 1;
    process.stdout.write(`\n$ node dist/${tool}.mjs ${args.map(shellQuote).join(" ")}`.trimEnd() + "\n");
    this.sandbox.clearRequests();
    const result = await this.spawnTool(tool, args, cwd);
    const output = result.stdout + result.stderr;
    process.stdout.write(output.endsWith("\n") || output === "" ? output : `${output}\n`);
    if (result.code !== EXIT_OK) process.stdout.write(`(exit ${result.code})\n`);
    if (result.code !== expectedExit) {
      throw new DemoFailure(`${tool} exited ${result.code}, expected ${expectedExit}`);
    }
    return { ...result, requests: this.sandbox.requests() };
  }

  private spawnTool(tool: string, args: string[], cwd: string): Promise<Omit<StepResult, "requests">> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [join(DIST, `${tool}.mjs`), ...args], { cwd, env: this.env, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
      child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
      const timer = setTimeout(() => child.kill("SIGKILL"), STEP_TIMEOUT_MS);
      child.on("error", (err) => {
        clearTimeout(timer);
        reject(new DemoFailure(`could not start dist/${tool}.mjs: ${err.message} (run: node build.mjs)`));
      });
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        if (signal) reject(new DemoFailure(`${tool} did not finish within ${STEP_TIMEOUT_MS / 1000} s`));
        else resolve({ code, stdout, stderr });
      });
    });
  }
}

function expect(condition: boolean, complaint: string): void {
  if (!condition) throw new DemoFailure(complaint);
}

function writesIn(requests: LoggedRequest[]): LoggedRequest[] {
  return requests.filter((r) => WRITE_METHODS.has(r.method));
}

/** The first line of a listing that names one of `known` (the seeded names), so the next step acts on what was shown. */
function firstListed(output: string, known: Iterable<string>, pick: (line: string, name: string) => boolean): string | undefined {
  const names = [...known].sort((a, b) => b.length - a.length);
  for (const line of output.split("\n").slice(1)) {
    const name = names.find((n) => pick(line, n));
    if (name) return name;
  }
  return undefined;
}

function heading(title: string): void {
  process.stdout.write(`\n== ${title} ==\n`);
}

async function incidentWorkflow(run: DemoRunner, sandbox: Sandbox): Promise<void> {
  heading("1. Incident response: what is breaking, what is it, where it happened, close it out");
  const shortIds = sandbox.world.issues.byShortId;
  const listed = await run.step("list-issues", ["--sort", "freq"], EXIT_OK);
  const top = firstListed(listed.stdout, [...shortIds.values()].map((i) => i.shortId), (line, id) => new RegExp(`(^|\\s)${id}(\\s|$)`).test(line));
  expect(top !== undefined, "list-issues showed no issue short ID to look into");

  const details = await run.step("issue-details", [top!], EXIT_OK);
  expect(details.stdout.includes(top!), `issue-details did not name ${top}`);

  // The latest event's trace: the request around the error, and the issue found again in it.
  const traceId = /\bTrace ([0-9a-f]{32})\b/.exec(details.stdout)?.[1];
  expect(traceId !== undefined, "issue-details showed no trace ID for the latest event");
  const trace = await run.step("trace-details", [traceId!], EXIT_OK);
  expect(new RegExp(`^\\s+${top}\\s`, "m").test(trace.stdout), `trace-details did not list ${top} among the trace's issues`);

  // The backend's loudest error, one event deep: where it broke and which commit Sentry suspects.
  const backend = await run.step("list-issues", ["--project", BACKEND, "--sort", "freq", "--limit", "3"], EXIT_OK);
  const suspect = firstListed(backend.stdout, [...shortIds.values()].map((i) => i.shortId), (line, id) => line.startsWith(`${id} `));
  expect(suspect !== undefined, `list-issues --project ${BACKEND} showed no issue short ID`);
  const event = await run.step("event-details", [suspect!, "latest"], EXIT_OK);
  expect(/^Suspect commits\b/m.test(event.stdout), `event-details ${suspect} said nothing about suspect commits`);

  const preview = await run.step("resolve-issue", [top!], EXIT_PREVIEW);
  expect(writesIn(preview.requests).length === 0, "resolve-issue sent a write without --yes");

  const applied = await run.step("resolve-issue", [top!, "--yes"], EXIT_OK);
  const writes = writesIn(applied.requests);
  expect(writes.length === 1 && writes[0]!.method === "PUT", `resolve-issue --yes sent ${writes.length} writes, expected one PUT`);
  expect(shortIds.get(top!.toUpperCase())?.status === "resolved", `${top} is not resolved in the sandbox after resolve-issue --yes`);

  const after = await run.step("list-issues", ["--sort", "freq"], EXIT_OK);
  expect(!new RegExp(`(^|\\s)${top}(\\s|$)`, "m").test(after.stdout), `${top} is still listed as unresolved`);
}

async function performanceWorkflow(run: DemoRunner, sandbox: Sandbox): Promise<void> {
  heading("2. Performance: the slowest endpoint, where its time goes, the queries behind it");
  const names = new Set(sandbox.world.spans.spans.filter((s) => s.isTransaction && s.projectSlug === BACKEND).map((s) => s.transaction));
  const listed = await run.step("list-transactions", ["--sort", "p95", "--project", BACKEND, "--limit", "5"], EXIT_OK);
  const slowest = firstListed(listed.stdout, names, (line, name) => line.trimEnd().endsWith(` ${name}`));
  expect(slowest !== undefined, "list-transactions showed no transaction of the sandbox");

  const summary = await run.step("transaction-summary", [slowest!, "--project", BACKEND], EXIT_OK);
  expect(summary.stdout.includes(slowest!) && /p95/.test(summary.stdout), "transaction-summary did not show the transaction's p95");

  const queries = await run.step("slow-queries", ["--transaction", slowest!, "--project", BACKEND], EXIT_OK);
  expect(/SELECT|INSERT|UPDATE|DELETE|No database/i.test(queries.stdout), "slow-queries showed neither queries nor an empty-result line");
}

/** The repository set-commits reads: this checkout when it has a remote to name it by, else a small temporary one. */
function gitRepository(tempRoot: string): { path: string; about: string } {
  const git = (cwd: string, args: string[]) => execFileSync("git", ["-C", cwd, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  try {
    if (realpathSync(git(ROOT, ["rev-parse", "--show-toplevel"])) === realpathSync(ROOT) && git(ROOT, ["remote"]) !== "") {
      return { path: ROOT, about: "this checkout" };
    }
  } catch {
    // Not a checkout (an unpacked archive) or git is missing: the temporary repository below says which.
  }
  const repo = join(tempRoot, "repo");
  try {
    execFileSync("git", ["init", "-q", repo], { stdio: "ignore" });
    git(repo, ["remote", "add", "origin", DEMO_REMOTE]);
    for (const c of DEMO_COMMITS) {
      const path = join(repo, c.file);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, c.text);
      git(repo, ["add", "-A"]);
      git(repo, ["-c", "user.name=Demo Developer", "-c", "user.email=dev@acme.example", "-c", "commit.gpgsign=false", "commit", "-q", "-m", c.message]);
    }
  } catch (err) {
    throw new DemoFailure(`could not create a temporary git repository for set-commits (is git installed?): ${(err as Error).message.split("\n")[0]}`);
  }
  return { path: repo, about: `a temporary git repository (${DEMO_COMMITS.length} commits, remote ${DEMO_REMOTE}), as this copy is no checkout with a remote` };
}

async function releaseWorkflow(run: DemoRunner, tempRoot: string): Promise<void> {
  heading("3. Release management: create a release, tie commits to it, see its health");
  const preview = await run.step("create-release", [DEMO_RELEASE, "--project", FRONTEND], EXIT_PREVIEW);
  expect(writesIn(preview.requests).length === 0, "create-release sent a write without --yes");

  const created = await run.step("create-release", [DEMO_RELEASE, "--project", FRONTEND, "--yes"], EXIT_OK);
  expect(writesIn(created.requests).some((r) => r.method === "POST"), "create-release --yes sent no POST");

  const repo = gitRepository(tempRoot);
  process.stdout.write(
    `\n(set-commits runs inside ${repo.about}; the sandbox's earlier releases name commits that are not in it, hence --ignore-missing)\n`,
  );
  const commits = await run.step("set-commits", [DEMO_RELEASE, "--local", "--ignore-missing", "--yes"], EXIT_OK, repo.path);
  const put = writesIn(commits.requests).find((r) => r.method === "PUT");
  const sent = (put?.body as { commits?: unknown[] } | undefined)?.commits;
  expect(Array.isArray(sent) && sent.length > 0, "set-commits --local --yes sent no commits");

  const listed = await run.step("list-releases", ["--project", FRONTEND, "--limit", "3"], EXIT_OK);
  expect(listed.stdout.includes(DEMO_RELEASE), `list-releases does not show ${DEMO_RELEASE}`);
  expect(/crash-free|no sessions/.test(listed.stdout), "list-releases shows no release health");
}

async function main(): Promise<number> {
  const started = performance.now();
  const tempRoot = mkdtempSync(join(tmpdir(), "sentry-monitoring-demo-"));
  let sandbox: Sandbox | undefined;
  let run: DemoRunner | undefined;
  try {
    // One clock for the sandbox and every tool the demo runs (the caller's SENTRY_MONITORING_NOW, else the demo's
    // start): the tools' time windows then end where the world's do, so the steps' figures agree with the seed.
    const now = toolNow();
    sandbox = await startSandbox({ port: 0, now });
    const world = sandbox.world;
    if (!world.projects.some((p) => p.orgSlug === ORG && p.slug === FRONTEND) || !world.projects.some((p) => p.slug === BACKEND)) {
      throw new DemoFailure(`the sandbox's world has no ${ORG}/${FRONTEND} and ${BACKEND} projects`);
    }
    const home = join(tempRoot, "home");
    mkdirSync(home);
    // A clean environment: no SENTRY_* of the user's, no real ~/.sentryclirc or region cache.
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      HOME: home,
      XDG_CACHE_HOME: join(home, ".cache"),
      SENTRY_URL: sandbox.url,
      SENTRY_AUTH_TOKEN: FULL_ACCESS_TOKEN,
      SENTRY_ORG: ORG,
      SENTRY_PROJECT: FRONTEND,
      [NOW_VARIABLE]: new Date(now).toISOString(),
    };
    // The demo's own sandbox is no stranger: recorded as a known token host, so the one-time
    // "sending the token to … for the first time" note does not interrupt the walkthrough.
    firstTokenContact(new URL(sandbox.url).origin, knownHostsPath(env));
    process.stdout.write(`sentry-monitoring demo: a local sandbox at ${sandbox.url} with seeded data; nothing leaves this machine.\n`);
    process.stdout.write(`The tools read: SENTRY_URL=${sandbox.url} SENTRY_AUTH_TOKEN=${FULL_ACCESS_TOKEN} SENTRY_ORG=${ORG} SENTRY_PROJECT=${FRONTEND}\n`);
    run = new DemoRunner(sandbox, env, home);
    const workflows: Array<[string, (r: DemoRunner) => Promise<void>]> = [
      ["incident response", (r) => incidentWorkflow(r, sandbox!)],
      ["performance", (r) => performanceWorkflow(r, sandbox!)],
      ["release management", (r) => releaseWorkflow(r, tempRoot)],
    ];
    // Each workflow runs even when an earlier one failed: the summary then says everything that is wrong.
    const failures: string[] = [];
    for (const [name, workflow] of workflows) {
      const stepsBefore = run.steps;
      try {
        await workflow(run);
      } catch (err) {
        if (!(err instanceof DemoFailure)) throw err;
        failures.push(`${name} failed at its step ${run.steps - stepsBefore}: ${err.message}`);
        process.stdout.write(`(workflow stopped: ${err.message})\n`);
      }
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (failures.length) {
      process.stdout.write(`\ndemo: FAILED, ${workflows.length - failures.length} of ${workflows.length} workflows behaved as expected (${run.steps} steps, ${seconds} s); ${failures.join("; ")}\n`);
      return EXIT_DEMO_FAILED;
    }
    process.stdout.write(`\ndemo: ${run.steps} steps in ${workflows.length} workflows behaved as expected in ${seconds} s.\n`);
    return EXIT_OK;
  } catch (err) {
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const reason = err instanceof DemoFailure || err instanceof UsageError ? err.message : `unexpected error: ${(err as Error).stack ?? String(err)}`;
    process.stdout.write(`\ndemo: FAILED after ${seconds} s: ${reason}\n`);
    return EXIT_DEMO_FAILED;
  } finally {
    await sandbox?.close();
    rmSync(tempRoot, { recursive: true, force: true });
  }
}

/** Runs only as a program: the build and the tests may import this file without starting anything. */
function isMain(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  process.exitCode = await main();
}
