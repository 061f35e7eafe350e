// project-settings: how one project is configured, grouped (general, issue handling, notifications,
// data privacy, security, releases) with its client keys (DSNs); settings at Sentry's defaults are hidden unless --defaults.

import { bool, project } from "./lib/flags.js";
import { UsageError } from "./lib/errors.js";
import { listWithMore, plural, relativeTime, truncate } from "./lib/output.js";
import { tryGet } from "./lib/sentry/client.js";
import { getProject, getProjectKeys, PROJECT_READ_SCOPE, type RawKey, type RawProject } from "./lib/sentry/projects.js";
import { itemTool, runIfMain } from "./lib/tool.js";
import { cleanText } from "./lib/text.js";
import { formatDuration, parseSlug } from "./lib/validate.js";

const MAX_LIST_SHOWN = 6;
const RULE_TEXT_WIDTH = 90;
const HOUR_S = 3600;
/** Sentry's grouping config for projects created since 2023 (src/sentry/grouping/strategies/configurations.py). */
const DEFAULT_GROUPING_CONFIG = "newstyle:2023-01-11";

type GroupName = "general" | "issueHandling" | "notifications" | "dataPrivacy" | "security" | "releases";

const GROUP_TITLES: Record<GroupName, string> = {
  general: "general",
  issueHandling: "issue handling",
  notifications: "notifications",
  dataPrivacy: "data privacy",
  security: "security",
  releases: "releases",
};

/** A setting of GET /projects/{org}/{project}/ (docs/sentry-api.md §12): its group, Sentry's default, and how it reads. */
interface SettingSpec {
  group: GroupName;
  /** True when the value is Sentry's default (or unset), so it is hidden without --defaults. */
  isDefault(value: unknown): boolean;
  text(value: unknown): string;
}

const isEmpty = (v: unknown): boolean =>
  v === null || v === undefined || v === "" || (Array.isArray(v) && v.length === 0) || (typeof v === "object" && !Array.isArray(v) && Object.keys(v as object).length === 0);
const equals = (expected: unknown) => (v: unknown) => v === expected;
const onOff = (v: unknown): string => (v ? "on" : "off");
const list = (v: unknown): string => (Array.isArray(v) && v.length ? listWithMore(v.map(String), MAX_LIST_SHOWN) : "none");
const quoted = (v: unknown): string => JSON.stringify(String(v ?? ""));
/** Multi-line rule text (fingerprinting, stack trace rules) as "N rules: first; second…". */
const rules = (v: unknown): string => {
  const lines = String(v ?? "")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  return lines.length ? `${plural(lines.length, "rule")}: ${truncate(lines.join("; "), RULE_TEXT_WIDTH)}` : "none";
};

