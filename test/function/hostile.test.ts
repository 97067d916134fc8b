// What a hostile or broken client sends to a proxy that holds someone's key: smuggling attempts,
// oversized headers, bodies that break mid-way, expectations it should not get answered.
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startProxy, type InProcessProxy } from "../../chain/proxy.js";
import { startUpstream, type TestUpstream } from "../../chain/upstream.js";
import { parseRaw, proxyError, send, sendRaw } from "./http.js";

let upstream: TestUpstream;
let proxy: InProcessProxy;
afterEach(async () => {
  await proxy?.close();
  await upstream?.close();
});

describe("hostile requests", () => {
  it("refuses Content-Length together with Transfer-Encoding (request smuggling)", async () => {
    upstream = await startUpstream();
    proxy = await startProxy({ UPSTREAM_URL: upstream.url });
    const response = await sendRaw(
      proxy.port,
      "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n",
    );
    const { status, json } = parseRaw(response);
    expect(status).toBe(400);
    expect(json).toMatchObject({ error: { type: "proxy_error", code: "malformed_request" } });
    expect(upstream.requests).toHaveLength(0);
  });

  it.each(["Transfer_Encoding: chunked", "Content_Length: 5", "X_Forwarded_For: 203.0.113.7"])(
    "refuses a header name with an underscore (%s): a server behind may read it as a dash",
    async (header) => {
      upstream = await startUpstream();
      proxy = await startProxy({ UPSTREAM_URL: upstream.url });
      const response = await sendRaw(proxy.port, `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n${header}\r\nConnection: close\r\n\r\nhello`);
      const name = header.split(":")[0]!;
      expect(parseRaw(response)).toMatchObject({
        status: 400,
        json: proxyError("malformed_request", `Malformed HTTP request: header name ${JSON.stringify(name)} has an underscore; use a dash`),
      });
      expect(upstream.requests).toHaveLength(0);
    },
  );

  it("puts every pipelined request through the same checks", async () => {
    upstream = await startUpstream();
    proxy = await startProxy({ UPSTREAM_URL: upstream.url });
    const response = await sendRaw(proxy.port, "GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\nGET /v1/../admin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    expect(response.match(/HTTP\/1\.1 \d{3}/g)).toEqual(["HTTP/1.1 200", "HTTP/1.1 400"]);
    expect(upstream.requests.map((r) => r.url)).toEqual(["/v1/models"]);
  });

  it("answers oversized headers with 431", async () => {
    upstream = await startUpstream();
    proxy = await startProxy({ UPSTREAM_URL: upstream.url });
    const response = await sendRaw(proxy.port, `GET /v1/models HTTP/1.1\r\nHost: x\r\nx-big: ${"a".repeat(20_000)}\r\n\r\n`);
    expect(parseRaw(response)).toMatchObject({ status: 431, json: proxyError("headers_too_large", "Request headers too large") });
    expect(upstream.requests).toHaveLength(0);
  });

  it("does not invite an oversized body with 100 Continue, and invites a fitting one", async () => {
    upstream = await startUpstream();
    proxy = await startProxy({ UPSTREAM_URL: upstream.url, MAX_BODY_BYTES: "100" });
    const tooBig = await sendRaw(proxy.port, "POST /v1/files HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 101\r\n\r\n");
    expect(tooBig).toMatch(/^HTTP\/1\.1 413 /);
    expect(tooBig).not.toContain("100 Continue");

    const fits = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(proxy.port, "127.0.0.1");
      let text = "";
      socket.setEncoding("utf8");
      socket.on("data", (d: string) => {
        text += d;
        // Only once invited does the client send its body.
        if (text === "HTTP/1.1 100 Continue\r\n\r\n") socket.write("x".repeat(100));
      });
      socket.on("close", () => resolve(text));
      socket.on("error", reject);
      socket.write("POST /v1/files HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 100\r\nConnection: close\r\n\r\n");
    });
    expect(fits).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 404 /);
    expect(upstream.requests[0]).toMatchObject({ bodyBytes: 100 });
    expect(upstream.requests[0]!.headers).not.toHaveProperty("expect");
  });

  it("answers an expectation other than 100-continue with 417 in OpenAI's shape, and relays nothing", async () => {
    upstream = await startUpstream();
    proxy = await startProxy({ UPSTREAM_URL: upstream.url });
    const response = await sendRaw(proxy.port, "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nExpect: foo\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
    expect(parseRaw(response)).toMatchObject({
      status: 417,
      json: proxyError("expectation_failed", 'Unsupported expectation: Expect "foo"; only 100-continue is understood'),
    });
    expect(response).toMatch(/\r\ncontent-type: application\/json\r\n/);
    expect(upstream.requests).toHaveLength(0);
  });

  it("drops the upstream call when a chunked body turns malformed half-way", async () => {
    upstream = await startUpstream();
    proxy = await startProxy({ UPSTREAM_URL: upstream.url });
    const socket = net.connect(proxy.port, "127.0.0.1");
    let text = "";
    socket.setEncoding("utf8");
    socket.on("data", (d: string) => (text += d));
    const closed = new Promise((resolve) => socket.on("close", resolve));
    socket.write("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
    await upstream.until(() => upstream.requests[0]?.bodyBytes === 5, 5_000, "the first chunk upstream");
    socket.write("zz\r\nnot a chunk\r\n");
    await closed;
    expect(parseRaw(text)).toMatchObject({ status: 400, json: { error: { code: "malformed_request" } } });
    await upstream.until(() => upstream.requests[0]!.aborted, 5_000, "the upstream to see the abort");
  });

  it("keeps the server key even when Connection names Authorization", async () => {
    upstream = await startUpstream({ apiKey: "sk-server" });
    proxy = await startProxy({ UPSTREAM_URL: upstream.url, PROXY_TOKEN: "pt-token-1234567", OPENAI_API_KEY: "sk-server" });
    const answer = await send(`${proxy.url}/v1/models`, { headers: { authorization: "Bearer pt-token-1234567", connection: "keep-alive, authorization" } });
    expect(answer.status).toBe(200);
    expect(upstream.requests[0]!.headers.authorization).toBe("Bearer sk-server");
  });
});
