// list-projects: the organization's projects, one line each (slug, platform, teams, activity, age),
// so an agent can pick a project slug and tell live projects from abandoned ones.

import { apiPath } from "./lib/urls.js";
import { alignColumns, compactNumber, listWithMore, relativeTime, truncate } from "./lib/output.js";
import { defineListTool, runIfMain, type ListSummary } from "./lib/tool.js";
import { UsageError } from "./lib/errors.js";

/** Window for "has it received events lately": Sentry's project stats accept 24h, 14d, 30d. */
const ACTIVITY_PERIOD = "14d";
const MAX_TEAMS_SHOWN = 2;
const NAME_WIDTH = 28;

interface RawProject {
  id: string;
  slug: string;
  name: string;
  platform: string | null;
  dateCreated: string;
  firstEvent: string | null;
  teams?: Array<{ slug: string }>;
  /** [[unix seconds, events], …] over ACTIVITY_PERIOD when statsPeriod is sent. */
  stats?: Array<[number, number]>;
  hasSessions?: boolean;
  latestRelease?: { version: string } | null;
}

interface Input {
  query?: string;
  platform?: string;
}

export const tool = defineListTool<Input, ListSummary & { query?: string }>({
  name: "list-projects",
  category: "projects",
  summary: "List the organization's projects: slug, name, platform, teams, recent events, created",
  flags: {
    query: { type: "string", placeholder: "TEXT", help: "Match project name or slug (Sentry search, e.g. team:backend)" },
    platform: { type: "string", placeholder: "NAME", help: "Only projects of this platform (e.g. python, javascript-react)" },
  },
  defaultLimit: 50,
  fields: ["id", "slug", "name", "platform", "teams", "dateCreated", "firstEvent", "events14d", "activity", "latestRelease"],
  examples: [
    { args: "", about: "every project, live ones marked" },
    { args: "--platform python --json", about: "Python projects as JSON" },
    { args: "--query team:backend", about: "projects of one team" },
  ],
  scopes: "org:read",
  api: ["GET /api/0/organizations/{org}/projects/?statsPeriod=14d"],
  parse({ flags }) {
    const platform = flags.platform as string | undefined;
    if (platform !== undefined && !/^[a-z0-9][a-z0-9._-]{0,63}$/.test(platform)) {
      throw new UsageError(`invalid --platform ${JSON.stringify(platform)}: use a Sentry platform name like python or javascript-react`);
    }
    return { query: flags.query as string | undefined, platform };
  },
  async run(input, ctx) {
    const org = await ctx.api.org();
    const query = [input.query, input.platform ? `platform:${input.platform}` : undefined].filter(Boolean).join(" ");
    let nextCursor: string | null = null;
    let fetched = 0;
    for await (const page of ctx.api.paginate<RawProject>(apiPath`/organizations/${org}/projects/`, {
      query: { query: query || undefined, statsPeriod: ACTIVITY_PERIOD },
      sizeParam: "per_page",
      limit: ctx.list.limit,
      cursor: ctx.list.cursor,
      all: ctx.list.all,
      errorContext: { scopes: "org:read" },
    })) {
      ctx.emit(page.items.map(projectRecord));
      fetched += page.items.length;
      nextCursor = page.nextCursor;
      ctx.progress(`fetched ${fetched} projects…`);
    }
    return { nextCursor, query: query || undefined };
  },
  render(records, summary) {
    if (records.length === 0) return summary.query ? `No projects match ${JSON.stringify(summary.query)}.` : "No projects in this organization.";
    const rows = records.map((r) => [
      String(r.slug),
      String(r.platform ?? "-"),
      activityLabel(r),
      listWithMore(r.teams as string[], MAX_TEAMS_SHOWN) || "-",
      `created ${relativeTime(r.dateCreated as string)}`,
      truncate(String(r.name), NAME_WIDTH),
    ]);
    const lines = [`${records.length} project${records.length === 1 ? "" : "s"}${summary.query ? ` matching ${JSON.stringify(summary.query)}` : ""} (events over ${ACTIVITY_PERIOD}):`];
    lines.push(...alignColumns(rows));
    if (summary.nextCursor) lines.push(`More: --cursor ${summary.nextCursor}`);
    return lines.join("\n");
  },
});

type Activity = "live" | "quiet" | "no events ever" | "unknown";

function projectRecord(p: RawProject): Record<string, unknown> {
  const events = Array.isArray(p.stats) ? p.stats.reduce((sum, [, n]) => sum + (Number(n) || 0), 0) : null;
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
    activity,
    latestRelease: p.latestRelease?.version ?? null,
  };
}

function activityLabel(r: Record<string, unknown>): string {
  const events = r.events14d as number | null;
  switch (r.activity as Activity) {
    case "live":
      return `${compactNumber(events)} events`;
    case "quiet":
      return `no events in ${ACTIVITY_PERIOD}`;
    case "no events ever":
      return "never sent events";
    default:
      return `first event ${relativeTime(r.firstEvent as string)}`;
  }
}

runIfMain(tool, import.meta.url);
