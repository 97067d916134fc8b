// The chain the Nginx suites drive (chain/chain.ts): test upstream ← function proxy (in-process, every
// provider's route pointed at the upstream) ← [web double ←] real Nginx. `direct: true` leaves the
// proxy out (Nginx → upstream), for properties Nginx must hold on its own.
import { expect } from "vitest";
import { startChain as startPieces, started, testUpstream, type ChainUrls } from "../../chain/chain.js";
import type { FreeSiteOptions, RunningNginx } from "../../chain/nginx.js";
import { routesTo, startProxy, type InProcessProxy } from "../../chain/proxy.js";
import type { Env } from "../../function/src/config.js";
import type { TestUpstream, UpstreamOptions } from "../../chain/upstream.js";
import { startNginx } from "../fixtures/nginx.js";
import { startWebDoubleBehind, type WebDouble, type WebDoubleOptions } from "../fixtures/web.js";
import type { Exchange } from "./client.js";

export interface ChainOptions {
  /** Site options on top of serverName localhost and the upstreams below (a function gets their URLs). */
  site?: Partial<FreeSiteOptions> | ((urls: ChainUrls) => Partial<FreeSiteOptions>);
  httpLevel?: string;
  /** Change the rendered site text before Nginx runs it. */
  edit?: (site: string) => string;
  upstream?: UpstreamOptions;
  /** Put the NextChat double in front of the proxy, as the web upstream. */
  web?: Omit<WebDoubleOptions, "baseUrl" | "anthropicUrl" | "googleUrl">;
  /** Nginx's /v1/ goes straight to the test upstream, without the proxy. */
  direct?: boolean;
  /** More of the proxy's environment (PROXY_TOKEN, keys). */
  proxyEnv?: Env;
}

export interface Chain {
  upstream: TestUpstream;
  proxy?: InProcessProxy;
  web?: WebDouble;
  nginx: RunningNginx;
  close(): Promise<void>;
}

export async function startChain(options: ChainOptions = {}): Promise<Chain> {
  const { web } = options;
  const chain = await startPieces({
    upstream: testUpstream(options.upstream),
    ...(options.direct ? {} : { proxy: async (upstreamUrl: string) => started(await startProxy({ ...routesTo(upstreamUrl), ...options.proxyEnv })) }),
    ...(web
      ? {
          web: async (apiUrl: string) => started(await startWebDoubleBehind(apiUrl, web)),
        }
      : {}),
    nginx: async (urls) => {
      const site = typeof options.site === "function" ? options.site(urls) : options.site;
      const siteOptions = { serverName: "localhost", apiUpstream: urls.api, webUpstream: urls.web, ...site };
      return started(await startNginx({ options: siteOptions, httpLevel: options.httpLevel, edit: options.edit }));
    },
  });
  return { upstream: chain.upstream, proxy: chain.proxy, web: chain.web, nginx: chain.nginx!, close: chain.close };
}

/**
 * Each of `events` reaches the client while the upstream (paced by hand: `manual`) still holds back the
 * next one, then the exchange ends.
 */
export async function expectChunkByChunk(chain: Chain, ex: Exchange, events: number): Promise<void> {
  for (let n = 1; n <= events; n++) {
    await ex.until((x) => x.events.length >= n, `event ${n} at the client`);
    expect(ex.events).toHaveLength(n);
    expect(chain.upstream.requests[0]!.chunksWritten).toBe(n);
    chain.upstream.release();
  }
  await ex.done();
}
