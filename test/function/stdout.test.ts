// The log goes to stdout, and whoever reads it (the platform's log agent, a pipe) can go away. The
// proxy must go on serving without its log rather than die on the next line (EPIPE).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnFunction } from "../fixtures/proxy.js";
import { startUpstream } from "../fixtures/upstream.js";
import { unpackBuiltProxy } from "./bundle.js";
import { closeAfterEach } from "./cleanup.js";

let bundle: Awaited<ReturnType<typeof unpackBuiltProxy>>;
beforeAll(async () => {
  bundle = await unpackBuiltProxy();
});
afterAll(async () => {
  await bundle?.cleanup();
});

const closing = closeAfterEach();

describe("stdout", () => {
  it("closed by its reader: the proxy keeps serving, without its log", async () => {
    const upstream = closing(await startUpstream());
    const proxy = closing(await spawnFunction(bundle.dir, { UPSTREAM_URL: upstream.url }));
    proxy.child.stdout!.destroy();
    // Each answer writes a log line into the closed pipe; a dead process would refuse the next request.
    for (let i = 0; i < 5; i++) {
      expect((await fetch(`${proxy.url}/v1/models`)).status).toBe(200);
      expect((await fetch(`${proxy.url}/healthz`)).status).toBe(200);
    }
    expect(proxy.child.exitCode).toBeNull();
    expect(proxy.stderr()).toBe("");
    expect(upstream.requests).toHaveLength(5);
  });
});
