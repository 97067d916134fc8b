// Claude and Gemini through the real Nginx: the official clients at https://<site>/anthropic and
// /google (Nginx → proxy → test upstream), NextChat's /api/anthropic/ and /api/google/ (Nginx → NextChat
// double → proxy → upstream), each streaming chunk by chunk, with the token swapped for the provider's
// key in its own header, and the rules /v1/ and /api/openai/ have.
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_CHUNKS } from "../../chain/upstream.js";
import { streamAnthropic, streamGemini } from "../function/clients.js";
import { nginxBinary } from "../fixtures/nginx.js";
import { expectChunkByChunk, startChain, type Chain } from "./chain.js";
import { JSON_HEADERS, send } from "./client.js";

const TOKEN = "nginx-provider-test-token-0123";
const KEYS = { ANTHROPIC_API_KEY: "sk-ant-held-by-the-proxy", GOOGLE_API_KEY: "AIza-held-by-the-proxy" };
/** Keys in the proxy, the token with NextChat, as a deployed site has them. */
const keyed = (web = false) =>
  startChain({
    upstream: { apiKey: Object.values(KEYS), scenario: { manual: true } },
    proxyEnv: { PROXY_TOKEN: TOKEN, ...KEYS },
    ...(web ? { web: { codes: ["s3cret"], apiKey: TOKEN, anthropicApiKey: TOKEN, googleApiKey: TOKEN, hideUserApiKey: true } } : {}),
  });

/** A request of each provider's streamed chat, as NextChat's browser side and the SDKs send it. */
const CHATS = {
  anthropic: {
    path: "/v1/messages",
    body: JSON.stringify({ model: "claude-sonnet-4-6", max_tokens: 64, stream: true, messages: [{ role: "user", content: "hi" }] }),
    headers: { "anthropic-version": "2023-06-01" },
    events: DEFAULT_CHUNKS.length + 6,
  },
  google: {
    path: "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
    body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }),
    headers: {},
    events: DEFAULT_CHUNKS.length,
  },
} as const;

let chain: Chain | undefined;
afterEach(async () => {
  await chain?.close();
  chain = undefined;
});

describe.skipIf(!nginxBinary)("Claude and Gemini clients at the site's /anthropic and /google", () => {
  it("the anthropic client streams a message chunk by chunk through Nginx and the proxy, which swaps the token for the key", async () => {
    chain = await keyed();
    const { text, events } = await streamAnthropic(`${chain.nginx.httpUrl}/anthropic`, { apiKey: TOKEN }, chain.upstream);
    expect(text).toBe(DEFAULT_CHUNKS.join(""));
    expect(events.at(-1)).toBe("message_stop");
    expect(chain.upstream.requests.map((r) => [r.url, r.provider, r.key])).toEqual([["/v1/messages", "anthropic", KEYS.ANTHROPIC_API_KEY]]);
  });

  it("the genai client streams generateContentStream chunk by chunk through Nginx and the proxy, which swaps the token for the key", async () => {
    chain = await keyed();
    const { text, chunks } = await streamGemini(`${chain.nginx.httpUrl}/google`, TOKEN, chain.upstream);
    expect(text).toBe(DEFAULT_CHUNKS.join(""));
    expect(chunks).toBe(DEFAULT_CHUNKS.length);
    const [seen] = chain.upstream.requests;
    expect([seen!.url, seen!.provider, seen!.key]).toEqual(["/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", "google", KEYS.GOOGLE_API_KEY]);
  });

  it.each(["/anthropic/v1/messages", "/google/v1beta/models/m:streamGenerateContent?alt=sse"])(
    "passes no client-address header on to the function for %s, whatever the client sends",
    async (path) => {
      chain = await startChain();
      const spoofed = { "x-forwarded-for": "203.0.113.7", "x-real-ip": "203.0.113.7", forwarded: "for=203.0.113.7", "cf-connecting-ip": "203.0.113.7" };
      await send(`${chain.nginx.httpUrl}${path}`, { body: "{}", headers: { ...JSON_HEADERS, ...spoofed } }).done();
      const seen = chain.upstream.requests[0]!;
      expect(Object.keys(seen.headers).filter((h) => /forwarded|real-ip|client-ip|connecting-ip/.test(h))).toEqual([]);
      expect(seen.headers.host).toBe(`127.0.0.1:${chain.upstream.port}`);
    },
  );
});

describe.skipIf(!nginxBinary)("NextChat's /api/anthropic/ and /api/google/ behind Nginx", () => {
  it.each(Object.entries(CHATS))("streams %s's route through the web UI, the proxy and the upstream, chunk by chunk", async (provider, chat) => {
    chain = await keyed(true);
    const route = `/api/${provider}${chat.path}`;
    const ex = send(`${chain.nginx.httpUrl}${route}`, {
      body: chat.body,
      headers: { ...JSON_HEADERS, ...chat.headers, authorization: "Bearer nk-s3cret", "accept-encoding": "gzip", "x-base-url": "https://attacker.example" },
    });
    await expectChunkByChunk(chain, ex, chat.events);
    expect(ex.status).toBe(200);
    expect(ex.headers["content-encoding"]).toBeUndefined();
    // Nginx cleared x-base-url; NextChat sent the token in the provider's header; the proxy swapped in the key.
    expect(chain.web!.requests[0]!.headers).not.toHaveProperty("x-base-url");
    expect(chain.upstream.requests[0]!.key).toBe(provider === "anthropic" ? KEYS.ANTHROPIC_API_KEY : KEYS.GOOGLE_API_KEY);
  });

  it("passes NextChat's own refusals through untouched (a wrong access code stays its 401)", async () => {
    chain = await keyed(true);
    const ex = await send(`${chain.nginx.httpUrl}/api/google${CHATS.google.path}`, {
      body: CHATS.google.body,
      headers: { ...JSON_HEADERS, authorization: "Bearer nk-wrong" },
    }).done();
    expect([ex.status, JSON.parse(ex.text)]).toEqual([401, { error: true, msg: "wrong access code" }]);
    expect(chain.upstream.requests).toEqual([]);
  });
});
