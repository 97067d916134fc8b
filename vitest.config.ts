import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The engine suites need the Pulumi CLI and a Docker daemon: `npm run test:engine` (vitest.engine.config.ts).
    exclude: [...configDefaults.exclude, "test/engine/**"],
    globalSetup: ["test/setup/build-proxy.ts"],
    // Suites start real servers (proxy, Nginx, upstream doubles) on 127.0.0.1 with ephemeral ports.
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // A server left running must fail the run, not hang it.
    teardownTimeout: 10_000,
  },
});
