// Browser clients: a preflight is answered by the proxy (no token asked, nothing forwarded), echoing
// the headers the page wants to send; every answer carries Access-Control-Allow-Origin.
import { afterEach, describe, expect, it } from "vitest";
import { startProxy, type InProcessProxy } from "../../chain/proxy.js";
import { startUpstream, type TestUpstream } from "../../chain/upstream.js";
import { send } from "./http.js";

let upstream: TestUpstream;
let proxy: InProcessProxy;
afterEach(async () => {
  await proxy?.close();
  await upstream?.close();
});

const REQUESTED = "authorization, content-type, x-stainless-arch, x-stainless-lang, x-stainless-os, x-stainless-retry-count";

describe("CORS", () => {
  it("answers a preflight locally, without a token, echoing the requested headers", async () => {
    upstream = await startUpstream();
    proxy = await startProxy({ UPSTREAM_URL: upstream.url, PROXY_TOKEN: "pt-1234567890abcdef" });
    const answer = await send(`${proxy.url}/v1/chat/completions`, {
      method: "OPTIONS",
      headers: { origin: "https://chat.example.cn", "access-control-request-method": "POST", "access-control-request-headers": REQUESTED },
    });
    expect(answer.status).toBe(204);
    expect(answer.headers).toMatchObject({
      "access-control-allow-origin": "*",
      "access-control-allow-headers": REQUESTED,
      "access-control-allow-methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
      "access-control-max-age": "86400",
    });
    expect(upstream.connections).toBe(0);
  });

  it("does not echo a header list that is not a list of header names", async () => {
    upstream = await startUpstream();
    proxy = await startProxy({ UPSTREAM_URL: upstream.url });
    const answer = await send(`${proxy.url}/v1/models`, {
      method: "OPTIONS",
      headers: { "access-control-request-method": "GET", "access-control-request-headers": "x-a, <script>" },
    });
    expect(answer.headers["access-control-allow-headers"]).toBe("authorization, content-type");
  });

  it("marks relayed answers and the proxy's own errors readable from any origin", async () => {
    upstream = await startUpstream();
    proxy = await startProxy({ UPSTREAM_URL: upstream.url, PROXY_TOKEN: "pt-1234567890abcdef" });
    const relayed = await send(`${proxy.url}/v1/models`, { headers: { origin: "https://chat.example.cn", authorization: "Bearer sk-a:pt-1234567890abcdef" } });
    const refused = await send(`${proxy.url}/v1/models`, { headers: { origin: "https://chat.example.cn" } });
    expect([relayed.status, refused.status]).toEqual([200, 401]);
    expect(relayed.headers["access-control-allow-origin"]).toBe("*");
    expect(refused.headers["access-control-allow-origin"]).toBe("*");
  });
});
