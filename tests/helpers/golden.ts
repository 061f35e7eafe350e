// Golden transcripts: a tool's text output on the sandbox's fixed clock (TEST_NOW, seed 1), stored under
// tests/golden/ and compared exactly. They pin what a user reads, byte for byte, without a second
// implementation of the tool in the test. After an intended change of the output, regenerate them with
//   UPDATE_GOLDEN=1 npx vitest run tests/<tool>.test.ts
// and read the diff (git diff tests/golden) before committing it.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { expect } from "vitest";
import { ROOT } from "./run.js";

export const GOLDEN_DIR = join(ROOT, "tests", "golden");
const UPDATE = process.env.UPDATE_GOLDEN === "1";

/**
 * Compares `text` with tests/golden/<name>.txt. The sandbox's port changes between runs, so its URL is
 * written as <sandbox> in the stored file.
 */
export function expectGolden(name: string, text: string, sandboxUrl: string): void {
  const file = join(GOLDEN_DIR, `${name}.txt`);
  const actual = text.split(sandboxUrl).join("<sandbox>");
  if (UPDATE) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`no golden transcript ${file}: run with UPDATE_GOLDEN=1 to write it, then review it`);
  expect(actual, `${name} differs from tests/golden/${name}.txt (UPDATE_GOLDEN=1 rewrites it after an intended change)`).toBe(readFileSync(file, "utf8"));
}
