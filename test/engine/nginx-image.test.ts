// The Nginx image serves the site renderSite makes, uploaded where the program uploads it, in front of
// the NextChat stand-in and the proxy on a user-defined network, as a stack lays them out: the chat
// streams through every real container; /api/ is closed except NextChat's two routes; logs go to the
// container's output; the stop signal ends Nginx gracefully.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_BODY_BYTES } from "../../contract.js";
import { NGINX_TRUSTED_CA } from "../../infra/host/nginx.js";
import { renderSite } from "../../nginx/index.js";
import { streamChat } from "../../scripts/lib/stream.js";
import { accessCodeAuthorization, NEXTCHAT_CHAT_ROUTE, proxyApiBases } from "../../web/nextchat.js";
import { STANDIN_PAGE } from "../../web/standin.js";
import { startChain } from "../../chain/chain.js";
import { inScratch, SECRETS, startNginx, startProxy, startUpstream, startWeb, type UpstreamContainer } from "./chain.js";
import { docker, engine, engineSkip, Scratch } from "./docker.js";

const CHUNKS = Array.from({ length: 10 }, (_, i) => `n${i} `);
const scratch = new Scratch();
afterAll(() => scratch.remove());

describe.skipIf(engineSkip)("Nginx image", () => {
  let upstream: UpstreamContainer;
  let nginx: { id: string; url: string };
  beforeAll(async () => {
    const network = await scratch.network();
    const chain = await startChain({
      upstream: async () => inScratch(await startUpstream(scratch, network, { chunks: CHUNKS, chunkIntervalMs: 25 })),
      proxy: async (upstreamUrl) => inScratch(await startProxy(scratch, network, upstreamUrl)),
      web: async (apiUrl) =>
        inScratch(
          await startWeb(scratch, network, {
            settings: { apiBases: proxyApiBases(apiUrl), serverApiKeys: { openai: SECRETS.proxyToken }, accessCodes: [SECRETS.accessCode], timezone: "UTC" },
          }),
        ),
      // The options infra/site.ts gives renderSite for a stack whose function runs on the host.
      nginx: async (urls) =>
        inScratch(
          await startNginx(scratch, network, {
            serverName: "localhost",
            webUpstream: urls.web,
            apiUpstream: urls.api,
            functionTimeoutSec: 900,
            maxBodyBytes: MAX_BODY_BYTES,
            resolver: "127.0.0.11",
          }),
        ),
    });
    upstream = chain.upstream;
    nginx = chain.nginx!;
  });

  it("streams the web UI's chat route through Nginx, the stand-in, the proxy and the upstream", async () => {
    const before = (await upstream.seen()).length;
    const chat = await streamChat(`${nginx.url}${NEXTCHAT_CHAT_ROUTE}`, {
      model: "gpt-4o-mini",
      headers: { authorization: accessCodeAuthorization(SECRETS.accessCode) },
      signal: AbortSignal.timeout(20_000),
    });
    expect(chat.error).toBeUndefined();
    expect(chat.gzip).toBe(false);
    expect(chat.content).toBe(CHUNKS.join(""));
    expect(chat.timing?.verdict, JSON.stringify(chat.timing)).toBe("streamed");
    const relayed = (await upstream.seen()).slice(before);
    expect(relayed.map((r) => `${r.method} ${r.url}`)).toEqual(["POST /v1/chat/completions"]);
    // Token mode: the stand-in sent the proxy token, which stops at the proxy.
    expect(relayed[0]!.headers).not.toHaveProperty("authorization");
    expect(relayed[0]!.headers).not.toHaveProperty("x-forwarded-for");
  });

  it("streams /v1/ straight to the proxy for API clients with the proxy token", async () => {
    const chat = await streamChat(`${nginx.url}/v1/chat/completions`, {
      model: "gpt-4o-mini",
      headers: { authorization: `Bearer ${SECRETS.proxyToken}` },
      signal: AbortSignal.timeout(20_000),
    });
    expect(chat.error).toBeUndefined();
    expect(chat.timing?.verdict, JSON.stringify(chat.timing)).toBe("streamed");
  });

  it("serves the web UI's page and answers other /api/ routes with 403 before the stand-in can fetch x-base-url", async () => {
    expect(await (await fetch(`${nginx.url}/`)).text()).toBe(STANDIN_PAGE);
    const before = (await upstream.seen()).length;
    const blocked = await fetch(`${nginx.url}/api/moonshot/v1/chat/completions`, {
      method: "POST",
      headers: { "x-base-url": `${upstream.url}/leak?api.openai.com`, "content-type": "application/json" },
      body: "{}",
    });
    expect(blocked.status).toBe(403);
    expect(await blocked.json()).toMatchObject({ error: { code: "path_not_served" } });
    // The stand-in fetches such a URL when asked directly (nextchat-image.test.ts); through Nginx nothing arrived.
    expect(await upstream.seen()).toHaveLength(before);
  });

  it("writes its access log to the container's stdout", async () => {
    // Short enough to be logged as sent: a refused request's longer segments are logged as `*` (nginx/blocks/logs.ts).
    await fetch(`${nginx.url}/marker-${scratch.id}`);
    expect(await scratch.logs(nginx.id)).toContain(`"GET /marker-${scratch.id} HTTP/1.1" 404 `);
  });

  it("has Debian's CA bundle where the program points proxy_ssl_trusted_certificate, and accepts a site that uses it", async () => {
    const site = renderSite({ serverName: "localhost", listen: { http: 8081 }, apiUpstream: "https://function.example", apiTrustedCa: NGINX_TRUSTED_CA, resolver: "127.0.0.11" });
    // nginx -t of the image's own nginx.conf, with this site in place of conf.d.
    const script = `test -s ${NGINX_TRUSTED_CA} && printf '%s' "$1" > /tmp/site.conf && sed 's#/etc/nginx/conf.d/\\*.conf#/tmp/site.conf#' /etc/nginx/nginx.conf > /tmp/nginx.conf && nginx -t -q -c /tmp/nginx.conf`;
    const check = await scratch.exec(nginx.id, ["sh", "-c", script, "sh", site]);
    expect(check, check.output).toMatchObject({ code: 0 });
    expect(await docker(["exec", nginx.id, "grep", "-c", "proxy_ssl_trusted_certificate", "/tmp/site.conf"])).not.toBe("0");
  });

  it("stops gracefully on its stop signal (SIGQUIT) and on SIGTERM", async () => {
    expect(await docker(["image", "inspect", "--format", "{{.Config.StopSignal}}", engine.config.nginxImage])).toBe("SIGQUIT");
    await docker(["stop", "--time", "20", nginx.id]);
    expect(await docker(["inspect", "--format", "{{.State.ExitCode}}", nginx.id])).toBe("0");
    await docker(["start", nginx.id]);
    await docker(["kill", "--signal", "SIGTERM", nginx.id]);
    await docker(["wait", nginx.id]);
    expect(await docker(["inspect", "--format", "{{.State.ExitCode}}", nginx.id])).toBe("0");
  });
});
