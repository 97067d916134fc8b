// The proxy token in each provider's own auth header (contract.ts PROXY_ROUTES): Anthropic's x-api-key
// (or Authorization: Bearer, which its client sends), Gemini's x-goog-api-key or ?key=. With a server
// key the key is swapped in; without, the caller's own key travels with the token; the token never goes
// upstream, nor does a key in the query.
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import { describe, expect, it } from "vitest";
import { routesTo, startProxy, type InProcessProxy } from "../../chain/proxy.js";
import { startUpstream, type TestUpstream } from "../../chain/upstream.js";
import { closeAfterEach } from "./cleanup.js";
import { proxyError, send } from "./http.js";

const TOKEN = "pt-7Hq2Wm9Lx4Rz8Vn3";

let upstream: TestUpstream;
let proxy: InProcessProxy;
const closing = closeAfterEach();

async function chain(env: Record<string, string>, apiKey?: string | string[]) {
  upstream = closing(await startUpstream(apiKey === undefined ? {} : { apiKey }));
  proxy = closing(await startProxy({ ...routesTo(upstream.url), ...env }));
}

const claude = (apiKey: string) => new Anthropic({ apiKey, baseURL: `${proxy.url}/anthropic`, maxRetries: 0 });
const ask = (client: Anthropic) => client.messages.create({ model: "m", max_tokens: 8, messages: [{ role: "user", content: "hi" }] });
const gemini = (apiKey: string) => new GoogleGenAI({ apiKey, httpOptions: { baseUrl: `${proxy.url}/google` } });
const generate = (ai: GoogleGenAI) => ai.models.generateContent({ model: "gemini-2.5-flash", contents: "hi" });

describe("Anthropic: the token in x-api-key or Authorization: Bearer", () => {
  it("swaps the server key in for the token, in either header, and sends a default anthropic-version", async () => {
    await chain({ PROXY_TOKEN: TOKEN, ANTHROPIC_API_KEY: "sk-ant-server" }, "sk-ant-server");
    await expect(ask(claude(TOKEN))).resolves.toMatchObject({ type: "message" });
    expect((await send(`${proxy.url}/anthropic/v1/messages`, { method: "POST", headers: { "x-api-key": TOKEN }, body: "{}" })).status).toBe(200);
    const [sdk, raw] = upstream.requests;
    expect(sdk!.headers).toMatchObject({ "x-api-key": "sk-ant-server" });
    expect(sdk!.headers).not.toHaveProperty("authorization");
    // The client's own version goes on; without one, the proxy's default.
    expect(sdk!.headers["anthropic-version"]).toMatch(/^\d{4}-\d\d-\d\d$/);
    expect(raw!.headers).toMatchObject({ "x-api-key": "sk-ant-server", "anthropic-version": "2023-06-01" });
    expect(JSON.stringify(upstream.requests.map((r) => r.headers))).not.toContain(TOKEN);
  });

  it("lets the caller's own key travel with the token when there is no server key", async () => {
    await chain({ PROXY_TOKEN: TOKEN }, "sk-ant-own");
    await expect(ask(claude(`sk-ant-own:${TOKEN}`))).resolves.toMatchObject({ type: "message" });
    expect((await send(`${proxy.url}/anthropic/v1/messages`, { method: "POST", headers: { "x-api-key": `sk-ant-own:${TOKEN}` }, body: "{}" })).status).toBe(200);
    expect(upstream.requests.map((r) => [r.headers["x-api-key"], r.headers.authorization])).toEqual([
      ["sk-ant-own", undefined],
      ["sk-ant-own", undefined],
    ]);
  });

  it("refuses a wrong or missing token with a 401 that says where to put it", async () => {
    await chain({ PROXY_TOKEN: TOKEN, ANTHROPIC_API_KEY: "sk-ant-server" });
    const missing = await send(`${proxy.url}/anthropic/v1/messages`, { method: "POST", body: "{}" });
    expect(missing.status).toBe(401);
    expect(JSON.parse(missing.body)).toEqual(
      proxyError("invalid_proxy_token", "Missing or wrong proxy token: no credential in x-api-key; send x-api-key: <PROXY_TOKEN> (or in Authorization: Bearer …)"),
    );
    await expect(ask(claude("sk-ant-server"))).rejects.toMatchObject({ status: 401 });
    expect(upstream.requests).toHaveLength(0);
  });

  it("forwards the caller's own headers untouched without PROXY_TOKEN", async () => {
    await chain({});
    await send(`${proxy.url}/anthropic/v1/models`, { headers: { "x-api-key": "sk-ant-own", "anthropic-version": "2024-01-01" } });
    expect(upstream.requests[0]!.headers).toMatchObject({ "x-api-key": "sk-ant-own", "anthropic-version": "2024-01-01" });
  });
});

