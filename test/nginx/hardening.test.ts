// What the site refuses and hides, on the real Nginx: HTTPS only (redirect, HSTS), no version, rate
// limits with a 429 clients parse, no client address towards the function, and a TLS function URL
// reached with its own Host, SNI and (when configured) a verified certificate.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { nginxBinary } from "../fixtures/nginx.js";
import { pollUntil } from "../../chain/poll.js";
import { makeTlsMaterial, type TlsMaterial } from "../fixtures/tls.js";
import { startChain, type Chain } from "./chain.js";
import { send } from "./client.js";

let tls: TlsMaterial;
let otherCa: TlsMaterial;
let chain: Chain | undefined;
beforeAll(async () => {
  [tls, otherCa] = await Promise.all([makeTlsMaterial(), makeTlsMaterial({ names: ["localhost"] })]);
});
afterAll(async () => {
  await tls?.cleanup();
  await otherCa?.cleanup();
});
afterEach(async () => {
  await chain?.close();
  chain = undefined;
});

const withTls = () => ({ tls: { certificate: tls.certFile, certificateKey: tls.keyFile } });

describe.skipIf(!nginxBinary)("HTTPS", () => {
  it("redirects the HTTP listener to the HTTPS port with 308, keeping path and query", async () => {
    chain = await startChain({ site: withTls(), direct: true });
    const ex = await send(`${chain.nginx.httpUrl}/v1/models?limit=1`, {
      method: "POST",
      headers: { host: `localhost:${chain.nginx.httpPort}` },
      body: "{}",
    }).done();
    expect(ex.status).toBe(308);
    expect(ex.headers.location).toBe(`https://localhost:${chain.nginx.httpsPort}/v1/models?limit=1`);
    expect(ex.headers.server).toBe("nginx");
    expect(chain.upstream.requests).toEqual([]);
  });

  it("redirects to the configured server name, whatever Host the client sends", async () => {
    chain = await startChain({ site: withTls(), direct: true });
    for (const host of ["evil.example", `evil.example:${chain.nginx.httpPort}`, "localhost.evil.example"]) {
      const ex = await send(`${chain.nginx.httpUrl}/v1/models`, { headers: { host } }).done();
      expect(ex.status).toBe(308);
      expect(ex.headers.location).toBe(`https://localhost:${chain.nginx.httpsPort}/v1/models`);
    }
  });

  it("answers over TLS with HSTS and nosniff, and names no version in Server", async () => {
    chain = await startChain({ site: withTls(), direct: true });
    const ex = await send(`${chain.nginx.httpsUrl}/v1/models`, { ca: tls.cert }).done();
    expect(ex.status).toBe(200);
    expect(ex.headers["strict-transport-security"]).toBe("max-age=31536000");
    expect(ex.headers["x-content-type-options"]).toBe("nosniff");
    expect(ex.headers.server).toBe("nginx");
    const socket = ex.request.socket as import("node:tls").TLSSocket;
    expect(["TLSv1.2", "TLSv1.3"]).toContain(socket.getProtocol());
  });

  it("keeps HSTS on Nginx's own JSON errors and its version out of error pages", async () => {
    chain = await startChain({ site: withTls(), direct: true });
    const tooLarge = await send(`${chain.nginx.httpsUrl}/v1/chat/completions`, {
      ca: tls.cert,
      method: "POST",
      headers: { "content-length": String(20 * 1024 * 1024 + 1) },
      manualBody: true,
    }).done();
    tooLarge.close();
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers["strict-transport-security"]).toBe("max-age=31536000");
    // No web UI in this site: `/` is Nginx's own 404 page.
    const page = await send(`${chain.nginx.httpsUrl}/`, { ca: tls.cert }).done();
    expect(page.status).toBe(404);
    expect(page.text).toContain("<center>nginx</center>");
    expect(page.text).not.toMatch(/nginx\/\d/);
  });
});

