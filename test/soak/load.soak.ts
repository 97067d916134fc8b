// The long run behind `npm run soak`: 200 concurrent streams for 60 s through Nginx and the built
// proxy (the function's Node flags), then the proxy's memory and descriptors back to idle once its
// keep-alive pool has closed. Prints the figures for test/reliability/README.md.
import { describe, expect, it } from "vitest";
import { nginxBinary } from "../fixtures/nginx.js";
import { describeRun, expectHealthy, loadThroughChain } from "../reliability/load.js";

const CONCURRENCY = 200;
const DURATION_MS = 60_000;

describe.skipIf(!nginxBinary)("soak", () => {
  it(`holds ${CONCURRENCY} streams for ${DURATION_MS / 1000} s without an error, then returns to idle`, async () => {
    // The clock starts with the first stream, after the stack is up and warm.
    let deadline: number | undefined;
    const run = await loadThroughChain({ concurrency: CONCURRENCY, keepGoing: () => Date.now() < (deadline ??= Date.now() + DURATION_MS), chunks: 20, chunkIntervalMs: 50, waitForIdle: true });
    console.log(`[soak] ${describeRun(run)}`);
    expectHealthy(run, CONCURRENCY);
    expect(run.after.pooledUpstreamSockets).toBe(0);
    expect(run.after.rssBytes).toBeLessThanOrEqual(run.idle.rssBytes * 1.1);
  });
});
