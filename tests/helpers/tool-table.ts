// One row per tool: a typical invocation against the seeded sandbox, the requests it cannot do without
// (where the fault matrix strikes), for write tools the applying invocation, and the tool's own bad inputs.
// The reliability suites iterate over this table; a tool whose bundle is not built yet is reported as skipped.

import { existsSync } from "node:fs";
import { join } from "node:path";
import type { World } from "../../scripts/sandbox/types.js";
import { showcaseEvent } from "../../scripts/sandbox/seed/traces.js";
import type { AnyTool } from "../../scripts/lib/tool.js";
import { TOOLS } from "../../scripts/tools.js";
import type { LoggedRequest } from "../../scripts/sandbox/server.js";
import { DIST } from "./run.js";
import type { SandboxHandle } from "./sandbox.js";

export type Method = "GET" | "POST" | "PUT" | "DELETE";
export const WRITE_METHODS: ReadonlySet<string> = new Set(["POST", "PUT", "DELETE"]);

/** The requests a run cannot do without: fault rules use these patterns (scripts/sandbox/faults.ts syntax). */
export interface CriticalRequests {
  method: Method;
  /** `*` matches anything and anchors the pattern at both ends; without `*` a pattern is a substring. */
  paths: string[];
}

export interface Invocation {
  args: string[];
  /** Working directory (set-commits reads a git repository there); an empty temporary one otherwise. */
  cwd?: string;
  /** Exit code when nothing fails: 0, or 3 for a write tool's preview. */
  exit: 0 | 3;
  /** Absent when the invocation sends nothing at all (create-release's preview). */
  critical?: CriticalRequests;
}

export interface ApplyInvocation extends Invocation {
  critical: CriticalRequests;
  /** Whether the tool marks this write idempotent (and so retries it): its call site says why. */
  idempotent: boolean;
  /**
   * The tool reads the target back when a write's answer is lost, so a write the server applied before its
   * answer broke ends as a success with a warning (issue 13 item 7), not as an error.
   */
  readsBack?: boolean;
}

export interface BadInput {
  about: string;
  args: string[];
}

export interface ToolCase {
  tool: string;
  /** A typical read, or a write tool's preview. Each call may pick fresh seeded data (an issue not yet touched). */
  typical(s: SandboxHandle): Invocation;
  /** Write tools: the same change with --yes, on fresh data each call. */
  apply?(s: SandboxHandle): ApplyInvocation;
  /** Inputs specific to this tool that must exit 2 before anything is sent (the generic ones come from --help). */
  badInputs: BadInput[];
}

