import { defineConfig } from "vitest/config";

// The engine suites (`npm run test:engine`): the real Pulumi CLI and a Docker daemon, one test after
// another in each file, since every step builds on the stack the one before left.
export default defineConfig({
  test: {
    include: ["test/**/*.engine.test.ts"],
    pool: "forks",
    testTimeout: 240_000,
    hookTimeout: 300_000,
    teardownTimeout: 10_000,
  },
});
