// One redaction function guards everything the tools print: configured tokens, Sentry's prefixed
// tokens, Bearer values, and credentials inside URLs.

import { describe, expect, it } from "vitest";
import { redactSecrets, registerSecret, stripUrlCredentials } from "../scripts/lib/redact.js";
import { isAllowedRegionUrl } from "../scripts/lib/region.js";

describe("redactSecrets", () => {
  it("masks a configured token wherever it appears, even unprefixed", () => {
    registerSecret("plain-legacy-token-0123456789");
    expect(redactSecrets("error for plain-legacy-token-0123456789!")).toBe("error for [redacted]!");
  });

  it("masks every kind of Sentry token and Bearer values", () => {
    for (const prefix of ["sntryu_", "sntrys_", "sntrya_", "sntryi_"]) {
      const token = `${prefix}abcDEF0123456789abcdef`;
      expect(redactSecrets(`x ${token} y`)).toBe("x [redacted] y");
    }
    expect(redactSecrets("Authorization: Bearer abc.def-123")).toBe("Authorization: Bearer [redacted]");
  });

  it("masks credentials in URLs and strips them for sending", () => {
    expect(redactSecrets("remote https://bot:ghp_secret@github.com/acme/web.git")).toBe("remote https://[redacted]@github.com/acme/web.git");
    expect(redactSecrets("remote https://ghp_tokenonly@github.com/acme/web.git")).toBe("remote https://[redacted]@github.com/acme/web.git");
    expect(stripUrlCredentials("https://bot:ghp_secret@github.com/acme/web.git")).toBe("https://github.com/acme/web.git");
    expect(stripUrlCredentials("https://ghp_tokenonly@github.com/acme/web.git")).toBe("https://github.com/acme/web.git");
    expect(stripUrlCredentials("git@github.com:acme/web.git")).toBe("git@github.com:acme/web.git");
  });

  it("masks a configured token's first 12 characters and an upper-cased echo", () => {
    registerSecret("sntryu_0f1e2d3c4b5a69788796a5b4c3d2e1f0");
    expect(redactSecrets("token sntryu_0f1e2… unknown")).toBe("token [redacted]… unknown");
    expect(redactSecrets("BAD SNTRYU_0F1E2D3C4B5A69788796A5B4C3D2E1F0!")).toBe("BAD [redacted]!");
    expect(redactSecrets("prefix sntryu_0f1e2d3c4 only")).toBe("prefix [redacted] only");
  });

  it("masks credentials in git's scp form and in query strings, and strips both for sending", () => {
    expect(redactSecrets("remote ci:ghp_secret@github.com:acme/web.git")).toBe("remote [redacted]@github.com:acme/web.git");
    expect(redactSecrets("https://gitlab.com/acme/web.git?access_token=glpat-secret&x=1")).toBe("https://gitlab.com/acme/web.git?access_token=[redacted]&x=1");
    expect(stripUrlCredentials("ci:ghp_secret@github.com:acme/web.git")).toBe("github.com:acme/web.git");
    expect(stripUrlCredentials("https://gitlab.com/acme/web.git?access_token=glpat-secret")).toBe("https://gitlab.com/acme/web.git");
    expect(redactSecrets("at 10:30 git@github.com:acme/web.git")).toBe("at 10:30 git@github.com:acme/web.git");
  });

  it("keeps a DSN readable: its 32-hex public key is public by design", () => {
    const dsn = "https://0123456789abcdef0123456789abcdef@o1.ingest.sentry.io/42";
    expect(redactSecrets(`dsn ${dsn}`)).toBe(`dsn ${dsn}`);
    expect(redactSecrets("https://0123456789abcdef0123456789abcdef:secret@o1.ingest.sentry.io/42")).toBe("https://[redacted]@o1.ingest.sentry.io/42");
  });

  it("keeps JSON valid when it masks a Bearer value inside a string", () => {
    const masked = redactSecrets(JSON.stringify({ header: 'Bearer abc"x', next: "y" }));
    expect(JSON.parse(masked)).toEqual({ header: 'Bearer [redacted]"x', next: "y" });
  });

  it("leaves ordinary text alone", () => {
    const text = "3 issues in web-frontend; Token scopes: event:read; see https://sentry.io/issues/1/";
    expect(redactSecrets(text)).toBe(text);
  });
});

describe("region host allowlist", () => {
  it("follows https regions on sentry.io and the configured host, nothing else", () => {
    expect(isAllowedRegionUrl("https://us.sentry.io", "https://sentry.io")).toBe(true);
    expect(isAllowedRegionUrl("https://de.sentry.io", "https://acme.sentry.io")).toBe(true);
    expect(isAllowedRegionUrl("http://de.sentry.io", "https://sentry.io")).toBe(false);
    expect(isAllowedRegionUrl("https://sentry.io.evil.example", "https://sentry.io")).toBe(false);
    expect(isAllowedRegionUrl("https://evil.example", "https://sentry.io")).toBe(false);
    expect(isAllowedRegionUrl("http://127.0.0.1:8765/region", "http://127.0.0.1:8765")).toBe(true);
    expect(isAllowedRegionUrl("http://127.0.0.1:9999", "http://127.0.0.1:8765")).toBe(false);
    expect(isAllowedRegionUrl("https://127.0.0.1:9999", "http://127.0.0.1:8765")).toBe(false);
    expect(isAllowedRegionUrl("https://us.sentry.example.com", "https://sentry.example.com")).toBe(true);
    expect(isAllowedRegionUrl("https://sentry.example.com:8443", "https://sentry.example.com")).toBe(false);
    expect(isAllowedRegionUrl("http://us.sentry.example.com", "https://sentry.example.com")).toBe(false);
    expect(isAllowedRegionUrl("https://example.com", "https://sentry.example.com")).toBe(false);
    expect(isAllowedRegionUrl("https://us.sentry.io:8443", "https://sentry.io")).toBe(false);
    expect(isAllowedRegionUrl("https://us.sentry.io", "https://sentry.example.com")).toBe(false);
    expect(isAllowedRegionUrl("https://u:p@us.sentry.io", "https://sentry.io")).toBe(false);
    expect(isAllowedRegionUrl("not a url", "https://sentry.io")).toBe(false);
  });
});
