// Requests pipelined on one connection (several written before the first answer): each is relayed only
// when its turn to be answered comes, so a refusal that closes the connection takes what follows it
// along (nothing of it reaches the upstream), and a client that leaves mid-answer leaves nothing queued
// upstream.
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { requestLogs, startProxy, waitForRequestLogs, type InProcessProxy } from "../../chain/proxy.js";
import { startUpstream, type TestUpstream } from "../../chain/upstream.js";
import { send, sendRaw } from "./http.js";

const TOKEN = "pt-pipelined-3f9a1c7e";

let upstream: TestUpstream;
let proxy: InProcessProxy;
afterEach(async () => {
  await proxy?.close();
  await upstream?.close();
});

const chunkedEmpty = (line: string, headers = "") => `${line} HTTP/1.1\r\nHost: x\r\n${headers}Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n`;
const validModels = `GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`;

/** A request on a new connection that reaches the upstream: anything relayed before it would be there too. */
async function control(): Promise<void> {
  const answer = await send(`${proxy.url}/v1/models?control=1`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(answer.status).toBe(200);
}

describe("pipelined requests", () => {
  it.each([
    ["400, a bad target", chunkedEmpty("POST /v1/../admin"), 400],
    ["401, no token", chunkedEmpty("POST /v1/chat/completions"), 401],
    ["404, outside /v1", chunkedEmpty("POST /v2/x"), 404],
    ["405, TRACE", chunkedEmpty("TRACE /v1/models", `Authorization: Bearer ${TOKEN}\r\n`), 405],
  ])("behind a refusal that closes the connection (%s): nothing is relayed or logged", async (_name, refused, status) => {
    upstream = await startUpstream();
    proxy = await startProxy({ UPSTREAM_URL: upstream.url, PROXY_TOKEN: TOKEN });
    const response = await sendRaw(proxy.port, refused + validModels);
    expect(response.match(/^HTTP\/1\.1 \d{3}/gm)).toEqual([`HTTP/1.1 ${status}`]);
    expect(response).toMatch(/\r\nConnection: close\r\n/i);
    await control();
    expect(upstream.requests.map((r) => r.url)).toEqual(["/v1/models?control=1"]);
    const logs = await waitForRequestLogs(proxy, 2);
    expect(logs.map((l) => l.status)).toEqual([status, 200]);
  });

  it("are relayed one at a time, each once the answer before it is complete", async () => {
    upstream = await startUpstream({ scenario: { manual: true } });
    proxy = await startProxy({ UPSTREAM_URL: upstream.url });
    const body = JSON.stringify({ model: "m", messages: [], stream: true });
    const socket = net.connect(proxy.port, "127.0.0.1");
    let received = "";
    socket.setEncoding("utf8");
    socket.on("data", (d: string) => (received += d));
    const closed = new Promise((resolve) => socket.on("close", resolve));
    socket.write(
      `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}` +
        "GET /v1/models HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    );
    await upstream.until(() => upstream.requests[0]?.chunksWritten === 1, 5_000, "the stream to start");
    // The stream is still open: the models request waits its turn.
    expect(upstream.requests.map((r) => r.url)).toEqual(["/v1/chat/completions"]);
    upstream.release(100);
    await closed;
    expect(upstream.requests.map((r) => r.url)).toEqual(["/v1/chat/completions", "/v1/models"]);
    expect(received.match(/^HTTP\/1\.1 \d{3}/gm)).toEqual(["HTTP/1.1 200", "HTTP/1.1 200"]);
  });

  it("a client that leaves mid-answer leaves no pipelined request behind it upstream", async () => {
    upstream = await startUpstream({ scenario: { manual: true } });
    proxy = await startProxy({ UPSTREAM_URL: upstream.url });
    const body = JSON.stringify({ model: "m", messages: [], stream: true });
    const socket = net.connect(proxy.port, "127.0.0.1");
    socket.write(
      `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}` + "GET /v1/models?queued=1 HTTP/1.1\r\nHost: x\r\n\r\n",
    );
    await upstream.until(() => upstream.requests[0]?.chunksWritten === 1, 5_000, "the stream to start");
    socket.destroy();
    await upstream.until(() => upstream.requests[0]!.aborted, 5_000, "the upstream to see the stream aborted");
    upstream.behave({});
    await control();
    expect(upstream.requests.map((r) => r.url)).toEqual(["/v1/chat/completions", "/v1/models?control=1"]);
    await waitForRequestLogs(proxy, 2);
    expect(requestLogs(proxy).map((l) => [l.path, l.status])).toEqual([
      ["/v1/chat/completions", 200],
      ["/v1/models", 200],
    ]);
  });
});
