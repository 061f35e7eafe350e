// Where a search looks, for the tools that search across projects (list-issues and the performance tools):
// which projects (--project, repeatable; --all-projects; else the configured default), how a header names
// them, the numeric project IDs older servers insist on, how to tell a bad project from a missing scope when
// Sentry answers 403. How far back Sentry keeps the data searched is the --period rule in lib/flags.ts.

import type { SentryApi } from "./api.js";
import type { Config } from "./config.js";
import { AuthError, NetworkError, NotFoundError, UsageError } from "./errors.js";
import { noSuchProject } from "./sentry/projects.js";
import { scopeHint } from "./sentry/client.js";
import { bool, projects, type FlagInput } from "./flags.js";
import { apiPath } from "./urls.js";

/** Sentry's `project` value for "every project the caller can access" (docs/sentry-api.md §1). */
export const ALL_ACCESSIBLE_PROJECTS = "-1";

/** --project (repeatable) and --all-projects, for the tools that search across projects: spread into `flags`. */
export const PROJECT_SCOPE_FLAGS = {
  project: projects(),
  "all-projects": bool("Every project, even when SENTRY_PROJECT or .sentryclirc names one"),
};

/** The check across the two (they exclude each other), for a tool's `parse`. */
export function projectScopeOf(flags: FlagInput<typeof PROJECT_SCOPE_FLAGS>): ProjectFlags {
  if (flags["all-projects"] && flags.project.length) throw new UsageError("--all-projects and --project do not go together");
  return { projects: flags.project, allProjects: flags["all-projects"] };
}

/** What the project flags asked for, checked before any request. */
export interface ProjectFlags {
  projects: string[];
  allProjects: boolean;
}

/** The projects a search covers. */
export interface ProjectScope {
  /** Slugs; empty means every project the token can access. */
  projects: string[];
  /** Where the project came from when no --project named it (SENTRY_PROJECT, .sentryclirc): --all-projects widens it. */
  defaultedFrom?: string;
  /** --all-projects overrode a configured project. */
  widened?: boolean;
}

/**
 * The one project-scope rule of every tool that takes --project (README, Configuration): --project (repeatable)
 * names the projects; else the configured project (SENTRY_PROJECT, .sentryclirc) narrows the run, and the
 * header says where it came from; --all-projects (or no configured project) means every project.
 */
export function resolveProjectScope(flags: ProjectFlags, config: Config): ProjectScope {
  if (flags.projects.length) return { projects: flags.projects };
  if (flags.allProjects && config.project) return { projects: [], widened: true };
  if (flags.allProjects || !config.project) return { projects: [] };
  return { projects: [config.project], defaultedFrom: config.projectSource };
}

/**
 * The arguments that reproduce a scope in a suggested command (for commandLine): the named projects, or
 * --all-projects when it overrode a configured project. A configured project needs none: the next run reads it too.
 */
export function scopeArgs(scope: ProjectScope): string[] {
  if (scope.widened) return ["--all-projects"];
  return scope.defaultedFrom ? [] : scope.projects.flatMap((p) => ["--project", p]);
}

/**
 * The scope as one filter among others in a header's parentheses: "project web-frontend from SENTRY_PROJECT,
 * --all-projects for all", "projects a, b", "all projects" (--all-projects over a configured one), or "" (none set).
 */
export function scopeFilter(scope: ProjectScope): string {
  if (scope.projects.length === 0) return scope.widened ? "all projects" : "";
  const named = `${scope.projects.length === 1 ? "project" : "projects"} ${scope.projects.join(", ")}`;
  return scope.defaultedFrom ? `${named} from ${scope.defaultedFrom}, --all-projects for all` : named;
}

/** "api-backend, payments", "web-frontend (from SENTRY_PROJECT; --all-projects for all)", "all projects". */
export function scopeLabel(scope: ProjectScope, notes: ReadonlyArray<string | undefined> = []): string {
  const all = [...notes, scope.defaultedFrom ? `from ${scope.defaultedFrom}; --all-projects for all` : undefined].filter(Boolean);
  return `${scope.projects.length ? scope.projects.join(", ") : "all projects"}${all.length ? ` (${all.join(", ")})` : ""}`;
}

/** The flags that reproduce a scope's projects in a next-command hint: " --project a --project b". */
export function projectFlagsText(projects: readonly string[]): string {
  return projects.map((p) => ` --project ${p}`).join("");
}

/** Servers older than schema 2026-06-12 answer 400 "Invalid project parameter. Values must be numbers." to slugs. */
export function wantsNumericProjects(err: unknown): boolean {
  return err instanceof UsageError && err.status === 400 && /invalid project parameter|must be numbers/i.test(err.detail ?? "");
}

