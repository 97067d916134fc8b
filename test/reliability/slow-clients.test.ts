// Slowloris: clients that send their headers (or body) a byte at a time, or stop half-way, to hold
// connections open. Timeouts are shortened for the test (the defaults are a minute): the proxy gets
// Node's header and request timeouts of 0.5 s and 1 s, Nginx `client_header_timeout` and
// `client_body_timeout` of 1 s. Each slow client is cut off; nothing reaches the upstream before the
// headers are whole; a normal client is served meanwhile.
import net from "node:net";
import type http from "node:http";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../function/src/config.js";
import { createProxy } from "../../function/src/server.js";
import { nginxBinary } from "../fixtures/nginx.js";
import { closeAfterEach } from "../function/cleanup.js";
import { DEFAULT_CHUNKS, startUpstream, type TestUpstream } from "../../chain/upstream.js";
import { streamChat } from "./load.js";
import { errorOf, parseAnswer, type RawAnswer } from "./raw.js";
import { pollUntil } from "../../chain/poll.js";
import { startStack } from "./stack.js";

const closing = closeAfterEach();

/**
 * Sends `head`, then one more byte of it every `everyMs` (a header that never ends, or a body that
 * never completes), until the peer answers or closes. `stallAfter`: stop sending after that many
 * bytes and just wait.
 */
function slowClient(port: number, head: string, options: { everyMs: number; stallAfter?: number }): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    const parts: Buffer[] = [];
    let sent = 0;
    const drip = setInterval(() => {
      if (options.stallAfter !== undefined && sent >= options.stallAfter) return;
      sent += 1;
      socket.write("a");
    }, options.everyMs);
    socket.on("data", (d: Buffer) => parts.push(d));
    socket.on("error", () => {});
    socket.on("close", () => {
      clearInterval(drip);
      resolve(parseAnswer(Buffer.concat(parts).toString("latin1"), true));
    });
    socket.write(head);
  });
}

const SLOW_HEADERS = "GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Slow: ";
const SLOW_BODY = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n";

async function upstreamFor(): Promise<TestUpstream> {
  return closing(await startUpstream());
}

/** The proxy from function/src, with Node's slow-client timeouts shortened. */
async function proxyWithShortTimeouts(upstream: TestUpstream): Promise<{ port: number; url: string }> {
  // Above the default cap: 46 clients holding connections would lock out others until the header
  // timeout (in front of the proxy, Nginx or the platform's gateway takes such clients).
  const config = loadConfig({ UPSTREAM_URL: upstream.url, MAX_CONNECTIONS: "200" });
  const proxy = createProxy({ ...config, host: "127.0.0.1", port: 0 }, { log: () => {} });
  const server = proxy.server as http.Server & { connectionsCheckingInterval: number };
  server.headersTimeout = 500;
  server.requestTimeout = 1_000;
  // Read when the server starts listening; Node checks the two timeouts above this often.
  server.connectionsCheckingInterval = 50;
  const { port } = await proxy.listen(0, "127.0.0.1");
  closing(proxy);
  return { port, url: `http://127.0.0.1:${port}` };
}

describe("slow clients against the proxy", () => {
  it("headers a byte at a time: 408 in OpenAI's shape, nothing upstream", async () => {
    const upstream = await upstreamFor();
    const proxy = await proxyWithShortTimeouts(upstream);
    const answer = await slowClient(proxy.port, SLOW_HEADERS, { everyMs: 20 });
    expect(answer.status).toBe(408);
    expect(errorOf(answer)).toEqual({ message: "The request did not arrive in time", type: "proxy_error", code: "request_timeout" });
    expect(upstream.requests).toEqual([]);
  });

  it("a body that stops half-way: 408, and the upstream call it had started is dropped", async () => {
    const upstream = await upstreamFor();
    const proxy = await proxyWithShortTimeouts(upstream);
    const answer = await slowClient(proxy.port, SLOW_BODY, { everyMs: 20, stallAfter: 10 });
    expect(answer.status).toBe(408);
    expect(errorOf(answer)).toMatchObject({ code: "request_timeout" });
    await upstream.until(() => upstream.requests[0]?.aborted === true, 5_000, "the upstream to see the call dropped");
    expect(upstream.requests[0]!.bodyBytes).toBe(10);
  });

  it("serves a normal stream while 100 slow clients hold connections", async () => {
    const upstream = await upstreamFor();
    const proxy = await proxyWithShortTimeouts(upstream);
    const slow = Array.from({ length: 100 }, () => slowClient(proxy.port, SLOW_HEADERS, { everyMs: 20 }));
    const outcome = await streamChat(`${proxy.url}/v1/chat/completions`, DEFAULT_CHUNKS);
    expect(outcome.problem).toBeUndefined();
    const answers = await Promise.all(slow);
    expect(answers.map((a) => a.status)).toEqual(Array(100).fill(408));
    expect(upstream.requests).toHaveLength(1);
  });
});

describe.skipIf(!nginxBinary)("slow clients against Nginx", () => {
  const start = async () => closing(await startStack({ httpLevel: "client_header_timeout 1s;\nclient_body_timeout 1s;" }));

  it("headers a byte at a time: Nginx closes the connection without an answer (its 408 is never sent)", async () => {
    const s = await start();
    const answer = await slowClient(s.nginx.httpPort, SLOW_HEADERS, { everyMs: 20 });
    expect(answer).toMatchObject({ status: 0, raw: "", closed: true });
    expect(s.upstream.requests).toEqual([]);
    await pollUntil(() => /"GET \/v1\/models HTTP\/1.1" 408 0 /.test(s.nginx.accessLog()), "the 408 in the access log");
  });

  it("a body that stops half-way: Nginx closes the connection, and the upstream call is dropped", async () => {
    const s = await start();
    const answer = await slowClient(s.nginx.httpPort, SLOW_BODY, { everyMs: 20, stallAfter: 10 });
    expect(answer).toMatchObject({ status: 0, raw: "", closed: true });
    await s.upstream.until(() => s.upstream.requests[0]?.aborted === true, 5_000, "the upstream to see the call dropped");
    expect(s.upstream.requests[0]!.bodyBytes).toBe(10);
    expect(s.proxy.child.exitCode).toBeNull();
  });

  it("serves a normal stream while 100 slow clients hold connections", async () => {
    const s = await start();
    const slow = Array.from({ length: 100 }, () => slowClient(s.nginx.httpPort, SLOW_HEADERS, { everyMs: 20 }));
    const outcome = await streamChat(`${s.nginx.httpUrl}/v1/chat/completions`, DEFAULT_CHUNKS);
    expect(outcome.problem).toBeUndefined();
    const answers = await Promise.all(slow);
    expect(answers.map((a) => a.status)).toEqual(Array(100).fill(0));
    expect(s.upstream.requests).toHaveLength(1);
  });
});
