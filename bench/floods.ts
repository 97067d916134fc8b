// Peak RSS under the loads the reliability suite floods the proxy with (chain/floods.ts): idle
// connections, clients that read nothing of a large answer (streamed, and JSON), concurrent uploads at
// the body limit. A fresh proxy for each, as a function of the size measured, with its connection cap.
import { concurrentUploads, idleConnections, largeAnswer, slowReaders } from "../chain/floods.js";
import { startUpstream } from "../chain/upstream.js";
import { startBuiltProxy, type BuiltProxy } from "./chain.js";
import { procMemory } from "./memory.js";
import { waitForLog, type SpawnedProxy } from "../chain/proxy.js";
import { figure, type Figure } from "./stats.js";

export interface FloodSettings {
  runs: number;
  idleConnections: number;
  slowReaders: number;
  /** Size of the answer the slow readers read nothing of. */
  answerMib: number;
  uploads: number;
  uploadMib: number;
}

export interface FloodResult {
  /** The connection cap the proxy chose for the size (its "listening" line). */
  maxConnections: number;
  /** VmHWM in MB (2^20 bytes), one per run. */
  idleConnectionsPeakMb: Figure;
  slowStreamReadersPeakMb: Figure;
  slowJsonReadersPeakMb: Figure;
  concurrentUploadsPeakMb: Figure;
}

export async function measureFloods(built: BuiltProxy, memoryMb: number, s: FloodSettings): Promise<FloodResult> {
  const upstream = await startUpstream({ keepBodyBytes: 4096 });
  const series = { idle: [] as number[], stream: [] as number[], json: [] as number[], uploads: [] as number[] };
  let maxConnections = 0;
  // The flood runs against a fresh proxy; the peak is read before its clients let go.
  const peakUnder = async (flood: (port: number) => Promise<() => void>): Promise<number> => {
    const proxy = await startBuiltProxy(built, memoryMb, upstream.url);
    try {
      maxConnections = (await listeningLine(proxy)).maxConnections;
      upstream.requests.splice(0);
      const release = await flood(proxy.port);
      const { peakMb } = await procMemory(proxy.pid);
      release();
      return peakMb;
    } finally {
      await proxy.close();
    }
  };
  try {
    for (let run = 0; run < s.runs; run++) {
      series.idle.push(await peakUnder(async (port) => (await idleConnections(port, s.idleConnections, maxConnections)).release));
      upstream.behave({ chunks: largeAnswer(s.answerMib) });
      for (const [stream, into] of [[true, series.stream], [false, series.json]] as const) {
        into.push(
          await peakUnder(async (port) => {
            const held = Math.min(s.slowReaders, maxConnections);
            return (await slowReaders(port, upstream, { count: s.slowReaders, held, stream })).release;
          }),
        );
      }
      upstream.behave({});
      series.uploads.push(
        await peakUnder(async (port) => {
          const statuses = await concurrentUploads(port, s.uploads, s.uploadMib * 1024 * 1024);
          const failed = statuses.filter((status) => status !== 200);
          if (failed.length > 0) throw new Error(`uploads at ${memoryMb} MB: statuses ${failed.join(", ")}, expected 200`);
          return () => {};
        }),
      );
    }
  } finally {
    await upstream.close();
  }
  return {
    maxConnections,
    idleConnectionsPeakMb: figure(series.idle),
    slowStreamReadersPeakMb: figure(series.stream),
    slowJsonReadersPeakMb: figure(series.json),
    concurrentUploadsPeakMb: figure(series.uploads),
  };
}

/** The proxy's "listening" log line (chain/proxy.ts reads its log). */
async function listeningLine(proxy: SpawnedProxy): Promise<{ maxConnections: number }> {
  const line = (lines: readonly string[]) => lines.find((l) => l.includes('"msg":"listening"'));
  await waitForLog(proxy, (lines) => line(lines) !== undefined, "its listening line", 10_000);
  return JSON.parse(line(proxy.logs)!) as { maxConnections: number };
}
