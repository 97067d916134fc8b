import { defineConfig } from "vitest/config";

// The engine suites (`npm run test:engine`): the real Pulumi CLI and a Docker daemon (`npm run engine:up`),
// one test after another in each file, since every step builds on the stack the one before left, and one
// file at a time, since the stacks share one dockerd and fixed container names.
export default defineConfig({
  test: {
    include: ["test/**/*.engine.test.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 900_000,
    teardownTimeout: 60_000,
  },
});
