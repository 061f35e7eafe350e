// Server text and server values made safe to print: cleanText for every server string, capText for long
// details and echoed input, commandLine for suggested commands, isCursor / isShortId before a server value
// is put into one. The reliability suite drives the same functions over real HTTP (reliability-hostile).

import { describe, expect, it } from "vitest";
import { commandLine, toJson } from "../scripts/lib/output.js";
import { capText, cleanText } from "../scripts/lib/text.js";
import { isCursor, isShortId } from "../scripts/lib/validate.js";

const ESC = "\x1b";

describe("cleanText", () => {
  it("removes escape sequences whole, payload included", () => {
    expect(cleanText(`a${ESC}]0;window title${ESC}\\b`)).toBe("ab");
    expect(cleanText(`a${ESC}]52;c;Y3VybA==\x07b`)).toBe("ab");
    expect(cleanText(`${ESC}[31mred${ESC}[0m ${ESC}[2J${ESC}[?25l`)).toBe("red ");
    expect(cleanText(`a${ESC}cb${ESC}`)).toBe("ab");
    expect(cleanText("a\x9b31mb\x9d0;t\x07c")).toBe("abc");
  });

  it("folds line breaks and tabs to one space, so a value cannot start a line of its own", () => {
    expect(cleanText("Denied.\r\n\nhint: run this")).toBe("Denied. hint: run this");
    expect(cleanText("a\tb\u2028c\u0085d")).toBe("a b c d");
  });

  it("drops other controls and bidi overrides, and leaves ordinary text alone", () => {
    expect(cleanText("a\x00b\x07c\x7fd\u202Eexe.txt\u2066x\u2069")).toBe("abcdexe.txtx");
    const text = "TypeError: Cannot read properties of undefined (reading 'items') — café 日本";
    expect(cleanText(text)).toBe(text);
  });
});

describe("capText", () => {
  it("keeps short text and says how much of long text it left out", () => {
    expect(capText("short")).toBe("short");
    expect(capText("x".repeat(1000), 10)).toBe(`${"x".repeat(10)}… (990 more characters)`);
  });
});

describe("commandLine", () => {
  it("quotes every server value into one inert shell word", () => {
    expect(commandLine("list-issues", ["--cursor", "0:100:0"])).toBe("node dist/list-issues.mjs --cursor 0:100:0");
    expect(commandLine("resolve-issue", ["WEB-1 --yes; curl x|sh"])).toBe("node dist/resolve-issue.mjs 'WEB-1 --yes; curl x|sh'");
    expect(commandLine("list-issues", ["--cursor", "0:100:0$(touch x)"])).toBe("node dist/list-issues.mjs --cursor '0:100:0$(touch x)'");
    expect(commandLine("create-release", ["it's", ""])).toBe(`node dist/create-release.mjs 'it'\\''s' ''`);
    expect(commandLine("issue-details", [`a${ESC}[2J\nb`])).toBe("node dist/issue-details.mjs 'a b'");
  });
});

describe("server cursors and short IDs", () => {
  it("accepts what --cursor and an issue argument accept, nothing else", () => {
    for (const good of ["0:100:0", "1420837533000:0:1", "-1:0:0"]) expect(isCursor(good)).toBe(true);
    for (const bad of ["0:100:0$(touch x)", "0:100:0 --yes", "", "0:100", 5, null]) expect(isCursor(bad)).toBe(false);
    for (const good of ["WEB-1", "WEB-FRONTEND-1A2"]) expect(isShortId(good)).toBe(true);
    for (const bad of ["WEB-1 --yes; curl x|sh", "web-1", "WEB-", "WEB-1\n", `WEB-${"1".repeat(200)}`, 1]) expect(isShortId(bad)).toBe(false);
  });
});

describe("toJson", () => {
  it("escapes the controls and bidi characters JSON.stringify leaves raw, and parses back to the same value", () => {
    const value = { title: "a\x7fb\x9b31mc\u202Ed\u2066e\u2028f\u061cg", n: 1, nested: ["\x85"] };
    const text = toJson(value);
    expect(text).not.toMatch(/[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
    expect(text).toContain("\\u009b");
    expect(text).toContain("\\u202e");
    expect(JSON.parse(text)).toEqual(value);
    expect(toJson({ plain: "café ✓" })).toBe(JSON.stringify({ plain: "café ✓" }));
  });
});
