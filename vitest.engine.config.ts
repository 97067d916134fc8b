import { defineConfig } from "vitest/config";

// `npm run test:engine`: the suites that need the real engines (test/engine/). The global setup runs
// engine:up (building or reusing the Pulumi toolchain, the private dockerd and the local images) and,
// if it started the dockerd, engine:down at the end. Files run one at a time: they share one dockerd
// and the 2-core CI machine, and the lifecycle file stops and restarts that dockerd.
export default defineConfig({
  test: {
    include: ["test/engine/**/*.test.ts"],
    globalSetup: ["test/engine/setup.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    teardownTimeout: 60_000,
  },
});
