// The fixed route table (contract.ts PROXY_ROUTES): /v1/* to the OpenAI-compatible upstream,
// /anthropic/v1/* to Anthropic, /google/v1beta/* and /google/v1/* to Gemini, each to its own base. What
// holds for /v1/ holds for each: the official client streams through it chunk by chunk, the caller's
// address stays behind, the upstream connection is kept alive, a client that leaves takes the upstream
// call with it, and the log line names the provider.
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import { describe, expect, it } from "vitest";
import { PROXY_ROUTES } from "../../contract.js";
import { startProxy, waitForRequestLogs } from "../../chain/proxy.js";
import { DEFAULT_CHUNKS, startUpstream, type TestUpstream } from "../../chain/upstream.js";
import { closeAfterEach } from "./cleanup.js";
import { streamAnthropic, streamGemini } from "./clients.js";
import { proxyError, send, streamChunkByChunk } from "./http.js";

const closing = closeAfterEach();

async function upstreamFor(options: Parameters<typeof startUpstream>[0] = {}): Promise<TestUpstream> {
  return closing(await startUpstream(options));
}

/** A proxy whose three routes each go to an upstream of their own. */
async function threeUpstreams(options: Parameters<typeof startUpstream>[0] = {}) {
  const [openai, anthropic, google] = [await upstreamFor(options), await upstreamFor(options), await upstreamFor(options)];
  const proxy = closing(await startProxy({ UPSTREAM_URL: openai.url, ANTHROPIC_UPSTREAM_URL: anthropic.url, GOOGLE_UPSTREAM_URL: google.url }));
  return { openai, anthropic, google, proxy };
}

describe("the route table", () => {
  it("sends each route to its own upstream, the mount stripped and the version kept", async () => {
    const { openai, anthropic, google, proxy } = await threeUpstreams();
    const paths = ["/v1/models?limit=1", "/anthropic/v1/models?limit=1", "/google/v1beta/models?pageSize=1", "/google/v1/models", "/release/anthropic/v1/models", "/release/google/v1beta/models"];
    for (const path of paths) expect((await send(`${proxy.url}${path}`)).status, path).toBe(200);
    expect(openai.requests.map((r) => r.url)).toEqual(["/v1/models?limit=1"]);
    expect(anthropic.requests.map((r) => r.url)).toEqual(["/v1/models?limit=1", "/v1/models"]);
    expect(google.requests.map((r) => r.url)).toEqual(["/v1beta/models?pageSize=1", "/v1/models", "/v1beta/models"]);
    const entries = await waitForRequestLogs(proxy, paths.length);
    expect(entries.map((e) => [e.provider, e.path])).toEqual([
      ["openai", "/v1/models"],
      ["anthropic", "/anthropic/v1/models"],
      ["google", "/google/v1beta/models"],
      ["google", "/google/v1/models"],
      ["anthropic", "/*/anthropic/v1/models"],
      ["google", "/*/google/v1beta/models"],
    ]);
  });

  it("keeps each base's path prefix, and refuses a base that ends in an API version", async () => {
    const upstream = await upstreamFor();
    const proxy = closing(await startProxy({ ANTHROPIC_UPSTREAM_URL: `${upstream.url}/claude/`, GOOGLE_UPSTREAM_URL: `${upstream.url}/gemini` }));
    await send(`${proxy.url}/anthropic/v1/messages`, { method: "POST", body: "{}" });
    await send(`${proxy.url}/google/v1beta/models/g:generateContent`, { method: "POST", body: "{}" });
    expect(upstream.requests.map((r) => r.url)).toEqual(["/claude/v1/messages", "/gemini/v1beta/models/g:generateContent"]);
    await expect(startProxy({ GOOGLE_UPSTREAM_URL: `${upstream.url}/v1beta` })).rejects.toThrow(
      `GOOGLE_UPSTREAM_URL must not end in /v1beta (the proxy appends the /v1beta/… path it receives); got "${upstream.url}/v1beta"; use "${upstream.url}"`,
    );
  });

  const NOT_FOUND = "Not found: this proxy relays /v1/*, /anthropic/v1/*, /google/v1beta/* and /google/v1/* (optionally after one stage prefix, e.g. /release/v1/models)";
  it.each(["/anthropic/v2/messages", "/anthropic/messages", "/anthropic", "/google/v2/models", "/google/models", "/google/v1alpha/models", "/azure/openai/v1/models", "/a/b/anthropic/v1/models", "/v1beta/models"])(
    "answers %s with 404 JSON, never upstream",
    async (path) => {
      const { openai, anthropic, google, proxy } = await threeUpstreams();
      const answer = await send(`${proxy.url}${path}`);
      expect(answer.status).toBe(404);
      expect(JSON.parse(answer.body)).toEqual(proxyError("not_found", NOT_FOUND));
      expect([openai, anthropic, google].map((u) => u.connections)).toEqual([0, 0, 0]);
    },
  );
});