const SETTINGS: Record<string, SettingSpec> = {
  defaultEnvironment: { group: "general", isDefault: isEmpty, text: (v) => `default environment ${v ?? "none"}` },
  status: { group: "general", isDefault: (v) => v === undefined || v === "active", text: (v) => `status ${v}` },
  // resolveAge is in hours; 0 means issues are never auto-resolved.
  resolveAge: {
    group: "issueHandling",
    isDefault: (v) => !v,
    text: (v) => (Number(v) > 0 ? `auto-resolve after ${formatDuration(Number(v) * HOUR_S)} without events` : "auto-resolve off"),
  },
  groupingConfig: { group: "issueHandling", isDefault: equals(DEFAULT_GROUPING_CONFIG), text: (v) => `grouping config ${v}` },
  fingerprintingRules: { group: "issueHandling", isDefault: isEmpty, text: (v) => `fingerprint ${rules(v)}` },
  groupingEnhancements: { group: "issueHandling", isDefault: isEmpty, text: (v) => `stack trace ${rules(v)}` },
  subjectPrefix: { group: "issueHandling", isDefault: isEmpty, text: (v) => `email subject prefix ${quoted(v)}` },
  subjectTemplate: { group: "issueHandling", isDefault: equals("$shortID - $title"), text: (v) => `email subject template ${quoted(v)}` },
  highlightTags: { group: "issueHandling", isDefault: isEmpty, text: (v) => `highlight tags ${list(v)}` },
  highlightContext: {
    group: "issueHandling",
    isDefault: isEmpty,
    text: (v) =>
      `highlight context ${Object.entries((v ?? {}) as Record<string, string[]>)
        .map(([ctx, keys]) => `${ctx}.${Array.isArray(keys) && keys.length > 1 ? `{${keys.join(",")}}` : (keys?.[0] ?? "")}`)
        .join(", ") || "none"}`,
  },
  // Digest delays are in seconds: how long Sentry batches issue-alert emails before sending.
  digestsMinDelay: { group: "notifications", isDefault: equals(300), text: (v) => `email digest min delay ${formatDuration(Number(v))}` },
  digestsMaxDelay: { group: "notifications", isDefault: equals(1800), text: (v) => `email digest max delay ${formatDuration(Number(v))}` },
  dataScrubber: { group: "dataPrivacy", isDefault: equals(true), text: (v) => `data scrubber ${onOff(v)}` },
  dataScrubberDefaults: { group: "dataPrivacy", isDefault: equals(true), text: (v) => `default scrubbing rules ${onOff(v)}` },
  scrubIPAddresses: { group: "dataPrivacy", isDefault: equals(false), text: (v) => `IP address scrubbing ${onOff(v)}` },
  sensitiveFields: { group: "dataPrivacy", isDefault: isEmpty, text: (v) => `sensitive fields ${list(v)}` },
  safeFields: { group: "dataPrivacy", isDefault: isEmpty, text: (v) => `safe fields ${list(v)}` },
  relayPiiConfig: { group: "dataPrivacy", isDefault: isEmpty, text: (v) => `advanced scrubbing rules ${isEmpty(v) ? "none" : "set"}` },
  // null inherits the organization's setting; -1 keeps every crash report (project_details.py).
  storeCrashReports: {
    group: "dataPrivacy",
    isDefault: (v) => v === null || v === undefined,
    text: (v) => `store crash reports ${v === -1 ? "all" : v === 0 ? "off" : v === null ? "as the organization" : `${v} per issue`}`,
  },
  allowedDomains: {
    group: "security",
    isDefault: (v) => Array.isArray(v) && v.length === 1 && v[0] === "*",
    text: (v) => `allowed domains ${list(v)}`,
  },
  scrapeJavaScript: { group: "security", isDefault: equals(true), text: (v) => `scrape JavaScript sources ${onOff(v)}` },
  verifySSL: { group: "security", isDefault: equals(false), text: (v) => `verify TLS when scraping ${onOff(v)}` },
  // The header name only; the security token itself is a credential and is never printed.
  securityTokenHeader: { group: "security", isDefault: isEmpty, text: (v) => `security token header ${v ?? "none"}` },
  enableAutoReleaseCreation: { group: "releases", isDefault: equals(false), text: (v) => `create releases automatically ${onOff(v)}` },
};

const GROUP_ORDER: GroupName[] = ["general", "issueHandling", "notifications", "dataPrivacy", "security", "releases"];

/**
 * A client key as an SDK is configured with it: `<scheme>://<publicKey>@<ingest host>/<projectId>`.
 * The public key is not a secret (it ships in browser bundles, and lib/redact.ts leaves 32-hex keys
 * readable); the key's secret half is never shown.
 */
export interface Dsn {
  name: string;
  active: boolean;
  /** The public DSN, or null when the server sent none. */
  dsn: string | null;
  rateLimit: string | null;
}

export interface ProjectSettings {
  general: Record<string, unknown>;
  issueHandling: Record<string, unknown>;
  notifications: Record<string, unknown>;
  dataPrivacy: Record<string, unknown>;
  security: Record<string, unknown>;
  releases: Record<string, unknown>;
  /** null when the token may not read the project's keys. */
  dsns: Dsn[] | null;
  /** More keys exist than one page shows. */
  moreDsns: boolean;
  /** How many settings are at Sentry's default and left out (0 with --defaults). */
  hiddenDefaults: number;
}

