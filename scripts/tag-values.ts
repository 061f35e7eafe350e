// tag-values: how an issue's events spread over the values of several tags at once (release, environment,
// browser, …): the top values per key with their share of the events, and a flag on any value that holds most
// of them, which is usually where the bug lives (one release, one browser, one customer).

import { mapLimit } from "./lib/concurrency.js";
import { NotFoundError, UsageError } from "./lib/errors.js";
import { shortVersion } from "./lib/event-summary.js";
import { environments, type Flag } from "./lib/flags.js";
import { issueTarget, notFoundHint } from "./lib/issues.js";
import { commandLine, compactNumber, percent, plural, truncate } from "./lib/output.js";
import { getIssueTag, READ_SCOPE, type RawIssueTag } from "./lib/sentry/issues.js";
import { cleanText } from "./lib/text.js";
import { itemTool, runIfMain } from "./lib/tool.js";
import { isShortId, parseIssueRef, quoteInput, type IssueRef } from "./lib/validate.js";

/** The keys that most often tell where an issue lives, when --key is not given. */
const DEFAULT_KEYS = ["release", "environment", "browser", "os", "url", "user"];
/** Tag keys Sentry stores: letters, digits, _ . : - and at most 32 characters (tagstore's key rules). */
const TAG_KEY = /^[a-zA-Z0-9_.:-]{1,32}$/;
const MAX_KEYS = 20;
/** Keys read at once: enough to answer in one round trip for a usual call, few enough for Sentry's concurrency limit. */
const CONCURRENCY = 6;
const TOP_VALUES = 5;
/** A value holding more than this share of the key's events is flagged: the issue is (almost) confined to it. */
export const DOMINANT_SHARE = 0.8;
const VALUE_WIDTH = 48;

interface Input {
  ref: IssueRef;
  label: string;
  keys: string[];
  environment: string[];
}

interface TagValue {
  value: string | null;
  /** Sentry's display name when it differs (a user tag's email). */
  name: string | null;
  count: number | null;
  /** count / the events that carry the key; null when Sentry sent no total. */
  share: number | null;
  lastSeen: string | null;
}

interface TagSpread {
  key: string;
  /** Events that carry the key. */
  total: number | null;
  /** Distinct values. */
  unique: number | null;
  values: TagValue[];
  /** The value holding more than 80% of the key's events, if one does. */
  dominant: string | null;
}

interface Result {
  issue: string;
  tags: TagSpread[];
  /** Keys asked for that no event of the issue carries. */
  missing: string[];
  org: string | null;
}

/** --key, repeatable and comma-separated: each a valid tag key, repeats dropped; absent when not given. */
function keysFlag(): Flag<string[] | undefined> {
  return {
    type: "string",
    multiple: true,
    placeholder: "KEY,KEY",
    help: `Tag keys, comma-separated or repeated (default ${DEFAULT_KEYS.join(",")})`,
    read: (raw) => (raw === undefined ? undefined : parseKeys(Array.isArray(raw) ? raw : [String(raw)])),
  };
}

function parseKeys(raw: readonly string[]): string[] {
  const keys = [...new Set(raw.flatMap((k) => k.split(",")).map((k) => k.trim()).filter(Boolean))];
  for (const k of keys) if (!TAG_KEY.test(k)) throw new UsageError(`invalid tag key ${quoteInput(k)}: letters, digits, _ . : - and at most 32 characters, e.g. release or browser.name`);
  if (keys.length === 0) throw new UsageError("--key needs at least one tag key, e.g. --key release,environment");
  if (keys.length > MAX_KEYS) throw new UsageError(`at most ${MAX_KEYS} tag keys per call, got ${keys.length}`);
  return keys;
}

