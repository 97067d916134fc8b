// MAX_BODY_BYTES: a declared Content-Length over it is refused before a byte of body is read; a
// chunked body that grows past it is cut off, and the upstream request with it.
import http from "node:http";
import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startProxy, type InProcessProxy, waitForRequestLogs } from "../../chain/proxy.js";
import { startUpstream, type TestUpstream } from "../../chain/upstream.js";
import { parseRaw, proxyError } from "./http.js";

let upstream: TestUpstream;
let proxy: InProcessProxy;
afterEach(async () => {
  await proxy?.close();
  await upstream?.close();
});

const LIMIT = "1000";

describe("request body limit", () => {
  it("answers 413 to an oversized Content-Length without waiting for the body", async () => {
    upstream = await startUpstream();
    proxy = await startProxy({ UPSTREAM_URL: upstream.url, MAX_BODY_BYTES: LIMIT });
    // Headers only: had the proxy waited for (or read) the body, no answer would ever come.
    const response = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(proxy.port, "127.0.0.1");
      let text = "";
      socket.setEncoding("utf8");
      socket.on("data", (d: string) => (text += d));
      socket.on("close", () => resolve(text));
      socket.on("error", reject);
      socket.write("POST /v1/files HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000000000\r\n\r\n");
    });
    const { status, head, json } = parseRaw(response);
    expect(status).toBe(413);
    expect(head).toMatch(/\r\nconnection: close\r\n/i);
    expect(json).toEqual(proxyError("request_too_large", "Request body too large: Content-Length is 1000000000; MAX_BODY_BYTES allows 1000"));
    expect(upstream.requests).toHaveLength(0);
    expect(await waitForRequestLogs(proxy, 1)).toMatchObject([{ status: 413, in: 0, error: "request_too_large" }]);
  });

  it("cuts a chunked body that grows past the limit and aborts the upstream request", async () => {
    upstream = await startUpstream();
    proxy = await startProxy({ UPSTREAM_URL: upstream.url, MAX_BODY_BYTES: LIMIT });
    let status = 0;
    let body = "";
    const answered = new Promise<void>((resolve) => {
      const req = http.request(`${proxy.url}/v1/files`, { method: "POST", agent: false, headers: { "transfer-encoding": "chunked" } }, (res) => {
        status = res.statusCode ?? 0;
        res.setEncoding("utf8");
        res.on("data", (d: string) => (body += d));
        res.on("end", resolve);
        res.on("error", () => resolve());
      });
      req.on("error", () => {});
      req.write(Buffer.alloc(600, "a"));
      // The first 600 bytes are streamed on before the rest exists: no buffering of request bodies.
      void upstream
        .until(() => upstream.requests[0]?.bodyBytes === 600, 5_000, "600 body bytes upstream")
        .then(() => req.write(Buffer.alloc(600, "b")));
    });
    await answered;
    expect(status).toBe(413);
    expect(JSON.parse(body)).toEqual(proxyError("request_too_large", "Request body too large: the body grew past 1000 bytes; MAX_BODY_BYTES allows 1000"));
    await upstream.until(() => upstream.requests[0]!.aborted, 5_000, "the upstream to see the abort");
    expect(upstream.requests[0]!.bodyBytes).toBe(600);
    expect(await waitForRequestLogs(proxy, 1)).toMatchObject([{ status: 413, in: 600, error: "request_too_large" }]);
  });

  it("relays a body of exactly the limit", async () => {
    upstream = await startUpstream();
    proxy = await startProxy({ UPSTREAM_URL: upstream.url, MAX_BODY_BYTES: LIMIT });
    const res = await fetch(`${proxy.url}/v1/files`, { method: "POST", body: Buffer.alloc(1000, "a") });
    expect(res.status).toBe(404); // the test upstream has no /v1/files: what matters is that it got the body
    expect(upstream.requests[0]!.bodyBytes).toBe(1000);
  });
});
