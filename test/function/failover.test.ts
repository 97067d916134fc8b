// Server keys as a list: an answer that says the key is exhausted, rate-limited or revoked, before any
// byte has gone to the client, sends the request on to the next key, and the key rests a while
// (contract.ts KEY_REST_MS). The client sees one clean answer. A stream that has started is never
// retried; a body larger than the replay bound is relayed once, and the log line says so. The log
// names keys by position, never by value.
import http from "node:http";
import zlib from "node:zlib";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { KEY_REST_MS } from "../../contract.js";
import { routesTo, startProxy, waitForRequestLogs, type InProcessProxy } from "../../chain/proxy.js";
import { DEFAULT_CHUNKS, startHandlerUpstream, startUpstream, type KeyTrouble, type Scenario, type TestUpstream } from "../../chain/upstream.js";
import { closeAfterEach } from "./cleanup.js";

const TOKEN = "pt-failover-8Kd2Qx7Lm4";
const TEXT = DEFAULT_CHUNKS.join("");

let upstream: TestUpstream;
let proxy: InProcessProxy;
const closing = closeAfterEach();

let clock = 1_000_000;
async function chain(env: Record<string, string>, scenario: Scenario = {}) {
  upstream = closing(await startUpstream({ scenario }));
  proxy = closing(await startProxy({ PROXY_TOKEN: TOKEN, ...routesTo(upstream.url), ...env }, { now: () => clock }));
}

const openai = () => new OpenAI({ apiKey: TOKEN, baseURL: `${proxy.url}/v1`, maxRetries: 0 });
const claude = () => new Anthropic({ apiKey: TOKEN, baseURL: `${proxy.url}/anthropic`, maxRetries: 0 });
const gemini = () => new GoogleGenAI({ apiKey: TOKEN, httpOptions: { baseUrl: `${proxy.url}/google` } });

/** Each provider's client streaming a short answer through the proxy; resolves with the text. */
const STREAMS = {
  openai: async () => {
    let text = "";
    for await (const chunk of await openai().chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }], stream: true })) text += chunk.choices[0]?.delta.content ?? "";
    return text;
  },
  anthropic: async () => {
    let text = "";
    for await (const event of await claude().messages.create({ model: "m", max_tokens: 8, messages: [{ role: "user", content: "hi" }], stream: true })) {
      if (event.type === "content_block_delta" && event.delta.type === "text_delta") text += event.delta.text;
    }
    return text;
  },
  google: async () => {
    let text = "";
    for await (const chunk of await gemini().models.generateContentStream({ model: "gemini-2.5-flash", contents: "hi" })) text += chunk.text ?? "";
    return text;
  },
} as const;

const KEYS = { openai: "OPENAI_API_KEY", anthropic: "ANTHROPIC_API_KEY", google: "GOOGLE_API_KEY" } as const;
const PROVIDERS = ["openai", "anthropic", "google"] as const;
const STATUS: Record<(typeof PROVIDERS)[number], Record<KeyTrouble, number>> = {
  openai: { exhausted: 429, rateLimited: 429, revoked: 401 },
  anthropic: { exhausted: 400, rateLimited: 429, revoked: 401 },
  google: { exhausted: 429, rateLimited: 429, revoked: 400 },
};

