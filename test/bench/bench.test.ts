// Keeps `npm run bench` from rotting: every section runs at toy sizes, at two function sizes, against
// the real chain, and the report must have its full shape (figures per run, every target judged).
// Numbers are not checked: at these sizes and on a shared machine they mean nothing.
import { describe, expect, it } from "vitest";
import { nginxMissing } from "../../bench/chain.js";
import { builtinsOf } from "../../bench/coldstart.js";
import { renderTable, type Report } from "../../bench/report.js";
import { runBench } from "../../bench/run.js";
import { parseCommandLine, QUICK, SECTIONS, type BenchSettings } from "../../bench/settings.js";
import { maxConnectionsFor, nodeFlagsFor } from "../../function/src/limits.js";
import { figure, median, percentile, type Figure } from "../../bench/stats.js";
import { PATH_LABELS, PATHS } from "../../bench/stream.js";

const TINY: BenchSettings = {
  quick: true,
  memoriesMb: [64, 128],
  streaming: { runs: 2, streamsPerRun: 1, chunksPerStream: 3, chunkIntervalMs: 1, warmupStreams: 0 },
  throughput: { runs: 2, connections: 2, durationSec: 0.2, warmupSec: 0.1 },
  memory: { runs: 1, streamChunks: 3, streamIntervalMs: 1, requests: 20, connections: 2, uploads: 1, uploadMb: 1 },
  floods: { runs: 1, idleConnections: 50, slowReaders: 3, answerMib: 1, uploads: 2, uploadMib: 1 },
  coldStart: { starts: 1 },
};

function expectFigure(f: Figure | undefined, runs: number): void {
  expect(f, "figure").toBeDefined();
  expect(f!.runs).toHaveLength(runs);
  for (const v of [f!.median, f!.min, f!.max, ...f!.runs]) expect(Number.isFinite(v)).toBe(true);
  expect(f!.min).toBeLessThanOrEqual(f!.median);
  expect(f!.median).toBeLessThanOrEqual(f!.max);
}

