// Parsers of untrusted text (flags, .sentryclirc, Link headers) never throw anything but a typed
// usage error, and round-trip where that applies. Property-based, with fast-check.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseSentryCliRc } from "../scripts/lib/config.js";
import { UsageError } from "../scripts/lib/errors.js";
import { buildQuery, parseLinkHeader } from "../scripts/lib/urls.js";
import { formatDuration, parseCursor, parseDuration, parseIssueRef, parseReleaseVersion, parseSlug } from "../scripts/lib/validate.js";

const onlyUsageErrors = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message.split("\n")).toHaveLength(1);
  }
};

describe("duration parser", () => {
  it("round-trips every whole duration through formatDuration", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99999 }), fc.constantFrom("s", "m", "h", "d", "w"), (n, unit) => {
        const seconds = parseDuration(`${n}${unit}`);
        expect(parseDuration(formatDuration(seconds))).toBe(seconds);
      }),
    );
  });

  it("throws only usage errors on arbitrary text", () => {
    fc.assert(fc.property(fc.string(), (s) => onlyUsageErrors(() => parseDuration(s))));
    expect(() => parseDuration("0m")).toThrow(UsageError);
    expect(() => parseDuration("10x")).toThrow(/30m, 24h, 7d/);
  });
});

describe("issue identifier parser", () => {
  it("accepts numeric IDs, short IDs in any case, and issue URLs", () => {
    expect(parseIssueRef("4504")).toEqual({ kind: "id", id: "4504" });
    expect(parseIssueRef("web-frontend-1a2")).toEqual({ kind: "shortId", shortId: "WEB-FRONTEND-1A2" });
    expect(parseIssueRef("https://acme.sentry.io/issues/123/?project=1")).toEqual({ kind: "url", id: "123", org: "acme" });
    expect(parseIssueRef("https://sentry.example.com/organizations/acme/issues/77/events/latest/")).toEqual({ kind: "url", id: "77", org: "acme" });
    expect(parseIssueRef("https://us.sentry.io/issues/5/")).toEqual({ kind: "url", id: "5", org: undefined });
  });

  it("round-trips numeric IDs and short IDs", () => {
    fc.assert(fc.property(fc.bigInt({ min: 1n, max: 10n ** 18n }), (n) => {
        expect(parseIssueRef(String(n))).toEqual({ kind: "id", id: String(n) });
      }),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Z][A-Z0-9]{0,10}-[0-9A-Z]{1,6}$/), (shortId) => {
        const ref = parseIssueRef(shortId.toLowerCase());
        if (ref.kind === "shortId") expect(ref.shortId).toBe(shortId);
      }),
    );
  });

  it("throws only usage errors on arbitrary text, and rejects the obviously wrong", () => {
    fc.assert(fc.property(fc.string(), (s) => onlyUsageErrors(() => parseIssueRef(s))));
    for (const bad of ["", "0", "-1", "../1", "WEB 1", "1.5", "https://sentry.io/settings/", "ftp://x/issues/1/"]) {
      expect(() => parseIssueRef(bad), bad).toThrow(UsageError);
    }
  });
});

describe("slugs, versions, cursors", () => {
  it("accepts Sentry slugs and rejects paths, spaces and unicode", () => {
    expect(parseSlug("web-frontend_2", "project")).toBe("web-frontend_2");
    for (const bad of ["../x", "a b", "Web", "caf\u00e9", "", "a/b"]) expect(() => parseSlug(bad, "project"), bad).toThrow(UsageError);
    fc.assert(fc.property(fc.string(), (s) => onlyUsageErrors(() => parseSlug(s, "organization"))));
  });

  it("applies Sentry's release version rules", () => {
    expect(parseReleaseVersion("web@2.14.0+1234")).toBe("web@2.14.0+1234");
    for (const bad of ["", ".", "..", "a/b", " v1", "v1 ", "a\nb", "latest", "x".repeat(201)]) {
      expect(() => parseReleaseVersion(bad), JSON.stringify(bad)).toThrow(UsageError);
    }
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => onlyUsageErrors(() => parseReleaseVersion(s))));
  });

  it("accepts only Sentry cursor shapes", () => {
    expect(parseCursor("0:100:0")).toBe("0:100:0");
    expect(parseCursor("1420837533:0:1")).toBe("1420837533:0:1");
    fc.assert(fc.property(fc.string(), (s) => onlyUsageErrors(() => parseCursor(s))));
  });
});

describe("Link header parser", () => {
  const entry = (rel: string, results: boolean, cursor: string) =>
    `<https://sentry.io/api/0/organizations/acme/issues/?query=a%2Cb&cursor=${cursor}>; rel="${rel}"; results="${results}"; cursor="${cursor}"`;

  it("round-trips what Sentry sends for both rels", () => {
    const cursorArb = fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(0, 1)).map(([a, b, c]) => `${a}:${b}:${c}`);
    fc.assert(
      fc.property(cursorArb, cursorArb, fc.boolean(), fc.boolean(), (prev, next, prevResults, nextResults) => {
        const parsed = parseLinkHeader(`${entry("previous", prevResults, prev)}, ${entry("next", nextResults, next)}`);
        expect(parsed.previous).toMatchObject({ cursor: prev, results: prevResults });
        expect(parsed.next).toMatchObject({ cursor: next, results: nextResults });
      }),
    );
  });

  it("never throws on arbitrary text", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        parseLinkHeader(s);
      }),
    );
    expect(parseLinkHeader(undefined)).toEqual({});
  });

  it("keeps repeated query parameters when building a query", () => {
    expect(buildQuery({ project: [1, 2], query: "is:unresolved", cursor: undefined, health: true })).toBe("?project=1&project=2&query=is%3Aunresolved&health=1");
  });
});

describe(".sentryclirc parser", () => {
  it("throws only usage errors on arbitrary text", () => {
    fc.assert(fc.property(fc.string(), (s) => onlyUsageErrors(() => parseSentryCliRc(s))));
  });

  it("round-trips what it reads", () => {
    const value = fc.stringMatching(/^[A-Za-z0-9_:/.@-]{1,40}$/);
    fc.assert(
      fc.property(value, value, value, (token, org, url) => {
        const text = `[auth]\ntoken = ${token}\n[defaults]\norg = ${org}\nurl = ${url}\n`;
        expect(parseSentryCliRc(text)).toEqual({ token, org, url });
      }),
    );
  });
});
