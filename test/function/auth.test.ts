// The three auth modes: which callers get through, and which Authorization the upstream then sees.
import { afterEach, describe, expect, it } from "vitest";
import { startProxy, type InProcessProxy } from "../../chain/proxy.js";
import { startUpstream, type TestUpstream } from "../../chain/upstream.js";
import { proxyError, send } from "./http.js";

const TOKEN = "pt-3Yx8kQm2Rz7vL1nB";
const KEY = "sk-server-4Gh2Lp9";

let upstream: TestUpstream;
let proxy: InProcessProxy;
afterEach(async () => {
  await proxy?.close();
  await upstream?.close();
});

async function modelsWith(authorization?: string) {
  return send(`${proxy.url}/v1/models`, { headers: authorization === undefined ? {} : { authorization } });
}

const TOKEN_HINT = "send Authorization: Bearer <your OpenAI key>:<PROXY_TOKEN>, or Bearer <PROXY_TOKEN>";

describe("no PROXY_TOKEN: callers bring their own key", () => {
  it("forwards the caller's Authorization untouched, or none", async () => {
    upstream = await startUpstream();
    proxy = await startProxy({ UPSTREAM_URL: upstream.url });
    expect((await modelsWith("Bearer sk-caller-1")).status).toBe(200);
    expect((await modelsWith()).status).toBe(200);
    expect(upstream.requests.map((r) => r.headers.authorization)).toEqual(["Bearer sk-caller-1", undefined]);
  });
});

describe("PROXY_TOKEN only", () => {
  it("takes <key>:<token>, forwards Bearer <key>", async () => {
    upstream = await startUpstream({ apiKey: "sk-caller-1" });
    proxy = await startProxy({ UPSTREAM_URL: upstream.url, PROXY_TOKEN: TOKEN });
    const answer = await modelsWith(`Bearer sk-caller-1:${TOKEN}`);
    expect(answer.status).toBe(200);
    expect(upstream.requests[0]!.headers.authorization).toBe("Bearer sk-caller-1");
  });

  it("takes the token alone and forwards no Authorization (keyless upstreams)", async () => {
    upstream = await startUpstream();
    proxy = await startProxy({ UPSTREAM_URL: upstream.url, PROXY_TOKEN: TOKEN });
    expect((await modelsWith(`bearer ${TOKEN}`)).status).toBe(200);
    expect(upstream.requests[0]!.headers).not.toHaveProperty("authorization");
  });

  it.each([
    ["missing", undefined, "no Bearer credential"],
    ["a bare key", "Bearer sk-caller-1", "the credential does not match"],
    ["a wrong token", `Bearer sk-caller-1:${TOKEN}x`, "the credential does not match"],
    ["a token prefix", `Bearer sk-caller-1:${TOKEN.slice(0, -1)}`, "the credential does not match"],
    ["an empty key", `Bearer :${TOKEN}`, "the credential does not match"],
    ["another scheme", `Basic ${TOKEN}`, "no Bearer credential"],
  ])("answers 401 for %s, and the upstream sees nothing", async (_name, authorization, why) => {
    upstream = await startUpstream();
    proxy = await startProxy({ UPSTREAM_URL: upstream.url, PROXY_TOKEN: TOKEN });
    const answer = await modelsWith(authorization);
    expect(answer.status).toBe(401);
    expect(answer.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(answer.body)).toEqual(proxyError("invalid_proxy_token", `Missing or wrong proxy token: ${why}; ${TOKEN_HINT}`));
    expect(upstream.requests).toHaveLength(0);
  });
});

describe("OPENAI_API_KEY + PROXY_TOKEN: the key lives only in the function", () => {
  it("replaces the caller's token with the key", async () => {
    upstream = await startUpstream({ apiKey: KEY });
    proxy = await startProxy({ UPSTREAM_URL: upstream.url, PROXY_TOKEN: TOKEN, OPENAI_API_KEY: KEY });
    const answer = await modelsWith(`Bearer ${TOKEN}`);
    expect(answer.status).toBe(200);
    expect(upstream.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it("refuses anything but the token, including <key>:<token> and the key itself", async () => {
    upstream = await startUpstream({ apiKey: KEY });
    proxy = await startProxy({ UPSTREAM_URL: upstream.url, PROXY_TOKEN: TOKEN, OPENAI_API_KEY: KEY });
    for (const authorization of [`Bearer sk-caller:${TOKEN}`, `Bearer ${KEY}`, undefined]) {
      const answer = await modelsWith(authorization);
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.body)).toMatchObject({ error: { code: "invalid_proxy_token", type: "proxy_error" } });
      expect(JSON.parse(answer.body).error.message).toMatch(/; send Authorization: Bearer <PROXY_TOKEN>$/);
    }
    expect(upstream.requests).toHaveLength(0);
  });
});

describe("what needs no token", () => {
  it("answers /healthz and CORS preflights without auth and without the upstream", async () => {
    upstream = await startUpstream();
    proxy = await startProxy({ UPSTREAM_URL: upstream.url, PROXY_TOKEN: TOKEN, OPENAI_API_KEY: KEY });
    const health = await send(`${proxy.url}/healthz`);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ status: "ok" });
    const preflight = await send(`${proxy.url}/v1/chat/completions`, { method: "OPTIONS", headers: { origin: "https://x.example", "access-control-request-method": "POST" } });
    expect(preflight.status).toBe(204);
    expect(upstream.requests).toHaveLength(0);
  });
});