describe("bench at toy sizes", () => {
  let report: Report;

  it("measures every section at every size, with the bootstrap's flags for each, and judges every target", async () => {
    report = await runBench({ settings: TINY, sections: SECTIONS });
    // Through JSON, as bench/results/latest.json carries it.
    report = JSON.parse(JSON.stringify(report)) as Report;
    const { bySize, artifact } = report.results;
    expect(bySize.map((r) => [r.memoryMb, r.nodeFlags])).toEqual([
      [64, nodeFlagsFor(64)],
      [128, []],
    ]);

    const nginxPaths = nginxMissing ? [] : (["nginx", "nginxProxy"] as const);
    for (const { streaming, throughput, memory, floods, coldStart } of bySize) {
      const routes = ["anthropicDirect", "anthropicProxy", "googleDirect", "googleProxy"];
      expect(Object.keys(streaming!.paths).sort()).toEqual(["direct", "proxy", ...nginxPaths, ...routes].sort());
      for (const path of Object.values(streaming!.paths)) for (const f of [path.p50Ms, path.p99Ms, path.ttfbMs]) expectFigure(f, 2);
      expect(Object.keys(streaming!.added).sort()).toEqual(["proxy", ...nginxPaths, "anthropicProxy", "googleProxy"].sort());
      expect(streaming!.eventsPerRun).toBe(6);

      for (const side of [throughput!.direct, throughput!.proxy]) for (const f of [side.rps, side.p50Ms, side.p99Ms]) expectFigure(f, 2);
      expectFigure(throughput!.ratio, 2);
      expect(throughput!.upstreamReuse).toBeGreaterThan(0);

      for (const f of Object.values(memory!)) expectFigure(f, 1);
      const { maxConnections, ...peaks } = floods!;
      for (const f of Object.values(peaks)) expectFigure(f, 1);
      for (const f of Object.values(coldStart!)) expectFigure(f, 1);
    }
    expect(bySize.map((r) => r.floods!.maxConnections)).toEqual([maxConnectionsFor(64), maxConnectionsFor(128)]);
    expect(artifact.zipBytes).toBeGreaterThan(artifact.bundleBytes);

    expect(report.targets.map((t) => [t.id, t.memoryMb])).toEqual([
      ["proxyChunkP50", 64],
      ["nginxProxyChunkP99", 64],
      ["throughputRatio", 64],
      ["headroom", 64],
      ["rssTwoStreams", 64],
      ["proxyChunkP50", 128],
      ["nginxProxyChunkP99", 128],
      ["throughputRatio", 128],
      ["headroom", 128],
      ["coldStartRatio", 128],
      ["zipSize", null],
    ]);
    for (const t of report.targets) {
      if (t.id === "nginxProxyChunkP99" && nginxMissing) expect(t).toMatchObject({ value: null, met: null });
      else expect(typeof t.met, t.id).toBe("boolean");
    }
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.proxyNode.version).toBe(process.version);
  });

  it("renders every section and target as text, a column per size", () => {
    const text = renderTable(report);
    for (const heading of ["Node flags", "Streaming, per event", "Non-streaming completions", "Proxy memory", "Cold start", "Size:", "Targets"]) {
      expect(text).toContain(heading);
    }
    expect(text).toMatch(/^ {2}\s+64 MB\s+128 MB$/m);
    expect(text).toContain("none (V8's defaults)");
    for (const name of PATHS) if (report.results.bySize[0]!.streaming!.paths[name]) expect(text).toContain(PATH_LABELS[name]);
    for (const t of report.targets) expect(text).toContain(t.what);
    expect(text).toContain("QUICK RUN");
  });

  it("leaves out what --only leaves out, and says so", async () => {
    const partial = await runBench({ settings: { ...TINY, memoriesMb: [64] }, sections: [] });
    expect(partial.results.bySize[0]).toMatchObject({ streaming: null, throughput: null, memory: null, floods: null, coldStart: null });
    expect(partial.targets.filter((t) => t.met === null).map((t) => t.id)).toEqual(["proxyChunkP50", "nginxProxyChunkP99", "throughputRatio", "headroom", "rssTwoStreams"]);
    expect(renderTable(partial)).toContain("not measured");
  });
});

describe("bench helpers", () => {
  it("takes nearest-rank percentiles and medians", () => {
    const values = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 99)).toBe(10);
    expect(percentile(values, 0)).toBe(1);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(figure([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3, runs: [3, 1, 2] });
    expect(() => percentile([], 50)).toThrow("percentile: no values");
  });

  it("finds the node: modules a bundle imports, and those it require()s", () => {
    const bundle = ['import{createRequire}from"node:module";', 'import { pipeline } from "node:stream";', 'var http=require2("node:http");', 'const s = "node:fake";'].join("\n");
    expect(builtinsOf(bundle)).toEqual({ imported: ["node:module", "node:stream"], required: ["node:http"] });
  });

  it("reads the command line, naming what it refuses", () => {
    expect(parseCommandLine(["--quick"]).settings).toEqual(QUICK);
    expect(parseCommandLine(["--runs", "3"]).settings.memory.runs).toBe(3);
    expect(parseCommandLine(["--node-flags= --a  --b "]).nodeFlags).toEqual(["--a", "--b"]);
    expect(() => parseCommandLine(["--runs", "0"])).toThrow('--runs: expected a whole number, at least 1; got "0"');
    expect(parseCommandLine(["--memory", "64, 256"]).settings.memoriesMb).toEqual([64, 256]);
    expect(() => parseCommandLine(["--memory", "64MB"])).toThrow('--memory: expected sizes in MB separated by commas (e.g. 64,128); got "64MB"');
    expect(() => parseCommandLine(["--only", "memory,speed"])).toThrow('--only: unknown section "speed"; allowed: streaming, throughput, memory, floods, coldStart');
  });
});
