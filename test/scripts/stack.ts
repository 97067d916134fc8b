// A deployed stack in miniature, wired as infra/ wires it: the test upstream holding the server key,
// the proxy in key mode (token → key), the NextChat double with access codes and the proxy token as
// its key, and the real Nginx in front of both. `outputs` is what `pulumi stack output --json
// --show-secrets` would print for it.
import { startNginx } from "../fixtures/nginx.js";
import type { NginxInput, RunningNginx } from "../../chain/nginx.js";
import { startChain, started, testUpstream } from "../../chain/chain.js";
import { startProxy, type InProcessProxy } from "../../chain/proxy.js";
import type { TestUpstream } from "../../chain/upstream.js";
import { startWebDouble, type WebDouble } from "../fixtures/web.js";

/** Unique strings a test can grep the logs for: none may ever appear there. */
export const SECRETS = {
  apiKey: "sk-smoke-test-key-7f3a9c1e",
  proxyToken: "ptok-smoke-test-51d0b8e2a4",
  accessCode: "code-smoke-e93b",
} as const;

/** Events arrive this far apart: the stream rule can tell streamed from buffered. */
export const PACE_MS = 40;

export interface MiniStackOptions {
  /** Change the rendered site text (a misconfiguration under test). */
  edit?: NginxInput["edit"];
  httpLevel?: string;
  /** Serve HTTPS for `serverName` with these files. */
  tls?: { certFile: string; keyFile: string };
  serverName?: string;
}

export interface MiniStack {
  upstream: TestUpstream;
  proxy: InProcessProxy;
  web: WebDouble;
  nginx: RunningNginx;
  outputs: Record<string, string>;
  close(): Promise<void>;
}

export async function startMiniStack(options: MiniStackOptions = {}): Promise<MiniStack> {
  const serverName = options.serverName ?? "localhost";
  const chain = await startChain({
    upstream: testUpstream({ apiKey: SECRETS.apiKey, scenario: { chunkIntervalMs: PACE_MS } }),
    proxy: async (upstreamUrl) =>
      started(await startProxy({ UPSTREAM_URL: upstreamUrl, PROXY_TOKEN: SECRETS.proxyToken, OPENAI_API_KEY: SECRETS.apiKey })),
    web: async (apiUrl) =>
      started(await startWebDouble({ baseUrl: apiUrl, codes: [SECRETS.accessCode, "second-code"], apiKey: SECRETS.proxyToken, hideUserApiKey: true })),
    nginx: async (urls) => {
      const nginx = await startNginx({
        options: {
          serverName,
          apiUpstream: urls.api,
          webUpstream: urls.web,
          ...(options.tls ? { tls: { certificate: options.tls.certFile, certificateKey: options.tls.keyFile } } : {}),
        },
        edit: options.edit,
        httpLevel: options.httpLevel,
      });
      return started(nginx);
    },
  });
  const { upstream, proxy, web, nginx } = { upstream: chain.upstream, proxy: chain.proxy!, web: chain.web!, nginx: chain.nginx! };
  const siteUrl = options.tls ? `https://${serverName}:${nginx.httpsPort}` : nginx.httpUrl;
  return {
    upstream,
    proxy,
    web,
    nginx,
    outputs: {
      siteUrl,
      apiBaseUrl: `${siteUrl}/v1`,
      functionUrl: proxy.url,
      webUrl: web.url,
      hostIp: "127.0.0.1",
      accessCodes: `${SECRETS.accessCode},second-code`,
      proxyToken: SECRETS.proxyToken,
    },
    close: chain.close,
  };
}

/** Fails the test if any secret of the mini stack shows in `text`. */
export function leakedSecrets(text: string): string[] {
  return Object.values(SECRETS).filter((s) => text.includes(s));
}
