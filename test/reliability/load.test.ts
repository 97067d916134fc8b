// Load through Nginx and the built proxy, short: every stream whole, nothing refused, and the proxy
// gives back its descriptors. The full 200 streams × 60 s is `npm run soak` (test/soak/).
import { describe, expect, it } from "vitest";
import { nginxBinary } from "../fixtures/nginx.js";
import { describeRun, expectHealthy, loadThroughChain } from "./load.js";

describe.skipIf(!nginxBinary)("load through Nginx + the built proxy", () => {
  it("completes 500 streams, 100 at a time, and the proxy's descriptors return to idle", async () => {
    const run = await loadThroughChain({ concurrency: 100, keepGoing: (started) => started < 500, chunks: 8, chunkIntervalMs: 10, waitForIdle: false });
    console.log(`[load] ${describeRun(run)}`);
    expectHealthy(run, 100);
    expect(run.report.streams).toBe(500);
  });
});
