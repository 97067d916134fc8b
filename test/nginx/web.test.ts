// The web UI behind the real Nginx, with the NextChat double: Host kept, x-base-url dropped, /api/
// closed except /api/config and the providers' chat routes, and the chat route streaming through the
// whole chain (the other providers' routes: providers.test.ts).
import { afterEach, describe, expect, it } from "vitest";
import { nginxBinary } from "../fixtures/nginx.js";
import { DEFAULT_CHUNKS } from "../../chain/upstream.js";
import { WEB_PAGE } from "../fixtures/web.js";
import { expectChunkByChunk, startChain, type Chain } from "./chain.js";
import { chatBody, JSON_HEADERS, send } from "./client.js";

const FORBIDDEN = {
  error: {
    message:
      "Nginx: this path is not served. Under /api/ only /api/config, /api/openai/, /api/anthropic/ and /api/google/ are; the APIs are under /v1/, /anthropic/ and /google/.",
    type: "proxy_error",
    code: "path_not_served",
  },
};

let chain: Chain;
afterEach(() => chain?.close());

const start = () => startChain({ web: { codes: ["s3cret"], apiKey: "sk-server" }, upstream: { apiKey: "sk-server" } });

describe.skipIf(!nginxBinary)("web UI behind Nginx", () => {
  it("hands the browser's Host, port included, to the web UI and never x-base-url", async () => {
    chain = await start();
    const host = `localhost:${chain.nginx.httpPort}`;
    const ex = await send(`${chain.nginx.httpUrl}/`, {
      headers: { host, "x-base-url": "https://attacker.example", "x-forwarded-host": "attacker.example" },
    }).done();
    expect(ex.status).toBe(200);
    expect(ex.text).toBe(WEB_PAGE);
    const seen = chain.web!.requests[0]!;
    expect(seen.headers.host).toBe(host);
    expect(seen.headers).not.toHaveProperty("x-base-url");
    expect(seen.headers).not.toHaveProperty("x-forwarded-host");
    expect(seen.headers["x-forwarded-proto"]).toBe("http");
  });

  it("clears x-base-url on the allowed /api/ routes too", async () => {
    chain = await start();
    const ex = await send(`${chain.nginx.httpUrl}/api/config`, { headers: { "X-Base-URL": "https://attacker.example" } }).done();
    expect(ex.status).toBe(200);
    expect(JSON.parse(ex.text)).toMatchObject({ needCode: true, hideUserApiKey: false });
    expect(chain.web!.requests.map((r) => r.url)).toEqual(["/api/config"]);
    expect(chain.web!.requests[0]!.headers).not.toHaveProperty("x-base-url");
  });

  it.each(["/api/other/v1/chat/completions", "/api/deepseek/v1/chat/completions", "/api/anthropics/v1/messages", "/api/webdav/x", "/api/config/x", "/api/openai/../other/x", "/x/%2e%2e/api/other/x"])(
    "answers 403 in OpenAI's shape for %s, without reaching the web UI",
    async (rawPath) => {
      chain = await start();
      const ex = await send(`${chain.nginx.httpUrl}/`, {
        rawPath,
        method: "POST",
        headers: { ...JSON_HEADERS, "x-base-url": "https://attacker.example" },
        body: chatBody(),
      }).done();
      expect(ex.status).toBe(403);
      expect(ex.headers["content-type"]).toBe("application/json");
      expect(JSON.parse(ex.text)).toEqual(FORBIDDEN);
      expect(chain.web!.requests).toEqual([]);
    },
  );

  it.each(["/API/other/x", "/Api/openai/v1/chat/completions", "/API/anthropic/v1/messages", "/aPI/config", "/%41PI/other/x"])(
    "holds the /api/ rule whatever the case: %s is 403, without reaching the web UI",
    async (rawPath) => {
      chain = await start();
      const ex = await send(`${chain.nginx.httpUrl}/`, { rawPath, method: "POST", headers: JSON_HEADERS, body: chatBody() }).done();
      expect(ex.status).toBe(403);
      expect(JSON.parse(ex.text)).toEqual(FORBIDDEN);
      expect(chain.web!.requests).toEqual([]);
    },
  );

  it("clears Forwarded towards the web UI, as it replaces X-Forwarded-For", async () => {
    chain = await start();
    const ex = await send(`${chain.nginx.httpUrl}/api/config`, { headers: { forwarded: "for=203.0.113.7;proto=https", "x-forwarded-for": "203.0.113.7" } }).done();
    expect(ex.status).toBe(200);
    const seen = chain.web!.requests[0]!;
    expect(seen.headers).not.toHaveProperty("forwarded");
    expect(seen.headers["x-forwarded-for"]).toBe("127.0.0.1");
  });

  it.each(["/api\\other/x", "/api%5Cother/x", "/api%5cother/x"])("refuses %s (a backslash Next.js would read as /) with 400", async (rawPath) => {
    chain = await start();
    const ex = await send(`${chain.nginx.httpUrl}/`, { rawPath }).done();
    expect(ex.status).toBe(400);
    expect(chain.web!.requests).toEqual([]);
  });

  it.each(["/api/%2E%2e/evil.example", "/api/../x", "/x/../y", "/api/%2e/config", "/api/anthropic/v1/messages/..", "/api/openai/v1/.%2E/models", "/api/x/y%2F..%2F..%2F..", "/api/openai%2F..%2F..%2Fevil", "/api/openai/v1%2f%2e%2e%2fx", "/api/openai%2Fx/y", "/api/openai%2fv1/chat/completions", "/x%2Fy"])(
    "refuses %s (a dot segment or an encoded slash: the web UI's router may split it otherwise than Nginx) with 400, without reaching the web UI",
    async (rawPath) => {
      chain = await start();
      const ex = await send(`${chain.nginx.httpUrl}/`, { rawPath }).done();
      expect(ex.status).toBe(400);
      expect(ex.headers["content-type"]).toBe("application/json");
      expect(JSON.parse(ex.text)).toMatchObject({ error: { type: "proxy_error" } });
      expect(chain.web!.requests).toEqual([]);
    },
  );

  it("streams /api/openai/v1/chat/completions through the web UI, the proxy and the upstream, chunk by chunk", async () => {
    chain = await start();
    chain.upstream.behave({ manual: true });
    const ex = send(`${chain.nginx.httpUrl}/api/openai/v1/chat/completions`, {
      body: chatBody({ stream: true }),
      headers: { ...JSON_HEADERS, authorization: "Bearer nk-s3cret", "accept-encoding": "gzip" },
    });
    await expectChunkByChunk(chain, ex, DEFAULT_CHUNKS.length + 3);
    expect(ex.status).toBe(200);
    expect(ex.headers["content-encoding"]).toBeUndefined();
    expect(ex.events.at(-1)).toBe("[DONE]");
    // The web UI swapped the access code for the server key, which the upstream accepted.
    expect(chain.upstream.requests[0]!.headers.authorization).toBe("Bearer sk-server");
  });

  it("answers 502 in OpenAI's shape on the chat route when the web UI is down", async () => {
    chain = await start();
    await chain.web!.close();
    const ex = await send(`${chain.nginx.httpUrl}/api/openai/v1/chat/completions`, { body: chatBody(), headers: JSON_HEADERS }).done();
    expect(ex.status).toBe(502);
    expect(JSON.parse(ex.text)).toEqual({
      error: { message: "Nginx: the web UI could not be reached.", type: "proxy_error", code: "upstream_unreachable" },
    });
  });

  it("passes the web UI's own errors through untouched (a wrong access code stays NextChat's 401)", async () => {
    chain = await start();
    const ex = await send(`${chain.nginx.httpUrl}/api/openai/v1/chat/completions`, {
      body: chatBody({ stream: true }),
      headers: { ...JSON_HEADERS, authorization: "Bearer nk-wrong" },
    }).done();
    expect(ex.status).toBe(401);
    expect(JSON.parse(ex.text)).toEqual({ error: true, msg: "wrong access code" });
    expect(chain.upstream.requests).toEqual([]);
  });
});
