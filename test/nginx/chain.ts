// The chain the Nginx suites drive: test upstream ← function proxy ← [web double ←] real Nginx.
// `direct: true` leaves the proxy out (Nginx → upstream), for properties Nginx must hold on its own.
import { startNginx, type FixtureSiteOptions, type RunningNginx } from "../fixtures/nginx.js";
import { startProxy, type InProcessProxy } from "../fixtures/proxy.js";
import { startUpstream, type TestUpstream, type UpstreamOptions } from "../fixtures/upstream.js";
import { startWebDouble, type WebDouble, type WebDoubleOptions } from "../fixtures/web.js";
import { Teardown } from "../../scripts/lib/teardown.js";

export interface ChainOptions {
  /** Site options on top of serverName localhost and the upstreams below (a function gets their URLs). */
  site?: Partial<FixtureSiteOptions> | ((urls: ChainUrls) => Partial<FixtureSiteOptions>);
  httpLevel?: string;
  /** Change the rendered site text before Nginx runs it. */
  edit?: (site: string) => string;
  upstream?: UpstreamOptions;
  /** Put the NextChat double in front of the proxy, as the web upstream. */
  web?: Omit<WebDoubleOptions, "baseUrl">;
  /** Nginx's /v1/ goes straight to the test upstream, without the proxy. */
  direct?: boolean;
}

export interface ChainUrls {
  upstream: string;
  /** What /v1/ goes to: the proxy, or the upstream when `direct`. */
  api: string;
  web?: string;
}

export interface Chain {
  upstream: TestUpstream;
  proxy?: InProcessProxy;
  web?: WebDouble;
  nginx: RunningNginx;
  close(): Promise<void>;
}

export async function startChain(options: ChainOptions = {}): Promise<Chain> {
  const stops = new Teardown();
  const close = () => stops.run();
  try {
    const upstream = await startUpstream(options.upstream);
    stops.push(() => upstream.close());
    const proxy = options.direct ? undefined : await startProxy({ UPSTREAM_URL: upstream.url });
    if (proxy) stops.push(() => proxy.close());
    const apiUrl = proxy?.url ?? upstream.url;
    const web = options.web ? await startWebDouble({ ...options.web, baseUrl: apiUrl }) : undefined;
    if (web) stops.push(() => web.close());
    const urls: ChainUrls = { upstream: upstream.url, api: apiUrl, web: web?.url };
    const site = typeof options.site === "function" ? options.site(urls) : options.site;
    const nginx = await startNginx({
      options: { serverName: "localhost", apiUpstream: apiUrl, webUpstream: web?.url, ...site },
      httpLevel: options.httpLevel,
      edit: options.edit,
    });
    stops.push(() => nginx.stop());
    return { upstream, proxy, web, nginx, close };
  } catch (err) {
    await close();
    throw err;
  }
}