describe("Gemini: the token in x-goog-api-key or ?key=", () => {
  it("swaps the server key in, sends it in x-goog-api-key, and takes key= out of the query", async () => {
    await chain({ PROXY_TOKEN: TOKEN, GOOGLE_API_KEY: "AIza-server" }, "AIza-server");
    expect((await generate(gemini(TOKEN))).text).toBeTruthy();
    const byQuery = await send(`${proxy.url}/google/v1beta/models/g:streamGenerateContent?alt=sse&key=${TOKEN}&x=%20y`, { method: "POST", body: "{}" });
    expect(byQuery.status).toBe(200);
    expect(upstream.requests.map((r) => [r.url, r.headers["x-goog-api-key"]])).toEqual([
      ["/v1beta/models/gemini-2.5-flash:generateContent", "AIza-server"],
      ["/v1beta/models/g:streamGenerateContent?alt=sse&x=%20y", "AIza-server"],
    ]);
    expect(JSON.stringify(upstream.requests.map((r) => [r.url, r.headers]))).not.toContain(TOKEN);
  });

  it("lets the caller's own key travel with the token, from the header or the query", async () => {
    await chain({ PROXY_TOKEN: TOKEN }, "AIza-own");
    expect((await generate(gemini(`AIza-own:${TOKEN}`))).text).toBeTruthy();
    expect((await send(`${proxy.url}/google/v1beta/models?key=AIza-own%3A${TOKEN}`)).status).toBe(200);
    expect(upstream.requests.map((r) => [r.url, r.headers["x-goog-api-key"]])).toEqual([
      ["/v1beta/models/gemini-2.5-flash:generateContent", "AIza-own"],
      ["/v1beta/models", "AIza-own"],
    ]);
  });

  it("refuses a wrong token, and moves a caller's ?key= into the header without PROXY_TOKEN", async () => {
    await chain({ PROXY_TOKEN: TOKEN });
    const wrong = await send(`${proxy.url}/google/v1beta/models?key=${TOKEN}x`);
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.body).error.message).toBe(
      "Missing or wrong proxy token: the credential does not match; send x-goog-api-key: <your Gemini key>:<PROXY_TOKEN>, or <PROXY_TOKEN> (or in ?key=…)",
    );
    await proxy.close();
    proxy = closing(await startProxy({ GOOGLE_UPSTREAM_URL: upstream.url }));
    await send(`${proxy.url}/google/v1beta/models?key=AIza-own&pageSize=1`);
    expect(upstream.requests.map((r) => [r.url, r.headers["x-goog-api-key"]])).toEqual([["/v1beta/models?pageSize=1", "AIza-own"]]);
  });
});

describe("a provider's auth header on another route", () => {
  it("is never forwarded: the token in x-api-key does not reach the OpenAI upstream", async () => {
    await chain({ PROXY_TOKEN: TOKEN, OPENAI_API_KEY: "sk-server" });
    const answer = await send(`${proxy.url}/v1/models`, { headers: { authorization: `Bearer ${TOKEN}`, "x-api-key": TOKEN, "x-goog-api-key": TOKEN } });
    expect(answer.status).toBe(200);
    expect(upstream.requests[0]!.headers).not.toHaveProperty("x-api-key");
    expect(upstream.requests[0]!.headers).not.toHaveProperty("x-goog-api-key");
    expect(upstream.requests[0]!.headers.authorization).toBe("Bearer sk-server");
  });
});
