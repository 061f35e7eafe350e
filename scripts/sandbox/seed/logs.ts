// The logs dataset (GET /organizations/{org}/events/?dataset=logs): structured log records the backends' SDKs
// would send, built on first use from the world, so each record's trace ID resolves (seed/traces.ts):
// - one access-log line per backend transaction of the spans world (info, warn for 4xx, error for 5xx);
// - for every stored error event, the error its framework logged, in the event's trace and span;
// - for the showcase trace, the request's own story: start, the slow-query warning of its N+1, the failure.
// Severity numbers are OpenTelemetry's (info 9, warn 13, error 17), as Sentry stores them. Times are offsets
// of the events' and spans' times, themselves offsets of world.now.

import type { World } from "../types.js";
import type { SpanStatus } from "./spans.js";
import { rngFor, type Rng } from "./rng.js";
import { eventIndex, showcaseEvent, findTrace } from "./traces.js";

export type Severity = "debug" | "info" | "warn" | "error" | "fatal";
export const SEVERITY_NUMBER: Record<Severity, number> = { debug: 5, info: 9, warn: 13, error: 17, fatal: 21 };

export interface LogRecord {
  /** 32 hex (`sentry.item_id`). */
  id: string;
  /** Epoch milliseconds. */
  timestamp: number;
  severity: Severity;
  message: string;
  traceId: string | null;
  spanId: string | null;
  projectId: string;
  projectSlug: string;
  environment: string;
  release: string | null;
  logger: string | null;
  /** Logs are not sampled here; the events engine extrapolates by this weight. */
  sampleWeight: 1;
}

/** HTTP status an access log shows for a transaction's trace status. */
const HTTP_STATUS: Partial<Record<SpanStatus, number>> = {
  ok: 200,
  cancelled: 499,
  not_found: 404,
  unauthenticated: 401,
  permission_denied: 403,
  invalid_argument: 400,
  resource_exhausted: 429,
  internal_error: 500,
  unavailable: 503,
  deadline_exceeded: 504,
};

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
function hex(rng: Rng, chars: number): string {
  let out = "";
  while (out.length < chars) out += HEX[Math.floor(rng.next() * 256)]!;
  return out.slice(0, chars);
}

interface LogsWorld {
  /** Oldest first. */
  records: LogRecord[];
  byTrace: Map<string, LogRecord[]>;
}

const cache = new WeakMap<World, LogsWorld>();

function isBackend(platform: string): boolean {
  return platform.startsWith("python") || platform.startsWith("node");
}

export function logsWorld(world: World): LogsWorld {
  let logs = cache.get(world);
  if (logs) return logs;
  const rng = rngFor(world.seed, "logs");
  const records: LogRecord[] = [];
  const platformOf = new Map(world.projects.map((p) => [p.id, p.platform]));
  const add = (r: Omit<LogRecord, "id" | "sampleWeight">): void => {
    records.push({ ...r, id: hex(rng, 32), sampleWeight: 1 });
  };

  for (const s of world.spans.spans) {
    if (!s.isTransaction || !isBackend(platformOf.get(s.projectId) ?? "")) continue;
    const status = HTTP_STATUS[s.status] ?? 500;
    const python = (platformOf.get(s.projectId) ?? "").startsWith("python");
    const message = s.transactionMethod
      ? `"${s.transaction.replace(":id", String(rng.int(1_000, 99_999)))} HTTP/1.1" ${status} ${Math.round(s.durationMs)}ms`
      : `Task ${s.transaction} ${status >= 500 ? "failed" : "succeeded"} in ${(s.durationMs / 1000).toFixed(3)}s`;
    add({
      timestamp: Math.round(s.timestamp + s.durationMs),
      severity: status >= 500 ? "error" : status >= 400 ? "warn" : "info",
      message,
      traceId: s.traceId,
      spanId: s.spanId,
      projectId: s.projectId,
      projectSlug: s.projectSlug,
      environment: s.environment,
      release: s.release,
      logger: s.transactionMethod ? (python ? "gunicorn.access" : "http") : python ? "celery.app.trace" : "worker",
    });
  }

  const shown = showcaseEvent(world);
  for (const entry of eventIndex(world).byId.values()) {
    const { issue, event } = entry;
    if (issue.spec.kind === "performance" || issue.spec.kind === "csp" || entry.traceId === shown?.traceId) continue;
    const project = world.projects.find((p) => p.id === issue.projectId);
    if (!project) continue;
    const main = issue.spec.exceptions[issue.spec.exceptions.length - 1];
    add({
      timestamp: event.at,
      severity: issue.level === "fatal" ? "fatal" : issue.level === "warning" ? "warn" : "error",
      message: main ? `${main.type}: ${main.value}` : (issue.spec.message ?? issue.spec.title),
      traceId: entry.traceId,
      spanId: entry.spanId,
      projectId: project.id,
      projectSlug: project.slug,
      environment: event.environment,
      release: event.release,
      logger: issue.spec.logger ?? (issue.spec.family === "python" ? "django.request" : null),
    });
  }

  if (shown) {
    const trace = findTrace(world, shown.traceId);
    const root = trace?.spans.find((s) => s.spanId === shown.spanId);
    const project = world.projects.find((p) => p.id === shown.issue.projectId);
    if (trace && root && project) {
      const path = root.description.replace(/^GET /, "").replace(/\{(\w+)\}|:(\w+)/g, "48213");
      const queries = trace.spans.filter((s) => s.description.includes('"order_items"')).length;
      const common = { traceId: shown.traceId, spanId: shown.spanId, projectId: project.id, projectSlug: project.slug, environment: shown.event.environment, release: shown.event.release };
      add({ ...common, timestamp: Math.round(root.start + 1), severity: "info", message: `Loading order 48213 with its items`, logger: "shop.orders.views" });
      add({ ...common, timestamp: Math.round(root.end - 6), severity: "warn", message: `${queries} queries on "order_items" in one request (${((root.end - root.start) / 1000).toFixed(2)}s)`, logger: "django.db.backends" });
      add({ ...common, timestamp: Math.round(root.end), severity: "error", message: `Internal Server Error: ${path}`, logger: "django.request" });
    }
  }

  records.sort((a, b) => a.timestamp - b.timestamp || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const byTrace = new Map<string, LogRecord[]>();
  for (const r of records) {
    if (!r.traceId) continue;
    const list = byTrace.get(r.traceId);
    if (list) list.push(r);
    else byTrace.set(r.traceId, [r]);
  }
  logs = { records, byTrace };
  cache.set(world, logs);
  return logs;
}