export const tool = itemTool({
  name: "tag-values",
  category: "errors",
  summary: "Show an issue's top tag values and their shares, several keys at once",
  positionals: [{ name: "issue", help: "Numeric ID, short ID (WEB-FRONTEND-1A2) or issue URL", required: true }],
  flags: {
    key: keysFlag(),
    environment: environments("Only events of this environment, e.g. production"),
  },
  fields: ["issue", "tags", "missing", "org"],
  examples: [
    { args: "API-BACKEND-12", about: `the usual suspects: ${DEFAULT_KEYS.join(", ")}` },
    { args: "API-BACKEND-12 --key release,environment,browser.name", about: "three keys in one call" },
    { args: "4242 --key customer --environment production --json", about: "a custom tag, production only, as JSON" },
  ],
  scopes: READ_SCOPE,
  api: ["GET /api/0/organizations/{org}/issues/{issue}/tags/{key}/ (one per key, up to 6 at once)"],
  parse({ flags, positionals }): Input {
    const label = positionals[0]!;
    return { ref: parseIssueRef(label), label, keys: flags.key ?? DEFAULT_KEYS, environment: flags.environment };
  },
  async run(input, ctx): Promise<Result> {
    const target = await issueTarget(input.ref, ctx.api, input.label);
    const hint = notFoundHint(target);
    // One GET per key, in parallel. A key no event carries answers 404 ("Tag key not found"): that key is
    // reported missing; only when every key is missing can the issue itself be what is not there.
    const answers = await mapLimit(input.keys, CONCURRENCY, async (key): Promise<{ key: string; tag: RawIssueTag | null; notFound?: NotFoundError }> => {
      try {
        return { key, tag: (await getIssueTag(ctx.api, target.org, target.pathId, key, input.environment, hint)).body };
      } catch (err) {
        if (err instanceof NotFoundError && err.status === 404) return { key, tag: null, notFound: err };
        throw err;
      }
    });
    const found = answers.flatMap((a) => (a.tag ? [a.tag] : []));
    const missing = answers.filter((a) => !a.tag).map((a) => a.key);
    if (found.length === 0) {
      throw new NotFoundError(answers[0]!.notFound!.message, `${hint}; or no event of the issue carries ${missing.join(", ")}`, 404);
    }
    const orgNamed = ctx.config.orgSource === "--org" || (input.ref.kind === "url" && input.ref.org !== undefined);
    return { issue: target.pathId, tags: found.map(spread), missing, org: orgNamed ? target.org : null };
  },
  render(r) {
    const lines = [`Tag values${isShortId(r.issue) || /^\d+$/.test(r.issue) ? ` of ${r.issue}` : ""}, top ${TOP_VALUES} per key, share of the events carrying the key:`];
    for (const t of r.tags) {
      const head = `${t.key} (${t.total !== null ? `${compactNumber(t.total)} events` : "events unknown"}${t.unique !== null ? `, ${plural(t.unique, "value")}` : ""})`;
      const values = t.values.map((v) => {
        const shown = truncate(t.key === "release" && v.value ? shortVersion(v.value) : (v.name ?? v.value ?? "(none)"), VALUE_WIDTH);
        const mark = v.value !== null && v.value === t.dominant ? " <- over 80%" : "";
        return `${shown} ${v.share !== null ? percent(v.share, 0) : compactNumber(v.count)}${mark}`;
      });
      lines.push(`${head}: ${values.join(", ") || "no values"}`);
    }
    if (r.missing.length) lines.push(`Not on any event: ${r.missing.join(", ")}`);
    // An issue confined to production says little; one confined to a release, browser or customer is the lead.
    const dominant = r.tags.find((t) => t.dominant !== null && t.key !== "environment");
    const scope = r.org ? ["--org", r.org] : [];
    if (dominant && (isShortId(r.issue) || /^\d+$/.test(r.issue))) {
      lines.push(`Next: ${commandLine("issue-events", [r.issue, "--query", `${dominant.key}:"${dominant.dominant!.replace(/["\\]/g, "\\$&")}"`, ...scope])}`);
    }
    return lines.map(cleanText).join("\n");
  },
});

function spread(t: RawIssueTag): TagSpread {
  const counted = (t.topValues ?? []).reduce((sum, v) => sum + (v.count ?? 0), 0);
  // totalValues counts the events that carry the key (every value, not only the top ones Sentry sends).
  const total = t.totalValues ?? null;
  const values = (t.topValues ?? [])
    .slice()
    .sort((a, b) => (b.count ?? 0) - (a.count ?? 0))
    .slice(0, TOP_VALUES)
    .map((v) => ({
      value: v.value,
      name: v.name && v.name !== v.value ? v.name : null,
      count: v.count,
      share: total && v.count !== null ? Math.min(1, v.count / Math.max(total, counted)) : null,
      lastSeen: v.lastSeen ?? null,
    }));
  const top = values[0];
  return {
    key: t.key,
    total,
    unique: t.uniqueValues ?? null,
    values,
    dominant: top && top.share !== null && top.share > DOMINANT_SHARE ? top.value : null,
  };
}

runIfMain(tool, import.meta.url);
