// Finding the organization and projects a request names, answering as Sentry does when they do not exist.

import type { Org, Project, RequestContext } from "./types.js";
import { SandboxHttpError } from "./types.js";
import { DURATION_UNITS } from "./time.js";

export const NOT_FOUND = { detail: "The requested resource does not exist" };

/** The org in the path (by slug or numeric ID), checked against the token's binding and the listener that owns it. */
export function requireOrg(ctx: RequestContext, key = "org"): Org {
  const ref = ctx.params[key] ?? "";
  const org = ctx.world.orgs.find((o) => o.slug === ref || o.id === ref);
  if (!org) throw new SandboxHttpError(404, NOT_FOUND);
  if (ctx.token.orgSlug && ctx.token.orgSlug !== org.slug) {
    throw new SandboxHttpError(403, { detail: "You do not have permission to perform this action." });
  }
  // With --regions the main listener plays sentry.io's API gateway, which proxies organization calls
  // to the organization's region (docs/sentry-api.md §17); the region listener serves only its own orgs.
  // Tests tell direct region routing from proxying by the listener in the request log.
  if (ctx.urls.region && ctx.listener === "region" && org.home !== "region") throw new SandboxHttpError(404, NOT_FOUND);
  return org;
}

/** The project in the path (/projects/{org}/{project}/), by slug or numeric ID. */
export function requireProject(ctx: RequestContext): { org: Org; project: Project } {
  const org = requireOrg(ctx);
  const ref = ctx.params.project ?? "";
  const project = ctx.world.projects.find((p) => p.orgSlug === org.slug && (p.slug === ref || p.id === ref));
  if (!project) throw new SandboxHttpError(404, NOT_FOUND);
  return { org, project };
}

/**
 * Projects selected by the repeatable `project` query parameter (IDs or slugs; -1 or absent = all).
 * An unknown project is a 403 in Sentry ("You do not have permission…"), not an empty result.
 */
export function selectedProjects(ctx: RequestContext, org: Org): Project[] {
  const all = ctx.world.projects.filter((p) => p.orgSlug === org.slug);
  const wanted = [...ctx.query.getAll("project"), ...ctx.query.getAll("project[]")].filter((v) => v !== "");
  if (ctx.world.options.numericProjectIdsOnly && wanted.some((v) => !/^-?\d+$/.test(v))) {
    // get_requested_project_ids_unchecked before slugs were accepted (src/sentry/api/bases/organization.py).
    throw new SandboxHttpError(400, { detail: "Invalid project parameter. Values must be numbers." });
  }
  if (wanted.length === 0 || wanted.includes("-1")) return all;
  return wanted.map((ref) => {
    const project = all.find((p) => p.id === ref || p.slug === ref);
    if (!project) throw new SandboxHttpError(403, { detail: "You do not have permission to perform this action." });
    return project;
  });
}

/** Parses Sentry's statsPeriod ("24h", "14d", "30m") into milliseconds; 400 on garbage. */
export function parsePeriod(raw: string): number {
  const m = /^(\d+)([smhdw])$/.exec(raw);
  if (!m) throw new SandboxHttpError(400, { detail: `Invalid statsPeriod: ${raw}` });
  return Number(m[1]) * DURATION_UNITS[m[2]!]!;
}

/** The [start, end] window of a request from statsPeriod or start/end (statsPeriod wins), in epoch ms. */
export function timeWindow(ctx: RequestContext, defaultPeriod = "14d"): { start: number; end: number } {
  const period = ctx.query.get("statsPeriod");
  const start = ctx.query.get("start");
  const end = ctx.query.get("end");
  if (!period && start && end) {
    const s = Date.parse(start);
    const e = Date.parse(end);
    if (Number.isNaN(s) || Number.isNaN(e)) throw new SandboxHttpError(400, { detail: "Invalid date range." });
    return { start: s, end: e };
  }
  const ms = parsePeriod(period || defaultPeriod);
  return { start: ctx.world.now - ms, end: ctx.world.now };
}
