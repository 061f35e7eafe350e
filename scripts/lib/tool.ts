// The tool declaration and the runner every script shares. A tool file declares what it is (name,
// category, typed flags from lib/flags.ts, examples), runs, and renders; the runner owns argv, reading the
// flags, --help, configuration, output modes (--json, --ndjson, --fields), preview/apply of writes, and exit
// codes. One way through: argv → input → config → API → records → text or JSON.

import { realpathSync } from "node:fs";
import { dirname, isAbsolute, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { SentryApi } from "./api.js";
import type { Config } from "./config.js";
import { CliError, EXIT, EXIT_MEANINGS, UsageError } from "./errors.js";
import type { Flag, FlagInput, RawFlag } from "./flags.js";
import { JsonListWriter, selectFields, shellQuote, toJson } from "./output.js";
import { redactSecrets } from "./redact.js";
import { capText, cleanText } from "./text.js";
import { MAX_PAGE_SIZE, MAX_PAGES_ALL } from "./urls.js";
import { isCursor, parseCursor, parseIntegerFlag } from "./validate.js";

/** The categories, in the order SKILL.md presents them; each has references/<id>.md. */
export const CATEGORIES = [
  { id: "errors", title: "Errors", reference: "references/errors.md" },
  { id: "performance", title: "Performance", reference: "references/performance.md" },
  { id: "releases", title: "Releases", reference: "references/releases.md" },
  { id: "projects", title: "Projects", reference: "references/projects.md" },
] as const;

export type Category = (typeof CATEGORIES)[number]["id"];

export interface FlagSpec {
  type: "string" | "boolean";
  multiple?: boolean;
  short?: string;
  /** Shown after the flag in help: --limit N, --period DURATION. */
  placeholder?: string;
  help: string;
  /** Shown in help and docs; the tool applies it (parseArgs defaults would hide "not given"). */
  default?: string;
}

export interface PositionalSpec {
  name: string;
  help: string;
  required?: boolean;
  /** Takes one or more values (must be last). */
  variadic?: boolean;
}

export interface Example {
  /** Arguments after `node dist/<tool>.mjs`. */
  args: string;
  about: string;
}

export type FlagValues = Record<string, RawFlag>;
/** A declaration's flags: typed flags from lib/flags.ts. */
export type FlagDecls = Record<string, Flag<unknown>>;

/** What `parse` gets: the typed flags and the positionals, for checks across them. */
export interface ParseArgs<F> {
  flags: FlagInput<F>;
  positionals: string[];
  list: ListArgs;
}

export interface RawArgs {
  flags: FlagValues;
  positionals: string[];
  list: ListArgs;
}

export interface ListArgs {
  limit: number;
  cursor?: string;
  all: boolean;
}

export interface ToolContext {
  api: SentryApi;
  config: Config;
  list: ListArgs;
  /** Whether --yes was given (write tools only). */
  yes: boolean;
  verbose: boolean;
  /** For list tools: hands a page of projected records to the output as it arrives (--ndjson streams). */
  emit(records: Array<Record<string, unknown>>): void;
  /** A note on stderr (picked defaults, fallbacks). */
  warn(message: string): void;
  /** A progress line on stderr, shown only when stderr is a terminal. */
  progress(message: string): void;
  now: number;
}

export interface RenderContext {
  now: number;
  config: Config;
  verbose: boolean;
}

/** What every list tool's run returns besides the records it emitted. */
export interface ListSummary {
  nextCursor: string | null;
  /** Total matches when the server says (X-Hits). */
  total?: number;
}

/** What every write tool's run returns: whether it wrote, and how many changes it made or would make. */
export interface WriteSummary {
  applied: boolean;
  changes: number;
}

interface BaseDeclaration<I> {
  name: string;
  category: Category;
  /** One line: what it shows or does. Used in --help, SKILL.md and the references. */
  summary: string;
  positionals?: PositionalSpec[];
  flags: FlagDecls;
  examples: Example[];
  /** Token scopes the tool needs (any of), for docs and 403 hints. */
  scopes: string;
  /** The API calls it makes, for the references' transparency section. */
  api: string[];
  /**
   * Checks across flags and positionals, turning them into the tool's input; throws UsageError. Runs before
   * any request. Without it the input is the typed flags themselves.
   */
  parse?(args: RawArgs): I;
}

export interface ItemToolDeclaration<I, R> extends BaseDeclaration<I> {
  kind: "item";
  /** Write tools get --yes and exit 3 when a change was previewed but not made. */
  writes?: boolean;
  /** Top-level keys of the JSON result, for --fields and the docs. */
  fields: string[];
  /**
   * For a result that holds a list (list-alerts' alerts): --ndjson prints its records, one per line, and
   * --fields with --ndjson picks among their keys. Without it --ndjson prints the whole result on one line.
   */
  records?: { key: string; fields: string[] };
  run(input: I, ctx: ToolContext): Promise<R>;
  render(result: R, ctx: RenderContext): string;
}

export interface ListToolDeclaration<I, S extends ListSummary> extends BaseDeclaration<I> {
  kind: "list";
  /** Records shown without --limit. */
  defaultLimit: number;
  /** Keys of each record, for --fields and the docs. */
  fields: string[];
  run(input: I, ctx: ToolContext): Promise<S>;
  render(records: Array<Record<string, unknown>>, summary: S, ctx: RenderContext): string;
}

/** A request a write tool sends with --yes: printed as the preview ("Would send:") and after it ("Sent:"). */
export interface PlannedRequest {
  method: "POST" | "PUT" | "DELETE";
  /** Path with query, as sent (from /api/0 on). */
  path: string;
  body: unknown;
  /** The issues the request touches (issue status writes), by short ID. */
  issues?: string[];
}

/**
 * What a write tool's `plan` returns, after reading (GET only) what it needs. The runner prints the plan
 * and exits 3 without --yes; with --yes (and something to change) it calls `apply`, the only place a write
 * tool sends anything, and prints its result instead.
 */
export interface WritePlan<R> {
  /** How many things would change; 0 means nothing to do (exit 0, `apply` is not called). */
  changes: number;
  /** The tool's data for the preview: before and after per target. */
  result: R;
  requests: PlannedRequest[];
  /** Why a change may not hold, one sentence each; printed as "Warning: …". */
  warnings: string[];
  /** Sends `requests`; returns the result as applied (the state Sentry answered with). */
  apply(): Promise<R>;
}

/** A write tool's JSON: whether it wrote, how many changes, the tool's fields, then requests and warnings. */
export type WriteOutput<R> = { applied: boolean; changes: number } & R & { requests: PlannedRequest[]; warnings: string[] };

export interface WriteToolDeclaration<I, R> extends BaseDeclaration<I> {
  kind: "item";
  writes: true;
  /** Top-level keys of the JSON result: applied, changes, the tool's own, requests, warnings. */
  fields: string[];
  plan(input: I, ctx: ToolContext): Promise<WritePlan<R>>;
  /** The text before the warnings and the "Would send:"/"Sent:" block the runner adds. */
  render(result: WriteOutput<R>, ctx: RenderContext): string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTool = ItemToolDeclaration<any, any> | ListToolDeclaration<any, any> | WriteToolDeclaration<any, any>;

/** The parts every typed declaration shares; `parse` sees the flags typed from `flags`. */
type Typed<F extends FlagDecls, I, D extends BaseDeclaration<I>> = Omit<D, "kind" | "flags" | "parse"> & {
  flags: F;
  parse?(args: ParseArgs<F>): I;
};

/**
 * A tool that lists records (pages, --limit, --cursor, --all). Its `run` gets the typed flags (or what `parse`
 * made of them) and emits records through ctx.emit; `render` prints them.
 */
export function listTool<F extends FlagDecls, S extends ListSummary, I = FlagInput<F>>(tool: Typed<F, I, ListToolDeclaration<I, S>>): ListToolDeclaration<I, S> {
  return { kind: "list", ...(tool as Omit<ListToolDeclaration<I, S>, "kind">) };
}

/** A tool that shows one thing: `run` returns the plain data object that --json prints and `render` prints as text. */
export function itemTool<F extends FlagDecls, R, I = FlagInput<F>>(tool: Typed<F, I, ItemToolDeclaration<I, R>>): ItemToolDeclaration<I, R> {
  return { kind: "item", ...(tool as Omit<ItemToolDeclaration<I, R>, "kind">) };
}

/** A tool that changes something: `plan` reads and returns a WritePlan; the runner previews or applies it. */
export function writeTool<F extends FlagDecls, R, I = FlagInput<F>>(tool: Typed<F, I, Omit<WriteToolDeclaration<I, R>, "writes">>): WriteToolDeclaration<I, R> {
  return { kind: "item", writes: true, ...(tool as Omit<WriteToolDeclaration<I, R>, "kind" | "writes">) };
}

/** Reads every declared flag with its parser. Throws UsageError. */
export function readFlags(tool: AnyTool, values: FlagValues): FlagValues {
  const out: FlagValues = {};
  for (const [name, flag] of Object.entries(tool.flags)) out[name] = flag.read(values[name], name) as RawFlag;
  return out;
}

/** The input `run`/`plan` gets: what `parse` returns, else the typed flags. */
export function toolInput(tool: AnyTool, raw: RawArgs): unknown {
  const args: RawArgs = { ...raw, flags: readFlags(tool, raw.flags) };
  return tool.parse ? tool.parse(args) : args.flags;
}

/** The text of a write: the tool's lines, its warnings, then the requests sent or that --yes would send. */
export function renderWrite<R>(tool: WriteToolDeclaration<unknown, R>, out: WriteOutput<R>, ctx: RenderContext): string {
  const lines = [tool.render(out, ctx)];
  for (const w of out.warnings) lines.push(`Warning: ${w}`);
  if (out.requests.length && out.changes > 0) {
    lines.push(out.applied ? "Sent:" : "Would send:");
    for (const q of out.requests) lines.push(`  ${q.method} ${q.path} ${toJson(q.body)}`);
  }
  return lines.join("\n");
}

/** Most records --limit may ask for without --all. */
export const MAX_LIMIT = 1000;
const DEFAULT_TIMEOUT_S = 30;
const MAX_TIMEOUT_S = 600;
/**
 * The whole run (every call, page and retry) must end within this many times --timeout: --timeout
 * bounds one call, and `--all` over 100 slow pages would otherwise take 100 of them.
 */
export const RUN_DEADLINE_FACTOR = 10;
/** Longest error message and hint printed: server details and echoed input are capped before this too. */
const MAX_ERROR_LINE_CHARS = 600;

/** Flags every tool has, in help order. */
export const COMMON_FLAGS: Record<string, FlagSpec> = {
  json: { type: "boolean", help: "Print one JSON document instead of text" },
  ndjson: { type: "boolean", help: "Print one JSON record per line (list tools stream page by page)" },
  fields: { type: "string", placeholder: "a,b,c", help: "With --json/--ndjson, keep only these fields" },
  org: { type: "string", placeholder: "SLUG", help: "Organization (default: SENTRY_ORG, .sentryclirc, or the token's first)" },
  url: { type: "string", placeholder: "URL", help: "Sentry URL (default: SENTRY_URL, .sentryclirc, https://sentry.io)" },
  timeout: { type: "string", placeholder: "SECONDS", help: `Deadline per API call, retries included; the whole run gets ${RUN_DEADLINE_FACTOR} times this`, default: String(DEFAULT_TIMEOUT_S) },
  verbose: { type: "boolean", help: "Log requests to stderr (secrets masked)" },
  help: { type: "boolean", short: "h", help: "Show this help" },
};

export const LIST_FLAGS: Record<string, FlagSpec> = {
  limit: { type: "string", placeholder: "N", help: `Records to show (max ${MAX_LIMIT}; pages of ${MAX_PAGE_SIZE} are fetched as needed)` },
  cursor: { type: "string", placeholder: "CURSOR", help: "Continue from a previous page (the footer prints it)" },
  all: { type: "boolean", help: `Follow every page, up to ${MAX_PAGES_ALL} pages` },
};

export const WRITE_FLAGS: Record<string, FlagSpec> = {
  yes: { type: "boolean", help: "Make the change; without it the tool only previews (exit 3)" },
};

/**
 * Every flag a tool accepts. A tool's own flag wins over a common one of the same name: create-release's
 * --url is the release's link (as Sentry's CLIs name it), so there the Sentry URL comes only from the
 * environment or .sentryclirc, and a link can never be mistaken for the server the token is sent to.
 */
export function allFlags(tool: AnyTool): Record<string, FlagSpec> {
  return { ...ownFlagsOf(tool), ...commonFlagsOf(tool) };
}

/** The tool's own flags, then the list or write flags it gets, in help order. */
function ownFlagsOf(tool: AnyTool): Record<string, FlagSpec> {
  return {
    ...tool.flags,
    ...(tool.kind === "list" ? LIST_FLAGS : {}),
    ...(tool.kind === "item" && tool.writes ? WRITE_FLAGS : {}),
  };
}

/** The common flags a tool has not taken over, for help and docs. */
export function commonFlagsOf(tool: AnyTool): Record<string, FlagSpec> {
  return Object.fromEntries(Object.entries(COMMON_FLAGS).filter(([name]) => !(name in tool.flags)));
}

export function usageLine(tool: AnyTool): string {
  const pos = (tool.positionals ?? []).map((p) => {
    const name = `<${p.name}>${p.variadic ? "..." : ""}`;
    return p.required ? name : `[${name}]`;
  });
  return ["node", `dist/${tool.name}.mjs`, ...pos, "[flags]"].join(" ");
}

function flagLabel(name: string, spec: FlagSpec): string {
  const short = spec.short ? `-${spec.short}, ` : "";
  return `${short}--${name}${spec.placeholder ? ` ${spec.placeholder}` : ""}${spec.multiple ? " ..." : ""}`;
}

export function renderHelp(tool: AnyTool): string {
  const lines = [`${tool.name}: ${tool.summary}`, "", `Usage: ${usageLine(tool)}`];
  if (tool.positionals?.length) {
    lines.push("", "Arguments:");
    for (const p of tool.positionals) lines.push(`  <${p.name}>  ${p.help}`);
  }
  const rows = Object.entries(ownFlagsOf(tool)).map(([n, s]) => [flagLabel(n, s), s.help + (s.default !== undefined ? ` (default ${s.default})` : "")]);
  if (tool.kind === "list") rows.find((r) => r[0]!.startsWith("--limit"))![1] += ` (default ${tool.defaultLimit})`;
  const width = Math.max(...rows.map((r) => r[0]!.length), 0);
  if (rows.length) {
    lines.push("", "Flags:");
    for (const [label, help] of rows) lines.push(`  ${label!.padEnd(width)}  ${help}`);
  }
  lines.push("", `Also: ${Object.entries(commonFlagsOf(tool)).filter(([n]) => n !== "help").map(([n, s]) => flagLabel(n, s)).join(", ")}`);
  lines.push(`JSON fields: ${tool.fields.join(", ")}`);
  if (tool.examples.length) {
    lines.push("", "Examples:");
    for (const ex of tool.examples) lines.push(`  node dist/${tool.name}.mjs ${ex.args}`.trimEnd() + `   # ${ex.about}`);
  }
  const codes = Object.entries(EXIT_MEANINGS).filter(([code]) => code !== String(EXIT.CONFIRMATION_REQUIRED) || (tool.kind === "item" && tool.writes));
  lines.push("", `Needs token scope: ${tool.scopes}. Exit codes: ${codes.map(([code, meaning]) => `${code} ${meaning}`).join(", ")}.`);
  return lines.join("\n");
}

interface Output {
  out(text: string): void;
  err(text: string): void;
}

const processOutput: Output = {
  out: (text) => {
    process.stdout.write(redactSecrets(text));
  },
  err: (text) => {
    process.stderr.write(redactSecrets(text));
  },
};

/**
 * Help, hints and examples say `node dist/<tool>.mjs`. An agent runs the tools from the user's project
 * with the skill's path in front (`node ~/.claude/skills/sentry-monitoring/dist/list-issues.mjs`), so
 * text output names the dist folder the way this run was invoked, and every printed command can be
 * pasted as it is. JSON output is left alone.
 */
function withInvokedDistPath(io: Output, entry: string | undefined): { text: Output; json: Output } {
  if (!entry) return { text: io, json: io };
  // Node hands us argv[1] made absolute; inside the skill's folder that is shortened back to dist/.
  const fromCwd = relative(process.cwd(), dirname(entry));
  const dir = fromCwd && !fromCwd.startsWith("..") && !isAbsolute(fromCwd) ? fromCwd : dirname(entry);
  if (dir === "dist") return { text: io, json: io };
  const prefix = `node ${shellQuote(dir)}/`;
  const localize = (text: string) => text.replaceAll("node dist/", prefix);
  return { text: { out: (t) => io.out(localize(t)), err: (t) => io.err(localize(t)) }, json: { out: io.out, err: (t) => io.err(localize(t)) } };
}

/** Turns a parseArgs failure into our one-line usage error naming the valid flags. */
function usageFromParseError(err: Error, tool: AnyTool): UsageError {
  const valid = Object.keys(allFlags(tool)).map((f) => `--${f}`).join(" ");
  const unknown = /Unknown option '([^']+)'/.exec(err.message)?.[1];
  if (unknown) return new UsageError(`unknown flag ${unknown}`, `valid flags: ${valid}`);
  const missing = /Option '(?:-\w, )?(--[\w-]+)(?: <value>)?' argument missing/.exec(err.message)?.[1];
  if (missing) return new UsageError(`${missing} needs a value`, `see: node dist/${tool.name}.mjs --help`);
  const ambiguous = /Option '(?:-\w, )?(--[\w-]+)' argument is ambiguous/.exec(err.message)?.[1];
  if (ambiguous) return new UsageError(`${ambiguous} needs a value`, `for a value that starts with a dash, write ${ambiguous}=VALUE`);
  const notBool = /Option '(?:-\w, )?(--[\w-]+)' does not take an argument/.exec(err.message)?.[1];
  if (notBool) return new UsageError(`${notBool} does not take a value`, `see: node dist/${tool.name}.mjs --help`);
  return new UsageError(err.message.split("\n")[0]!, `see: node dist/${tool.name}.mjs --help`);
}

