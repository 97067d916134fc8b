// An upstream that is not there, does not resolve, or says nothing: OpenAI-shaped 502/504 from the
// proxy, with the cause in the message and the error code in the log.
import net from "node:net";
import { once } from "node:events";
import http from "node:http";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startProxy, waitForRequestLogs, type InProcessProxy } from "../../chain/proxy.js";
import { startUpstream, type TestUpstream } from "../../chain/upstream.js";
import { proxyError, send } from "./http.js";

let upstream: TestUpstream | undefined;
let proxy: InProcessProxy;
afterEach(async () => {
  await proxy?.close();
  await upstream?.close();
  upstream = undefined;
});

async function closedPort(): Promise<number> {
  const server = net.createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("upstream failures", () => {
  it("refused connection → 502 upstream_unreachable", async () => {
    const port = await closedPort();
    proxy = await startProxy({ UPSTREAM_URL: `http://127.0.0.1:${port}` });
    const answer = await send(`${proxy.url}/v1/models`);
    expect(answer.status).toBe(502);
    expect(answer.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(answer.body)).toEqual(proxyError("upstream_unreachable", `The upstream could not be reached: 127.0.0.1:${port} (ECONNREFUSED)`));
  });

  it("a name that does not resolve → 502 upstream_dns_failed", async () => {
    // .invalid is reserved (RFC 6761): no resolver answers it.
    proxy = await startProxy({ UPSTREAM_URL: "http://gptsite-test.invalid" });
    const answer = await send(`${proxy.url}/v1/models`);
    expect(answer.status).toBe(502);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { type: "proxy_error", code: "upstream_dns_failed" } });
    expect(JSON.parse(answer.body).error.message).toMatch(/^The upstream host name did not resolve: gptsite-test\.invalid \((ENOTFOUND|EAI_AGAIN)\)$/);
  });

  it("a reply that is not HTTP → 502 upstream_bad_response", async () => {
    const garbage = net.createServer((socket) => socket.once("data", () => socket.end("SSH-2.0-OpenSSH_9.2\r\n\r\n")));
    garbage.listen(0, "127.0.0.1");
    await once(garbage, "listening");
    try {
      const { port } = garbage.address() as net.AddressInfo;
      proxy = await startProxy({ UPSTREAM_URL: `http://127.0.0.1:${port}` });
      const answer = await send(`${proxy.url}/v1/models`);
      expect(answer.status).toBe(502);
      expect(JSON.parse(answer.body)).toMatchObject({ error: { type: "proxy_error", code: "upstream_bad_response" } });
      expect(JSON.parse(answer.body).error.message).toMatch(new RegExp(`^The upstream sent a malformed HTTP response: 127\\.0\\.0\\.1:${port} \\(HPE_[A-Z_]+\\)$`));
    } finally {
      await new Promise((resolve) => garbage.close(resolve));
    }
  });

  it("silence past UPSTREAM_TIMEOUT_MS → 504 upstream_timeout, and the upstream call is dropped", async () => {
    upstream = await startUpstream({ scenario: { silent: true } });
    proxy = await startProxy({ UPSTREAM_URL: upstream.url, UPSTREAM_TIMEOUT_MS: "150" });
    const answer = await send(`${proxy.url}/v1/models`);
    expect(answer.status).toBe(504);
    expect(JSON.parse(answer.body)).toEqual(
      proxyError("upstream_timeout", `The upstream sent nothing in time: no byte from 127.0.0.1:${upstream.port} for 150 ms (UPSTREAM_TIMEOUT_MS)`),
    );
    const u = upstream;
    await u.until(() => u.requests[0]!.aborted, 5_000, "the upstream to see the abort");
    expect(await waitForRequestLogs(proxy, 1)).toMatchObject([{ status: 504, error: "upstream_timeout" }]);
  });

  it("silence mid-stream cuts the stream", async () => {
    // Manual pacing and no release(): the upstream writes one event, then nothing.
    upstream = await startUpstream({ scenario: { manual: true } });
    proxy = await startProxy({ UPSTREAM_URL: upstream.url, UPSTREAM_TIMEOUT_MS: "150" });
    const outcome = await new Promise<{ data: string; ended: boolean }>((resolve) => {
      const req = http.request(`${proxy.url}/v1/chat/completions`, { method: "POST", agent: false }, (res) => {
        let data = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (data += d));
        res.on("end", () => resolve({ data, ended: true }));
        res.on("error", () => resolve({ data, ended: false }));
      });
      req.end(JSON.stringify({ model: "m", messages: [], stream: true }));
    });
    expect(outcome.ended).toBe(false);
    expect(outcome.data.match(/^data: /gm)).toHaveLength(1);
    expect(await waitForRequestLogs(proxy, 1)).toMatchObject([{ status: 200, error: "upstream_timeout" }]);
  });
});

/** An upstream that answers the first bytes it reads with `answer`, as it is; then closes, or not. */
async function rawUpstream(answer: string, then: "close" | "stay"): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.once("data", () => (then === "close" ? socket.end(answer) : socket.write(answer)));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe("an upstream answer that is not a usable HTTP response, before any byte reached the client", () => {
  const BAD = "The upstream sent a malformed HTTP response";
  it.each([
    ["101 Switching Protocols, then data", "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\nhello", "stay"],
    ["101 Switching Protocols, then close", "HTTP/1.1 101 Switching Protocols\r\n\r\n", "close"],
    ["bad chunk framing right after the headers", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n", "stay"],
    ["status 000", "HTTP/1.1 000 Zero\r\nContent-Length: 2\r\n\r\nok", "stay"],
    ["status 099", "HTTP/1.1 099 Low\r\nContent-Length: 2\r\n\r\nok", "stay"],
    ["status 600", "HTTP/1.1 600 High\r\nContent-Length: 2\r\n\r\nok", "stay"],
  ] as const)("%s → 502 upstream_bad_response, logged as such, no stack trace", async (_name, answer, then) => {
    const stderr = vi.spyOn(process.stderr, "write");
    const bad = await rawUpstream(answer, then);
    try {
      proxy = await startProxy({ UPSTREAM_URL: bad.url, UPSTREAM_TIMEOUT_MS: "5000" });
      const response = await send(`${proxy.url}/v1/models`);
      expect(response.status).toBe(502);
      expect(JSON.parse(response.body)).toMatchObject({ error: { type: "proxy_error", code: "upstream_bad_response" } });
      expect(JSON.parse(response.body).error.message.startsWith(BAD)).toBe(true);
      expect(await waitForRequestLogs(proxy, 1)).toMatchObject([{ status: 502, error: "upstream_bad_response" }]);
      expect(stderr).not.toHaveBeenCalled();
    } finally {
      stderr.mockRestore();
      await bad.close();
    }
  });

  it("an interim 102 or 103 before the real answer is skipped, and the answer relayed", async () => {
    const interim = await rawUpstream("HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", "stay");
    try {
      proxy = await startProxy({ UPSTREAM_URL: interim.url });
      const response = await send(`${proxy.url}/v1/models`);
      expect([response.status, response.body]).toEqual([200, "ok"]);
    } finally {
      await interim.close();
    }
  });
});