describe("failover to the next key", () => {
  describe.each(PROVIDERS)("%s", (provider) => {
    it.each(["exhausted", "rateLimited", "revoked"] as const)("from a %s key: the client streams one clean answer from key 2", async (trouble) => {
      await chain({ [KEYS[provider]]: "key-one,key-two,key-three" }, { keys: { "key-one": trouble } });
      expect(await STREAMS[provider]()).toBe(TEXT);
      expect(upstream.requests.map((r) => [r.provider, r.key])).toEqual([
        [provider, "key-one"],
        [provider, "key-two"],
      ]);
      // The same request went to both keys, body and all.
      expect(upstream.requests[1]!.body.equals(upstream.requests[0]!.body)).toBe(true);
      expect(upstream.requests[1]!.url).toBe(upstream.requests[0]!.url);
      const [entry] = await waitForRequestLogs(proxy, 1);
      expect(entry).toMatchObject({ provider, status: 200, key: 2, keyFailures: [{ key: 1, status: STATUS[provider][trouble] }] });
      expect(entry).not.toHaveProperty("retry");
      expect(proxy.logs.join("\n")).not.toMatch(/key-one|key-two|key-three|pt-failover/);
    });
  });

  it("lets a failed key rest: the next requests go straight to the next key, until the rest is over", async () => {
    await chain({ ANTHROPIC_API_KEY: "key-one,key-two" }, { keys: { "key-one": "rateLimited" } });
    await STREAMS.anthropic();
    await STREAMS.anthropic();
    expect(upstream.requests.map((r) => r.key)).toEqual(["key-one", "key-two", "key-two"]);
    clock += KEY_REST_MS.rateLimited + 1;
    upstream.behave({});
    await STREAMS.anthropic();
    expect(upstream.requests.map((r) => r.key)).toEqual(["key-one", "key-two", "key-two", "key-one"]);
  });

  it("rests an exhausted or revoked key longer than a rate-limited one", async () => {
    await chain({ OPENAI_API_KEY: "key-one,key-two" }, { keys: { "key-one": "exhausted" } });
    await STREAMS.openai();
    clock += KEY_REST_MS.rateLimited + 1;
    await STREAMS.openai();
    clock += KEY_REST_MS.exhaustedOrRevoked;
    upstream.behave({});
    await STREAMS.openai();
    expect(upstream.requests.map((r) => r.key)).toEqual(["key-one", "key-two", "key-two", "key-one"]);
  });

  it("tries every key once; when all fail, the client gets the last key's answer, and the log says no key was left", async () => {
    await chain({ GOOGLE_API_KEY: "key-one,key-two" }, { keys: { "key-one": "exhausted", "key-two": "revoked" } });
    const failed = await STREAMS.google().catch((e: unknown) => e);
    expect(failed).toMatchObject({ status: 400 });
    expect(JSON.parse((failed as Error).message)).toMatchObject({ error: { code: 400, status: "INVALID_ARGUMENT" } });
    expect(upstream.requests.map((r) => r.key)).toEqual(["key-one", "key-two"]);
    const [entry] = await waitForRequestLogs(proxy, 1);
    expect(entry).toMatchObject({ status: 400, key: 2, keyFailures: [{ key: 1, status: 429 }, { key: 2, status: 400 }], retry: "no key left" });
    // Both rest; the one back first is tried first.
    clock += KEY_REST_MS.rateLimited;
    await STREAMS.google().catch(() => {});
    expect(upstream.requests.map((r) => r.key)).toEqual(["key-one", "key-two", "key-one", "key-two"]);
  });

  it("does not fail over on answers that are not about the key", async () => {
    await chain({ ANTHROPIC_API_KEY: "key-one,key-two", OPENAI_API_KEY: "key-one,key-two" }, { error: { status: 529, type: "overloaded_error", message: "Overloaded" } });
    await expect(claude().messages.create({ model: "m", max_tokens: 8, messages: [{ role: "user", content: "hi" }] })).rejects.toMatchObject({ status: 529 });
    upstream.behave({ error: { status: 429, type: "server_error", message: "The engine is currently overloaded, please try again later." } });
    await expect(openai().models.list()).rejects.toMatchObject({ status: 429 });
    upstream.behave({ error: { status: 500 } });
    await expect(openai().models.list()).rejects.toMatchObject({ status: 500 });
    expect(upstream.requests.map((r) => r.key)).toEqual(["key-one", "key-one", "key-one"]);
  });

  it("reads a compressed error answer to decide", async () => {
    const seen: string[] = [];
    const { url } = closing(await startHandlerUpstream((req, res) => {
      seen.push(String(req.headers.authorization));
      if (req.headers.authorization === "Bearer key-one") {
        res.writeHead(429, { "content-type": "application/json", "content-encoding": "gzip" });
        res.end(zlib.gzipSync(JSON.stringify({ error: { message: "quota", type: "insufficient_quota", code: "insufficient_quota" } })));
        return;
      }
      res.writeHead(200, { "content-type": "application/json" }).end('{"object":"list","data":[]}');
    }));
    proxy = closing(await startProxy({ PROXY_TOKEN: TOKEN, UPSTREAM_URL: url, OPENAI_API_KEY: "key-one,key-two" }));
    await expect(openai().models.list()).resolves.toBeDefined();
    expect(seen).toEqual(["Bearer key-one", "Bearer key-two"]);
  });
});

