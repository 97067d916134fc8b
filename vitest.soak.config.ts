import { defineConfig } from "vitest/config";

// `npm run soak`: the long reliability runs (test/soak/*.soak.ts), kept out of `npm test`.
export default defineConfig({
  test: {
    include: ["test/soak/**/*.soak.ts"],
    pool: "forks",
    testTimeout: 10 * 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 10_000,
  },
});
