// Per-chunk delay: for every event of a streamed completion, the time from the upstream's write to the
// client's read of it. The test upstream runs in this process and stamps each write with
// process.hrtime.bigint() (its `chunk` event); the client stamps each read with the same clock, so the
// difference is one clock's reading, whatever lies between (nothing, the proxy, Nginx, both). Each of
// the proxy's routes is measured: OpenAI's chat completions, Anthropic's Messages, Gemini's
// streamGenerateContent, each in its own wire format (chain/wire.ts).
import http from "node:http";
import { PROXY_ROUTES, type Provider } from "../contract.js";
import { Teardown } from "../chain/teardown.js";
import { DEFAULT_MODELS, startUpstream, type TestUpstream } from "../chain/upstream.js";
import { authHeaders } from "../function/src/auth.js";
import { DIALECTS } from "../scripts/lib/dialects.js";
import { nginxMissing, startBuiltProxy, startFrontNginx, type BuiltProxy } from "./chain.js";
import { CHAT_HEADERS, CHAT_PATH, STREAM_BODY } from "./load.js";
import { figure, median, nsToMs, pairwise, percentile, type Figure } from "./stats.js";

export interface StreamSample {
  /** Request sent → first response body byte read (ms). */
  ttfbMs: number;
  /** One per event: upstream write → client read (ms). */
  delaysMs: number[];
}

/** A streamed request in one provider's format: where it goes upstream, and how its events are separated. */
interface BenchRequest {
  /** The upstream path, with its query. */
  readonly path: string;
  readonly body: string;
  readonly headers: http.OutgoingHttpHeaders;
  readonly separator: string;
}

/** A streamed chat in the provider's dialect, as smoke asks for one (scripts/lib/dialects.ts), with a made-up key in its header. */
function dialectRequest(provider: Provider, key: string, separator: string): BenchRequest {
  const dialect = DIALECTS[provider];
  const model = DEFAULT_MODELS[provider];
  const headers = { "content-type": "application/json", ...dialect.headers, ...authHeaders(PROXY_ROUTES[provider], key) };
  return { path: dialect.chatPath(model), body: JSON.stringify(dialect.body(model, "bench")), headers, separator };
}

const REQUESTS: Readonly<Record<Provider, BenchRequest>> = {
  openai: { path: CHAT_PATH, body: STREAM_BODY, headers: CHAT_HEADERS, separator: "\n\n" },
  anthropic: dialectRequest("anthropic", "sk-ant-bench", "\n\n"),
  google: dialectRequest("google", "AIza-bench", "\r\n\r\n"),
};

/**
 * One streamed answer in `provider`'s format from `baseUrl` (which leads to `upstream`; for the proxy,
 * with the route's mount), read event by event.
 */
export async function streamOnce(upstream: TestUpstream, baseUrl: string, agent: http.Agent, tag: string, provider: Provider = "openai"): Promise<StreamSample> {
  const request = REQUESTS[provider];
  const SEPARATOR = request.separator;
  // The tag travels in the query string, which every hop passes on, so the writes are this request's.
  const path = `${request.path}${request.path.includes("?") ? "&" : "?"}bench=${tag}`;
  const writes: bigint[] = [];
  const onChunk = (record: { url: string }, index: number, at: bigint) => {
    if (record.url.endsWith(path)) writes[index] = at;
  };
  upstream.events.on("chunk", onChunk);
  try {
    return await new Promise<StreamSample>((resolve, reject) => {
      const req = http.request(`${baseUrl}${path}`, {
        method: "POST",
        agent,
        headers: { ...request.headers, "content-length": Buffer.byteLength(request.body) },
      });
      let sentAt = 0n;
      let ttfbMs: number | undefined;
      const delaysMs: number[] = [];
      // What ended the last read and may begin a separator the next read completes.
      let carry = "";
      req.on("response", (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return reject(new Error(`stream through ${baseUrl}: status ${res.statusCode}, expected 200`));
        }
        res.setEncoding("utf8");
        res.on("data", (text: string) => {
          const at = process.hrtime.bigint();
          ttfbMs ??= nsToMs(at - sentAt);
          const seen = carry + text;
          let after = 0;
          for (let i = seen.indexOf(SEPARATOR); i >= 0; i = seen.indexOf(SEPARATOR, after)) {
            const written = writes[delaysMs.length];
            if (written === undefined) return reject(new Error(`stream through ${baseUrl}: read event ${delaysMs.length} before its write was recorded`));
            delaysMs.push(nsToMs(at - written));
            after = i + SEPARATOR.length;
          }
          // The longest tail that may begin a separator the next read completes.
          let keep = Math.min(SEPARATOR.length - 1, seen.length - after);
          while (keep > 0 && !SEPARATOR.startsWith(seen.slice(seen.length - keep))) keep -= 1;
          carry = seen.slice(seen.length - keep);
        });
        res.on("end", () => {
          if (delaysMs.length !== writes.length) {
            return reject(new Error(`stream through ${baseUrl}: read ${delaysMs.length} events, the upstream wrote ${writes.length}`));
          }
          resolve({ ttfbMs: ttfbMs ?? 0, delaysMs });
        });
        res.on("error", reject);
      });
      req.on("error", reject);
      sentAt = process.hrtime.bigint();
      req.end(request.body);
    });
  } finally {
    upstream.events.off("chunk", onChunk);
  }
}

export interface StreamingSettings {
  runs: number;
  streamsPerRun: number;
  /** Content chunks per stream; each stream has three events more (role, stop, [DONE]). */
  chunksPerStream: number;
  /** Upstream pause between events: lets each event cross the chain alone, as tokens do. */
  chunkIntervalMs: number;
  /** Streams per path before each run's measured ones (connections opened, code paths warm). */
  warmupStreams: number;
}

