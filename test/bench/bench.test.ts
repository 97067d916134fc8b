// Keeps `npm run bench` from rotting: every section runs at toy sizes against the real chain, and the
// report must have its full shape (figures per run, every target judged). Numbers are not checked:
// at these sizes and on a shared machine they mean nothing.
import { describe, expect, it } from "vitest";
import { nginxMissing } from "../../bench/chain.js";
import { builtinsOf } from "../../bench/coldstart.js";
import { renderTable, type Report } from "../../bench/report.js";
import { runBench } from "../../bench/run.js";
import { parseCommandLine, QUICK, SECTIONS, type BenchSettings } from "../../bench/settings.js";
import { figure, median, percentile, type Figure } from "../../bench/stats.js";
import { PATH_LABELS, PATHS } from "../../bench/stream.js";

const TINY: BenchSettings = {
  quick: true,
  streaming: { runs: 2, streamsPerRun: 1, chunksPerStream: 3, chunkIntervalMs: 1, warmupStreams: 0 },
  throughput: { runs: 2, connections: 2, durationSec: 0.2, warmupSec: 0.1 },
  memory: { runs: 1, streamChunks: 3, streamIntervalMs: 1, requests: 20, connections: 2, uploads: 1, uploadMb: 1 },
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

  it("measures every section and judges every target", async () => {
    report = await runBench({ settings: TINY, sections: SECTIONS });
    // Through JSON, as bench/results/latest.json carries it.
    report = JSON.parse(JSON.stringify(report)) as Report;
    const { streaming, throughput, memory, coldStart, size } = report.results;

    const nginxPaths = nginxMissing ? [] : (["nginx", "nginxProxy"] as const);
    expect(Object.keys(streaming!.paths).sort()).toEqual(["direct", "proxy", ...nginxPaths].sort());
    for (const path of Object.values(streaming!.paths)) for (const f of [path.p50Ms, path.p99Ms, path.ttfbMs]) expectFigure(f, 2);
    expect(Object.keys(streaming!.added).sort()).toEqual(["proxy", ...nginxPaths].sort());
    expect(streaming!.eventsPerRun).toBe(6);

    for (const side of [throughput!.direct, throughput!.proxy]) for (const f of [side.rps, side.p50Ms, side.p99Ms]) expectFigure(f, 2);
    expectFigure(throughput!.ratio, 2);
    expect(throughput!.upstreamReuse).toBeGreaterThan(0);

    for (const f of Object.values(memory!)) expectFigure(f, 1);
    for (const f of Object.values(coldStart!)) expectFigure(f, 1);
    expect(size.zipBytes).toBeGreaterThan(size.bundleBytes);

    expect(report.targets.map((t) => t.id)).toEqual([
      "proxyChunkP50",
      "nginxProxyChunkP99",
      "throughputRatio",
      "rssTwoStreams",
      "rssAfterRequests",
      "rssAfterUploads",
      "coldStartRatio",
      "zipSize",
    ]);
    for (const t of report.targets) {
      if (t.id === "nginxProxyChunkP99" && nginxMissing) expect(t).toMatchObject({ value: null, met: null });
      else expect(typeof t.met, t.id).toBe("boolean");
    }
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.proxyNode.version).toBe(process.version);
    expect(report.proxyNode.flags.length).toBeGreaterThan(0);
  });

  it("renders every section and target as text", () => {
    const text = renderTable(report);
    for (const heading of ["Streaming, per event", "Non-streaming completions", "Proxy memory", "Cold start", "Size:", "Targets"]) {
      expect(text).toContain(heading);
    }
    for (const name of PATHS) if (report.results.streaming!.paths[name]) expect(text).toContain(PATH_LABELS[name]);
    for (const t of report.targets) expect(text).toContain(t.what);
    expect(text).toContain("QUICK RUN");
  });

  it("leaves out what --only leaves out, and says so", async () => {
    const partial = await runBench({ settings: TINY, sections: [] });
    expect(partial.results).toMatchObject({ streaming: null, throughput: null, memory: null, coldStart: null });
    expect(partial.targets.filter((t) => t.met === null).map((t) => t.id)).toEqual(report.targets.map((t) => t.id).filter((id) => id !== "zipSize"));
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

  it("finds the node: modules a bundle imports", () => {
    const bundle = ['import http2 from "node:http";', 'import { pipeline } from "node:stream";', 'import http from "node:http";', 'const s = "node:fake";'].join("\n");
    expect(builtinsOf(bundle)).toEqual(["node:http", "node:stream"]);
  });

  it("reads the command line, naming what it refuses", () => {
    expect(parseCommandLine(["--quick"]).settings).toEqual(QUICK);
    expect(parseCommandLine(["--runs", "3"]).settings.memory.runs).toBe(3);
    expect(parseCommandLine(["--node-flags= --a  --b "]).nodeFlags).toEqual(["--a", "--b"]);
    expect(() => parseCommandLine(["--runs", "0"])).toThrow('--runs: expected a whole number, at least 1; got "0"');
    expect(() => parseCommandLine(["--only", "memory,speed"])).toThrow('--only: unknown section "speed"; allowed: streaming, throughput, memory, coldStart');
  });
});
