// Upstream connections are reused (one TLS handshake per conversation, not per request), and the
// keep-alive race is handled: a request that meets a connection the upstream just closed is replayed
// only when that cannot do harm.
import { afterEach, describe, expect, it } from "vitest";
import { startProxy, type InProcessProxy, waitForRequestLogs } from "../../chain/proxy.js";
import { startUpstream, type TestUpstream } from "../../chain/upstream.js";
import { proxyError, send } from "./http.js";

let upstream: TestUpstream;
let proxy: InProcessProxy;
afterEach(async () => {
  await proxy?.close();
  await upstream?.close();
});

const chat = (stream: boolean) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ model: "gpt-4o-mini", messages: [], stream }),
});

describe("upstream keep-alive", () => {
  it("serves N sequential requests over one upstream connection", async () => {
    upstream = await startUpstream();
    proxy = await startProxy({ UPSTREAM_URL: upstream.url });
    const N = 6;
    for (let i = 0; i < N; i++) {
      const answer = i % 2 ? await send(`${proxy.url}/v1/chat/completions`, chat(i % 4 === 1)) : await send(`${proxy.url}/v1/models`);
      expect(answer.status).toBe(200);
    }
    expect(upstream.connections).toBe(1);
    expect(upstream.requests.map((r) => r.socketId)).toEqual(Array(N).fill(1));
    const logs = await waitForRequestLogs(proxy, N);
    expect(logs.map((l) => l.reused)).toEqual([false, ...Array(N - 1).fill(true)]);
  });

  it("does not reuse a connection idle longer than the limit by the wall clock (frozen instances)", async () => {
    let clock = 1_000_000;
    upstream = await startUpstream();
    proxy = await startProxy({ UPSTREAM_URL: upstream.url }, { now: () => clock });
    expect((await send(`${proxy.url}/v1/models`)).status).toBe(200);
    clock += proxy.config.keepAliveIdleMs - 1;
    expect((await send(`${proxy.url}/v1/models`)).status).toBe(200);
    expect(upstream.connections).toBe(1);
    // No timer ran (as in a frozen function instance), but the clock moved past the limit.
    clock += proxy.config.keepAliveIdleMs;
    expect((await send(`${proxy.url}/v1/models`)).status).toBe(200);
    expect(upstream.requests.map((r) => r.socketId)).toEqual([1, 1, 2]);
    await upstream.until(() => upstream.openConnections === 1, 5_000, "the stale connection to close");
  });

  /**
   * One request pools a connection; the next request on it has its connection dropped before any
   * response byte (as when the upstream closes an idle connection just as it is reused); the
   * requests after that are served.
   */
  async function raceOnNextRequest(): Promise<void> {
    upstream = await startUpstream();
    proxy = await startProxy({ UPSTREAM_URL: upstream.url });
    expect((await send(`${proxy.url}/v1/models`)).status).toBe(200);
    upstream.behave({ resetAfterChunks: 0 });
    upstream.events.once("request", () => upstream.behave({}));
  }

  it("replays a GET once when a reused connection turns out closed", async () => {
    await raceOnNextRequest();
    const answer = await send(`${proxy.url}/v1/models`);
    expect(answer.status).toBe(200);
    expect(upstream.requests.map((r) => [r.method, r.socketId])).toEqual([
      ["GET", 1],
      ["GET", 1],
      ["GET", 2],
    ]);
    const logs = await waitForRequestLogs(proxy, 2);
    expect(logs[1]).toMatchObject({ status: 200, retried: true });
    expect(logs[1]).not.toHaveProperty("error");
  });

  it("never replays a POST: 502, and the upstream saw it once", async () => {
    await raceOnNextRequest();
    const answer = await send(`${proxy.url}/v1/chat/completions`, chat(false));
    expect(answer.status).toBe(502);
    expect(JSON.parse(answer.body)).toEqual(
      proxyError("upstream_reset", `The upstream closed the connection before answering: 127.0.0.1:${upstream.port} (ECONNRESET)`),
    );
    // The body reached the upstream before it dropped the connection: it may have acted on it.
    expect(upstream.requests.map((r) => [r.method, r.socketId, r.bodyBytes > 0])).toEqual([
      ["GET", 1, false],
      ["POST", 1, true],
    ]);
    const logs = await waitForRequestLogs(proxy, 2);
    expect(logs[1]).toMatchObject({ status: 502, error: "upstream_reset", reused: true });
    expect(logs[1]).not.toHaveProperty("retried");
  });
});