/** Per path, each a figure over runs of that run's value. */
export interface PathFigures {
  /** Median, over the run's events, of upstream write → client read (ms). */
  p50Ms: Figure;
  p99Ms: Figure;
  /** Median, over the run's streams, of request sent → first body byte (ms). */
  ttfbMs: Figure;
}

/**
 * Paths an event can take from the upstream to the client: OpenAI's route direct, through the proxy,
 * Nginx alone, both; Anthropic's and Gemini's direct and through the proxy. Each "added" figure is
 * against the direct path of the same route.
 */
export const PATHS = ["direct", "proxy", "nginx", "nginxProxy", "anthropicDirect", "anthropicProxy", "googleDirect", "googleProxy"] as const;
export type PathName = (typeof PATHS)[number];
export const PATH_LABELS: Record<PathName, string> = {
  direct: "direct",
  proxy: "proxy",
  nginx: "nginx alone (→ upstream)",
  nginxProxy: "nginx + proxy",
  anthropicDirect: "Anthropic direct",
  anthropicProxy: "Anthropic via proxy",
  googleDirect: "Gemini direct",
  googleProxy: "Gemini via proxy",
};
/** Which route each path streams, and the path it is compared with. */
const PATH_ROUTE: Record<PathName, { provider: Provider; direct: PathName }> = {
  direct: { provider: "openai", direct: "direct" },
  proxy: { provider: "openai", direct: "direct" },
  nginx: { provider: "openai", direct: "direct" },
  nginxProxy: { provider: "openai", direct: "direct" },
  anthropicDirect: { provider: "anthropic", direct: "anthropicDirect" },
  anthropicProxy: { provider: "anthropic", direct: "anthropicDirect" },
  googleDirect: { provider: "google", direct: "googleDirect" },
  googleProxy: { provider: "google", direct: "googleDirect" },
};

export interface StreamingResult {
  eventsPerRun: number;
  /** The Nginx paths are missing when Nginx is not installed. */
  paths: Partial<Record<PathName, PathFigures>>;
  /** Run by run, the path's percentile minus direct's. */
  added: Partial<Record<PathName, { p50Ms: Figure; p99Ms: Figure }>>;
}

export async function measureStreaming(built: BuiltProxy, memoryMb: number, s: StreamingSettings): Promise<StreamingResult> {
  const chunks = Array.from({ length: s.chunksPerStream }, (_, i) => ` token${i}`);
  const stops = new Teardown();
  try {
    const upstream = await startUpstream({ scenario: { chunks, chunkIntervalMs: s.chunkIntervalMs } });
    stops.push(() => upstream.close());
    const proxy = await startBuiltProxy(built, memoryMb, upstream.url);
    stops.push(() => proxy.close());
    const bases: Partial<Record<PathName, string>> = {
      direct: upstream.url,
      proxy: proxy.url,
      anthropicDirect: upstream.url,
      anthropicProxy: proxy.url + PROXY_ROUTES.anthropic.mount,
      googleDirect: upstream.url,
      googleProxy: proxy.url + PROXY_ROUTES.google.mount,
    };
    if (!nginxMissing) {
      // Nginx alone tells its share of the delay from the proxy's.
      for (const [name, api] of [["nginx", upstream.url], ["nginxProxy", proxy.url]] as const) {
        const nginx = await startFrontNginx(api);
        stops.push(() => nginx.stop());
        bases[name] = nginx.httpUrl;
      }
    }
    const measured = PATHS.filter((name) => bases[name] !== undefined);

    const perRun = new Map(measured.map((name) => [name, { p50: [] as number[], p99: [] as number[], ttfb: [] as number[] }]));
    let tag = 0;
    for (let run = 0; run < s.runs; run++) {
      for (const name of measured) {
        const base = bases[name]!;
        const series = perRun.get(name)!;
        // One keep-alive connection per path, as a chat client holds one.
        const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
        try {
          const { provider } = PATH_ROUTE[name];
          for (let i = 0; i < s.warmupStreams; i++) await streamOnce(upstream, base, agent, `${++tag}`, provider);
          const delays: number[] = [];
          const ttfbs: number[] = [];
          for (let i = 0; i < s.streamsPerRun; i++) {
            const sample = await streamOnce(upstream, base, agent, `${++tag}`, provider);
            delays.push(...sample.delaysMs);
            ttfbs.push(sample.ttfbMs);
          }
          series.p50.push(percentile(delays, 50));
          series.p99.push(percentile(delays, 99));
          series.ttfb.push(median(ttfbs));
        } finally {
          agent.destroy();
        }
        // The upstream's record of every request is not needed past the run.
        upstream.requests.splice(0);
      }
    }
    const paths: StreamingResult["paths"] = {};
    for (const [name, series] of perRun) paths[name] = { p50Ms: figure(series.p50), p99Ms: figure(series.p99), ttfbMs: figure(series.ttfb) };
    const added: StreamingResult["added"] = {};
    for (const name of measured.filter((n) => PATH_ROUTE[n].direct !== n)) {
      const path = paths[name]!;
      const direct = paths[PATH_ROUTE[name].direct]!;
      added[name] = { p50Ms: pairwise(path.p50Ms, direct.p50Ms, (a, b) => a - b), p99Ms: pairwise(path.p99Ms, direct.p99Ms, (a, b) => a - b) };
    }
    return { eventsPerRun: s.streamsPerRun * (s.chunksPerStream + 3), paths, added };
  } finally {
    await stops.run();
  }
}