export const tool = itemTool({
  name: "project-settings",
  category: "projects",
  summary: "Show a project's settings (defaults hidden) and its DSNs",
  positionals: [{ name: "project", help: "Project slug (default: SENTRY_PROJECT, .sentryclirc, or the first project)" }],
  flags: {
    // Accepted as well as the argument: the "using project …" note every tool prints suggests --project.
    project: project("Same as the <project> argument"),
    // Not --all: that means "every page" in every tool that has it.
    defaults: bool("Also show settings that are at Sentry's default or unset"),
  },
  fields: ["general", "issueHandling", "notifications", "dataPrivacy", "security", "releases", "dsns", "moreDsns", "hiddenDefaults"],
  examples: [
    { args: "api-backend", about: "what differs from Sentry's defaults, and the DSNs" },
    { args: "api-backend --defaults", about: "every setting, defaults included" },
    { args: "web-frontend --json --fields dsns", about: "where the SDK sends data" },
  ],
  scopes: PROJECT_READ_SCOPE,
  api: ["GET /api/0/projects/{org}/{project}/", "GET /api/0/projects/{org}/{project}/keys/"],
  parse({ flags, positionals }) {
    const fromArg = positionals[0] !== undefined ? parseSlug(positionals[0], "project") : undefined;
    if (fromArg && flags.project && fromArg !== flags.project) throw new UsageError(`two different projects given: ${fromArg} and --project ${flags.project}`);
    return { project: fromArg ?? flags.project, defaults: flags.defaults };
  },
  async run(input, ctx): Promise<ProjectSettings> {
    const org = await ctx.api.org();
    const slug = input.project ?? (await ctx.api.project());
    // Independent reads: one round trip of wall time. The keys are optional: without access the settings still show.
    const [details, keys] = await Promise.all([getProject(ctx.api, org, slug), tryGet(getProjectKeys(ctx.api, org, slug))]);
    return projectSettings(details.body, keys, input.defaults);
  },
  render(result, ctx) {
    const lines: string[] = [];
    const g = result.general;
    const teams = (g.teams as string[]).length ? `teams ${listWithMore(g.teams as string[], MAX_LIST_SHOWN)}` : "no team";
    const activity = g.firstEvent ? `first event ${relativeTime(g.firstEvent as string, ctx.now)}` : "never received an event";
    lines.push(`${g.slug} (${g.name}): ${g.platform ?? "no platform"}; ${teams}; created ${relativeTime(g.dateCreated as string, ctx.now)}; ${activity}`);
    for (const group of GROUP_ORDER) {
      // The general group's identity fields are on the first line; only its settings follow here.
      const texts = Object.entries(result[group])
        .filter(([key]) => SETTINGS[key] !== undefined)
        .map(([key, value]) => SETTINGS[key]!.text(value));
      if (texts.length) lines.push(`${GROUP_TITLES[group]}: ${texts.join("; ")}`);
    }
    if (result.dsns === null) {
      lines.push("DSNs: the token may not read this project's client keys (403)");
    } else if (result.dsns.length === 0) {
      lines.push("DSNs: none (the project has no client keys)");
    } else {
      lines.push(`DSNs (${result.dsns.length}${result.moreDsns ? "+" : ""}):`);
      for (const k of result.dsns) {
        const extra = [k.active ? "active" : "disabled", k.rateLimit ? `rate limit ${k.rateLimit}` : ""].filter(Boolean).join(", ");
        lines.push(`  ${truncate(k.name, RULE_TEXT_WIDTH)} (${extra}): ${k.dsn ?? "no public DSN"}`);
      }
    }
    if (result.hiddenDefaults > 0) lines.push(`${plural(result.hiddenDefaults, "setting")} at Sentry's default hidden; --defaults shows them.`);
    // Names, rules, prefixes and DSNs are server text: each printed line is cleaned whole.
    return lines.map(cleanText).join("\n");
  },
});

function projectSettings(p: RawProject, keys: { keys: RawKey[]; more: boolean } | null, all: boolean): ProjectSettings {
  const groups: Record<GroupName, Record<string, unknown>> = {
    general: {
      id: p.id,
      slug: p.slug,
      name: p.name,
      platform: p.platform,
      teams: (p.teams ?? []).map((t) => t.slug),
      dateCreated: p.dateCreated,
      firstEvent: p.firstEvent,
    },
    issueHandling: {},
    notifications: {},
    dataPrivacy: {},
    security: {},
    releases: {},
  };
  let hiddenDefaults = 0;
  for (const [key, spec] of Object.entries(SETTINGS)) {
    // A field this server does not send (older self-hosted) is neither shown nor counted.
    if (!(key in p)) continue;
    const value = p[key];
    if (!all && spec.isDefault(value)) {
      hiddenDefaults++;
      continue;
    }
    groups[spec.group][key] = value ?? null;
  }
  const dsns: Dsn[] | null = keys
    ? keys.keys.map((k) => ({
        name: k.name,
        active: k.isActive !== false,
        dsn: k.dsn?.public ?? null,
        rateLimit: k.rateLimit && k.rateLimit.count ? `${k.rateLimit.count}/${formatDuration(k.rateLimit.window)}` : null,
      }))
    : null;
  const moreDsns = keys?.more ?? false;
  return { ...groups, dsns, moreDsns, hiddenDefaults };
}

runIfMain(tool, import.meta.url);
