// The NextChat double on its own, for the behaviour the Nginx suites do not reach: what the smoke and
// local-chain issues rely on when they reuse it.
import { afterEach, describe, expect, it } from "vitest";
import { startUpstream, type TestUpstream } from "../../chain/upstream.js";
import { startWebDouble, type WebDouble } from "../fixtures/web.js";
import { chatBody, JSON_HEADERS, send } from "./client.js";

let web: WebDouble | undefined;
let upstream: TestUpstream | undefined;
afterEach(async () => {
  await web?.close();
  await upstream?.close();
  web = upstream = undefined;
});

describe("NextChat double", () => {
  it("answers an unreachable BASE_URL with HTTP 200 and a JSON error body, as NextChat does", async () => {
    upstream = await startUpstream();
    const deadUrl = upstream.url;
    await upstream.close();
    upstream = undefined;
    web = await startWebDouble({ baseUrl: deadUrl, codes: ["c"] });
    const ex = await send(`${web.url}/api/openai/v1/chat/completions`, {
      body: chatBody(),
      headers: { ...JSON_HEADERS, authorization: "Bearer nk-c" },
    }).done();
    expect(ex.status).toBe(200);
    expect(JSON.parse(ex.text)).toEqual({ error: true, msg: expect.stringContaining("ECONNREFUSED") });
  });

  it("relays a caller's own key unless hideUserApiKey, and reports needCode and hideUserApiKey", async () => {
    upstream = await startUpstream({ apiKey: "sk-own" });
    web = await startWebDouble({ baseUrl: upstream.url, codes: ["c"], apiKey: "sk-server" });
    const own = await send(`${web.url}/api/openai/v1/models`, { headers: { authorization: "Bearer sk-own" } }).done();
    expect(own.status).toBe(200);
    expect(upstream.requests[0]!.headers.authorization).toBe("Bearer sk-own");
    await web.close();

    web = await startWebDouble({ baseUrl: upstream.url, codes: ["c"], apiKey: "sk-server", hideUserApiKey: true });
    const refused = await send(`${web.url}/api/openai/v1/models`, { headers: { authorization: "Bearer sk-own" } }).done();
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.text)).toEqual({ error: true, msg: "you are not allowed to access with your own api key" });
    const config = await send(`${web.url}/api/config`, { method: "POST" }).done();
    expect(JSON.parse(config.text)).toMatchObject({ needCode: true, hideUserApiKey: true });
    const empty = await send(`${web.url}/api/openai/v1/models`).done();
    expect(JSON.parse(empty.text)).toEqual({ error: true, msg: "empty access code" });
    expect(upstream.requests).toHaveLength(1);
  });
});
