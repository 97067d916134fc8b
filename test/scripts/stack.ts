// A deployed stack in miniature, wired as infra/ wires it: the test upstream speaking all three
// providers and holding their server keys, the proxy in key mode for each (token → key), the NextChat
// double with access codes and the proxy token as each provider's key, and the real Nginx in front of
// both. `outputs` is what `pulumi stack output --json --show-secrets` would print for it.
import { startNginx } from "../fixtures/nginx.js";
import type { NginxInput, RunningNginx } from "../../chain/nginx.js";
import { startChain, started, testUpstream } from "../../chain/chain.js";
import { routesTo, startProxy, type InProcessProxy } from "../../chain/proxy.js";
import type { TestUpstream } from "../../chain/upstream.js";
import { PROVIDERS, PROXY_ROUTES, type Provider } from "../../contract.js";
import { startWebDoubleBehind, type WebDouble } from "../fixtures/web.js";

/** Unique strings a test can grep the logs for: none may ever appear there. */
export const SECRETS = {
  apiKey: "sk-smoke-test-key-7f3a9c1e",
  anthropicKey: "sk-ant-smoke-test-key-2b8d",
  googleKey: "AIza-smoke-test-key-6c0f",
  proxyToken: "ptok-smoke-test-51d0b8e2a4",
  accessCode: "code-smoke-e93b",
} as const;

/** Events arrive this far apart: the stream rule can tell streamed from buffered. */
export const PACE_MS = 40;

/** One event per piece for OpenAI and Gemini: 8 or more, so the stream rule can judge each provider. */
export const CHUNKS = ["One", " two", " three", " four", " five", " six", " seven", " eight", "."];

export interface MiniStackOptions {
  /** Change the rendered site text (a misconfiguration under test). */
  edit?: NginxInput["edit"];
  httpLevel?: string;
  /** Serve HTTPS for `serverName` with these files. */
  tls?: { certFile: string; keyFile: string };
  serverName?: string;
  /** Server keys for OpenAI only, as a stack without anthropicApiKey and googleApiKey. */
  openaiOnly?: boolean;
}

/** infra/site.ts SiteOutputs, as `pulumi stack output --json --show-secrets` prints them. */
export interface MiniOutputs {
  siteUrl: string;
  apiBaseUrl: string;
  functionUrl: string;
  webUrl: string;
  hostIp: string;
  accessCodes: string;
  proxyToken: string;
  serverKeys: Provider[];
}

export interface MiniStack {
  upstream: TestUpstream;
  proxy: InProcessProxy;
  web: WebDouble;
  nginx: RunningNginx;
  outputs: MiniOutputs;
  close(): Promise<void>;
}

export async function startMiniStack(options: MiniStackOptions = {}): Promise<MiniStack> {
  const serverName = options.serverName ?? "localhost";
  const keys = { openai: SECRETS.apiKey, anthropic: SECRETS.anthropicKey, google: SECRETS.googleKey };
  const keyed = options.openaiOnly ? (["openai"] as const) : PROVIDERS;
  const chain = await startChain({
    upstream: testUpstream({ apiKey: Object.values(keys), scenario: { chunks: CHUNKS, chunkIntervalMs: PACE_MS } }),
    proxy: async (upstreamUrl) => {
      const env: Record<string, string> = { PROXY_TOKEN: SECRETS.proxyToken, ...routesTo(upstreamUrl) };
      for (const provider of keyed) env[PROXY_ROUTES[provider].keyEnv] = keys[provider];
      return started(await startProxy(env));
    },
    web: async (apiUrl) => {
      const token = (provider: Provider) => ((keyed as readonly Provider[]).includes(provider) ? SECRETS.proxyToken : undefined);
      return started(
        await startWebDoubleBehind(apiUrl, {
          codes: [SECRETS.accessCode, "second-code"],
          apiKey: token("openai"),
          anthropicApiKey: token("anthropic"),
          googleApiKey: token("google"),
          hideUserApiKey: true,
        }),
      );
    },
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
      serverKeys: [...keyed],
    },
    close: chain.close,
  };
}

/** Fails the test if any secret of the mini stack shows in `text`. */
export function leakedSecrets(text: string): string[] {
  return Object.values(SECRETS).filter((s) => text.includes(s));
}