describe.skipIf(!nginxBinary)("access log", () => {
  it("logs each request with its total and upstream times, and no header value", async () => {
    chain = await startChain();
    await send(`${chain.nginx.httpUrl}/v1/models`, { headers: { authorization: "Bearer sk-secret-in-header" } }).done();
    // Nginx writes the line once the response is finished, which the client may see first.
    await pollUntil(() => chain!.nginx.accessLog() !== "", "the access log line");
    const line = chain.nginx.accessLog();
    expect(line).toMatch(/^127\.0\.0\.1 \[[^\]]+\] "GET \/v1\/models HTTP\/1\.1" 200 \d+ rt=\d+\.\d{3} urt=\d+\.\d{3} uct=\d+\.\d{3} "-"\n$/);
    expect(line).not.toContain("sk-secret");
  });
});

describe.skipIf(!nginxBinary)("access log of refused requests", () => {
  it("logs their path only up to the first segment that could hold a secret, then /*", async () => {
    const KEY = "sk-proj-INPATH-0f4e9a2b7c";
    chain = await startChain();
    const statuses: number[] = [];
    for (const path of [`/${KEY}/v2/models`, `/v1/models;key=${KEY}`, `/v2/models%3Fkey=${KEY}`, `/v1/files/${KEY}/content?x=1`, "/v1/models?x=1"]) {
      statuses.push((await send(`${chain.nginx.httpUrl}/`, { rawPath: path }).done()).status);
    }
    expect(statuses).toEqual([404, 400, 404, 404, 200]);
    await pollUntil(() => chain!.nginx.accessLog().trim().split("\n").length === 5, "five access log lines");
    const log = chain.nginx.accessLog();
    expect(log).not.toContain("INPATH");
    expect([...log.matchAll(/"([^"]*)" (\d{3}) /g)].map((m) => `${m[1]} ${m[2]}`)).toEqual([
      "GET /* HTTP/1.1 404",
      "GET /v1/* HTTP/1.1 400",
      "GET /v2/* HTTP/1.1 404",
      "GET /v1/files/* HTTP/1.1 404",
      "GET /v1/models?... HTTP/1.1 200",
    ]);
  });
});

describe.skipIf(!nginxBinary)("rate limit", () => {
  it("answers requests beyond rate and burst with 429 in OpenAI's shape, /api/ and every provider's API route sharing one counter", async () => {
    // One request a minute and a burst of 2: the fourth request within the minute is over.
    chain = await startChain({ site: { rateLimit: { perSecond: 1 / 60, burst: 2 } }, web: {}, direct: true });
    const statuses: number[] = [];
    for (const path of ["/v1/models", "/api/config", "/v1/models"]) {
      statuses.push((await send(`${chain.nginx.httpUrl}${path}`).done()).status);
    }
    expect(statuses).toEqual([200, 200, 200]);
    const limited = await send(`${chain.nginx.httpUrl}/v1/models`).done();
    expect(limited.status).toBe(429);
    expect(JSON.parse(limited.text)).toEqual({
      error: {
        message: "Nginx: too many requests from your address (over 1r/m, burst 2); retry in a moment.",
        type: "proxy_error",
        code: "rate_limit_exceeded",
      },
    });
    const limitedWeb = await send(`${chain.nginx.httpUrl}/api/config`).done();
    expect(limitedWeb.status).toBe(429);
    for (const path of ["/anthropic/v1/models", "/google/v1beta/models", "/api/anthropic/v1/messages", "/api/google/v1beta/models"]) {
      expect((await send(`${chain.nginx.httpUrl}${path}`).done()).status, path).toBe(429);
    }
    // Pages are not limited.
    expect((await send(`${chain.nginx.httpUrl}/`).done()).status).toBe(200);
    expect(chain.upstream.requests).toHaveLength(2);
    expect(chain.nginx.errorLog()).toMatch(/\[warn\].*limiting requests, excess: \d\.\d{3} by zone "gptsite_api"/);
  });
});