/** Kept here for the tools not yet on lib/sentry/ (the hint's home is lib/sentry/client.ts). */
export { scopeHint };

/** One request of a search, sent with the given `project` values. */
export type ProjectAttempt<T> = (project: string[]) => Promise<T>;

export interface SendOptions {
  /** The scopes the endpoint needs, for the 403 hint. */
  scopes: string;
  /**
   * The cheapest request to the same endpoint, sent with `project` = every accessible project after a 403 for
   * named projects, to tell a missing scope from a project the token cannot see (see explainForbidden).
   */
  probe?: ProjectAttempt<unknown>;
}

/**
 * Sends the requests of one run with the `project` values a scope needs: slugs (or -1 for every accessible
 * project, since without `project` Sentry searches only the caller's member projects), or numeric IDs from
 * the first time an older server refuses slugs on. Trying slugs first saves a lookup on every current server.
 */
export class ProjectSelector {
  /** Set once a server refused slugs: every later request of the run sends IDs straight away. */
  private numeric = false;
  private readonly ids = new Map<string, Promise<string>>();

  constructor(
    private readonly api: SentryApi,
    private readonly org: string,
    private readonly warn: (message: string) => void,
  ) {}

  async send<T>(slugs: readonly string[], attempt: ProjectAttempt<T>, options: SendOptions): Promise<T> {
    if (!slugs.length) return attempt([ALL_ACCESSIBLE_PROJECTS]);
    try {
      if (this.numeric) return await attempt(await this.idsOf(slugs));
      try {
        return await attempt([...slugs]);
      } catch (err) {
        if (!wantsNumericProjects(err)) throw err;
        if (!this.numeric) this.warn("this Sentry wants numeric project IDs; looking them up");
        this.numeric = true;
        return await attempt(await this.idsOf(slugs));
      }
    } catch (err) {
      throw await this.explainForbidden(err, slugs, options);
    }
  }

  /**
   * Sentry answers 403 with the same body for a token without the endpoint's scope and for a `project` the
   * caller cannot access or that does not exist (OrganizationEndpoint.get_projects), so the answer alone
   * cannot say which. The probe over every accessible project can: it fails too only when the scope is missing.
   */
  private async explainForbidden(err: unknown, slugs: readonly string[], options: SendOptions): Promise<unknown> {
    if (!(err instanceof AuthError) || err.status !== 403 || !options.probe) return err;
    const named = slugs.join(", ");
    try {
      await options.probe([ALL_ACCESSIBLE_PROJECTS]);
    } catch (probeErr) {
      if (probeErr instanceof AuthError && probeErr.status === 403) return new AuthError(err.message, scopeHint(options.scopes), 403);
      return new AuthError(err.message, `check the project slug ${named} (node dist/list-projects.mjs) and that the token has scope ${options.scopes}`, 403);
    }
    // The scope is fine, so the project is one the token cannot see: to this token it does not exist (exit 5).
    const unseen = slugs.length > 1 ? await this.unseenOf(slugs, options.probe) : slugs;
    return noSuchProject(this.org, unseen.length ? unseen : slugs);
  }

  /**
   * Of several named projects, those the token cannot see: each probed alone, in parallel, since the 403 for the
   * whole list does not say which one Sentry refused. A probe failing otherwise (a timeout) names no project.
   */
  private async unseenOf(slugs: readonly string[], probe: ProjectAttempt<unknown>): Promise<string[]> {
    const refused = await Promise.all(
      slugs.map((slug) =>
        probe([slug]).then(
          () => false,
          (e: unknown) => e instanceof AuthError && e.status === 403,
        ),
      ),
    );
    return slugs.filter((_, i) => refused[i]);
  }

  /** Numeric IDs of the slugs, one lookup per slug and run, in parallel (project:read, docs/sentry-api.md). */
  private idsOf(slugs: readonly string[]): Promise<string[]> {
    return Promise.all(
      slugs.map((slug) => {
        let id = this.ids.get(slug);
        if (!id) this.ids.set(slug, (id = this.lookUp(slug)));
        return id;
      }),
    );
  }

  private async lookUp(slug: string): Promise<string> {
    if (/^\d+$/.test(slug)) return slug;
    const res = await this.api.get<{ id?: string | number }>(apiPath`/projects/${this.org}/${slug}/`, undefined, { scopes: "project:read" }).catch((err: unknown) => {
      throw err instanceof NotFoundError && err.status !== 410 ? noSuchProject(this.org, [slug], "not found (404)") : err;
    });
    if (res.body?.id === undefined || res.body.id === null) throw new NetworkError(`the project endpoint answered without an id for ${slug}`);
    return String(res.body.id);
  }
}
