import { defineConfig } from "vitest/config";

// Tests spawn the built dist/ scripts against a sandbox started in-process; each file gets its own
// sandbox on a free port, so files can run in parallel on the 2-core CI machine.
export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    maxWorkers: 2,
    reporters: ["default", "./tests/summary-reporter.ts"],
  },
});
