// Small formatters for compact text output. Every tool prints numbers, times and names the same way,
// so a model reading several tools' output compares like with like. The shared renderers here clean
// what they print (lib/text.ts): cells and list items are mostly server text.

import { cleanText } from "./text.js";

const UNITS: Array<[number, string]> = [
  [86400, "d"],
  [3600, "h"],
  [60, "m"],
];

/** "5m ago", "3h ago", "12d ago", "just now", "in 2h"; "-" when absent. `now` is the tools' clock (ctx.now), never the wall clock read here. */
export function relativeTime(iso: string | null | undefined, now: number): string {
  if (!iso) return "-";
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return "-";
  const seconds = Math.round((now - t) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 60) return "just now";
  for (const [size, unit] of UNITS) {
    if (abs >= size) {
      // A past age counts whole units ("1h ago" until it is 2h); a time ahead rounds to the nearest unit, so an
      // end set for 2h from now, read back a second later, still reads "in 2h", not "in 1h".
      const n = seconds >= 0 ? Math.floor(abs / size) : Math.round(abs / size);
      return seconds >= 0 ? `${n}${unit} ago` : `in ${n}${unit}`;
    }
  }
  return "just now";
}

/** Shortens text to `width` characters, ending in an ellipsis when cut. */
export function truncate(text: string, width: number): string {
  const flat = cleanText(text).replace(/\s+/g, " ").trim();
  if (flat.length <= width) return flat;
  return `${flat.slice(0, Math.max(0, width - 1)).trimEnd()}…`;
}

/** 950 → "950", 12345 → "12.3k", 4200000 → "4.2M". */
export function compactNumber(n: number | string | null | undefined): string {
  const v = typeof n === "string" ? Number(n) : n;
  if (v === null || v === undefined || Number.isNaN(v)) return "-";
  const abs = Math.abs(v);
  if (abs < 1000) return String(Math.round(v * 100) / 100);
  if (abs < 1e6) return `${(v / 1e3).toFixed(abs < 1e4 ? 1 : 0)}k`;
  if (abs < 1e9) return `${(v / 1e6).toFixed(abs < 1e7 ? 1 : 0)}M`;
  return `${(v / 1e9).toFixed(1)}B`;
}

/** A fraction 0..1 as a percentage with one decimal: 0.1234 → "12.3%". */
export function percent(fraction: number | null | undefined, digits = 1): string {
  if (fraction === null || fraction === undefined || Number.isNaN(fraction)) return "-";
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** Milliseconds in a fixed unit so rows compare: 12.3 → "12ms", 1534 → "1534ms". */
export function millis(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return "-";
  return `${Math.round(ms)}ms`;
}

/**
 * Aligns rows into columns separated by two spaces. `right` lists the columns to right-align
 * (numbers). The last column is never padded, so long titles cost no trailing spaces.
 */
export function alignColumns(rawRows: string[][], right: number[] = []): string[] {
  if (rawRows.length === 0) return [];
  const rows = rawRows.map((row) => row.map(cleanText));
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => {
        if (i === row.length - 1) return cell;
        return right.includes(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!);
      })
      .join("  ")
      .trimEnd(),
  );
}

/** Keeps only the named keys, in the order given (for --fields). */
export function selectFields(record: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) if (f in record) out[f] = record[f];
  return out;
}

/** "a, b, c" or "a, b, c +4 more" when there are more than `max`. */
export function listWithMore(rawItems: readonly string[], max: number): string {
  const items = rawItems.map(cleanText);
  if (items.length <= max) return items.join(", ");
  return `${items.slice(0, max).join(", ")} +${items.length - max} more`;
}

export function plural(n: number, word: string, pluralWord = `${word}s`): string {
  return `${n} ${n === 1 ? word : pluralWord}`;
}

/** Quotes a word for a copy-paste shell command line (POSIX single quotes when needed). */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * A command to suggest ("Next: …", "continue with …"): `node dist/<tool>.mjs` and its arguments, each
 * shell-quoted, so a value from a server (a cursor, a short ID, a release version) is one inert word
 * when the line is pasted into a shell, whatever characters it holds.
 */
export function commandLine(tool: string, args: ReadonlyArray<string | number>): string {
  return ["node", `dist/${tool}.mjs`, ...args.map((a) => shellQuote(cleanText(String(a))))].join(" ");
}

/** Items without repeats, in first-seen order. */
export function unique<T>(items: Iterable<T>): T[] {
  return [...new Set(items)];
}

/**
 * A relative change smaller than this either way reads as no change ("flat", "about the same"): issue counts
 * and latency percentiles wobble by a few percent between equal periods, so a smaller move is noise, not news.
 */
export const FLAT_CHANGE = 0.05;

export function isFlatChange(change: number): boolean {
  return Math.abs(change) < FLAT_CHANGE;
}

/**
 * Characters JSON.stringify leaves raw that a terminal or a reader still acts on: DEL, the C1 controls
 * (U+0080–U+009F, e.g. U+009B opens an escape sequence on some terminals), the bidirectional overrides and
 * isolates that reorder what is shown (U+202E), and the line/paragraph separators. Only string contents can
 * hold them, so escaping them keeps the JSON valid and the parsed values unchanged.
 */
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** JSON.stringify with those characters written as \uXXXX escapes: every JSON the tools print goes through it. */
export function toJson(value: unknown): string {
  return JSON.stringify(value).replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * Writes a list document, {"data":[…],"nextCursor":…}, a page at a time: the same bytes JSON.stringify
 * of the whole document prints, while only one page is in memory (`--json --all` over 10,000 issues
 * held every record, then the whole text, at once: 114 MiB, issue 12).
 */
export class JsonListWriter {
  private started = false;

  constructor(private readonly write: (text: string) => void) {}

  page(records: readonly unknown[]): void {
    if (records.length === 0) return;
    this.write(`${this.started ? "," : '{"data":['}${records.map((r) => toJson(r)).join(",")}`);
    this.started = true;
  }

  /** Closes the list and adds the document's other keys, then a newline. */
  end(rest: Record<string, unknown>): void {
    const tail = toJson(rest);
    this.write(`${this.started ? "" : '{"data":['}]${tail === "{}" ? "}" : `,${tail.slice(1)}`}\n`);
  }
}