describe("what is never retried", () => {
  it("a stream that has started: the client sees it break, and no other key is asked", async () => {
    await chain({ OPENAI_API_KEY: "key-one,key-two" }, { resetAfterChunks: 2 });
    await expect(STREAMS.openai()).rejects.toThrow();
    expect(upstream.requests.map((r) => r.key)).toEqual(["key-one"]);
    const [entry] = await waitForRequestLogs(proxy, 1);
    expect(entry).toMatchObject({ status: 200, key: 1, error: "upstream_reset" });
    expect(entry).not.toHaveProperty("keyFailures");
  });

  it("a body over the replay bound: relayed once, the key's answer relayed, and the log says why", async () => {
    await chain({ OPENAI_API_KEY: "key-one,key-two", REPLAY_MAX_BYTES: "1024" }, { keys: { "key-one": "exhausted" } });
    const long = "x".repeat(2048);
    await expect(openai().chat.completions.create({ model: "m", messages: [{ role: "user", content: long }] })).rejects.toMatchObject({ status: 429, code: "insufficient_quota" });
    expect(upstream.requests.map((r) => [r.key, r.bodyBytes > 2048])).toEqual([["key-one", true]]);
    // Within the bound (and sent chunked: no Content-Length), the next request is replayed whole, and the
    // resting key is skipped from the start.
    await chain({ OPENAI_API_KEY: "key-one,key-two", REPLAY_MAX_BYTES: "1024" }, { keys: { "key-one": "exhausted" } });
    const chunked = await postChunked(`${proxy.url}/v1/chat/completions`, ['{"model":"m",', '"messages":[]}']);
    expect(chunked).toBe(200);
    expect(upstream.requests.map((r) => [r.key, r.body.toString()])).toEqual([
      ["key-one", '{"model":"m","messages":[]}'],
      ["key-two", '{"model":"m","messages":[]}'],
    ]);
  });

  it("logs retry: body too large when the key failed and the body was not held", async () => {
    await chain({ ANTHROPIC_API_KEY: "key-one,key-two", REPLAY_MAX_BYTES: "100" }, { keys: { "key-one": "revoked" } });
    const big = "y".repeat(500);
    await expect(claude().messages.create({ model: "m", max_tokens: 8, messages: [{ role: "user", content: big }] })).rejects.toMatchObject({ status: 401 });
    const [entry] = await waitForRequestLogs(proxy, 1);
    expect(entry).toMatchObject({ provider: "anthropic", status: 401, key: 1, keyFailures: [{ key: 1, status: 401 }], retry: "body too large" });
    // Key 1 rests all the same.
    await expect(claude().messages.create({ model: "m", max_tokens: 8, messages: [{ role: "user", content: "hi" }] })).resolves.toMatchObject({ type: "message" });
    expect(upstream.requests.map((r) => r.key)).toEqual(["key-one", "key-two"]);
  });
});

function postChunked(url: string, parts: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", "transfer-encoding": "chunked" }, agent: false });
    req.on("response", (res) => res.resume().on("end", () => resolve(res.statusCode!)));
    req.on("error", reject);
    for (const part of parts) req.write(part);
    req.end();
  });
}
