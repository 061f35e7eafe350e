// Builds the seeded world in dependency order (core → releases → issues → spans → alerts) and persists the
// categories' writes to a --state FILE, so a sandbox restarted on the same file shows the same changes.

import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import type { AlertsWorld } from "./seed/alerts.js";
import * as alerts from "./seed/alerts.js";
import { loadCoreState, saveCoreState, seedCore } from "./seed/core.js";
import type { IssuesWorld } from "./seed/issues.js";
import * as issues from "./seed/issues.js";
import type { ReleasesWorld } from "./seed/releases.js";
import * as releases from "./seed/releases.js";
import type { SpansWorld } from "./seed/spans.js";
import * as spans from "./seed/spans.js";
import type { SandboxOptions, World } from "./types.js";

export const DEFAULT_SEED = 1;
const STATE_FORMAT_VERSION = 1;

/** What a category seed module may export to take part in --state FILE. */
interface StatefulModule {
  saveState?: (world: World) => unknown;
  loadState?: (world: World, data: unknown) => void;
}

// The categories that accept writes; spans and alerts are read-only, so nothing of theirs is stored.
const STATEFUL_CATEGORIES: Array<[name: string, module: StatefulModule]> = [
  ["core", { saveState: saveCoreState, loadState: loadCoreState }],
  ["releases", { saveState: releases.saveState, loadState: releases.loadState }],
  ["issues", { saveState: issues.saveState, loadState: issues.loadState }],
];

interface StateFile {
  version: number;
  seed: number;
  /** The `now` the world was first seeded at: reused on load so stored writes and seeded times stay consistent. */
  now: number;
  categories: Record<string, unknown>;
}

export class StateFileError extends Error {}

export function createWorld(options: SandboxOptions, now: number): World {
  const seed = options.seed ?? DEFAULT_SEED;
  const core = seedCore(seed, now, options.regions === true);
  const fixed = options.now;
  const world: World = {
    seed,
    now,
    clock: fixed !== undefined ? () => fixed : () => Date.now(),
    options: Object.freeze({ ...options }),
    ...core,
    // Filled just below, in dependency order; each seeder may read what the earlier ones produced.
    releases: undefined as unknown as ReleasesWorld,
    issues: undefined as unknown as IssuesWorld,
    spans: undefined as unknown as SpansWorld,
    alerts: undefined as unknown as AlertsWorld,
  };
  world.releases = releases.seedReleases(world);
  world.issues = issues.seedIssues(world);
  world.spans = spans.seedSpans(world);
  world.alerts = alerts.seedAlerts(world);
  return world;
}

function readStateFile(path: string): StateFile | undefined {
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new StateFileError(`state file ${path} is not valid JSON (${(error as Error).message})`);
  }
  const state = parsed as Partial<StateFile>;
  if (state.version !== STATE_FORMAT_VERSION || typeof state.seed !== "number" || typeof state.now !== "number") {
    throw new StateFileError(`state file ${path} was not written by this sandbox (format version ${STATE_FORMAT_VERSION})`);
  }
  return { version: state.version, seed: state.seed, now: state.now, categories: state.categories ?? {} };
}

/**
 * Seeds the world, then replays the state file's writes on it. The file's `now` wins over the clock so that
 * relative seeded times and absolute stored times (a release created yesterday) agree; a different seed is
 * refused rather than mixing two worlds.
 */
export function createWorldWithState(options: SandboxOptions): World {
  const state = options.stateFile ? readStateFile(options.stateFile) : undefined;
  const seed = options.seed ?? DEFAULT_SEED;
  if (state && state.seed !== seed) {
    throw new StateFileError(`state file ${options.stateFile} belongs to seed ${state.seed}, not ${seed}; use --seed ${state.seed} or another file`);
  }
  const now = options.now ?? state?.now ?? Date.now();
  const world = createWorld(options, now);
  if (state) {
    for (const [name, module] of STATEFUL_CATEGORIES) {
      if (module.loadState && state.categories[name] !== undefined) module.loadState(world, state.categories[name]);
    }
  }
  return world;
}

/** Writes every category's state atomically (temp file + rename), so a crash never leaves half a file. */
export function saveWorldState(world: World, path: string): void {
  const categories: Record<string, unknown> = {};
  for (const [name, module] of STATEFUL_CATEGORIES) {
    if (module.saveState) categories[name] = module.saveState(world);
  }
  const state: StateFile = { version: STATE_FORMAT_VERSION, seed: world.seed, now: world.now, categories };
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temp, path);
}
