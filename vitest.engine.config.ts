import { defineConfig } from "vitest/config";

// The real-engine suite (`npm run test:engine`): the Pulumi CLI and a Docker engine, from `npm run engine:up`.
export default defineConfig({
  test: {
    include: ["test/engine/**/*.test.ts"],
    pool: "forks",
    // Stacks share one dockerd and fixed container names: one file at a time.
    fileParallelism: false,
    testTimeout: 600_000,
    hookTimeout: 900_000,
    teardownTimeout: 60_000,
  },
});
