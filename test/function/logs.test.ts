// One JSON line per request, with what an operator needs (status, bytes, time to first byte, total)
// and nothing an attacker wants: no key, no token, no query string, no body.
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { startProxy, type InProcessProxy, waitForRequestLogs } from "../../chain/proxy.js";
import { startUpstream, type TestUpstream } from "../../chain/upstream.js";
import { send } from "./http.js";

const KEY = "sk-proj-SECRETKEY-7f3a9c";
const TOKEN = "pt-SECRETTOKEN-41b2e8";

let upstream: TestUpstream;
let proxy: InProcessProxy;
afterEach(async () => {
  await proxy?.close();
  await upstream?.close();
});

describe("request log", () => {
  it("holds neither the key, nor the token, nor queries or bodies", async () => {
    upstream = await startUpstream({ apiKey: KEY });
    proxy = await startProxy({ UPSTREAM_URL: upstream.url, PROXY_TOKEN: TOKEN, OPENAI_API_KEY: KEY });
    const client = new OpenAI({ apiKey: TOKEN, baseURL: `${proxy.url}/v1`, maxRetries: 0 });
    const stream = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "SECRET-PROMPT" }], stream: true });
    for await (const _chunk of stream) {
      // drain
    }
    await client.models.list({ query: { api_key: KEY } } as never);
    await send(`${proxy.url}/v1/models?key=${KEY}`, { headers: { authorization: `Bearer ${KEY}:${TOKEN}x` } });
    await send(`${proxy.url}/${TOKEN}/v1/models`, { headers: { authorization: `Bearer ${TOKEN}` } });

    const entries = await waitForRequestLogs(proxy, 4);
    const text = proxy.logs.join("\n");
    for (const secret of [KEY, TOKEN, "SECRET", "api_key", "key="]) expect(text).not.toContain(secret);
    expect(entries.map((e) => [e.method, e.path, e.status])).toEqual([
      ["POST", "/v1/chat/completions", 200],
      ["GET", "/v1/models", 200],
      ["GET", "/v1/models", 401],
      ["GET", "/*/v1/models", 200],
    ]);
  });

  it("masks the path of a refused request: a segment that could hold a secret shows as *", async () => {
    upstream = await startUpstream();
    proxy = await startProxy({ UPSTREAM_URL: upstream.url });
    const statuses: number[] = [];
    for (const path of [
      `/${KEY}/v2/models`,
      `/v2/models;key=${KEY}`,
      `/v2/models%3Fkey=${KEY}`,
      `/v1/files/${KEY}/content?x=1`,
      "/v1/models",
    ]) {
      statuses.push((await send(`${proxy.url}${path}`)).status);
    }
    expect(statuses).toEqual([404, 400, 404, 404, 200]);
    const entries = await waitForRequestLogs(proxy, 5);
    expect(proxy.logs.join("\n")).not.toContain("SECRETKEY");
    // Refused by the proxy, or by the upstream (the 404 for the file): masked. Served: as it was.
    expect(entries.map((e) => e.path)).toEqual(["/*/v2/models", "/v2/*", "/v2/*", "/v1/files/*/content", "/v1/models"]);
  });

  it("records status, bytes both ways, time to first byte and total time", async () => {
    upstream = await startUpstream();
    proxy = await startProxy({ UPSTREAM_URL: upstream.url });
    const body = JSON.stringify({ model: "gpt-4o-mini", messages: [], stream: true });
    const answer = await send(`${proxy.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body });
    const [entry] = await waitForRequestLogs(proxy, 1);
    expect(entry).toEqual({
      t: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      method: "POST",
      provider: "openai",
      path: "/v1/chat/completions",
      status: 200,
      in: Buffer.byteLength(body),
      out: Buffer.byteLength(answer.body),
      ttfbMs: expect.any(Number),
      ms: expect.any(Number),
      reused: false,
    });
    expect(entry!.ttfbMs as number).toBeLessThanOrEqual(entry!.ms as number);
  });
});
