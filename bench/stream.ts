// Per-chunk delay: for every event of a streamed completion, the time from the upstream's write to the
// client's read of it. The test upstream runs in this process and stamps each write with
// process.hrtime.bigint() (its `chunk` event); the client stamps each read with the same clock, so the
// difference is one clock's reading, whatever lies between (nothing, the proxy, Nginx, both).
import http from "node:http";
import { Teardown } from "../chain/teardown.js";
import { startUpstream, type TestUpstream } from "../chain/upstream.js";
import { nginxMissing, startBuiltProxy, startFrontNginx, type BuiltProxy } from "./chain.js";
import { CHAT_HEADERS, CHAT_PATH, STREAM_BODY } from "./load.js";
import { figure, median, nsToMs, pairwise, percentile, type Figure } from "./stats.js";

export interface StreamSample {
  /** Request sent → first response body byte read (ms). */
  ttfbMs: number;
  /** One per event: upstream write → client read (ms). */
  delaysMs: number[];
}

const SEPARATOR = "\n\n";

/** One streamed chat completion from `baseUrl` (which leads to `upstream`), read event by event. */
export async function streamOnce(upstream: TestUpstream, baseUrl: string, agent: http.Agent, tag: string): Promise<StreamSample> {
  // The tag travels in the query string, which every hop passes on, so the writes are this request's.
  const path = `${CHAT_PATH}?bench=${tag}`;
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
        headers: { ...CHAT_HEADERS, "content-length": Buffer.byteLength(STREAM_BODY) },
      });
      let sentAt = 0n;
      let ttfbMs: number | undefined;
      const delaysMs: number[] = [];
      // A "\n" that ended the last read and may begin a separator the next read completes.
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
          carry = seen.length > after && seen.endsWith("\n") ? "\n" : "";
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
      req.end(STREAM_BODY);
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

/** Paths an event can take from the upstream to the client. */
export const PATHS = ["direct", "proxy", "nginx", "nginxProxy"] as const;
export type PathName = (typeof PATHS)[number];
export const PATH_LABELS: Record<PathName, string> = {
  direct: "direct",
  proxy: "proxy",
  nginx: "nginx alone (→ upstream)",
  nginxProxy: "nginx + proxy",
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
    const bases: Partial<Record<PathName, string>> = { direct: upstream.url, proxy: proxy.url };
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
          for (let i = 0; i < s.warmupStreams; i++) await streamOnce(upstream, base, agent, `${++tag}`);
          const delays: number[] = [];
          const ttfbs: number[] = [];
          for (let i = 0; i < s.streamsPerRun; i++) {
            const sample = await streamOnce(upstream, base, agent, `${++tag}`);
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
    const direct = paths.direct!;
    const added: StreamingResult["added"] = {};
    for (const name of measured.filter((n) => n !== "direct")) {
      const path = paths[name]!;
      added[name] = { p50Ms: pairwise(path.p50Ms, direct.p50Ms, (a, b) => a - b), p99Ms: pairwise(path.p99Ms, direct.p99Ms, (a, b) => a - b) };
    }
    return { eventsPerRun: s.streamsPerRun * (s.chunksPerStream + 3), paths, added };
  } finally {
    await stops.run();
  }
}
