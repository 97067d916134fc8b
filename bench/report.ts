// The bench's report: one object (written as JSON) and the same as a table a person reads at a glance,
// each figure at every function size side by side, ending with the targets, each met or not.
import { ZIP_TARGET_BYTES } from "../function/build.js";
import { ROOMY_FROM_MB } from "../function/src/limits.js";
import type { ColdStartResult } from "./coldstart.js";
import type { FloodResult } from "./floods.js";
import type { Machine } from "./machine.js";
import type { MemoryResult } from "./memory.js";
import type { Figure } from "./stats.js";
import { PATH_LABELS, PATHS, type StreamingResult } from "./stream.js";
import type { ThroughputResult } from "./throughput.js";
import type { BenchSettings } from "./settings.js";

export interface ArtifactSize {
  bundleBytes: number;
  zipBytes: number;
}

/** Every section at one function size; a section left out (--only) is null. */
export interface SizeResults {
  memoryMb: number;
  /** What node ran with at this size: the bootstrap's choice, or --node-flags. */
  nodeFlags: readonly string[];
  streaming: StreamingResult | null;
  throughput: ThroughputResult | null;
  memory: MemoryResult | null;
  floods: FloodResult | null;
  coldStart: ColdStartResult | null;
}

export interface Results {
  bySize: SizeResults[];
  artifact: ArtifactSize;
}

export interface Target {
  id: string;
  what: string;
  /** The function size judged; null for what does not depend on it (the zip). */
  memoryMb: number | null;
  /** The figure judged (a median over runs, or for memory the worst run), or null when not measured. */
  value: number | null;
  unit: string;
  met: boolean | null;
}

export interface Report {
  machine: Machine;
  /** Node version the proxy and the hello-worlds ran with (the flags: per size, in results). */
  proxyNode: { version: string };
  settings: BenchSettings;
  /** 1-minute load average when the bench ended (machine.loadAverage: when it started). */
  loadAverageAtEnd: number;
  spread: string;
  results: Results;
  targets: Target[];
}

export const SPREAD = "each figure is the median over runs, shown as median [lowest–highest run]";

const KB = 1024;
/** The share of the function's memory a peak may take: at least 10 % stays free. */
export const HEADROOM_SHARE = 0.9;

/** The worst peak RSS over every load measured at one size, and which load it was. */
export function worstPeak(r: SizeResults): { mb: number; load: string } | null {
  const peaks: Array<[string, Figure | undefined]> = [
    ["2 streams", r.memory?.twoStreamsPeakMb],
    ["requests", r.memory?.afterRequestsPeakMb],
    ["uploads one at a time", r.memory?.afterUploadsPeakMb],
    ["idle connections", r.floods?.idleConnectionsPeakMb],
    ["slow readers of a stream", r.floods?.slowStreamReadersPeakMb],
    ["slow readers of JSON", r.floods?.slowJsonReadersPeakMb],
    ["concurrent uploads", r.floods?.concurrentUploadsPeakMb],
  ];
  let worst: { mb: number; load: string } | null = null;
  for (const [load, f] of peaks) if (f && (worst === null || f.max > worst.mb)) worst = { mb: f.max, load };
  return worst;
}

export function judge(results: Results): Target[] {
  const target = (id: string, what: string, memoryMb: number | null, value: number | null | undefined, unit: string, ok: (v: number) => boolean): Target => ({
    id,
    what,
    memoryMb,
    value: value ?? null,
    unit,
    met: value === null || value === undefined ? null : ok(value),
  });
  const targets: Target[] = [];
  for (const r of results.bySize) {
    const { memoryMb: mb, streaming: s, throughput: t, memory: m, coldStart: c } = r;
    const limit = mb * HEADROOM_SHARE;
    targets.push(
      target("proxyChunkP50", "proxy adds ≤ 0.3 ms per event at p50", mb, s?.added.proxy?.p50Ms.median, "ms", (v) => v <= 0.3),
      target("nginxProxyChunkP99", "Nginx + proxy add ≤ 1 ms per event at p99", mb, s?.added.nginxProxy?.p99Ms.median, "ms", (v) => v <= 1),
      target("throughputRatio", "proxy throughput ≥ 20% of direct", mb, t && t.ratio.median * 100, "%", (v) => v >= 20),
      // A memory limit is hit by the worst run, not the typical one.
      target("headroom", `peak RSS ≤ ${round(limit)} MB (90% of ${mb}) under every load (worst run)`, mb, worstPeak(r)?.mb, "MB", (v) => v <= limit),
    );
    // Issue 8's target, for a 64 MB function.
    if (mb < ROOMY_FROM_MB) targets.push(target("rssTwoStreams", "RSS ≤ 50 MB under 2 streams (worst run)", mb, m?.twoStreamsPeakMb.max, "MB", (v) => v <= 50));
    // The small-memory flags cost Node its code cache (limits.ts): the target is for the sizes without them.
    else targets.push(target("coldStartRatio", "cold start to /healthz ≤ 1.5× bare Node", mb, c?.ratio.median, "×", (v) => v <= 1.5));
  }
  targets.push(target("zipSize", `function.zip ≤ ${ZIP_TARGET_BYTES / KB} KB`, null, results.artifact.zipBytes / KB, "KB", (v) => v * KB <= ZIP_TARGET_BYTES));
  return targets;
}

