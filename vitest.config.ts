import { configDefaults, defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The engine suites need engine:up first: npm run test:engine (vitest.engine.config.ts).
    exclude: [...configDefaults.exclude, "test/engine/**"],
    // Suites start real servers (proxy, Nginx, upstream doubles) on 127.0.0.1 with ephemeral ports.
    pool: "forks",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // A server left running must fail the run, not hang it.
    teardownTimeout: 10_000,
  },
});