describe("what holds for /v1/ holds for each route", () => {
  it("streams chunk by chunk with each official client", async () => {
    const { anthropic, google, openai, proxy } = await threeUpstreams({ scenario: { manual: true } });
    expect((await streamChunkByChunk(`${proxy.url}/v1`, "sk-caller", openai)).text).toBe(DEFAULT_CHUNKS.join(""));
    expect((await streamAnthropic(`${proxy.url}/anthropic`, { apiKey: "sk-ant-caller" }, anthropic)).text).toBe(DEFAULT_CHUNKS.join(""));
    expect((await streamGemini(`${proxy.url}/google`, "AIza-caller", google)).text).toBe(DEFAULT_CHUNKS.join(""));
    expect(google.requests[0]!.url).toBe("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
  });

  it("marks each route's event stream unbufferable", async () => {
    const { proxy } = await threeUpstreams();
    const post = (path: string) => fetch(`${proxy.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ stream: true, messages: [] }) });
    for (const res of [await post("/anthropic/v1/messages"), await post("/google/v1beta/models/g:streamGenerateContent?alt=sse")]) {
      expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
      expect(res.headers.get("x-accel-buffering")).toBe("no");
      await res.text();
    }
  });

  it("forwards no client address on any route", async () => {
    const { anthropic, google, proxy } = await threeUpstreams();
    const caller = { "x-forwarded-for": "203.0.113.7", "x-real-ip": "203.0.113.7", forwarded: "for=203.0.113.7", "cf-connecting-ip": "203.0.113.7", via: "1.1 nginx" };
    await send(`${proxy.url}/anthropic/v1/models`, { headers: caller });
    await send(`${proxy.url}/google/v1beta/models`, { headers: caller });
    expect([anthropic.requests.length, google.requests.length]).toEqual([1, 1]);
    for (const r of [...anthropic.requests, ...google.requests]) {
      expect(Object.keys(r.headers).filter((h) => h in caller)).toEqual([]);
      expect(JSON.stringify(r.headers)).not.toContain("203.0.113.7");
    }
  });

  it("keeps one connection alive per upstream", async () => {
    const { openai, anthropic, google, proxy } = await threeUpstreams();
    for (let i = 0; i < 3; i++) {
      for (const path of ["/v1/models", "/anthropic/v1/models", "/google/v1beta/models"]) expect((await send(`${proxy.url}${path}`)).status).toBe(200);
    }
    expect([openai, anthropic, google].map((u) => [u.connections, u.requests.length])).toEqual([[1, 3], [1, 3], [1, 3]]);
  });

  it("aborts each upstream call when the client leaves mid-stream", async () => {
    const { anthropic, google, proxy } = await threeUpstreams({ scenario: { manual: true } });
    const claude = new Anthropic({ apiKey: "sk-ant-caller", baseURL: `${proxy.url}/anthropic`, maxRetries: 0 });
    const messages = await claude.messages.create({ model: "m", max_tokens: 8, messages: [{ role: "user", content: "hi" }], stream: true });
    for await (const _event of messages) break;
    // The genai client stops reading when the loop is left, but only its abortSignal ends the request.
    const gemini = new GoogleGenAI({ apiKey: "AIza-caller", httpOptions: { baseUrl: `${proxy.url}/google` } });
    const leave = new AbortController();
    for await (const _chunk of await gemini.models.generateContentStream({ model: "g", contents: "hi", config: { abortSignal: leave.signal } })) {
      leave.abort();
      break;
    }
    for (const u of [anthropic, google]) {
      await u.until(() => u.requests[0]?.aborted === true, 5_000, `the ${u.requests[0]?.provider} upstream to see the abort`);
      expect(u.requests[0]!.completed).toBe(false);
    }
    const entries = await waitForRequestLogs(proxy, 2);
    expect(entries.map((e) => [e.provider, e.status, e.error])).toEqual([
      ["anthropic", 200, "client_closed"],
      ["google", 200, "client_closed"],
    ]);
  });
});

describe("defaults", () => {
  it("point each route at its provider", () => {
    expect(Object.fromEntries(Object.entries(PROXY_ROUTES).map(([p, r]) => [p, [r.baseEnv, r.defaultBase]]))).toEqual({
      openai: ["UPSTREAM_URL", "https://api.openai.com"],
      anthropic: ["ANTHROPIC_UPSTREAM_URL", "https://api.anthropic.com"],
      google: ["GOOGLE_UPSTREAM_URL", "https://generativelanguage.googleapis.com"],
    });
  });
});