/** One table row: its label, and a cell per size (empty where the section was not measured: undefined, or null for a section left out). */
type Row = [string, (r: SizeResults) => string | null | undefined];

/** The report as text: sections with a column per function size, then the targets. */
export function renderTable(report: Report): string {
  const { machine, results } = report;
  const sizes = results.bySize;
  const out: string[] = [];
  const date = machine.date.slice(0, 16).replace("T", " ");
  out.push(`gptsite bench · ${machine.cpu} × ${machine.cores} · bench on Node ${machine.node} · ${machine.nginx ?? "nginx not found"} · ${date} UTC`);
  out.push(`proxy: Node ${report.proxyNode.version} · load average ${machine.loadAverage} → ${report.loadAverageAtEnd}`);
  out.push(`${report.settings.quick ? "QUICK RUN (sizes cut down, not for comparison) · " : ""}${SPREAD}`);
  const section = (title: string, rows: Row[]) => {
    const measured = rows.filter(([, cell]) => sizes.some((r) => cell(r) != null));
    if (measured.length === 0) return;
    out.push("", title);
    out.push(...columns([["", ...sizes.map((r) => `${r.memoryMb} MB`)], ...measured.map(([label, cell]) => [label, ...sizes.map((r) => cell(r) ?? "")])]));
  };

  section("Node flags (the bootstrap's choice for the size)", [["", (r) => (r.nodeFlags.length > 0 ? r.nodeFlags.join(" ") : "none (V8's defaults)")]]);

  const st = report.settings.streaming;
  const streamRows: Row[] = [];
  for (const name of PATHS) {
    for (const [metric, key] of [["p50", "p50Ms"], ["p99", "p99Ms"], ["first byte", "ttfbMs"]] as const) {
      streamRows.push([`${PATH_LABELS[name]}, ${metric}`, (r) => (r.streaming ? (r.streaming.paths[name] ? fig(r.streaming.paths[name]![key], ms) : "nginx not found") : undefined)]);
    }
  }
  for (const name of PATHS) {
    for (const metric of ["p50Ms", "p99Ms"] as const) {
      streamRows.push([`added by ${PATH_LABELS[name]}, ${metric.slice(0, 3)}`, (r) => (r.streaming?.added[name] ? fig(r.streaming.added[name]![metric], plusMs) : undefined)]);
    }
  }
  section(
    `Streaming, per event: upstream write → client read (ms); ${st.streamsPerRun} streams × ${st.chunksPerStream} content events per run ` +
      `(and OpenAI's 3, Anthropic's 6 others), ${st.chunkIntervalMs} ms apart`,
    streamRows,
  );

  const tt = report.settings.throughput;
  section(`Non-streaming completions, ${tt.connections} connections, ${tt.durationSec} s per run`, [
    ["direct, requests/s", (r) => r.throughput && fig(r.throughput.direct.rps, whole)],
    ["proxy, requests/s", (r) => r.throughput && fig(r.throughput.proxy.rps, whole)],
    ["proxy ÷ direct", (r) => r.throughput && fig(r.throughput.ratio, percent)],
    ["proxy, p50 ms", (r) => r.throughput && fig(r.throughput.proxy.p50Ms, ms)],
    ["proxy, p99 ms", (r) => r.throughput && fig(r.throughput.proxy.p99Ms, ms)],
    ["proxy, CPU µs per request", (r) => r.throughput && fig(r.throughput.proxy.cpuUsPerRequest, whole)],
    ["upstream, CPU µs per request (direct)", (r) => r.throughput && fig(r.throughput.direct.cpuUsPerRequest, whole)],
    ["upstream requests on a kept-alive connection", (r) => r.throughput && percent(r.throughput.upstreamReuse)],
  ]);

  const mt = report.settings.memory;
  const ft = report.settings.floods;
  section("Proxy memory, RSS in MB (2^20 bytes), a fresh process each run", [
    ["idle, after start", (r) => r.memory && fig(r.memory.idleMb, mb)],
    [`peak, 2 concurrent streams of ${mt.streamChunks + 3} events`, (r) => r.memory && fig(r.memory.twoStreamsPeakMb, mb)],
    [`peak, then ${mt.requests.toLocaleString("en")} requests (${mt.connections} at a time, half streamed)`, (r) => r.memory && fig(r.memory.afterRequestsPeakMb, mb)],
    ["after them", (r) => r.memory && fig(r.memory.afterRequestsMb, mb)],
    ["  of which anonymous (not the node binary's pages)", (r) => r.memory && fig(r.memory.afterRequestsAnonMb, mb)],
    [`peak, then ${mt.uploads} uploads of ${mt.uploadMb} MiB, one at a time`, (r) => r.memory && fig(r.memory.afterUploadsPeakMb, mb)],
    ["connection cap (MAX_CONNECTIONS for the size)", (r) => r.floods && String(r.floods.maxConnections)],
    [`peak, ${ft.idleConnections.toLocaleString("en")} idle connections`, (r) => r.floods && fig(r.floods.idleConnectionsPeakMb, mb)],
    [`peak, ${ft.slowReaders} clients reading nothing of ${ft.answerMib} MiB streamed`, (r) => r.floods && fig(r.floods.slowStreamReadersPeakMb, mb)],
    [`peak, ${ft.slowReaders} clients reading nothing of ${ft.answerMib} MiB of JSON`, (r) => r.floods && fig(r.floods.slowJsonReadersPeakMb, mb)],
    [`peak, ${ft.uploads} concurrent uploads of ${ft.uploadMib} MiB`, (r) => r.floods && fig(r.floods.concurrentUploadsPeakMb, mb)],
    ["worst peak, and 90% of the size", (r) => { const w = worstPeak(r); return w ? `${mb(w.mb)} of ${mb(r.memoryMb * HEADROOM_SHARE)} (${w.load})` : undefined; }],
  ]);

  section(`Cold start, spawn → first answer (ms), ${report.settings.coldStart.starts} starts each`, [
    ["hello-world (node:http), bare Node", (r) => r.coldStart && fig(r.coldStart.helloMs, ms)],
    ["hello-world with the size's flags", (r) => r.coldStart && fig(r.coldStart.helloWithFlagsMs, ms)],
    ["  and the proxy's builtins", (r) => r.coldStart && fig(r.coldStart.helloWithBuiltinsMs, ms)],
    ["proxy (bootstrap) → first 200 from /healthz", (r) => r.coldStart && fig(r.coldStart.proxyHealthzMs, ms)],
    ["proxy (bootstrap) → first relayed chunk", (r) => r.coldStart && fig(r.coldStart.proxyFirstChunkMs, ms)],
    ["proxy ÷ bare Node, to /healthz", (r) => r.coldStart && fig(r.coldStart.ratio, times)],
    ["ours (proxy − hello-world with flags and builtins)", (r) => r.coldStart && fig(r.coldStart.ownCodeMs, plusMs)],
  ]);

  out.push("", `Size: index.mjs ${kb(results.artifact.bundleBytes)} · function.zip ${kb(results.artifact.zipBytes)}`);

  out.push("", "Targets");
  out.push(
    ...columns(
      report.targets.map((t) => [
        t.met === null ? "–" : t.met ? "✓" : "✗",
        t.memoryMb === null ? "" : `${t.memoryMb} MB`,
        t.what,
        t.value === null ? "not measured" : t.unit === "×" ? times(t.value) : `${round(t.value)} ${t.unit}`,
      ]),
    ),
  );
  return out.join("\n");
}

function columns(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell].length)));
  return rows.map((row) => `  ${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join("   ")}`.trimEnd());
}

function fig(f: Figure, show: (v: number) => string): string {
  return f.runs.length === 1 ? show(f.median) : `${show(f.median)} [${show(f.min)}–${show(f.max)}]`;
}

function round(v: number): string {
  const digits = Math.abs(v) < 1 ? 3 : Math.abs(v) < 10 ? 2 : 1;
  return v.toFixed(digits);
}
const ms = round;
const plusMs = (v: number) => (v >= 0 ? `+${round(v)}` : round(v));
const mb = (v: number) => v.toFixed(1);
const whole = (v: number) => Math.round(v).toLocaleString("en");
const percent = (v: number) => `${(v * 100).toFixed(1)}%`;
const times = (v: number) => `${v.toFixed(2)}×`;
const kb = (bytes: number) => `${(bytes / KB).toFixed(1)} KB`;
