// list-projects: the organization's projects, one line each (slug, platform, teams, activity, age),
// so an agent can pick a project slug and tell live projects from abandoned ones.

import { text } from "./lib/flags.js";
import { alignColumns, commandLine, compactNumber, listWithMore, plural, relativeTime, truncate } from "./lib/output.js";
import { listProjects, ORG_READ_SCOPE, type RawProject } from "./lib/sentry/projects.js";
import { listTool, runIfMain, type ListSummary } from "./lib/tool.js";
import { cleanText } from "./lib/text.js";
import { isCursor } from "./lib/validate.js";

/** Window for "has it received events lately": Sentry's project stats accept 24h, 14d, 30d. */
const ACTIVITY_PERIOD = "14d";
const MAX_TEAMS_SHOWN = 2;
const NAME_WIDTH = 28;
const DAY_MS = 86400e3;

export const tool = listTool({
  name: "list-projects",
  category: "projects",
  summary: "List projects: slug, platform, teams, recent events",
  flags: {
    query: text({ placeholder: "TEXT", help: "Match project name or slug (Sentry search, e.g. team:backend)" }),
    platform: text({
      placeholder: "NAME",
      help: "Only projects of this platform or family (python matches python-django)",
      pattern: /^[a-z0-9][a-z0-9._-]{0,63}$/,
      invalid: "use a Sentry platform name like python or javascript-react",
    }),
  },
  defaultLimit: 50,
  fields: ["id", "slug", "name", "platform", "teams", "dateCreated", "firstEvent", "events14d", "lastActivity", "activity", "latestRelease"],
  examples: [
    { args: "", about: "every project, live ones marked" },
    { args: "--platform python --json", about: "Python projects (python-django too) as JSON" },
    { args: "--query team:backend", about: "projects of one team" },
  ],
  scopes: ORG_READ_SCOPE,
  api: ["GET /api/0/organizations/{org}/projects/?statsPeriod=14d"],
  async run(input, ctx): Promise<ListSummary & { org: string; query?: string; search?: string; page: string[] }> {
    const org = await ctx.api.org();
    // Sentry's project search has no platform token (organization_projects.py answers an unknown key
    // with no projects), so --platform filters here, over every page, and then applies --limit.
    const platform = input.platform;
    let nextCursor: string | null = null;
    let fetched = 0;
    let kept = 0;
    const all = ctx.list.all || platform !== undefined;
    for await (const page of listProjects(ctx.api, org, { query: input.query, statsPeriod: ACTIVITY_PERIOD, limit: ctx.list.limit, cursor: ctx.list.cursor, all })) {
      fetched += page.items.length;
      nextCursor = page.nextCursor;
      const matching = platform !== undefined ? page.items.filter((p) => matchesPlatform(p, platform)) : page.items;
      const room = ctx.list.all ? matching.length : ctx.list.limit - kept;
      ctx.emit(matching.slice(0, room).map(projectRecord));
      kept += Math.min(room, matching.length);
      ctx.progress(`fetched ${fetched} projects…`);
      if (!ctx.list.all && kept >= ctx.list.limit) break;
    }
    const described = [input.query, platform ? `platform ${platform}` : undefined].filter(Boolean).join(", ");
    // After client-side filtering the server's cursor no longer marks where the shown records end.
    return { nextCursor: platform !== undefined ? null : nextCursor, org, query: described || undefined, search: input.query, page: ctx.list.all ? ["--all"] : ["--limit", String(ctx.list.limit)] };
  },
  render(records, summary, ctx) {
    // The project scope rule (README, Configuration): a configured project narrows every tool that takes --project;
    // this one lists the projects to choose from, so its header says the configured one is not applied here.
    const configured = ctx.config.project ? ` (${ctx.config.projectSource ?? "the configured project"} ${ctx.config.project} narrows the other tools, not this list)` : "";
    const where = `in ${summary.org}${summary.query ? ` matching ${summary.query}` : ""}${configured}`;
    if (records.length === 0) return cleanText(`No projects ${where}.`);
    const rows = records.map((r) => [
      String(r.slug),
      String(r.platform ?? "-"),
      activityLabel(r, ctx.now),
      listWithMore(r.teams as string[], MAX_TEAMS_SHOWN) || "-",
      `created ${relativeTime(r.dateCreated as string, ctx.now)}`,
      truncate(String(r.name), NAME_WIDTH),
    ]);
    const lines = [`${plural(records.length, "project")} ${where}:`];
    lines.push(...alignColumns(rows));
    // The cursor is the server's: suggested only when --cursor would take it, and quoted with the search it continues.
    if (summary.nextCursor && isCursor(summary.nextCursor)) {
      lines.push(`More: ${commandLine("list-projects", [...(summary.search ? ["--query", summary.search] : []), ...summary.page, "--cursor", summary.nextCursor])}`);
    }
    // Names, platforms and team slugs are server text: each printed line is cleaned whole.
    return lines.map(cleanText).join("\n");
  },
});

type Activity = "live" | "quiet" | "no events ever" | "unknown";

/** python matches python and python-django; also the platforms of the events the project received. */
function matchesPlatform(p: RawProject, wanted: string): boolean {
  const own = p.platform ?? "";
  return own === wanted || own.startsWith(`${wanted}-`) || (p.platforms ?? []).includes(wanted);
}

function projectRecord(p: RawProject): Record<string, unknown> {
  const stats = p.stats ?? null;
  const events = stats ? stats.reduce((sum, [, n]) => sum + n, 0) : null;
  // The start of the newest bucket with events: Sentry sends no last-event time, so this is the best
  // "latest activity" there is, to the bucket's width (a day for 14d).
  const lastBucket = stats ? [...stats].reverse().find(([, n]) => n > 0) : undefined;
  const activity: Activity = !p.firstEvent ? "no events ever" : events === null ? "unknown" : events > 0 ? "live" : "quiet";
  return {
    id: p.id,
    slug: p.slug,
    name: p.name,
    platform: p.platform,
    teams: (p.teams ?? []).map((t) => t.slug),
    dateCreated: p.dateCreated,
    firstEvent: p.firstEvent,
    events14d: events,
    lastActivity: lastBucket ? new Date(lastBucket[0] * 1000).toISOString() : null,
    activity,
    latestRelease: p.latestRelease?.version ?? null,
  };
}

function activityLabel(r: Record<string, unknown>, now: number): string {
  const events = r.events14d as number | null;
  switch (r.activity as Activity) {
    case "live": {
      // Buckets are a day wide: "today" (the bucket now running) is as precise as the stats allow.
      const last = r.lastActivity ? Date.parse(r.lastActivity as string) : now;
      const when = now - last < DAY_MS ? "today" : relativeTime(r.lastActivity as string, now);
      return `${compactNumber(events)} events in ${ACTIVITY_PERIOD}, last ${when}`;
    }
    case "quiet":
      return `no events in ${ACTIVITY_PERIOD} (first ${relativeTime(r.firstEvent as string, now)})`;
    case "no events ever":
      return "never sent events";
    default:
      return `first event ${relativeTime(r.firstEvent as string, now)}`;
  }
}

runIfMain(tool, import.meta.url);
