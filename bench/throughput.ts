// Non-streaming requests per second and latency at a fixed concurrency, direct to the upstream and
// through the proxy, run after run in turn. The upstream runs in its own process (upstream-process.ts).
import { requestLogs } from "../chain/proxy.js";
import { startBuiltProxy, type BuiltProxy } from "./chain.js";
import { load, type LoadResult } from "./load.js";
import { figure, pairwise, percentile, type Figure } from "./stats.js";
import { cpuTimeMs } from "./process.js";
import { spawnUpstreamProcess } from "./upstream-process.js";

export interface ThroughputSettings {
  runs: number;
  connections: number;
  durationSec: number;
  warmupSec: number;
}

export interface LoadFigures {
  rps: Figure;
  p50Ms: Figure;
  p99Ms: Figure;
  /**
   * CPU time per request of the process answering the load (the upstream direct, the proxy through
   * it), in µs. Other work on the machine moves it far less than requests per second.
   */
  cpuUsPerRequest: Figure;
}

export interface ThroughputResult {
  direct: LoadFigures;
  proxy: LoadFigures;
  /** Run by run, proxy rps ÷ direct rps. */
  ratio: Figure;
  /** Share of the proxy's upstream requests sent on a pooled (kept-alive) connection. */
  upstreamReuse: number;
}

type Measured = LoadResult & { cpuUsPerRequest: number };

export async function measureThroughput(built: BuiltProxy, memoryMb: number, s: ThroughputSettings): Promise<ThroughputResult> {
  const upstream = await spawnUpstreamProcess();
  try {
    const proxy = await startBuiltProxy(built, memoryMb, upstream.url);
    try {
      const runs = { direct: [] as Measured[], proxy: [] as Measured[] };
      const targets = { direct: { url: upstream.url, pid: upstream.pid }, proxy: { url: proxy.url, pid: proxy.pid } };
      for (const { url } of Object.values(targets)) await load(url, { connections: s.connections, durationSec: s.warmupSec });
      const measure = async ({ url, pid }: { url: string; pid: number }): Promise<Measured> => {
        const before = await cpuTimeMs(pid);
        const result = await load(url, { connections: s.connections, durationSec: s.durationSec });
        return { ...result, cpuUsPerRequest: ((await cpuTimeMs(pid)) - before) * 1000 / result.responses };
      };
      for (let run = 0; run < s.runs; run++) {
        runs.direct.push(await measure(targets.direct));
        runs.proxy.push(await measure(targets.proxy));
      }
      const figures = (rs: Measured[]): LoadFigures => ({
        rps: figure(rs.map((r) => r.rps)),
        p50Ms: figure(rs.map((r) => percentile(r.latenciesMs, 50))),
        p99Ms: figure(rs.map((r) => percentile(r.latenciesMs, 99))),
        cpuUsPerRequest: figure(rs.map((r) => r.cpuUsPerRequest)),
      });
      const direct = figures(runs.direct);
      const viaProxy = figures(runs.proxy);
      await proxy.close();
      const relayed = requestLogs(proxy);
      return {
        direct,
        proxy: viaProxy,
        ratio: pairwise(viaProxy.rps, direct.rps, (p, d) => p / d),
        upstreamReuse: relayed.filter((l) => l.reused === true).length / relayed.length,
      };
    } finally {
      await proxy.close();
    }
  } finally {
    await upstream.close();
  }
}
