// sandbox: a local Sentry-API-compatible server with a seeded world, for trying the skill and for tests.
// The first stdout line is the base URL (scripts wait for it); request lines go to stderr.

import { parseArgs } from "node:util";
import { NOW_VARIABLE, parseInstant } from "../lib/clock.js";
import { startSandbox } from "./server.js";
import type { SandboxOptions } from "./types.js";
import { DEFAULT_SEED, StateFileError } from "./world.js";

const DEFAULT_PORT = 8765;
/** Exit code for a usage error (bad flag or value), as the tools use. */
const EXIT_USAGE = 2;
const EXIT_FAILURE = 1;

const HELP = `Usage: node dist/sandbox.mjs [options]

A local Sentry-API-compatible server with a deterministic seeded world.
Tokens: sandbox (all scopes), sandbox-read (read scopes), sandbox-ci (org token, org:ci).

Options:
  --port N                 port to listen on (default ${DEFAULT_PORT}; 0 picks a free port)
  --host HOST              address to bind (default 127.0.0.1)
  --seed N                 seed of the generated world (default ${DEFAULT_SEED})
  --latency MS             delay every answer by MS milliseconds
  --rate-limit N/SECONDS   allow N requests per SECONDS per token, then answer 429 like Sentry
  --regions                serve the first organization as a region under /region (its links.regionUrl)
  --state FILE             load writes from FILE at start and save them there
  --now TIME               stop the clock at TIME (ISO 8601 with Z or an offset, or epoch ms): the seeded
                           world and every write use it, and ${NOW_VARIABLE} gives the tools the same clock
  --legacy-alerts-gone     legacy alert endpoints answer 410, as during Sentry's brownouts
  --current-alerts-missing workflows/detectors answer 404, as on older self-hosted servers
  --reject-spans           dataset=spans answers 400, as on older self-hosted servers
  --extra-issues N         add N generated issues (load tests)
  --print-org-token        print an sntrys_ organization token for this sandbox
  --help                   show this help

Admin API (loopback only, no token): POST/DELETE /__sandbox/faults, GET/DELETE /__sandbox/requests,
GET /__sandbox/showcase (the seeded ~1,000-span trace).
`;

class UsageError extends Error {}

function nonNegativeInt(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new UsageError(`--${flag} expects a non-negative integer, got "${raw}"`);
  return Number(raw);
}

function parseRateLimit(raw: string | undefined): SandboxOptions["rateLimit"] {
  if (raw === undefined) return undefined;
  const m = /^(\d+)\/(\d+)$/.exec(raw);
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) throw new UsageError(`--rate-limit expects N/SECONDS with both above 0, e.g. 40/1, got "${raw}"`);
  return { limit: Number(m[1]), windowSeconds: Number(m[2]) };
}

function parseNow(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const ms = parseInstant(raw);
  if (ms === undefined) throw new UsageError(`--now expects ISO 8601 with an offset (2026-03-15T12:00:00Z) or epoch milliseconds, got "${raw}"`);
  return ms;
}

function parseOptions(argv: string[]): { options: SandboxOptions; help: boolean; printOrgToken: boolean } {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      seed: { type: "string" },
      latency: { type: "string" },
      "rate-limit": { type: "string" },
      regions: { type: "boolean" },
      state: { type: "string" },
      now: { type: "string" },
      "legacy-alerts-gone": { type: "boolean" },
      "current-alerts-missing": { type: "boolean" },
      "reject-spans": { type: "boolean" },
      "extra-issues": { type: "string" },
      "print-org-token": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  const port = nonNegativeInt("port", values.port) ?? DEFAULT_PORT;
  if (port > 65535) throw new UsageError(`--port must be at most 65535, got ${port}`);
  const rateLimit = parseRateLimit(values["rate-limit"]);
  const latencyMs = nonNegativeInt("latency", values.latency);
  const extraIssues = nonNegativeInt("extra-issues", values["extra-issues"]);
  const now = parseNow(values.now);
  const options: SandboxOptions = {
    port,
    host: values.host ?? "127.0.0.1",
    seed: nonNegativeInt("seed", values.seed) ?? DEFAULT_SEED,
    logRequests: true,
    ...(latencyMs !== undefined && { latencyMs }),
    ...(rateLimit && { rateLimit }),
    ...(values.regions && { regions: true }),
    ...(values.state !== undefined && { stateFile: values.state }),
    ...(now !== undefined && { now }),
    ...(values["legacy-alerts-gone"] && { legacyAlertsGone: true }),
    ...(values["current-alerts-missing"] && { currentAlertsMissing: true }),
    ...(values["reject-spans"] && { rejectSpansDataset: true }),
    ...(extraIssues !== undefined && { extraIssues }),
  };
  return { options, help: values.help === true, printOrgToken: values["print-org-token"] === true };
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(process.argv.slice(2));
  } catch (error) {
    // parseArgs throws TypeErrors with codes like ERR_PARSE_ARGS_UNKNOWN_OPTION; both kinds are usage errors.
    process.stderr.write(`sandbox: ${(error as Error).message.split("\n")[0]} (see --help)\n`);
    process.exit(EXIT_USAGE);
  }
  if (parsed.help) {
    process.stdout.write(HELP);
    return;
  }
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  try {
    sandbox = await startSandbox(parsed.options);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === "EADDRINUSE"
        ? `port ${parsed.options.port} is in use; pass --port 0 for a free port or another --port`
        : (error as Error).message;
    process.stderr.write(`sandbox: ${message}\n`);
    process.exit(error instanceof StateFileError ? EXIT_USAGE : EXIT_FAILURE);
  }
  const stop = (): void => {
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(EXIT_FAILURE),
    );
  };
  // Installed before the URL is printed: a caller may signal as soon as it reads the first line.
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const org = sandbox.world.orgs[0]!;
  const project = sandbox.world.projects.find((p) => p.orgSlug === org.slug && p.firstEvent !== null)!;
  process.stdout.write(`${sandbox.url}\n`);
  // With a fixed clock the tools must read the same instant, or their ages and time windows drift from the world's.
  const clock = parsed.options.now !== undefined ? ` ${NOW_VARIABLE}=${new Date(parsed.options.now).toISOString()}` : "";
  process.stdout.write(`export SENTRY_URL=${sandbox.url} SENTRY_AUTH_TOKEN=sandbox SENTRY_ORG=${org.slug} SENTRY_PROJECT=${project.slug}${clock}\n`);
  if (sandbox.regionUrl) process.stdout.write(`region: ${sandbox.regionUrl} (organization ${org.slug} lives there)\n`);
  if (parsed.printOrgToken) process.stdout.write(`org token: ${sandbox.orgToken}\n`);
}

await main();
