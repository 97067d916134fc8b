// Resident memory of the proxy process, read from /proc/<pid>/status: idle after start, its peak once
// two streams have run side by side, its peak over 10,000 requests after that, and its peak once large
// request bodies (a chat with an image is several MB of base64) have crossed it. Peaks are VmHWM
// (the kernel's high-water mark of RSS), which a sampling loop could miss; a fresh process each run.
import http from "node:http";
import { readFile } from "node:fs/promises";
import { startUpstream } from "../chain/upstream.js";
import { startBuiltProxy, type BuiltProxy } from "./chain.js";
import { CHAT_HEADERS, CHAT_PATH, COMPLETION_BODY, load, STREAM_BODY } from "./load.js";
import { figure, type Figure } from "./stats.js";
import { streamOnce } from "./stream.js";

export interface MemorySettings {
  runs: number;
  /** Content chunks of each of the two concurrent streams, and the upstream's pause between them. */
  streamChunks: number;
  streamIntervalMs: number;
  /** Requests after the streams (alternately streamed and not), and how many at a time. */
  requests: number;
  connections: number;
  /** Request bodies of `uploadMb` MiB sent one after another, after the requests. */
  uploads: number;
  uploadMb: number;
}

export interface MemoryResult {
  /** MB = 2^20 bytes, as /proc counts (kB = 1024 bytes) and as function memory is sold. */
  idleMb: Figure;
  twoStreamsPeakMb: Figure;
  afterRequestsPeakMb: Figure;
  /** RSS once the requests are done (what stays, against the peak above). */
  afterRequestsMb: Figure;
  /**
   * The anonymous part of that RSS: the heap, buffers, compiled code. The rest is the node binary's
   * own pages, mapped from the file: clean, so a memory-limited cgroup reclaims them before it kills.
   */
  afterRequestsAnonMb: Figure;
  /**
   * Peak once the uploads are through. Each socket read is a fresh off-heap buffer, freed only when
   * a collection finds its wrapper dead: what decides this peak is how soon the collector runs.
   */
  afterUploadsPeakMb: Figure;
}

export interface ProcMemory {
  rssMb: number;
  peakMb: number;
  anonMb: number;
}

/** VmRSS, VmHWM and RssAnon of a process (Linux). */
export async function procMemory(pid: number): Promise<ProcMemory> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status);
    if (!match) throw new Error(`/proc/${pid}/status: no ${field} line`);
    return Number(match[1]) / 1024;
  };
  return { rssMb: kb("VmRSS"), peakMb: kb("VmHWM"), anonMb: kb("RssAnon") };
}

export async function measureMemory(built: BuiltProxy, memoryMb: number, s: MemorySettings): Promise<MemoryResult> {
  const upstream = await startUpstream();
  const series = { idle: [] as number[], streams: [] as number[], peak: [] as number[], after: [] as number[], anon: [] as number[], uploads: [] as number[] };
  const upload = uploadBody(s.uploadMb);
  try {
    for (let run = 0; run < s.runs; run++) {
      const proxy = await startBuiltProxy(built, memoryMb, upstream.url);
      try {
        const pid = proxy.pid;
        series.idle.push((await procMemory(pid)).rssMb);

        upstream.behave({ chunks: Array.from({ length: s.streamChunks }, (_, i) => ` token${i}`), chunkIntervalMs: s.streamIntervalMs });
        const agents = [new http.Agent(), new http.Agent()];
        await Promise.all(agents.map((agent, i) => streamOnce(upstream, proxy.url, agent, `mem${run}-${i}`)));
        for (const agent of agents) agent.destroy();
        series.streams.push((await procMemory(pid)).peakMb);

        upstream.behave({});
        await load(proxy.url, { connections: s.connections, amount: s.requests, bodies: [COMPLETION_BODY, STREAM_BODY] });
        upstream.requests.splice(0);
        const after = await procMemory(pid);
        series.peak.push(after.peakMb);
        series.after.push(after.rssMb);
        series.anon.push(after.anonMb);

        for (let i = 0; i < s.uploads; i++) await post(proxy.url, upload);
        upstream.requests.splice(0);
        series.uploads.push((await procMemory(pid)).peakMb);
      } finally {
        await proxy.close();
      }
    }
  } finally {
    await upstream.close();
  }
  return {
    idleMb: figure(series.idle),
    twoStreamsPeakMb: figure(series.streams),
    afterRequestsPeakMb: figure(series.peak),
    afterRequestsMb: figure(series.after),
    afterRequestsAnonMb: figure(series.anon),
    afterUploadsPeakMb: figure(series.uploads),
  };
}

/** A non-streaming chat completion whose body is `mb` MiB. */
function uploadBody(mb: number): Buffer {
  const shell = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "" }] });
  return Buffer.from(shell.replace('"content":""', `"content":"${"x".repeat(Math.max(0, mb * 1024 * 1024 - shell.length))}"`));
}

function post(baseUrl: string, body: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${baseUrl}${CHAT_PATH}`, { method: "POST", agent: false, headers: { ...CHAT_HEADERS, "content-length": body.length } });
    req.on("response", (res) => {
      res.resume();
      if (res.statusCode !== 200) return reject(new Error(`upload of ${body.length} bytes: status ${res.statusCode}, expected 200`));
      res.on("end", resolve);
    });
    req.on("error", reject);
    req.end(body);
  });
}
