// With OPENAI_API_KEY set, the upstream receives the server's key. An upstream error that quotes the
// Authorization it received (in its body, plain or compressed, or in WWW-Authenticate) must not hand
// that key to a token holder: the proxy relays such answers with the key replaced.
import type http from "node:http";
import zlib from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { startProxy, waitForRequestLogs, type InProcessProxy } from "../../chain/proxy.js";
import { startHandlerUpstream, startUpstream, type TestUpstream } from "../../chain/upstream.js";
import { send } from "./http.js";

const KEY = "sk-server-ECHOED-8d2f61a0c4b7e935";
const TOKEN = "pt-key-echo-token-5c1e";
const REDACTED = "[redacted]";

let upstream: TestUpstream | undefined;
let proxy: InProcessProxy;
let other: { close: () => Promise<void> } | undefined;
afterEach(async () => {
  await proxy?.close();
  await upstream?.close();
  await other?.close();
  upstream = undefined;
  other = undefined;
});

/** An upstream that answers every request with `respond`; returns its base URL. */
async function echoing(respond: http.RequestListener): Promise<string> {
  const started = await startHandlerUpstream(respond);
  other = started;
  return started.url;
}

const withToken = { headers: { authorization: `Bearer ${TOKEN}`, "accept-encoding": "gzip, br" } };
const quoting = (authorization: string | undefined) => JSON.stringify({ error: { message: `Bad credentials: ${authorization}`, type: "auth", code: null } });

describe("an upstream error that quotes the server's key", () => {
  it("in the body and in WWW-Authenticate: relayed with the key replaced", async () => {
    upstream = await startUpstream({
      scenario: { error: { status: 401, message: `Incorrect API key provided: Bearer ${KEY}` }, responseHeaders: { "www-authenticate": `Bearer error="invalid_token", token="${KEY}"` } },
    });
    proxy = await startProxy({ UPSTREAM_URL: upstream.url, PROXY_TOKEN: TOKEN, OPENAI_API_KEY: KEY });
    const answer = await send(`${proxy.url}/v1/models`, withToken);
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { message: `Incorrect API key provided: Bearer ${REDACTED}` } });
    expect(answer.headers["www-authenticate"]).toBe(`Bearer error="invalid_token", token="${REDACTED}"`);
    expect(JSON.stringify(answer)).not.toContain(KEY);
  });

  it.each([
    ["gzip", (b: Buffer) => zlib.gzipSync(b)],
    ["deflate", (b: Buffer) => zlib.deflateSync(b)],
    ["br", (b: Buffer) => zlib.brotliCompressSync(b)],
  ])("compressed (%s): decoded, relayed plain with the key replaced", async (coding, encode) => {
    const url = await echoing((req, res) => {
      res.writeHead(403, { "content-type": "application/json", "content-encoding": coding });
      res.end(encode(Buffer.from(quoting(req.headers.authorization))));
    });
    proxy = await startProxy({ UPSTREAM_URL: url, PROXY_TOKEN: TOKEN, OPENAI_API_KEY: KEY });
    const answer = await send(`${proxy.url}/v1/models`, withToken);
    expect(answer.status).toBe(403);
    expect(answer.headers["content-encoding"]).toBeUndefined();
    expect(JSON.parse(answer.body)).toMatchObject({ error: { message: `Bad credentials: Bearer ${REDACTED}` } });
  });

  it("split across writes, the key cut in the middle: still replaced", async () => {
    const url = await echoing((req, res) => {
      const text = quoting(req.headers.authorization);
      const cut = text.indexOf(KEY) + 7;
      res.writeHead(500, { "content-type": "application/json" });
      res.write(text.slice(0, cut));
      setTimeout(() => res.end(text.slice(cut)), 20);
    });
    proxy = await startProxy({ UPSTREAM_URL: url, PROXY_TOKEN: TOKEN, OPENAI_API_KEY: KEY });
    const answer = await send(`${proxy.url}/v1/models`, withToken);
    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { message: `Bad credentials: Bearer ${REDACTED}` } });
  });

  it("in an encoding the proxy cannot read: 502 upstream_bad_response instead of the body", async () => {
    const url = await echoing((req, res) => {
      res.writeHead(401, { "content-type": "application/json", "content-encoding": "zstd" });
      res.end(quoting(req.headers.authorization));
    });
    proxy = await startProxy({ UPSTREAM_URL: url, PROXY_TOKEN: TOKEN, OPENAI_API_KEY: KEY });
    const answer = await send(`${proxy.url}/v1/models`, withToken);
    expect(answer.status).toBe(502);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { type: "proxy_error", code: "upstream_bad_response" } });
    expect(answer.body).not.toContain(KEY);
    expect(await waitForRequestLogs(proxy, 1)).toMatchObject([{ status: 502, error: "upstream_bad_response" }]);
  });

  it("without a server key (the caller's own goes upstream): the error is relayed as it is", async () => {
    const url = await echoing((req, res) => {
      res.writeHead(401, { "content-type": "application/json" });
      res.end(quoting(req.headers.authorization));
    });
    proxy = await startProxy({ UPSTREAM_URL: url, PROXY_TOKEN: TOKEN });
    const answer = await send(`${proxy.url}/v1/models`, { headers: { authorization: `Bearer sk-caller-own:${TOKEN}` } });
    expect(JSON.parse(answer.body)).toMatchObject({ error: { message: "Bad credentials: Bearer sk-caller-own" } });
  });
});
