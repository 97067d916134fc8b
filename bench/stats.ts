// How the bench condenses numbers: percentiles within one run, then median and spread across runs.

/** A figure measured once per run: the median over runs, and the spread as the lowest and highest run. */
export interface Figure {
  median: number;
  min: number;
  max: number;
  /** One value per run, in run order. */
  runs: number[];
}

/** Nearest-rank percentile (p in 0–100) of unsorted values; the sample itself, never an interpolation. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error("percentile: no values");
  if (!(p >= 0 && p <= 100)) throw new Error(`percentile: p must be within 0–100; got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median: no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function figure(runs: readonly number[]): Figure {
  return { median: median(runs), min: Math.min(...runs), max: Math.max(...runs), runs: [...runs] };
}

/** The same per-run function over two series of runs (e.g. proxy minus direct, run by run). */
export function pairwise(a: Figure, b: Figure, f: (a: number, b: number) => number): Figure {
  if (a.runs.length !== b.runs.length) throw new Error(`pairwise: ${a.runs.length} runs against ${b.runs.length}`);
  return figure(a.runs.map((x, i) => f(x, b.runs[i]!)));
}

/** Nanoseconds (process.hrtime.bigint differences) to milliseconds. */
export function nsToMs(ns: bigint): number {
  return Number(ns) / 1e6;
}
