// The NextChat double on its own, for the behaviour the Nginx suites do not reach: what the smoke and
// local-chain issues rely on when they reuse it.
import { afterEach, describe, expect, it } from "vitest";
import { startUpstream, type TestUpstream } from "../../chain/upstream.js";
import { standinFromEnv } from "../../web/standin.js";
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

  it("relays Claude's route to ANTHROPIC_URL with the server key in x-api-key and an anthropic-version, only for v1/messages and v1/complete", async () => {
    upstream = await startUpstream();
    web = await startWebDouble({ baseUrl: `${upstream.url}/openai-base`, anthropicUrl: `${upstream.url}/anthropic/`, anthropicApiKey: "tok-a", codes: ["c"], hideUserApiKey: true });
    const ok = await send(`${web.url}/api/anthropic/v1/messages?beta=true`, { body: "{}", headers: { ...JSON_HEADERS, authorization: "Bearer nk-c" } }).done();
    expect(ok.status, ok.text).not.toBe(401);
    const seen = upstream.requests[0]!;
    expect(seen.url).toBe("/anthropic/v1/messages");
    expect(seen.headers).toMatchObject({ "x-api-key": "tok-a", "anthropic-version": "2023-06-01" });
    expect(seen.headers).not.toHaveProperty("authorization");

    const other = await send(`${web.url}/api/anthropic/v1/models`, { headers: { authorization: "Bearer nk-c" } }).done();
    expect([other.status, JSON.parse(other.text)]).toEqual([403, { error: true, msg: "you are not allowed to request v1/models" }]);
    const wrong = await send(`${web.url}/api/anthropic/v1/messages`, { body: "{}", headers: { ...JSON_HEADERS, authorization: "Bearer nk-x" } }).done();
    expect([wrong.status, JSON.parse(wrong.text)]).toEqual([401, { error: true, msg: "wrong access code" }]);
    const own = await send(`${web.url}/api/anthropic/v1/messages`, { body: "{}", headers: { ...JSON_HEADERS, authorization: "Bearer sk-ant-own" } }).done();
    expect([own.status, JSON.parse(own.text)]).toEqual([401, { error: true, msg: "you are not allowed to access with your own api key" }]);
    expect(upstream.requests).toHaveLength(1);
  });

  it("sends Claude's calls to BASE_URL when ANTHROPIC_URL is unset, as NextChat does", async () => {
    upstream = await startUpstream();
    web = await startWebDouble({ baseUrl: `${upstream.url}/base`, anthropicApiKey: "tok-a", codes: ["c"] });
    await send(`${web.url}/api/anthropic/v1/messages`, { body: "{}", headers: { ...JSON_HEADERS, authorization: "Bearer nk-c" } }).done();
    expect(upstream.requests[0]!.url).toBe("/base/v1/messages");
  });

  it("relays Gemini's route to GOOGLE_URL with the server key in x-goog-api-key, keeping only ?alt=sse of the query", async () => {
    upstream = await startUpstream();
    web = await startWebDouble({ baseUrl: upstream.url, googleUrl: `${upstream.url}/google`, googleApiKey: "tok-g", codes: ["c"], hideUserApiKey: true });
    const path = "/v1beta/models/gemini-2.0-flash:streamGenerateContent";
    await send(`${web.url}/api/google${path}?alt=sse&key=from-the-caller`, { body: "{}", headers: { ...JSON_HEADERS, authorization: "Bearer nk-c" } }).done();
    const seen = upstream.requests[0]!;
    expect(seen.url).toBe(`/google${path}?alt=sse`);
    expect(seen.headers["x-goog-api-key"]).toBe("tok-g");
    expect(seen.headers).not.toHaveProperty("authorization");
  });

  it("reads every provider's URL and key from NextChat's environment", () => {
    const env = { BASE_URL: "http://p:9000", ANTHROPIC_URL: "http://p:9000/anthropic", GOOGLE_URL: "http://p:9000/google", OPENAI_API_KEY: "t", ANTHROPIC_API_KEY: "t", GOOGLE_API_KEY: "t", CODE: "a,b" };
    expect(standinFromEnv(env).options).toEqual({
      baseUrl: "http://p:9000",
      anthropicUrl: "http://p:9000/anthropic",
      googleUrl: "http://p:9000/google",
      apiKey: "t",
      anthropicApiKey: "t",
      googleApiKey: "t",
      codes: ["a", "b"],
      hideUserApiKey: false,
    });
  });
});