export interface ParsedInvocation {
  help: boolean;
  raw: RawArgs;
  mode: "text" | "json" | "ndjson";
  fields?: string[];
  timeoutMs: number;
  verbose: boolean;
  yes: boolean;
  configFlags: { org?: string; project?: string; url?: string };
}

/** Parses and checks argv. Throws UsageError; sends nothing. */
export function parseInvocation(tool: AnyTool, argv: string[]): ParsedInvocation {
  const flags = allFlags(tool);
  const options: Record<string, { type: "string" | "boolean"; multiple?: boolean; short?: string }> = {};
  for (const [name, spec] of Object.entries(flags)) {
    // parseArgs rejects keys that are present but undefined.
    options[name] = { type: spec.type, ...(spec.multiple ? { multiple: true } : {}), ...(spec.short ? { short: spec.short } : {}) };
  }
  let parsed: { values: FlagValues; positionals: string[]; tokens: Array<{ kind: string; name?: string }> };
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true, tokens: true }) as typeof parsed;
  } catch (err) {
    if (argv.includes("--help") || argv.includes("-h")) return { help: true } as ParsedInvocation;
    throw usageFromParseError(err as Error, tool);
  }
  const v = parsed.values;
  if (v.help) return { help: true } as ParsedInvocation;
  // parseArgs keeps the last of a repeated single-value flag; silently dropping the first value
  // (--environment production --environment staging) would answer a question nobody asked.
  const seen = new Set<string>();
  for (const token of parsed.tokens) {
    if (token.kind !== "option" || !token.name) continue;
    const spec = flags[token.name];
    if (spec?.type === "string" && !spec.multiple) {
      if (seen.has(token.name)) throw new UsageError(`--${token.name} was given twice; it takes one value`, `see: node dist/${tool.name}.mjs --help`);
      seen.add(token.name);
    }
  }

  const specs = tool.positionals ?? [];
  const required = specs.filter((p) => p.required).length;
  const variadic = specs.some((p) => p.variadic);
  if (parsed.positionals.length < required) {
    const missing = specs[parsed.positionals.length]!;
    throw new UsageError(`missing <${missing.name}>: ${missing.help}`, `usage: ${usageLine(tool)}`);
  }
  if (!variadic && parsed.positionals.length > specs.length) {
    throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[specs.length])}`, `usage: ${usageLine(tool)}`);
  }

  if (v.json && v.ndjson) throw new UsageError("choose one of --json and --ndjson");
  const mode = v.json ? "json" : v.ndjson ? "ndjson" : "text";
  let fields: string[] | undefined;
  if (typeof v.fields === "string") {
    if (mode === "text") throw new UsageError("--fields works with --json or --ndjson");
    fields = v.fields.split(",").map((f) => f.trim()).filter(Boolean);
    const known = mode === "ndjson" && "records" in tool && tool.records ? tool.records.fields : tool.fields;
    const unknown = fields.filter((f) => !known.includes(f));
    if (unknown.length || fields.length === 0) {
      throw new UsageError(`unknown field ${unknown.join(", ") || "(none given)"}`, `fields: ${known.join(",")}`);
    }
  }
  const timeoutS = typeof v.timeout === "string" ? parseIntegerFlag(v.timeout, "timeout", 1, MAX_TIMEOUT_S) : DEFAULT_TIMEOUT_S;

  const list: ListArgs = { limit: 0, all: false };
  if (tool.kind === "list") {
    const limitGiven = typeof v.limit === "string";
    list.limit = limitGiven ? parseIntegerFlag(v.limit as string, "limit", 1, MAX_LIMIT) : tool.defaultLimit;
    list.all = v.all === true;
    if (list.all && limitGiven) throw new UsageError("--all and --limit do not go together", "--all follows every page; --limit N stops after N");
    if (typeof v.cursor === "string") list.cursor = parseCursor(v.cursor);
  }

  const raw: RawArgs = { flags: v, positionals: parsed.positionals, list };
  const project = typeof v.project === "string" ? v.project : undefined;
  return {
    help: false,
    raw,
    mode,
    fields,
    timeoutMs: timeoutS * 1000,
    verbose: v.verbose === true,
    yes: v.yes === true,
    configFlags: { org: v.org as string | undefined, url: "url" in tool.flags ? undefined : (v.url as string | undefined), project },
  };
}

/**
 * The error and hint lines. Both may carry server text (a 403's detail) or echoed input, so each is
 * cleaned to one line: a newline inside a detail cannot forge a "hint:" line of its own.
 */
function writeError(io: Output, err: CliError, toolName: string): void {
  io.err(`${toolName}: error: ${capText(cleanText(err.message), MAX_ERROR_LINE_CHARS)}\n`);
  if (err.hint) io.err(`hint: ${capText(cleanText(err.hint), MAX_ERROR_LINE_CHARS)}\n`);
}

/** Runs a tool with argv and returns the exit code. Never throws. */
export async function runTool(tool: AnyTool, argv: string[], rawIo: Output = processOutput, entry?: string): Promise<number> {
  let verbose = false;
  const streams = withInvokedDistPath(rawIo, entry);
  let io = streams.text;
  try {
    const inv = parseInvocation(tool, argv);
    if (!inv.help && inv.mode !== "text") io = streams.json;
    if (inv.help) {
      io.out(`${renderHelp(tool)}\n`);
      return EXIT.OK;
    }
    verbose = inv.verbose;
    const input = toolInput(tool, inv.raw);

    const { resolveConfig, defaultConfigInputs } = await import("./config.js");
    const config = resolveConfig(defaultConfigInputs(inv.configFlags));
    // Loaded only when a tool really runs, so --help never pays for the HTTP client.
    const { SentryApi } = await import("./api.js");
    const { closeHttp } = await import("./http.js");
    // Notes name server values (an organization slug, a region URL): one clean line each.
    const warn = (m: string) => io.err(`${tool.name}: ${capText(cleanText(m), MAX_ERROR_LINE_CHARS)}\n`);
    const api = new SentryApi({
      config,
      allowWrites: inv.yes,
      warn,
      http: {
        timeoutMs: inv.timeoutMs,
        runDeadline: Date.now() + inv.timeoutMs * RUN_DEADLINE_FACTOR,
        log: inv.verbose ? (line) => io.err(`${line}\n`) : undefined,
        backoffScale: process.env.SENTRY_MONITORING_TEST_FAST_RETRY === "1" ? 0.01 : 1,
      },
    });

    const records: Array<Record<string, unknown>> = [];
    const project = (r: Record<string, unknown>) => (inv.fields ? selectFields(r, inv.fields) : r);
    // --json --all streams the document page by page; a bounded --json listing prints all or nothing.
    const jsonList = inv.mode === "json" && inv.raw.list.all ? new JsonListWriter((text) => io.out(text)) : undefined;
    let progressShown = false;
    const ctx: ToolContext = {
      api,
      config,
      list: inv.raw.list,
      yes: inv.yes,
      verbose: inv.verbose,
      now: (await import("./clock.js")).toolNow(),
      emit(page) {
        if (inv.mode === "ndjson") {
          io.out(page.map((r) => toJson(project(r))).join("\n") + (page.length ? "\n" : ""));
        } else if (jsonList) {
          jsonList.page(page.map(project));
        } else {
          for (const r of page) records.push(r);
        }
      },
      warn,
      progress(message) {
        if (process.stderr.isTTY) {
          progressShown = true;
          process.stderr.write(`\r\x1b[K${redactSecrets(message)}`);
        }
      },
    };
    const renderCtx: RenderContext = { now: ctx.now, config, verbose: inv.verbose };

    let exitCode: number = EXIT.OK;
    try {
      if (tool.kind === "list") {
        const summary = await tool.run(input, ctx);
        if (progressShown) process.stderr.write("\r\x1b[K");
        if (jsonList) {
          jsonList.end({ nextCursor: summary.nextCursor, ...(summary.total !== undefined ? { total: summary.total } : {}) });
        } else if (inv.mode === "json") {
          io.out(`${toJson({ data: records.map(project), nextCursor: summary.nextCursor, ...(summary.total !== undefined ? { total: summary.total } : {}) })}\n`);
        } else if (inv.mode === "text") {
          io.out(`${tool.render(records, summary, renderCtx)}\n`);
        } else if (summary.nextCursor) {
          // NDJSON has no footer: say on stderr that more exist (the --limit or the 100-page cap of --all stopped it).
          // The cursor came from the server: printed only when --cursor would take it, and quoted anyway.
          const cursor = isCursor(summary.nextCursor) ? ` continue with --cursor ${shellQuote(summary.nextCursor)}` : " (the server's cursor to continue from is malformed)";
          io.err(`${tool.name}: more records exist;${cursor}\n`);
        }
      } else if ("plan" in tool) {
        // The confirmation promise, kept here once for every write tool: without --yes nothing but the
        // plan's reads is sent (SentryApi refuses writes too), and `apply` runs only with --yes.
        const plan = await tool.plan(input, ctx);
        const applied = inv.yes && plan.changes > 0;
        const result = applied ? await plan.apply() : plan.result;
        if (progressShown) process.stderr.write("\r\x1b[K");
        const out: WriteOutput<unknown> = { applied, changes: plan.changes, ...(result as object), requests: plan.requests, warnings: plan.warnings };
        if (inv.mode === "text") io.out(`${renderWrite(tool, out, renderCtx)}\n`);
        else io.out(`${toJson(project(out as Record<string, unknown>))}\n`);
        if (!applied && plan.changes > 0) {
          io.err(`${tool.name}: preview only, nothing was changed; once the user confirms this exact change, re-run with --yes\n`);
          exitCode = EXIT.CONFIRMATION_REQUIRED;
        }
      } else {
        const result = await tool.run(input, ctx);
        if (progressShown) process.stderr.write("\r\x1b[K");
        if (inv.mode === "text") io.out(`${tool.render(result, renderCtx)}\n`);
        else if (inv.mode === "ndjson" && tool.records) ctx.emit((result as Record<string, Array<Record<string, unknown>>>)[tool.records.key] ?? []);
        else io.out(`${toJson(project(result as Record<string, unknown>))}\n`);
        if (tool.writes) {
          const w = result as WriteSummary;
          if (!w.applied && w.changes > 0) {
            io.err(`${tool.name}: preview only, nothing was changed; once the user confirms this exact change, re-run with --yes\n`);
            exitCode = EXIT.CONFIRMATION_REQUIRED;
          }
        }
      }
    } finally {
      await closeHttp();
    }
    return exitCode;
  } catch (err) {
    if (err instanceof CliError) {
      writeError(io, err, tool.name);
      return err.exitCode;
    }
    const e = err as Error;
    io.err(`${tool.name}: unexpected error: ${capText(cleanText(e?.message ?? String(err)), MAX_ERROR_LINE_CHARS)}\n`);
    if (verbose && e?.stack) io.err(`${e.stack}\n`);
    else io.err("hint: re-run with --verbose for details, and report it if it persists\n");
    return EXIT.UNEXPECTED;
  }
}

/**
 * Runs the tool when its file is the program node was started with. The build imports the same
 * bundle to read the declaration for the docs, and then nothing runs.
 */
export function runIfMain(tool: AnyTool, moduleUrl: string): void {
  const entry = process.argv[1];
  if (!entry) return;
  let isMain = false;
  try {
    isMain = realpathSync(entry) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    isMain = false;
  }
  if (!isMain) return;
  // Output that could not be written is a failed run (exit 1), never a silent 0: a full disk
  // (`> /dev/full`) or a closed stdout would otherwise look like success to a script or an agent.
  // Piped into `head` (EPIPE) the reader chose to stop: exit at once, quietly, but not with 0.
  let outputFailed = false;
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    outputFailed = true;
    if (err.code !== "EPIPE") process.stderr.write(`${tool.name}: error: could not write the output (${err.code ?? err.message})\n`);
    process.exit(EXIT.UNEXPECTED);
  });
  void runTool(tool, process.argv.slice(2), processOutput, entry).then((code) => {
    process.exitCode = outputFailed ? EXIT.UNEXPECTED : code;
  });
}
