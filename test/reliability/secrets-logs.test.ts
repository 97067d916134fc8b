// Logs never print a key or token: the built proxy's stdout and stderr (as the cloud function keeps
// them) and Nginx's access log, captured across a session that puts the secrets everywhere a client
// might: the right and wrong Authorization, the query string, a stage prefix, other headers,
// malformed and oversized requests, refused paths that carry them (`/sk-…/v2/models`, `;key=`,
// `%3Fkey=`), upstream failures, refusals at start-up. Not covered, and said so in test/reliability/README.md: Nginx's
// error log, which quotes the raw request line of a request it rejects.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unpackBuiltProxy } from "../../chain/bundle.js";
import { nginxBinary } from "../fixtures/nginx.js";
import { spawnProxy } from "../../chain/proxy.js";
import { DEFAULT_CHUNKS } from "../../chain/upstream.js";
import { streamChat } from "./load.js";
import { rawExchange } from "./raw.js";
import { pollUntil } from "../../chain/poll.js";
import { startStack, type Stack } from "./stack.js";

const KEY = "sk-proj-LOGCHECK-KEY-93a1f0";
const TOKEN = "pt-LOGCHECK-TOKEN-5d8e2c71";
// First in the Anthropic and Gemini key lists, and exhausted: those requests fail over to KEY.
const SPENT = "sk-ant-LOGCHECK-SPENT-0c4d";
const SECRETS = [KEY, TOKEN, SPENT];

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    upstream: { apiKey: [KEY, SPENT], scenario: { keys: { [SPENT]: "exhausted" } } },
    env: { PROXY_TOKEN: TOKEN, OPENAI_API_KEY: KEY, ANTHROPIC_API_KEY: `${SPENT},${KEY}`, GOOGLE_API_KEY: `${SPENT},${KEY}`, UPSTREAM_TIMEOUT_MS: "300" },
  });
});
afterAll(async () => {
  await stack?.close();
});

const line = (target: string, headers: string) => `GET ${target} HTTP/1.1\r\nHost: x\r\n${headers}Connection: close\r\n\r\n`;

/** Requests that carry a secret somewhere, sent to the proxy and to Nginx alike. */
const REQUESTS = [
  line("/v1/models", `Authorization: Bearer ${TOKEN}\r\n`),
  line("/v1/models", `Authorization: Bearer ${KEY}\r\n`),
  line("/v1/models", `Authorization: Bearer ${KEY}:${TOKEN}x\r\n`),
  line(`/v1/models?key=${KEY}&token=${TOKEN}`, `Authorization: Bearer ${TOKEN}\r\n`),
  line("/v1/models", `X-Api-Key: ${KEY}\r\nCookie: t=${TOKEN}\r\n`),
  line("/v1/models", `X-Big: ${KEY.repeat(1000)}\r\n`),
  line(`/${KEY}/v2/models`, ""),
  line(`/v1/models;key=${KEY}`, `Authorization: Bearer ${TOKEN}\r\n`),
  line(`/v2/models%3Fkey=${TOKEN}`, ""),
  line(`/v1/files/${KEY}/content`, `Authorization: Bearer ${TOKEN}\r\n`),
  `GET /v1/models?key=${KEY} HTTP/9.9\r\n\r\n`,
  line("/anthropic/v1/models", `X-Api-Key: ${TOKEN}\r\n`),
  line("/anthropic/v1/models", `Authorization: Bearer ${TOKEN}\r\n`),
  line("/anthropic/v1/models", `X-Api-Key: ${KEY}:${TOKEN}x\r\n`),
  line(`/google/v1beta/models?key=${TOKEN}`, ""),
  line("/google/v1beta/models", `X-Goog-Api-Key: ${TOKEN}\r\n`),
  line(`/google/v1beta/models?key=${KEY}`, ""),
  `POST /v1/chat/completions?key=${KEY} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n${KEY}\r\n`,
];

describe.skipIf(!nginxBinary)("secrets in logs", () => {
  it("neither the proxy nor Nginx's access log prints the key or the token", async () => {
    for (const request of REQUESTS) {
      await rawExchange(stack.proxyPort, request);
      await rawExchange(stack.nginx.httpPort, request);
    }
    // A stage prefix, as API gateways add: relayed, and logged as /*.
    await rawExchange(stack.proxyPort, line(`/${TOKEN}/v1/models`, `Authorization: Bearer ${TOKEN}\r\n`));
    const chat = `${stack.nginx.httpUrl}/v1/chat/completions`;
    expect((await streamChat(chat, DEFAULT_CHUNKS, { headers: { authorization: `Bearer ${TOKEN}` } })).complete).toBe(true);
    // The upstream goes silent: a 504 whose message names the upstream, not what was sent to it.
    stack.upstream.behave({ silent: true });
    expect((await streamChat(chat, DEFAULT_CHUNKS, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(504);

    // Nginx writes a line once the answer has gone; the proxy's output is whole once it has exited.
    await pollUntil(() => stack.nginx.accessLog().trim().split("\n").length === REQUESTS.length + 2, "Nginx's access log lines");
    await stack.proxy.close();

    const captured = { "proxy stdout": stack.proxy.logs.join("\n"), "proxy stderr": stack.proxy.stderr(), "nginx access log": stack.nginx.accessLog() };
    for (const [where, text] of Object.entries(captured)) {
      for (const secret of SECRETS) expect(text.includes(secret), `${where} prints ${secret}`).toBe(false);
    }
    // The captures are real: the request lines are there, with the query dropped.
    expect(captured["nginx access log"]).toContain('"GET /v1/models?... HTTP/1.1" 200');
    expect(captured["proxy stdout"]).toContain('"path":"/*/v1/models","status":200');
    expect(captured["proxy stdout"]).toContain('"provider":"anthropic","path":"/anthropic/v1/models","status":200');
    expect(captured["proxy stdout"]).toMatch(/"provider":"google",.*"key":2,.*"keyFailures":\[\{"key":1,"status":429\}\]/);
    expect(captured["proxy stdout"]).toContain('"provider":"google","path":"/google/v1beta/models","status":200');
    expect(captured["proxy stdout"]).toContain('"msg":"stopped"');
  });

  it("the proxy refuses a bad configuration without echoing the secret in it", async () => {
    const built = await unpackBuiltProxy();
    try {
      for (const env of [
        { OPENAI_API_KEY: KEY },
        { PROXY_TOKEN: `${TOKEN} with a space`, OPENAI_API_KEY: KEY },
        { UPSTREAM_URL: `https://user:${KEY}@api.example.com`, PROXY_TOKEN: TOKEN, OPENAI_API_KEY: KEY },
        { UPSTREAM_URL: "http://llm.example", PROXY_TOKEN: TOKEN, OPENAI_API_KEY: KEY },
        { ANTHROPIC_API_KEY: `${SPENT},${KEY}` },
        { PROXY_TOKEN: TOKEN, GOOGLE_API_KEY: `${SPENT},${KEY} x` },
        { PROXY_TOKEN: TOKEN, GOOGLE_API_KEY: `${SPENT},${SPENT}` },
      ]) {
        const started = spawnProxy({ dir: built.dir, env });
        await expect(started).rejects.toThrow(/^proxy exited \(code 2, signal null\) before listening: gptsite proxy: /);
        const message = String(await started.catch((err: Error) => err.message));
        for (const secret of SECRETS) expect(message.includes(secret), `${JSON.stringify(Object.keys(env))}: ${message}`).toBe(false);
      }
    } finally {
      await built.cleanup();
    }
  });
});
