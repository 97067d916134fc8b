// Many concurrent chat streams through the chain: each worker keeps one stream open at a time and
// starts the next as soon as one ends, until told to stop. Every stream is checked whole (each
// content piece, the stop chunk, [DONE], then a clean end), and the proxy's memory and descriptors
// are sampled from /proc while it runs.
import http from "node:http";
import { expect } from "vitest";
import { performance } from "node:perf_hooks";
import type { TestUpstream } from "../../chain/upstream.js";
import { chatBody } from "../nginx/client.js";
import { pollUntil } from "../../chain/poll.js";
import { openFds, rssBytes, startStack } from "./stack.js";

export interface StreamOutcome {
  /** Status, every event in order, [DONE] last, and the end of the response. */
  complete: boolean;
  status: number;
  events: string[];
  text: string;
  /** Why it is not complete. */
  problem?: string;
}

/**
 * One streamed chat completion from `url` (…/v1/chat/completions), checked against the content
 * pieces the upstream sends. `onEvent` sees each event as it arrives (e.g. to abort mid-stream).
 */
export function streamChat(
  url: string,
  chunks: readonly string[],
  options: { agent?: http.Agent | false; headers?: http.OutgoingHttpHeaders; onEvent?: (n: number, req: http.ClientRequest) => void } = {},
): Promise<StreamOutcome> {
  return new Promise((resolve) => {
    let status = 0;
    let raw = "";
    const events: string[] = [];
    let settled = false;
    const settle = (problem?: string) => {
      if (settled) return;
      settled = true;
      const deltas = events.filter((e) => e !== "[DONE]").map((e) => (JSON.parse(e) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? "");
      const text = deltas.join("");
      const expected = chunks.join("");
      const whole = status === 200 && events.length === chunks.length + 3 && events.at(-1) === "[DONE]" && text === expected;
      resolve({
        complete: !problem && whole,
        status,
        events,
        text,
        problem: problem ?? (whole ? undefined : `status ${status}, ${events.length} events, text ${JSON.stringify(text.slice(0, 80))}: ${raw.slice(0, 200)}`),
      });
    };
    const req = http.request(url, {
      method: "POST",
      agent: options.agent ?? false,
      headers: { "content-type": "application/json", ...options.headers },
    });
    req.on("response", (res) => {
      status = res.statusCode ?? 0;
      res.setEncoding("utf8");
      res.on("data", (data: string) => {
        raw += data;
        let end: number;
        while ((end = raw.indexOf("\n\n")) >= 0) {
          const event = raw.slice(0, end);
          raw = raw.slice(end + 2);
          for (const line of event.split("\n")) if (line.startsWith("data: ")) events.push(line.slice(6));
          options.onEvent?.(events.length, req);
        }
      });
      res.on("end", () => settle());
      res.on("error", (err) => settle(`response: ${(err as NodeJS.ErrnoException).code ?? err.message}`));
      res.on("close", () => settle(res.complete ? undefined : "response closed before its end"));
    });
    req.on("error", (err) => settle(`request: ${(err as NodeJS.ErrnoException).code ?? err.message}`));
    req.end(chatBody({ stream: true }));
  });
}

export interface LoadOptions {
  /** `…/v1/chat/completions` through the chain. */
  url: string;
  /** Streams open at once (one per worker). */
  concurrency: number;
  /** Called before each new stream; false stops that worker. */
  keepGoing: (started: number) => boolean;
  /** The content pieces the upstream sends. */
  chunks: readonly string[];
  upstream: TestUpstream;
  /** The proxy process to sample. */
  proxyPid: number;
}

export interface LoadReport {
  streams: number;
  complete: number;
  /** One line per stream that was not complete (the first 20). */
  failures: string[];
  failed: number;
  /** The most streams the upstream was answering at one moment. */
  heldAtOnce: number;
  peakRssBytes: number;
  peakFds: number;
  durationMs: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  let streams = 0;
  let complete = 0;
  let failed = 0;
  const failures: string[] = [];

  let open = 0;
  let heldAtOnce = 0;
  const opened = () => (heldAtOnce = Math.max(heldAtOnce, ++open));
  const closed = () => (open -= 1);
  options.upstream.events.on("request", opened);
  options.upstream.events.on("complete", closed);
  options.upstream.events.on("abort", closed);

  let peakRssBytes = 0;
  let peakFds = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peakRssBytes = Math.max(peakRssBytes, await rssBytes(options.proxyPid));
      peakFds = Math.max(peakFds, await openFds(options.proxyPid));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();

  const started = performance.now();
  const worker = async () => {
    while (options.keepGoing(streams)) {
      streams += 1;
      const outcome = await streamChat(options.url, options.chunks, { agent });
      if (outcome.complete) complete += 1;
      else {
        failed += 1;
        if (failures.length < 20) failures.push(outcome.problem ?? "incomplete");
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  } finally {
    sampling = false;
    await sampler;
    agent.destroy();
    options.upstream.events.off("request", opened);
    options.upstream.events.off("complete", closed);
    options.upstream.events.off("abort", closed);
  }
  return { streams, complete, failed, failures, heldAtOnce, peakRssBytes, peakFds, durationMs: Math.round(performance.now() - started) };
}

export interface LoadRun {
  report: LoadReport;
  idle: { rssBytes: number; fds: number };
  /** After the load, once every connection from Nginx has closed. */
  after: { rssBytes: number; fds: number; pooledUpstreamSockets: number };
  /** `worker_connections` in the Nginx config that ran. */
  workerConnections: number;
  nginxErrors: string[];
}

export interface LoadScenario {
  concurrency: number;
  keepGoing: (started: number) => boolean;
  /** Content pieces per stream and the upstream's pause before each (ms). */
  chunks: number;
  chunkIntervalMs: number;
  /** Wait for the proxy's keep-alive pool to close its idle sockets too (60 s), and for RSS to settle. */
  waitForIdle: boolean;
}

/**
 * Stands up the stack, warms it, samples the idle proxy, runs the load through Nginx, then waits for
 * the proxy to give back what it took: descriptors, counting the idle keep-alive sockets to the
 * upstream that it keeps on purpose (or, with `waitForIdle`, until those are closed as well).
 */
export async function loadThroughChain(scenario: LoadScenario): Promise<LoadRun> {
  const chunks = Array.from({ length: scenario.chunks }, (_, i) => ` piece${i}`);
  // Room for every stream at once: the default cap is sized for clients that read nothing, which a
  // stream's client is not (limits.ts).
  const env = { MAX_CONNECTIONS: String(scenario.concurrency + 100) };
  const stack = await startStack({ upstream: { scenario: { chunks, chunkIntervalMs: scenario.chunkIntervalMs } }, env });
  try {
    const pid = stack.proxy.child.pid!;
    const url = `${stack.nginx.httpUrl}/v1/chat/completions`;
    for (let i = 0; i < 3; i++) {
      const warm = await streamChat(url, chunks);
      if (!warm.complete) throw new Error(`warm-up stream failed: ${warm.problem}`);
    }
    // Descriptors of the proxy's own: its sockets towards the upstream are counted apart.
    const ownFds = async () => (await openFds(pid)) - stack.upstream.openConnections;
    await pollUntil(async () => stack.upstream.openConnections <= 1, "the warm-up connections to settle");
    const idle = { rssBytes: await rssBytes(pid), fds: await ownFds() };

    // The first wave is held (manual pacing) until every stream is open at once, then all flow.
    stack.upstream.behave({ chunks, manual: true });
    const running = runLoad({ url, concurrency: scenario.concurrency, keepGoing: scenario.keepGoing, chunks, upstream: stack.upstream, proxyPid: pid });
    const firstWave = stack.upstream.requests.length;
    const open = () => stack.upstream.requests.slice(firstWave).filter((r) => r.chunksWritten > 0 && !r.completed && !r.aborted).length;
    await stack.upstream.until(() => open() === scenario.concurrency, 30_000, `${scenario.concurrency} streams open at once`);
    stack.upstream.behave({ chunks, chunkIntervalMs: scenario.chunkIntervalMs });
    stack.upstream.release(scenario.concurrency * (chunks.length + 2));
    const report = await running;

    await pollUntil(async () => (await ownFds()) <= idle.fds, `the proxy's descriptors back to ${idle.fds}`, 30_000);
    if (scenario.waitForIdle) {
      await pollUntil(async () => stack.upstream.openConnections === 0, "the keep-alive pool to close its idle sockets", 90_000);
      // V8 returns freed pages to the system after some idle seconds (its memory reducer).
      await pollUntil(async () => (await rssBytes(pid)) <= idle.rssBytes * 1.1, "RSS back within 10% of idle", 60_000);
    }
    const after = { rssBytes: await rssBytes(pid), fds: await ownFds(), pooledUpstreamSockets: stack.upstream.openConnections };
    const workerConnections = Number(/worker_connections (\d+);/.exec(stack.nginx.conf)?.[1]);
    const nginxErrors = stack.nginx.errorLog().split("\n").filter((l) => /\[(warn|error|crit|alert|emerg)\]/.test(l));
    return { report, idle, after, workerConnections, nginxErrors };
  } finally {
    await stack.close();
  }
}

/** One line for logs and the README. */
export function describeRun(run: LoadRun): string {
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  const r = run.report;
  return (
    `${r.streams} streams (${r.complete} complete, ${r.failed} failed), ${r.heldAtOnce} held at once, ${(r.durationMs / 1000).toFixed(1)} s; ` +
    `proxy RSS idle ${mib(run.idle.rssBytes)}, peak ${mib(r.peakRssBytes)}, after ${mib(run.after.rssBytes)}; ` +
    `fds idle ${run.idle.fds}, peak ${r.peakFds}, after ${run.after.fds} (+${run.after.pooledUpstreamSockets} pooled to the upstream)`
  );
}

/** What every load run must show: each stream whole, all held at once, no Nginx complaint, descriptors back. */
export function expectHealthy(run: LoadRun, concurrency: number): void {
  expect(run.report.failures).toEqual([]);
  expect(run.report.complete).toBe(run.report.streams);
  expect(run.report.heldAtOnce).toBe(concurrency);
  // Each stream is one client and one proxy connection in the worker, plus its listener.
  expect(run.workerConnections).toBeGreaterThanOrEqual(2 * concurrency + 1);
  expect(run.nginxErrors).toEqual([]);
  expect(run.after.fds).toBeLessThanOrEqual(run.idle.fds);
}
