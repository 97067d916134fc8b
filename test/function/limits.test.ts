// What connections may hold in the function's memory: at most MAX_CONNECTIONS of them (one more is
// closed at once), what they relay collected as it goes in a small function, and a client that reads
// nothing pauses the upstream through backpressure, then loses its answer after the send timeout
// instead of holding its buffers and the upstream call indefinitely.
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../function/src/config.js";
import { maxConnectionsFor } from "../../function/src/limits.js";
import { parseAnswer, rawExchange } from "../reliability/raw.js";
import { concurrentUploads } from "../../chain/floods.js";
import { startProxy, waitForRequestLogs, type InProcessProxy } from "../../chain/proxy.js";
import { pollUntil } from "../../chain/poll.js";
import { startUpstream, type TestUpstream } from "../../chain/upstream.js";

let upstream: TestUpstream;
let proxy: InProcessProxy;
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await proxy?.close();
  await upstream?.close();
});

/** A kept-alive connection that has been served once (so the proxy has surely accepted it). */
async function servedConnection(port: number): Promise<net.Socket> {
  const socket = net.connect(port, "127.0.0.1");
  sockets.push(socket);
  let text = "";
  socket.setEncoding("utf8");
  await new Promise<void>((resolve, reject) => {
    socket.on("data", (d: string) => {
      text += d;
      if (text.endsWith('{"status":"ok"}')) resolve();
    });
    socket.on("error", reject);
    socket.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  });
  return socket;
}

const HEALTH = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
const STREAM_BODY = JSON.stringify({ model: "m", messages: [], stream: true });
const STREAM = `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${STREAM_BODY.length}\r\n\r\n${STREAM_BODY}`;
// 16 MiB of events: more than the kernel buffers between client, proxy and upstream take in.
const BIG = Array.from({ length: 1024 }, () => "x".repeat(16 * 1024));

describe("connection cap (MAX_CONNECTIONS)", () => {
  it("closes a connection over the cap at once, without a byte, and serves again once one is gone", async () => {
    upstream = await startUpstream();
    proxy = await startProxy({ UPSTREAM_URL: upstream.url, MAX_CONNECTIONS: "2" });
    const [first] = [await servedConnection(proxy.port), await servedConnection(proxy.port)];
    const over = await rawExchange(proxy.port, HEALTH);
    expect(over).toMatchObject({ status: 0, raw: "", closed: true });

    first!.destroy();
    await pollUntil(async () => (await rawExchange(proxy.port, HEALTH)).status === 200, "a connection to be served again");
  });

  it("defaults to what fits the function's memory with every connection at its worst", () => {
    expect(loadConfig({}).maxConnections).toBe(maxConnectionsFor(64));
    expect([64, 128, 256].map(maxConnectionsFor)).toEqual([27, 65, 180]);
    expect(maxConnectionsFor(32)).toBe(1);
  });
});

describe("collection as the proxy relays (function memory below 128 MB)", () => {
  /** The collections the proxy asked for while relaying one 10 MiB upload, in a function of `memoryMb`. */
  async function collectionsRelaying(memoryMb: string): Promise<boolean[]> {
    upstream = await startUpstream({ keepBodyBytes: 0 });
    const collections: boolean[] = [];
    proxy = await startProxy({ UPSTREAM_URL: upstream.url, FUNCTION_MEMORY_MB: memoryMb }, { collectGarbage: (full) => collections.push(full) });
    const [status] = await concurrentUploads(proxy.port, 1, 10 * 1024 * 1024);
    expect(status).toBe(200);
    return collections;
  }

  it("collects the young generation after every MiB relayed, and everything every 8th time", async () => {
    expect(await collectionsRelaying("64")).toEqual([false, false, false, false, false, false, false, true, false, false]);
  });

  it("leaves it to V8 from 128 MB up", async () => {
    expect(await collectionsRelaying("128")).toEqual([]);
  });
});

describe("a client that reads nothing", () => {
  it("pauses the upstream by backpressure, then is cut after the send timeout, and the upstream call dropped", async () => {
    upstream = await startUpstream({ scenario: { chunks: BIG } });
    proxy = await startProxy({ UPSTREAM_URL: upstream.url }, { overrides: { sendTimeoutMs: 300 } });
    const socket = net.connect(proxy.port, "127.0.0.1");
    sockets.push(socket);
    socket.pause();
    socket.write(STREAM);
    await upstream.until(() => upstream.requests[0]?.blocked === true, 10_000, "the upstream to be held up by backpressure");
    expect(upstream.requests[0]!.completed).toBe(false);
    await upstream.until(() => upstream.requests[0]!.aborted, 10_000, "the upstream call to be dropped");
    expect(await waitForRequestLogs(proxy, 1)).toMatchObject([{ status: 200, error: "client_too_slow" }]);
  });

  it("is not cut while it keeps reading, however slowly", async () => {
    upstream = await startUpstream({ scenario: { chunks: BIG.slice(0, 128) } });
    proxy = await startProxy({ UPSTREAM_URL: upstream.url }, { overrides: { sendTimeoutMs: 1_000 } });
    const socket = net.connect(proxy.port, "127.0.0.1");
    sockets.push(socket);
    const parts: Buffer[] = [];
    let sinceBreak = 0;
    socket.on("data", (d: Buffer) => {
      parts.push(d);
      sinceBreak += d.length;
      // A break of 50 ms after every 256 KiB read: slow, but well inside the send timeout.
      if (sinceBreak >= 256 * 1024) {
        sinceBreak = 0;
        socket.pause();
        setTimeout(() => socket.resume(), 50);
      }
    });
    const closed = new Promise((resolve) => socket.on("close", resolve));
    socket.write(STREAM.replace("Host: x\r\n", "Host: x\r\nConnection: close\r\n"));
    await closed;
    expect(parseAnswer(Buffer.concat(parts).toString("latin1"), true).body).toMatch(/data: \[DONE\]\n\n$/);
    expect(upstream.requests[0]!.completed).toBe(true);
    expect((await waitForRequestLogs(proxy, 1))[0]).not.toHaveProperty("error");
  });
});
