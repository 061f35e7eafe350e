// Configuration precedence: flags > environment > .sentryclirc (nearest, then ~) > org-token claims > defaults.

import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseOrgTokenClaims, parseSentryCliRc, resolveConfig } from "../scripts/lib/config.js";
import { AuthError, UsageError } from "../scripts/lib/errors.js";
import { tempDir } from "./helpers/run.js";

function orgToken(claims: Record<string, string>): string {
  return `sntrys_${Buffer.from(JSON.stringify({ iat: 1700000000, ...claims })).toString("base64")}_${"s".repeat(43)}`;
}

function setup(files: Record<string, string>) {
  const root = tempDir("sm-config-");
  const home = join(root, "home");
  const cwd = join(root, "work", "repo", "sub");
  mkdirSync(home, { recursive: true });
  mkdirSync(cwd, { recursive: true });
  for (const [path, text] of Object.entries(files)) writeFileSync(join(root, path), text);
  return { root, home, cwd };
}

describe("configuration", () => {
  it("uses sentry.io and nothing else when nothing is configured", () => {
    const { home, cwd } = setup({});
    const config = resolveConfig({ flags: {}, env: {}, cwd, home });
    expect(config).toMatchObject({ url: "https://sentry.io", urlSource: "default", org: undefined, token: undefined });
  });

  it("lets flags beat the environment, and the environment beat .sentryclirc", () => {
    const { home, cwd } = setup({ "work/.sentryclirc": "[defaults]\norg = rc-org\nproject = rc-project\nurl = https://rc.example.com\n[auth]\ntoken = rc-token-123456\n" });
    const env = { SENTRY_ORG: "env-org", SENTRY_URL: "https://env.example.com", SENTRY_AUTH_TOKEN: "env-token-123456" };
    const fromFlags = resolveConfig({ flags: { org: "flag-org", url: "https://flag.example.com" }, env, cwd, home });
    expect(fromFlags).toMatchObject({ org: "flag-org", orgSource: "--org", url: "https://flag.example.com", project: "rc-project", token: "env-token-123456" });
    const fromEnv = resolveConfig({ flags: {}, env, cwd, home });
    expect(fromEnv).toMatchObject({ org: "env-org", url: "https://env.example.com", tokenSource: "SENTRY_AUTH_TOKEN" });
    const fromRc = resolveConfig({ flags: {}, env: {}, cwd, home });
    expect(fromRc).toMatchObject({ org: "rc-org", project: "rc-project", url: "https://rc.example.com", token: "rc-token-123456" });
    expect(fromRc.orgSource).toContain(".sentryclirc");
  });

  it("accepts SENTRY_HOST as an alias of SENTRY_URL, with SENTRY_URL winning", () => {
    const { home, cwd } = setup({});
    expect(resolveConfig({ flags: {}, env: { SENTRY_HOST: "https://host.example.com/" }, cwd, home }).url).toBe("https://host.example.com");
    expect(resolveConfig({ flags: {}, env: { SENTRY_HOST: "https://a.example.com", SENTRY_URL: "https://b.example.com" }, cwd, home }).url).toBe("https://b.example.com");
  });

  it("prefers the nearest .sentryclirc and fills the gaps from ~/.sentryclirc", () => {
    const { home, cwd } = setup({
      "work/repo/.sentryclirc": "[defaults]\norg = near-org\n",
      "work/.sentryclirc": "[defaults]\norg = far-org\nproject = far-project\n",
      "home/.sentryclirc": "; personal defaults\n[auth]\ntoken = home-token-123456\n[defaults]\nproject = home-project\n",
    });
    const config = resolveConfig({ flags: {}, env: {}, cwd, home });
    expect(config).toMatchObject({ org: "near-org", project: "far-project", token: "home-token-123456" });
  });

  it("reads the URL and organization an organization token claims, below every explicit source", () => {
    const { home, cwd } = setup({});
    const token = orgToken({ url: "https://self.example.com", region_url: "https://self.example.com", org: "claimed-org" });
    const claimed = resolveConfig({ flags: {}, env: { SENTRY_AUTH_TOKEN: token }, cwd, home });
    expect(claimed).toMatchObject({ url: "https://self.example.com", org: "claimed-org", tokenRegionUrl: "https://self.example.com" });
    const overridden = resolveConfig({ flags: {}, env: { SENTRY_AUTH_TOKEN: token, SENTRY_ORG: "other-org" }, cwd, home });
    expect(overridden).toMatchObject({ org: "other-org", tokenRegionUrl: undefined });
  });

  it("lets the token's own .sentryclirc and SENTRY_URL beat the URL an organization token claims", () => {
    const token = orgToken({ url: "https://claimed.example.com", org: "claimed-org" });
    const { home, cwd } = setup({ "work/.sentryclirc": `[defaults]\nurl = https://rc.example.com\n[auth]\ntoken = ${token}\n` });
    expect(resolveConfig({ flags: {}, env: {}, cwd, home }).url).toBe("https://rc.example.com");
    expect(resolveConfig({ flags: {}, env: { SENTRY_AUTH_TOKEN: token, SENTRY_URL: "https://env.example.com" }, cwd, home }).url).toBe("https://env.example.com");
  });

  it("refuses a .sentryclirc URL for a token from elsewhere, unless SENTRY_URL or --url says so", () => {
    const { root, home, cwd } = setup({
      "work/repo/.sentryclirc": "[defaults]\nurl = http://other-host.example:9000\n",
      "home/.sentryclirc": "[auth]\ntoken = home-token-123456\n",
    });
    for (const env of [{ SENTRY_AUTH_TOKEN: "env-token-123456" }, {}]) {
      let error: unknown;
      try {
        resolveConfig({ flags: {}, env, cwd, home });
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(AuthError);
      expect((error as AuthError).message).toContain(join(root, "work/repo/.sentryclirc"));
      expect((error as AuthError).hint).toContain("SENTRY_URL=http://other-host.example:9000 ");
    }
    expect(resolveConfig({ flags: {}, env: { SENTRY_AUTH_TOKEN: "env-token-123456", SENTRY_URL: "http://other-host.example:9000" }, cwd, home }).url).toBe("http://other-host.example:9000");
    expect(resolveConfig({ flags: { url: "http://other-host.example:9000" }, env: {}, cwd, home }).token).toBe("home-token-123456");
    // sentry.io and its https regions are where any token may go.
    writeFileSync(join(root, "work/repo/.sentryclirc"), "[defaults]\nurl = https://us.sentry.io\n");
    expect(resolveConfig({ flags: {}, env: {}, cwd, home }).url).toBe("https://us.sentry.io");
  });

  it("refuses a token with a line break inside as an authentication error (exit 4)", () => {
    const { home, cwd } = setup({});
    for (const token of ["tok-1234\r\nX-Injected: 1", "tok-1234 5678"]) {
      expect(() => resolveConfig({ flags: {}, env: { SENTRY_AUTH_TOKEN: token }, cwd, home })).toThrow(AuthError);
    }
  });

  it("trims a token pasted with its newline", () => {
    const { home, cwd } = setup({});
    expect(resolveConfig({ flags: {}, env: { SENTRY_AUTH_TOKEN: "tok-123456789\n" }, cwd, home }).token).toBe("tok-123456789");
  });

  it("rejects a bad URL or slug from any source as a usage error", () => {
    const { home, cwd } = setup({});
    expect(() => resolveConfig({ flags: {}, env: { SENTRY_URL: "ftp://x" }, cwd, home })).toThrow(UsageError);
    expect(() => resolveConfig({ flags: {}, env: { SENTRY_URL: "https://user:pw@x.example.com" }, cwd, home })).toThrow(/credentials/);
    expect(() => resolveConfig({ flags: { org: "../etc" }, env: {}, cwd, home })).toThrow(/invalid organization slug/);
  });
});

describe(".sentryclirc parser", () => {
  it("reads sections, both separators, quotes and comments", () => {
    expect(parseSentryCliRc('# c\n[auth]\ntoken: "abc"\n\n[defaults]\nURL = https://x\norg=o\n[other]\norg = ignored\n')).toEqual({ token: "abc", url: "https://x", org: "o" });
  });

  it("names the line it cannot read", () => {
    expect(() => parseSentryCliRc("[auth]\nthis is not a pair\n", "/p/.sentryclirc")).toThrow("/p/.sentryclirc:2");
  });
});

describe("organization token claims", () => {
  it("decodes sntrys_ claims and ignores anything else", () => {
    expect(parseOrgTokenClaims(orgToken({ url: "https://a", org: "o" }))).toEqual({ url: "https://a", org: "o", regionUrl: undefined });
    expect(parseOrgTokenClaims("sntrys_not-base64-json_x")).toEqual({});
    expect(parseOrgTokenClaims("sntryu_" + "a".repeat(64))).toEqual({});
  });
});
