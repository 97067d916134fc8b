// `npm run bench`: builds the proxy as the function gets it, measures every section at each function
// size (64, 128 and 256 MB: the bootstrap picks Node's flags for each), prints the table and writes the
// same report as JSON. Exit status 1 when a measurement fails; missed targets are
// results, shown in the table, not failures of the run.
import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { EXIT, UsageError } from "../scripts/lib/cli.js";
import { buildProxy, nodeFlagsAt } from "./chain.js";
import { measureColdStart } from "./coldstart.js";
import { measureFloods } from "./floods.js";
import { describeMachine, loadAverage } from "./machine.js";
import { measureMemory } from "./memory.js";
import { judge, renderTable, SPREAD, type Report, type Results, type SizeResults } from "./report.js";
import { parseCommandLine, USAGE, type BenchSettings, type Section } from "./settings.js";
import { measureStreaming } from "./stream.js";
import { measureThroughput } from "./throughput.js";

export interface BenchOptions {
  settings: BenchSettings;
  sections: readonly Section[];
  node?: string;
  nodeFlags?: readonly string[];
  /** Where progress goes (default: nowhere). */
  progress?: (line: string) => void;
}

const here = path.dirname(fileURLToPath(import.meta.url));
export const LATEST = path.join(here, "results", "latest.json");

export async function runBench(o: BenchOptions): Promise<Report> {
  const progress = o.progress ?? (() => {});
  const machine = await describeMachine();
  progress("building the proxy (function/build.ts) and unpacking function.zip");
  const built = await buildProxy({ node: o.node, nodeFlags: o.nodeFlags });
  try {
    const { stdout: version } = await promisify(execFile)(built.node, ["--version"]);
    const bySize: SizeResults[] = [];
    for (const memoryMb of o.settings.memoriesMb) {
      const run = async <T>(section: Section, measure: () => Promise<T>): Promise<T | null> => {
        if (!o.sections.includes(section)) return null;
        progress(`measuring ${section} at ${memoryMb} MB`);
        return measure();
      };
      bySize.push({
        memoryMb,
        nodeFlags: nodeFlagsAt(built, memoryMb),
        streaming: await run("streaming", () => measureStreaming(built, memoryMb, o.settings.streaming)),
        throughput: await run("throughput", () => measureThroughput(built, memoryMb, o.settings.throughput)),
        memory: await run("memory", () => measureMemory(built, memoryMb, o.settings.memory)),
        floods: await run("floods", () => measureFloods(built, memoryMb, o.settings.floods)),
        coldStart: await run("coldStart", () => measureColdStart(built, memoryMb, o.settings.coldStart)),
      });
    }
    const results: Results = { bySize, artifact: { bundleBytes: built.bundleBytes, zipBytes: built.zipBytes } };
    return {
      machine,
      proxyNode: { version: version.trim() },
      settings: o.settings,
      loadAverageAtEnd: loadAverage(),
      spread: SPREAD,
      results,
      targets: judge(results),
    };
  } finally {
    await built.cleanup();
  }
}

async function main(): Promise<void> {
  let cli;
  try {
    cli = parseCommandLine(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(EXIT.usage);
  }
  if (cli.help) return void process.stdout.write(`${USAGE}\n`);
  const started = Date.now();
  const report = await runBench({ ...cli, progress: (line) => process.stderr.write(`bench: ${line}…\n`) });
  const out = cli.out ?? LATEST;
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${renderTable(report)}\n\n`);
  process.stderr.write(`bench: done in ${Math.round((Date.now() - started) / 1000)} s; report written to ${out}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
