// The chain: upstream → [proxy →] [web UI →] [Nginx]. The caller picks how each piece runs (a starter
// per piece: in this process, a child process, a container); this is the one place that wires them
// (who is given whose URL), in order, and stops what has started in reverse order, also when a later
// piece fails to start. `npm run local`, the test stacks and the engine suite stand their chains up through it.
import { Teardown } from "./teardown.js";
import { startUpstream, type TestUpstream, type UpstreamOptions } from "./upstream.js";

/** A piece a starter has started. */
export interface Started<T> {
  readonly value: T;
  /** Its base URL, when it serves one (a web UI that is only a page Nginx serves has none). */
  readonly url?: string;
  stop(): Promise<void>;
  /** Names it in Teardown's `stopped` list, e.g. `the proxy (pid 12)`. */
  readonly what?: string;
}

/** `value`, stopped by its own close() or stop(). */
export function started<T extends { readonly url?: string } & ({ close(): Promise<void> } | { stop(): Promise<void> })>(
  value: T,
  what?: string,
): Started<T> & Pick<T, "url"> {
  const stop = "close" in value ? () => value.close() : () => value.stop();
  return { value, url: value.url, stop, ...(what ? { what } : {}) };
}

export interface ChainUrls {
  /** The upstream API's base. */
  upstream: string;
  /** What `/v1/` goes to: the proxy, or the upstream when there is none. */
  api: string;
  /** The web UI behind `/`, if it serves one. */
  web?: string;
}

/** The test upstream (upstream.ts) with these options, in this process. */
export const testUpstream =
  (options: UpstreamOptions = {}, what?: string) =>
  async (): Promise<Started<TestUpstream> & { url: string }> =>
    started(await startUpstream(options), what);

/** An upstream already running at `url` (the real API, or one a caller started elsewhere); nothing to stop. */
export const runningUpstream =
  (url: string) =>
  async (): Promise<Started<undefined> & { url: string }> => ({ value: undefined, url, stop: async () => {} });

export interface ChainPlan<U, P, W, N> {
  /** Starts the upstream API. */
  upstream: () => Promise<Started<U> & { url: string }>;
  /** Starts the proxy in front of the upstream; absent: Nginx calls the upstream itself. */
  proxy?: (upstreamUrl: string) => Promise<Started<P> & { url: string }>;
  /** Starts a web UI whose API base (NextChat's BASE_URL) is `apiUrl`. */
  web?: (apiUrl: string) => Promise<Started<W>>;
  /** Starts Nginx in front of the API and the web UI; absent: no Nginx. */
  nginx?: (urls: ChainUrls, web: W | undefined) => Promise<Started<N>>;
  /** Where stops go, run by the caller (also after a failure); default: the chain's own, run by close() or on failure. */
  stops?: Teardown;
}

export interface Chain<U, P, W, N> {
  upstream: U;
  proxy?: P;
  web?: W;
  nginx?: N;
  urls: ChainUrls;
  /** Stops every piece, last started first. */
  close(): Promise<void>;
}

export async function startChain<U, P, W, N>(plan: ChainPlan<U, P, W, N>): Promise<Chain<U, P, W, N>> {
  const stops = plan.stops ?? new Teardown();
  const run = async <S extends Started<unknown>>(starting: Promise<S>): Promise<S> => {
    const piece = await starting;
    stops.push(() => piece.stop(), piece.what);
    return piece;
  };
  try {
    const upstream = await run(plan.upstream());
    const proxy = plan.proxy ? await run(plan.proxy(upstream.url)) : undefined;
    const api = proxy?.url ?? upstream.url;
    const web = plan.web ? await run(plan.web(api)) : undefined;
    const urls: ChainUrls = { upstream: upstream.url, api, ...(web?.url ? { web: web.url } : {}) };
    const nginx = plan.nginx ? await run(plan.nginx(urls, web?.value)) : undefined;
    return {
      upstream: upstream.value,
      ...(proxy ? { proxy: proxy.value } : {}),
      ...(web ? { web: web.value } : {}),
      ...(nginx ? { nginx: nginx.value } : {}),
      urls,
      close: () => stops.run(),
    };
  } catch (err) {
    if (!plan.stops) await stops.run();
    throw err;
  }
}
