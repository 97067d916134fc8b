// What the upstream receives, and what the client gets back: no trace of the caller's address, no
// cookies, no connection-level or platform headers; Host is the upstream's own.
import http from "node:http";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { startProxy, type InProcessProxy } from "../../chain/proxy.js";
import { startUpstream, type TestUpstream } from "../../chain/upstream.js";
import { send } from "./http.js";

let upstream: TestUpstream;
let proxy: InProcessProxy;
let other: http.Server | undefined;
afterEach(async () => {
  await proxy?.close();
  await upstream?.close();
  if (other) {
    other.closeAllConnections();
    other.close();
    other = undefined;
  }
});

const CALLER_HEADERS = {
  "x-forwarded-for": "203.0.113.7",
  "x-forwarded-host": "chat.example.cn",
  "x-forwarded-proto": "https",
  "x-real-ip": "203.0.113.7",
  forwarded: "for=203.0.113.7;proto=https",
  "cf-connecting-ip": "203.0.113.7",
  "cf-ipcountry": "CN",
  "true-client-ip": "203.0.113.7",
  "x-client-ip": "203.0.113.7",
  "x-cluster-client-ip": "203.0.113.7",
  via: "1.1 nginx",
  cookie: "session=abc",
  origin: "https://chat.example.cn",
  referer: "https://chat.example.cn/#/chat",
  // What Alibaba FC and Tencent SCF add in front of the function; FC's carry cloud credentials.
  "x-fc-access-key-id": "STS.leak",
  "x-fc-access-key-secret": "leak",
  "x-fc-security-token": "leak",
  "x-fc-request-id": "r-1",
  "x-scf-request-id": "r-2",
  "x-scf-uin": "100000000001",
  // Hop-by-hop, and one header that Connection names (RFC 9110 §7.6.1).
  connection: "keep-alive, x-hop-secret",
  "keep-alive": "timeout=5",
  "x-hop-secret": "hop",
  te: "trailers",
  "proxy-authorization": "Basic cHJveHk6cHJveHk=",
  upgrade: "websocket",
  host: "evil.example",
  expect: "100-continue",
};

describe("headers towards the upstream", () => {
  it("forwards none of the caller's identity, hop-by-hop or platform headers", async () => {
    upstream = await startUpstream();
    proxy = await startProxy({ UPSTREAM_URL: upstream.url });
    const body = JSON.stringify({ model: "gpt-4o-mini", messages: [] });
    const answer = await send(`${proxy.url}/v1/chat/completions?trace=1`, {
      method: "POST",
      headers: {
        ...CALLER_HEADERS,
        authorization: "Bearer sk-caller",
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
        "x-stainless-lang": "js",
        "user-agent": "OpenAI/JS 6.0.0",
      },
      body,
    });
    expect(answer.status).toBe(200);

    const seen = upstream.requests[0]!;
    expect(seen.url).toBe("/v1/chat/completions?trace=1");
    const names = Object.keys(seen.headers).sort();
    expect(names).toEqual(["authorization", "connection", "content-length", "content-type", "host", "user-agent", "x-stainless-lang"]);
    expect(seen.headers.host).toBe(`127.0.0.1:${upstream.port}`);
    // Node's own keep-alive towards the upstream, not the caller's Connection header.
    expect(seen.headers.connection).toBe("keep-alive");
    expect(seen.headers.authorization).toBe("Bearer sk-caller");
    expect(seen.body.toString()).toBe(body);
  });

  it("keeps the base path of UPSTREAM_URL and sends its host", async () => {
    upstream = await startUpstream();
    proxy = await startProxy({ UPSTREAM_URL: `${upstream.url}/openai/` });
    const answer = await send(`${proxy.url}/v1/models?limit=2`, { headers: { host: "evil.example" } });
    // The test upstream knows no /openai prefix: what matters is what it was asked.
    expect(answer.status).toBe(404);
    expect(upstream.requests[0]).toMatchObject({ url: "/openai/v1/models?limit=2", headers: { host: `127.0.0.1:${upstream.port}` } });
  });
});

describe("headers towards the client", () => {
  it("drops hop-by-hop headers, the ones Connection names, and the upstream's cookies", async () => {
    other = http.createServer((_req, res) => {
      res.writeHead(200, {
        "content-type": "application/json",
        connection: "keep-alive, x-upstream-hop",
        "keep-alive": "timeout=30",
        "x-upstream-hop": "1",
        "set-cookie": ["__cf_bm=tracking; path=/", "_cfuvid=x"],
        "access-control-allow-origin": "https://platform.openai.com",
        "x-request-id": "req_1",
        "openai-processing-ms": "5",
      });
      res.end("{}");
    });
    other.listen(0, "127.0.0.1");
    await once(other, "listening");
    proxy = await startProxy({ UPSTREAM_URL: `http://127.0.0.1:${(other.address() as AddressInfo).port}` });

    const answer = await send(`${proxy.url}/v1/models`, { headers: { connection: "close" } });
    expect(answer.status).toBe(200);
    expect(answer.headers["x-upstream-hop"]).toBeUndefined();
    expect(answer.headers["set-cookie"]).toBeUndefined();
    expect(answer.headers["access-control-allow-origin"]).toBe("*");
    expect(answer.headers["x-request-id"]).toBe("req_1");
    expect(answer.headers["openai-processing-ms"]).toBe("5");
    // The proxy's own connection handling towards this client, not the upstream's.
    expect(answer.headers.connection).toBe("close");
    expect(answer.headers["keep-alive"]).toBeUndefined();
  });
});

describe("X-Accel-* from the upstream", () => {
  // Nginx acts on these when an upstream sends them: X-Accel-Redirect would make it replay the
  // caller's request, Authorization and all, to another location of the site (the web UI's).
  const X_ACCEL = {
    "x-accel-redirect": "/api/openai/v1/models",
    "x-accel-limit-rate": "1",
    "x-accel-buffering": "yes",
    "x-accel-expires": "0",
    "x-accel-charset": "koi8-r",
    "x-accel-anything": "1",
  };

  it("never reach the client; an event stream still gets the proxy's own X-Accel-Buffering: no", async () => {
    upstream = await startUpstream({ scenario: { responseHeaders: X_ACCEL } });
    proxy = await startProxy({ UPSTREAM_URL: upstream.url });
    const models = await send(`${proxy.url}/v1/models`);
    expect(models.status).toBe(200);
    expect(Object.keys(models.headers).filter((name) => name.startsWith("x-accel-"))).toEqual([]);

    const stream = await send(`${proxy.url}/v1/chat/completions`, { method: "POST", body: JSON.stringify({ model: "m", messages: [], stream: true }) });
    expect(stream.status).toBe(200);
    expect(Object.entries(stream.headers).filter(([name]) => name.startsWith("x-accel-"))).toEqual([["x-accel-buffering", "no"]]);
  });
});
