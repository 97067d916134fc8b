// The NextChat stand-in image keeps NextChat v2.16's contract (design.md "Web UI") when run as the
// program runs it: env from web/nextchat.ts, the program's health check, other containers by name.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS } from "../../scripts/lib/dialects.js";
import { streamChat } from "../../scripts/lib/stream.js";
import { accessCodeAuthorization, NEXTCHAT_CHAT_ROUTE, NEXTCHAT_HEALTH_PATH, NEXTCHAT_PORT } from "../../web/nextchat.js";
import { STANDIN_PAGE } from "../../web/standin.js";
import { healthProbe, SECRETS, startUpstream, startWeb, type UpstreamContainer } from "./chain.js";
import { engineSkip, Scratch } from "./docker.js";

const CHUNKS = Array.from({ length: 10 }, (_, i) => `w${i} `);
/** NextChat talking to the upstream itself for every provider (no proxy). */
const allAt = (url: string) => ({ openai: url, anthropic: url, google: url });
const scratch = new Scratch();
afterAll(() => scratch.remove());

describe.skipIf(engineSkip)("NextChat stand-in image", () => {
  let network: string;
  let upstream: UpstreamContainer;
  let web: string;
  beforeAll(async () => {
    network = await scratch.network();
    upstream = await startUpstream(scratch, network, { chunks: CHUNKS, chunkIntervalMs: 25 });
    const { id } = await startWeb(scratch, network, {
      settings: { apiBases: allAt(upstream.url), serverApiKeys: { openai: SECRETS.upstreamKey }, accessCodes: [SECRETS.accessCode], timezone: "Asia/Shanghai" },
    });
    web = `http://127.0.0.1:${await scratch.hostPort(id, NEXTCHAT_PORT)}`;
  });

  it("answers /api/config and / without touching the upstream", async () => {
    const config = await fetch(`${web}${NEXTCHAT_HEALTH_PATH}`);
    expect(config.status).toBe(200);
    expect(await config.json()).toMatchObject({ needCode: true, hideUserApiKey: true });
    expect(await (await fetch(`${web}/`)).text()).toBe(STANDIN_PAGE);
    expect(await upstream.seen()).toEqual([]);
  });

  it("relays the chat route to BASE_URL with the server key for a right access code, streaming", async () => {
    const before = (await upstream.seen()).length;
    const chat = await streamChat(`${web}${NEXTCHAT_CHAT_ROUTE}`, {
      model: "gpt-4o-mini",
      headers: { authorization: accessCodeAuthorization(SECRETS.accessCode) },
      signal: AbortSignal.timeout(20_000),
    });
    expect(chat.error).toBeUndefined();
    expect(chat.content).toBe(CHUNKS.join(""));
    expect(chat.timing?.verdict, JSON.stringify(chat.timing)).toBe("streamed");
    const relayed = (await upstream.seen()).slice(before);
    expect(relayed.map((r) => `${r.method} ${r.url}`)).toEqual(["POST /v1/chat/completions"]);
    expect(relayed[0]!.headers.authorization).toBe(`Bearer ${SECRETS.upstreamKey}`);
  });

  it("refuses a wrong access code with NextChat's JSON 401, and the caller's own key (HIDE_USER_API_KEY)", async () => {
    const before = (await upstream.seen()).length;
    const post = (authorization: string) =>
      fetch(`${web}${NEXTCHAT_CHAT_ROUTE}`, { method: "POST", headers: { authorization, "content-type": "application/json" }, body: "{}" });
    const wrong = await post(accessCodeAuthorization("not-the-code"));
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ error: true, msg: "wrong access code" });
    const own = await post("Bearer sk-callers-own");
    expect(own.status).toBe(401);
    expect(await own.json()).toEqual({ error: true, msg: "you are not allowed to access with your own api key" });
    expect(await upstream.seen()).toHaveLength(before);
  });

  it("fetches the URL in x-base-url for any other /api/<x>/ route, attaching the server key when the URL names api.openai.com", async () => {
    const before = (await upstream.seen()).length;
    const answer = await fetch(`${web}/api/other/v1/messages`, {
      method: "POST",
      headers: { "x-base-url": `${upstream.url}/leak?api.openai.com`, "content-type": "application/json" },
      body: "{}",
    });
    await answer.arrayBuffer();
    const fetched = (await upstream.seen()).slice(before);
    expect(fetched.map((r) => `${r.method} ${r.url}`)).toEqual(["POST /leak?api.openai.com/v1/messages"]);
    expect(fetched[0]!.headers.authorization).toBe(`Bearer ${SECRETS.upstreamKey}`);
    expect(fetched[0]!.headers).not.toHaveProperty("x-base-url");
  });

  it("relays Claude's and Gemini's routes to ANTHROPIC_URL and GOOGLE_URL with their keys in x-api-key and x-goog-api-key, streaming", async () => {
    const { id } = await startWeb(scratch, network, {
      name: `web-providers-${scratch.id}`,
      settings: { apiBases: allAt(upstream.url), serverApiKeys: { anthropic: "sk-ant-engine-key", google: "AIza-engine-key" }, accessCodes: [SECRETS.accessCode], timezone: "UTC" },
    });
    const base = `http://127.0.0.1:${await scratch.hostPort(id, NEXTCHAT_PORT)}`;
    const before = (await upstream.seen()).length;
    for (const [provider, route] of [["anthropic", "/api/anthropic"], ["google", "/api/google"]] as const) {
      const chat = await streamChat(`${base}${route}${DIALECTS[provider].chatPath("m")}`, {
        model: "m",
        provider,
        headers: { authorization: accessCodeAuthorization(SECRETS.accessCode) },
        signal: AbortSignal.timeout(20_000),
      });
      expect(chat.error, provider).toBeUndefined();
      expect(chat.content).toBe(CHUNKS.join(""));
      expect(chat.timing?.verdict, JSON.stringify(chat.timing)).toBe("streamed");
    }
    const relayed = (await upstream.seen()).slice(before);
    expect(relayed.map((r) => [r.url, r.key])).toEqual([
      ["/v1/messages", "sk-ant-engine-key"],
      ["/v1beta/models/m:streamGenerateContent?alt=sse", "AIza-engine-key"],
    ]);
  });

  it("answers an unreachable BASE_URL with HTTP 200 and a JSON error body", async () => {
    const { id } = await startWeb(scratch, network, {
      name: `web-dead-upstream-${scratch.id}`,
      settings: { apiBases: allAt(`${upstream.url.replace(/:\d+$/, "")}:9`), serverApiKeys: { openai: SECRETS.upstreamKey }, accessCodes: [SECRETS.accessCode], timezone: "UTC" },
    });
    const port = await scratch.hostPort(id, NEXTCHAT_PORT);
    const answer = await fetch(`http://127.0.0.1:${port}${NEXTCHAT_CHAT_ROUTE}`, {
      method: "POST",
      headers: { authorization: accessCodeAuthorization(SECRETS.accessCode), "content-type": "application/json" },
      body: "{}",
    });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ error: true, msg: expect.stringContaining("ECONNREFUSED") });
  });

  it("binds to HOSTNAME: with Docker's own (the container id) the program's health check fails, as NextChat's does", async () => {
    const name = `web-docker-hostname-${scratch.id}`;
    await startWeb(scratch, network, { name, healthy: false, dockerHostname: true, settings: { apiBases: allAt(upstream.url), timezone: "UTC" } });
    // Up and reachable by name from the network…
    await scratch.until(upstream.id, healthProbe(`http://${name}:${NEXTCHAT_PORT}${NEXTCHAT_HEALTH_PATH}`), `${name} by name`);
    // …but not on 127.0.0.1 inside its own container, where the health check looks.
    const probe = await scratch.exec(name, healthProbe(`http://127.0.0.1:${NEXTCHAT_PORT}${NEXTCHAT_HEALTH_PATH}`));
    expect(probe.code).toBe(1);
    expect(await scratch.logs(name)).toMatch(/listening on [0-9a-f]{12}:3000/);
  });
});