/** Matches a logged request path the way the sandbox's fault table does. */
export function pathMatches(pattern: string, fullPath: string): boolean {
  const shortPath = fullPath.startsWith("/api/0/") ? fullPath.slice("/api/0".length) : fullPath;
  if (!pattern.includes("*")) return fullPath.includes(pattern);
  const regex = new RegExp(`^${pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
  return regex.test(fullPath) || regex.test(shortPath);
}

export function isCritical(request: LoggedRequest, critical: CriticalRequests): boolean {
  return request.method === critical.method && critical.paths.some((p) => pathMatches(p, request.path));
}

export function isBuilt(tool: string): boolean {
  return existsSync(join(DIST, `${tool}.mjs`));
}

// ---------------------------------------------------------------------------------------------------
// Seeded data the invocations act on
// ---------------------------------------------------------------------------------------------------

const ORG = "acme";
const FRONTEND = "web-frontend";
const BACKEND = "api-backend";
/** A transaction the seed always has (the N+1 story of seed/spans.ts). */
const orders = (w: World) => w.spans.nPlusOneTransaction;
/** Longer than Sentry's 200-character limit for release versions. */
const OVERLONG_VERSION = `v${"1".repeat(200)}`;
const SHA = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c";

const used = new WeakMap<World, Set<string>>();

/** An unresolved issue of the org no earlier call got: writes in one test must not see another's changes. */
export function freshIssue(w: World): string {
  const taken = used.get(w) ?? new Set<string>();
  used.set(w, taken);
  const issue = w.issues.issues.find((i) => i.orgSlug === ORG && i.status === "unresolved" && !taken.has(i.id));
  if (!issue) throw new Error("the seeded world ran out of unresolved issues for this test file");
  taken.add(issue.id);
  return issue.id;
}

/** A seeded issue that stays readable whatever the writes do (issue-details reads resolved ones too). */
function someIssue(w: World): string {
  return w.issues.issues.find((i) => i.orgSlug === ORG && i.status === "unresolved")!.id;
}

let releaseCounter = 0;
/** A release version nobody created yet in this test file. */
export function freshVersion(): string {
  releaseCounter += 1;
  return `${FRONTEND}@9.${process.pid % 1000}.${releaseCounter}`;
}

/** A seeded release of web-frontend (set-commits replaces its commits; that is idempotent). */
function seededRelease(w: World): string {
  const project = w.projects.find((p) => p.slug === FRONTEND)!;
  return w.releases.releases.find((r) => r.orgSlug === ORG && r.projectIds.includes(project.id))!.version;
}

const issuePath = (id: string) => `*/organizations/${ORG}/issues/${id}/`;
const releasePath = (version: string) => `*/organizations/${ORG}/releases/${encodeURIComponent(version)}/`;

const MALFORMED_ISSUES: BadInput[] = [
  { about: "letters and punctuation", args: ["abc!"] },
  { about: "a path traversal", args: ["../4242"] },
  { about: "a short ID without its number", args: ["WEB-"] },
  { about: "digits then letters", args: ["12abc"] },
  { about: "a space inside", args: ["42 42"] },
  { about: "full-width unicode", args: ["ＷＥＢ-１Ａ"] },
  { about: "an URL without an issue", args: ["https://acme.sentry.io/projects/web/"] },
];

export const TOOL_TABLE: ToolCase[] = [
  {
    tool: "list-projects",
    typical: () => ({ args: [], exit: 0, critical: { method: "GET", paths: [`*/organizations/${ORG}/projects/`] } }),
    badInputs: [{ about: "a platform with a slash", args: ["--platform", "python/../x"] }],
  },
  {
    tool: "list-issues",
    typical: () => ({ args: ["--sort", "freq"], exit: 0, critical: { method: "GET", paths: [`*/organizations/${ORG}/issues/`] } }),
    badInputs: [
      { about: "an unknown sort", args: ["--sort", "loudest"] },
      { about: "a period past Sentry's retention", args: ["--period", "91d"] },
      { about: "an environment with a slash", args: ["--environment", "prod/../x"] },
    ],
  },
  {
    tool: "issue-details",
    typical: (s) => {
      const id = someIssue(s.world);
      return { args: [id], exit: 0, critical: { method: "GET", paths: [issuePath(id)] } };
    },
    badInputs: [
      ...MALFORMED_ISSUES,
      { about: "an event that is not latest/oldest/recommended or 32 hex", args: ["4242", "--event", "newest"] },
      { about: "zero frames", args: ["4242", "--frames", "0"] },
    ],
  },
  {
    tool: "issue-events",
    typical: (s) => {
      const id = someIssue(s.world);
      return { args: [id], exit: 0, critical: { method: "GET", paths: [`${issuePath(id)}events/`] } };
    },
    badInputs: [
      ...MALFORMED_ISSUES,
      { about: "a period past Sentry's retention", args: ["4242", "--period", "91d"] },
      { about: "an environment with a slash", args: ["4242", "--environment", "prod/../x"] },
      { about: "a query over two lines", args: ["4242", "--query", "release:1\nDROP"] },
    ],
  },
  {
    tool: "event-details",
    typical: (s) => {
      const id = someIssue(s.world);
      return { args: [id, "latest"], exit: 0, critical: { method: "GET", paths: [`${issuePath(id)}events/*/`] } };
    },
    badInputs: [
      ...MALFORMED_ISSUES,
      { about: "neither an issue nor --event", args: [] },
      { about: "an event that is not latest/oldest/recommended or 32 hex", args: ["4242", "newest"] },
      { about: "a short --event", args: ["--event", "7db0cb41"] },
      { about: "an --event with a path in it", args: ["--event", "../../7db0cb41e7bdd6a6b186754f61e517a3"] },
      { about: "the event given twice", args: ["4242", "latest", "--event", "7db0cb41e7bdd6a6b186754f61e517a3"] },
      { about: "zero frames", args: ["4242", "--frames", "0"] },
    ],
  },
  {
    tool: "tag-values",
    typical: (s) => {
      const id = someIssue(s.world);
      return { args: [id, "--key", "release,environment"], exit: 0, critical: { method: "GET", paths: [`${issuePath(id)}tags/*/`] } };
    },
    badInputs: [
      ...MALFORMED_ISSUES,
      { about: "a tag key with a slash", args: ["4242", "--key", "release/../x"] },
      { about: "a tag key over 32 characters", args: ["4242", "--key", "k".repeat(33)] },
      { about: "no tag key at all", args: ["4242", "--key", ","] },
      { about: "more than 20 tag keys", args: ["4242", "--key", Array.from({ length: 21 }, (_, i) => `k${i}`).join(",")] },
    ],
  },
  {
    tool: "resolve-issue",
    typical: (s) => {
      const id = freshIssue(s.world);
      return { args: [id], exit: 3, critical: { method: "GET", paths: [issuePath(id)] } };
    },
    apply: (s) => {
      const id = freshIssue(s.world);
      return { args: [id, "--yes"], exit: 0, critical: { method: "PUT", paths: [issuePath(id)] }, idempotent: true, readsBack: true };
    },
    badInputs: [
      ...MALFORMED_ISSUES,
      { about: "a release version of ..", args: ["4242", "--in-release", ".."] },
      { about: "an over-long release version", args: ["4242", "--in-release", OVERLONG_VERSION] },
      { about: "a commit without a repository", args: ["4242", "--in-commit", "1a2b3c4"] },
      { about: "two resolutions at once", args: ["4242", "--in-next-release", "--in-release", "1.0"] },
    ],
  },
  {
    tool: "ignore-issue",
    typical: (s) => {
      const id = freshIssue(s.world);
      return { args: [id], exit: 3, critical: { method: "GET", paths: [issuePath(id)] } };
    },
    apply: (s) => {
      const id = freshIssue(s.world);
      return { args: [id, "--for", "2h", "--yes"], exit: 0, critical: { method: "PUT", paths: [issuePath(id)] }, idempotent: true, readsBack: true };
    },
    badInputs: [
      ...MALFORMED_ISSUES,
      { about: "a zero duration", args: ["4242", "--for", "0m"] },
      { about: "a negative duration", args: ["4242", "--for", "-2h"] },
      { about: "a duration with an unknown unit", args: ["4242", "--for", "2 fortnights"] },
      { about: "a window over Sentry's 7 days", args: ["4242", "--count", "10", "--window", "8d"] },
      { about: "a zero count", args: ["4242", "--count", "0"] },
      { about: "two modes at once", args: ["4242", "--forever", "--for", "1h"] },
    ],
  },
  {
    tool: "list-transactions",
    typical: () => ({ args: ["--sort", "p95"], exit: 0, critical: { method: "GET", paths: [`*/organizations/${ORG}/events/`] } }),
    badInputs: [{ about: "an unknown sort", args: ["--sort", "slowest"] }],
  },
  {
    tool: "transaction-summary",
    typical: (s) => ({ args: [orders(s.world), "--project", BACKEND], exit: 0, critical: { method: "GET", paths: [`*/organizations/${ORG}/events/`] } }),
    badInputs: [
      { about: "an empty transaction name", args: [""] },
      { about: "a transaction name over two lines", args: ["GET /api/orders\nDROP"] },
    ],
  },
  {
    tool: "slow-queries",
    typical: (s) => ({
      args: ["--transaction", orders(s.world), "--project", BACKEND],
      exit: 0,
      critical: { method: "GET", paths: [`*/organizations/${ORG}/events/`] },
    }),
    badInputs: [
      { about: "an unknown sort", args: ["--sort", "worst"] },
      { about: "an empty transaction", args: ["--transaction", " "] },
    ],
  },
  {
    tool: "trace-details",
    // The seeded ~1,000-span trace behind the showcase issue's latest event (seed/traces.ts).
    typical: (s) => {
      const traceId = showcaseEvent(s.world)!.traceId;
      return {
        args: [traceId],
        exit: 0,
        critical: { method: "GET", paths: [`*/organizations/${ORG}/trace/${traceId}/`, `*/organizations/${ORG}/trace-meta/${traceId}/`] },
      };
    },
    badInputs: [
      { about: "a trace ID of 31 hex characters", args: ["4bf92f3577b34da6a3ce929d0e0e473"] },
      { about: "a trace ID with a non-hex letter", args: ["4bf92f3577b34da6a3ce929d0e0e473g"] },
      { about: "a path traversal", args: ["../../organizations"] },
      { about: "a period past Sentry's retention", args: ["4bf92f3577b34da6a3ce929d0e0e4736", "--period", "91d"] },
    ],
  },
  {
    tool: "query-events",
    typical: () => ({
      args: ["--dataset", "errors", "--field", "issue", "--field", "count()", "--all-projects"],
      exit: 0,
      critical: { method: "GET", paths: [`*/organizations/${ORG}/events/`] },
    }),
    badInputs: [
      { about: "no field", args: ["--dataset", "errors"] },
      { about: "an unknown function", args: ["--field", "p96(span.duration)"] },
      { about: "a function another dataset has", args: ["--dataset", "logs", "--field", "apdex(span.duration,300)"] },
      { about: "a field with shell syntax", args: ["--field", "span.op;rm -rf"] },
      { about: "a sort that is not among the fields", args: ["--field", "span.op", "--sort", "count()"] },
      { about: "a timestamp in a logs query", args: ["--dataset", "logs", "--field", "message", "--query", "timestamp:>2026-01-01"] },
      { about: "--start without --end", args: ["--field", "count()", "--start", "2026-03-15T00:00:00Z"] },
      { about: "an equation", args: ["--field", "equation|count() * 2"] },
    ],
  },
  {
    tool: "list-releases",
    typical: () => ({ args: [], exit: 0, critical: { method: "GET", paths: [`*/organizations/${ORG}/releases/`] } }),
    badInputs: [
      { about: "a health window Sentry does not keep", args: ["--period", "5m"] },
      { about: "an unknown sort", args: ["--sort", "newest"] },
    ],
  },
  {
    tool: "create-release",
    // The preview is computed from the arguments alone: nothing is sent, so there is nothing to fault.
    typical: () => ({ args: [freshVersion(), "--project", FRONTEND], exit: 3 }),
    apply: () => ({
      args: [freshVersion(), "--project", FRONTEND, "--yes"],
      exit: 0,
      critical: { method: "POST", paths: [`*/organizations/${ORG}/releases/`] },
      idempotent: true,
    }),
    badInputs: [
      { about: "a version of ..", args: [".."] },
      { about: "a version of .", args: ["."] },
      { about: "a version with a slash", args: ["web/2.0"] },
      { about: "an over-long version", args: [OVERLONG_VERSION] },
      { about: "a version with a newline", args: ["2.0\n1"] },
      { about: "the reserved version latest", args: ["latest"] },
      { about: "a ref with a space", args: ["2.0.0", "--ref", "v2 0"] },
    ],
  },
  {
    tool: "set-commits",
    typical: (s) => {
      const version = seededRelease(s.world);
      return { args: [version, "--commit", `acme/web-frontend@${SHA}`], exit: 3, critical: { method: "GET", paths: [releasePath(version)] } };
    },
    apply: (s) => {
      const version = seededRelease(s.world);
      return {
        args: [version, "--commit", `acme/web-frontend@${SHA}`, "--yes"],
        exit: 0,
        critical: { method: "PUT", paths: [releasePath(version)] },
        idempotent: true,
      };
    },
    badInputs: [
      { about: "a version of ..", args: [".."] },
      { about: "an over-long version", args: [OVERLONG_VERSION] },
      { about: "a commit that is not REPO@SHA", args: ["2.0", "--commit", "not-a-commit"] },
      { about: "two modes at once", args: ["2.0", "--local", "--clear"] },
      { about: "a zero initial depth", args: ["2.0", "--local", "--initial-depth", "0"] },
      { about: "a huge initial depth", args: ["2.0", "--local", "--initial-depth", "99999999999"] },
    ],
  },
  {
    tool: "project-settings",
    typical: () => ({
      args: [FRONTEND],
      exit: 0,
      critical: { method: "GET", paths: [`*/projects/${ORG}/${FRONTEND}/`] },
    }),
    badInputs: [
      { about: "a project with ../", args: ["../etc"] },
      { about: "a project with a space", args: ["web frontend"] },
      { about: "a unicode project", args: ["wéb-frontend"] },
    ],
  },
  {
    tool: "list-alerts",
    // The current alert APIs fall back to the legacy ones (and back), so only a fault on all four fails the tool.
    typical: () => ({
      args: [],
      exit: 0,
      critical: {
        method: "GET",
        paths: [`*/organizations/${ORG}/workflows/`, `*/organizations/${ORG}/detectors/`, `*/organizations/${ORG}/alert-rules/`, `*/projects/${ORG}/*/rules/`],
      },
    }),
    badInputs: [{ about: "an unknown alert type", args: ["--type", "uptime"] }],
  },
];

/**
 * The row of every tool in the registry (scripts/tools.ts), in its order: a registered tool without a row here
 * fails every suite that iterates the table, so a new tool cannot silently miss the fault, input, secrets and
 * write matrices.
 */
export function registryRows(select: (tool: AnyTool) => boolean = () => true): ToolCase[] {
  return TOOLS.filter(select).map((tool) => {
    const row = TOOL_TABLE.find((r) => r.tool === tool.name);
    if (!row) throw new Error(`tests/helpers/tool-table.ts has no row for ${tool.name}: add its typical call, its --yes call if it writes, and its bad inputs`);
    return row;
  });
}

/** Rows whose bundles exist; the others are listed so a suite can say what it skipped. */
export function builtTools(rows: ToolCase[] = registryRows()): { built: ToolCase[]; missing: string[] } {
  return { built: rows.filter((r) => isBuilt(r.tool)), missing: rows.filter((r) => !isBuilt(r.tool)).map((r) => r.tool) };
}

export const SEEDED = { ORG, FRONTEND, BACKEND } as const;
