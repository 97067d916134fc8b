// How much the bench measures: the full run (a few minutes), --quick, and the command line.
import { parseFlags, stringFlag, UsageError } from "../scripts/lib/cli.js";
import type { ColdStartSettings } from "./coldstart.js";
import type { FloodSettings } from "./floods.js";
import type { MemorySettings } from "./memory.js";
import type { StreamingSettings } from "./stream.js";
import type { ThroughputSettings } from "./throughput.js";

export const SECTIONS = ["streaming", "throughput", "memory", "floods", "coldStart"] as const;
export type Section = (typeof SECTIONS)[number];

/** The function sizes every section is measured at, side by side: SCF's smallest, the default, the next. */
export const MEMORIES_MB: readonly number[] = [64, 128, 256];

export interface BenchSettings {
  quick: boolean;
  memoriesMb: readonly number[];
  streaming: StreamingSettings;
  throughput: ThroughputSettings;
  memory: MemorySettings;
  floods: FloodSettings;
  coldStart: ColdStartSettings;
}

export const FULL: BenchSettings = {
  quick: false,
  memoriesMb: MEMORIES_MB,
  streaming: { runs: 5, streamsPerRun: 10, chunksPerStream: 100, chunkIntervalMs: 2, warmupStreams: 2 },
  throughput: { runs: 5, connections: 10, durationSec: 3, warmupSec: 1 },
  memory: { runs: 5, streamChunks: 300, streamIntervalMs: 1, requests: 10_000, connections: 10, uploads: 12, uploadMb: 8 },
  floods: { runs: 2, idleConnections: 5000, slowReaders: 300, answerMib: 8, uploads: 16, uploadMib: 20 },
  coldStart: { starts: 15 },
};

export const QUICK: BenchSettings = {
  quick: true,
  memoriesMb: MEMORIES_MB,
  streaming: { runs: 2, streamsPerRun: 3, chunksPerStream: 30, chunkIntervalMs: 2, warmupStreams: 1 },
  throughput: { runs: 2, connections: 10, durationSec: 1, warmupSec: 0.5 },
  memory: { runs: 1, streamChunks: 100, streamIntervalMs: 1, requests: 1_000, connections: 10, uploads: 4, uploadMb: 8 },
  floods: { runs: 1, idleConnections: 1000, slowReaders: 100, answerMib: 8, uploads: 4, uploadMib: 20 },
  coldStart: { starts: 3 },
};

export const USAGE = `Usage: npm run bench -- [options]

Measures the proxy (built from function/src, run as in the function) and Nginx on 127.0.0.1 against
the test upstream; prints a table and writes it as JSON. Only ratios compare across machines.

  --quick              a short run (seconds): sizes cut down, figures not for comparison
  --runs N             runs per section (default 5, quick 2)
  --only a,b           sections to run: ${SECTIONS.join(", ")} (size always)
  --memory a,b         function sizes in MB, each started as its bootstrap starts it (default ${MEMORIES_MB.join(",")})
  --node PATH          node binary for the proxy and the hello-worlds (e.g. a Node 18.15 one, SCF's)
  --node-flags="…"     run node with these flags instead of through the bootstrap ("" for none)
  --out FILE           where the JSON goes (default bench/results/latest.json)
  -h, --help           this text

Exit status: 0 measured (missed targets are results, not failures), 1 a measurement failed, 2 bad usage.

Examples:
  npm run bench
  npm run bench -- --quick
  npm run bench -- --only memory,floods --memory 64
  npm run bench -- --only memory,throughput --node-flags="--max-old-space-size=24" --out /tmp/heap.json`;

export interface CommandLine {
  settings: BenchSettings;
  sections: Section[];
  node?: string;
  nodeFlags?: string[];
  out?: string;
  help: boolean;
}

/** Every gptsite CLI's convention (scripts/lib/cli.ts); bad usage throws a UsageError. */
export function parseCommandLine(argv: string[]): CommandLine {
  const flags = parseFlags(argv, { string: ["runs", "only", "memory", "node", "node-flags", "out"], boolean: ["quick"] }, "bench");
  const base = flags.quick ? QUICK : FULL;
  let settings = base;
  const runsFlag = stringFlag(flags, "runs");
  if (runsFlag !== undefined) {
    const runs = Number(runsFlag);
    if (!Number.isInteger(runs) || runs < 1) throw new UsageError(`--runs: expected a whole number, at least 1; got ${JSON.stringify(runsFlag)}`);
    settings = {
      ...base,
      streaming: { ...base.streaming, runs },
      throughput: { ...base.throughput, runs },
      memory: { ...base.memory, runs },
      floods: { ...base.floods, runs },
    };
  }
  const memory = stringFlag(flags, "memory");
  if (memory !== undefined) {
    const sizes = memory.split(",").map((m) => m.trim());
    const bad = sizes.filter((m) => !/^\d+$/.test(m) || Number(m) < 1);
    if (bad.length > 0) throw new UsageError(`--memory: expected sizes in MB separated by commas (e.g. 64,128); got ${JSON.stringify(memory)}`);
    settings = { ...settings, memoriesMb: sizes.map(Number) };
  }
  const only = stringFlag(flags, "only");
  const sections = only === undefined ? [...SECTIONS] : only.split(",").map((s) => s.trim());
  const unknown = sections.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (unknown.length > 0) throw new UsageError(`--only: unknown section ${unknown.map((s) => JSON.stringify(s)).join(", ")}; allowed: ${SECTIONS.join(", ")}`);
  return {
    settings,
    sections: sections as Section[],
    node: stringFlag(flags, "node"),
    nodeFlags: stringFlag(flags, "node-flags")?.split(/\s+/).filter(Boolean),
    out: stringFlag(flags, "out"),
    help: flags.help === true,
  };
}
