// Streaming through the real Nginx → function proxy → test upstream: answers chunk by chunk, bodies
// passed on while they arrive, and timeouts that outwait the function.
import { readdirSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { nginxBinary } from "../fixtures/nginx.js";
import { DEFAULT_CHUNKS } from "../../chain/upstream.js";
import { expectChunkByChunk, startChain, type Chain } from "./chain.js";
import { chatBody, JSON_HEADERS, send } from "./client.js";

/** role, one per content piece, the stop chunk, [DONE] */
const EVENTS = DEFAULT_CHUNKS.length + 3;
/** http-level compression a user might have, event streams included. */
const GZIP_EVERYTHING = "gzip on;\ngzip_types text/event-stream application/json;\ngzip_min_length 1;\ngzip_proxied any;";

let chain: Chain | undefined;
afterEach(async () => {
  await chain?.close();
  chain = undefined;
});

describe.skipIf(!nginxBinary)("streaming through Nginx", () => {
  // The proxy sends `X-Accel-Buffering: no` on event streams, which alone stops Nginx buffering them;
  // straight from the test upstream (which does not) shows that the site's own config streams.
  it.each([
    ["Nginx → proxy → upstream", false],
    ["Nginx → upstream, without the proxy's X-Accel-Buffering", true],
  ])("passes each event on before the upstream writes the next (%s)", async (_, direct) => {
    chain = await startChain({ upstream: { scenario: { manual: true } }, direct });
    const ex = send(`${chain.nginx.httpUrl}/v1/chat/completions`, { body: chatBody({ stream: true }), headers: JSON_HEADERS });
    await expectChunkByChunk(chain, ex, EVENTS);
    expect(ex.events.at(-1)).toBe("[DONE]");
    expect(ex.status).toBe(200);
    expect(ex.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
  });

  it("never gzips an event stream, even with gzip on for text/event-stream at http level", async () => {
    chain = await startChain({ upstream: { scenario: { manual: true } }, httpLevel: GZIP_EVERYTHING });
    const ex = send(`${chain.nginx.httpUrl}/v1/chat/completions`, {
      body: chatBody({ stream: true }),
      headers: { ...JSON_HEADERS, "accept-encoding": "gzip" },
    });
    await expectChunkByChunk(chain, ex, EVENTS);
    expect(ex.events.at(-1)).toBe("[DONE]");
    expect(ex.headers["content-encoding"]).toBeUndefined();
  });

  it("(control) the same http-level lines do gzip the stream once the site's `gzip off` is gone", async () => {
    const gzipOff = /^ {4}gzip off;.*$/m;
    chain = await startChain({
      upstream: { scenario: { manual: true } },
      httpLevel: GZIP_EVERYTHING,
      edit: (site) => {
        expect(site).toMatch(gzipOff);
        return site.replace(gzipOff, "");
      },
    });
    const ex = send(`${chain.nginx.httpUrl}/v1/chat/completions`, {
      body: chatBody({ stream: true }),
      headers: { ...JSON_HEADERS, "accept-encoding": "gzip" },
    });
    await ex.until((x) => x.status !== 0, "response headers");
    expect(ex.headers["content-encoding"]).toBe("gzip");
    chain.upstream.release(EVENTS);
    await ex.done();
  });
});

describe.skipIf(!nginxBinary)("timeouts", () => {
  it("answers 504 in OpenAI's shape when the function is silent longer than the read timeout", async () => {
    chain = await startChain({ site: { readTimeoutSec: 1, functionTimeoutSec: 1 }, upstream: { scenario: { headersDelayMs: 3_000 } } });
    const ex = await send(`${chain.nginx.httpUrl}/v1/chat/completions`, { body: chatBody({ stream: true }), headers: JSON_HEADERS }).done();
    expect(ex.status).toBe(504);
    expect(ex.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(ex.text)).toEqual({
      error: { message: "Nginx: the function proxy sent nothing for 1 s.", type: "proxy_error", code: "upstream_timeout" },
    });
    expect(chain.nginx.errorLog()).toMatch(/upstream timed out \(110: Connection timed out\) while reading response header from upstream/);
  });

  it("with the default read timeout, a 3 s silence between chunks streams through", async () => {
    chain = await startChain({ upstream: { scenario: { chunks: [], chunkIntervalMs: 3_000 } } });
    expect(chain.nginx.conf).toMatch(/proxy_read_timeout 900s;/);
    const ex = await send(`${chain.nginx.httpUrl}/v1/chat/completions`, { body: chatBody({ stream: true }), headers: JSON_HEADERS }).done(20_000);
    expect(ex.status).toBe(200);
    expect(ex.events).toHaveLength(3);
    expect(ex.events.at(-1)).toBe("[DONE]");
  }, 30_000);
});

describe.skipIf(!nginxBinary)("request bodies", () => {
  const size = 4 * 1024 * 1024;
  const first = 1024 * 1024;

  it.each([
    ["with Content-Length", { "content-length": String(size) }],
    ["chunked", { "transfer-encoding": "chunked" }],
  ])("passes a large body (%s) on while the client still holds the rest, never via a temp file", async (_, framing) => {
    chain = await startChain();
    const ex = send(`${chain.nginx.httpUrl}/v1/chat/completions`, {
      method: "POST",
      headers: { ...JSON_HEADERS, ...framing },
      manualBody: true,
    });
    await ex.write(Buffer.alloc(first, "a"));
    await chain.upstream.until(() => (chain!.upstream.requests[0]?.bodyBytes ?? 0) > 0, 10_000, "body bytes at the upstream");
    // The client has not sent a byte beyond `first`, and the upstream already has some of them.
    expect(chain.upstream.requests[0]!.bodyBytes).toBeLessThanOrEqual(first);
    await ex.write(Buffer.alloc(size - first, "a"));
    ex.request.end();
    await ex.done();
    expect(ex.status).toBe(200);
    expect(chain.upstream.requests[0]!.bodyBytes).toBe(size);
    expect(readdirSync(path.join(chain.nginx.prefix, "client_body_temp"))).toEqual([]);
    expect(chain.nginx.errorLog()).not.toMatch(/buffered to a temporary file/);
  });

  it("answers 413 in OpenAI's shape for a body over the limit, without bothering the upstream", async () => {
    chain = await startChain();
    const ex = send(`${chain.nginx.httpUrl}/v1/chat/completions`, {
      method: "POST",
      headers: { ...JSON_HEADERS, "content-length": String(20 * 1024 * 1024 + 1) },
      manualBody: true,
    });
    await ex.done();
    ex.close();
    expect(ex.status).toBe(413);
    expect(JSON.parse(ex.text)).toEqual({
      error: { message: "Nginx: the request body is over 20971520 bytes (20 MiB).", type: "proxy_error", code: "request_too_large" },
    });
    expect(chain.upstream.requests).toEqual([]);
  });
});