describe.skipIf(!nginxBinary)("towards the function", () => {
  it("passes no client-address header on, whatever the client sends", async () => {
    chain = await startChain({ direct: true });
    const spoofed = {
      "x-forwarded-for": "203.0.113.7",
      "x-real-ip": "203.0.113.7",
      forwarded: "for=203.0.113.7",
      "x-forwarded-host": "attacker.example",
      "x-client-ip": "203.0.113.7",
      "x-cluster-client-ip": "203.0.113.7",
      "cf-connecting-ip": "203.0.113.7",
      "true-client-ip": "203.0.113.7",
      "fastly-client-ip": "203.0.113.7",
    };
    const ex = await send(`${chain.nginx.httpUrl}/v1/models`, { headers: { ...spoofed, authorization: "Bearer sk-mine" } }).done();
    expect(ex.status).toBe(200);
    const seen = chain.upstream.requests[0]!;
    for (const name of Object.keys(spoofed)) expect(seen.headers).not.toHaveProperty(name);
    expect(seen.headers.authorization).toBe("Bearer sk-mine");
    expect(seen.headers.host).toBe(`127.0.0.1:${chain.upstream.port}`);
  });

  it("acts on no X-Accel-* header from the function: no internal redirect to the web UI, no rate or buffering change", async () => {
    chain = await startChain({
      direct: true,
      web: {},
      upstream: { scenario: { responseHeaders: { "x-accel-redirect": "/api/config", "x-accel-limit-rate": "1", "x-accel-buffering": "yes" } } },
    });
    const ex = await send(`${chain.nginx.httpUrl}/v1/models`, { headers: { authorization: "Bearer sk-mine" } }).done();
    expect(ex.status).toBe(200);
    expect(JSON.parse(ex.text)).toMatchObject({ object: "list" });
    expect(chain.web!.requests).toEqual([]);
    expect(Object.keys(ex.headers).filter((name) => name.startsWith("x-accel-"))).toEqual([]);
  });

  it("answers 502 in OpenAI's shape when the function cannot be reached", async () => {
    chain = await startChain({ direct: true });
    await chain.upstream.close();
    const ex = await send(`${chain.nginx.httpUrl}/v1/chat/completions`, { body: "{}" }).done();
    expect(ex.status).toBe(502);
    expect(ex.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(ex.text)).toEqual({
      error: { message: "Nginx: the function proxy could not be reached.", type: "proxy_error", code: "upstream_unreachable" },
    });
  });

  it("keeps the function URL's base path: /v1/… goes on under it", async () => {
    chain = await startChain({ direct: true, site: ({ upstream }) => ({ apiUpstream: `${upstream}/release` }) });
    await send(`${chain.nginx.httpUrl}/v1/models?limit=2`).done();
    expect(chain.upstream.requests[0]!.url).toBe("/release/v1/models?limit=2");
  });

  it("reaches an HTTPS function with its own Host and SNI, verifying its certificate against apiTrustedCa", async () => {
    chain = await startChain({
      direct: true,
      upstream: { tls: { key: tls.key, cert: tls.cert } },
      site: ({ upstream }) => ({ apiUpstream: `https://localhost:${new URL(upstream).port}`, apiTrustedCa: tls.certFile }),
    });
    const ex = await send(`${chain.nginx.httpUrl}/v1/models`, { headers: { host: "chat.example.com" } }).done();
    expect(ex.status).toBe(200);
    const seen = chain.upstream.requests[0]!;
    expect(seen.headers.host).toBe(`localhost:${chain.upstream.port}`);
    expect(seen.servername).toBe("localhost");
  });

  it("answers 502 in OpenAI's shape when the function's certificate does not verify", async () => {
    chain = await startChain({
      direct: true,
      upstream: { tls: { key: tls.key, cert: tls.cert } },
      site: ({ upstream }) => ({ apiUpstream: `https://localhost:${new URL(upstream).port}`, apiTrustedCa: otherCa.certFile }),
    });
    const ex = await send(`${chain.nginx.httpUrl}/v1/models`).done();
    expect(ex.status).toBe(502);
    expect(JSON.parse(ex.text)).toEqual({
      error: { message: "Nginx: the function proxy could not be reached.", type: "proxy_error", code: "upstream_unreachable" },
    });
    expect(chain.upstream.requests).toEqual([]);
    expect(chain.nginx.errorLog()).toMatch(/upstream SSL certificate verify error: \(18:self-signed certificate\)/);
  });
});
