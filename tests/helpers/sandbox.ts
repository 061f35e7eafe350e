// One in-process sandbox per test file: started in beforeAll on a free port, closed in afterAll.
// Tests spawn tools with `sandbox.env()` so every request goes to 127.0.0.1 and can be asserted on.

import { afterAll, beforeAll } from "vitest";
import { startSandbox, type LoggedRequest, type Sandbox } from "../../scripts/sandbox/server.js";
import type { FaultControl } from "../../scripts/sandbox/faults.js";
import type { SandboxOptions, World } from "../../scripts/sandbox/types.js";

/**
 * The clock every test runs at: the in-process sandbox stands still at this instant and the spawned tools read
 * it from SENTRY_MONITORING_NOW, so seeded times, query windows and printed ages never depend on the wall clock.
 * Deliberately not on a round hour or day: nothing may depend on where `now` falls in Sentry's aligned buckets.
 */
export const TEST_NOW = Date.parse("2026-03-15T12:34:56.789Z");

export interface SandboxHandle {
  /** Base URL of the main listener (valid once beforeAll ran). */
  readonly url: string;
  readonly regionUrl: string | undefined;
  readonly world: World;
  readonly orgToken: string;
  readonly faults: FaultControl;
  /** Environment for a child process: SENTRY_URL, SENTRY_AUTH_TOKEN, SENTRY_ORG, SENTRY_PROJECT, SENTRY_MONITORING_NOW. */
  env(token?: string): Record<string, string>;
  requests(): LoggedRequest[];
  clearRequests(): void;
}

/**
 * Starts a sandbox for the calling test file on a free port (seed 1, clock fixed at TEST_NOW unless given).
 * Requests and faults are left to the test: call clearRequests() / faults.clear() where it counts.
 */
export function useSandbox(options: SandboxOptions = {}): SandboxHandle {
  let sandbox: Sandbox | undefined;
  const running = (): Sandbox => {
    if (!sandbox) throw new Error("the sandbox is not running: use the handle inside tests, after beforeAll");
    return sandbox;
  };
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0, now: TEST_NOW, ...options });
  });
  afterAll(async () => {
    await sandbox?.close();
    sandbox = undefined;
  });
  return {
    get url() {
      return running().url;
    },
    get regionUrl() {
      return running().regionUrl;
    },
    get world() {
      return running().world;
    },
    get orgToken() {
      return running().orgToken;
    },
    get faults() {
      return running().faults;
    },
    env(token = "sandbox") {
      const world = running().world;
      const org = world.orgs[0]!;
      const project = world.projects.find((p) => p.orgSlug === org.slug && p.firstEvent !== null)!;
      return {
        SENTRY_URL: running().url,
        SENTRY_AUTH_TOKEN: token,
        SENTRY_ORG: org.slug,
        SENTRY_PROJECT: project.slug,
        SENTRY_MONITORING_NOW: new Date(world.now).toISOString(),
      };
    },
    requests: () => running().requests(),
    clearRequests: () => running().clearRequests(),
  };
}
