// The test upstream in a process of its own, for the load runs: in the bench's process it would share
// one event loop with the load generator, and "direct" would measure one thread doing both ends.
// Run directly (`node --import tsx bench/upstream-process.ts`), it prints {"url"} once listening.
import { spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { startUpstream } from "../chain/upstream.js";

export interface UpstreamProcess {
  readonly url: string;
  readonly pid: number;
  close(): Promise<void>;
}

const self = fileURLToPath(import.meta.url);
// What the upstream keeps of the requests it has seen: enough to inspect, not a load run's worth.
const KEEP_RECORDS = 1_000;

export async function spawnUpstreamProcess(): Promise<UpstreamProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", self], {
    cwd: path.resolve(path.dirname(self), ".."),
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = once(child, "exit");
  const [line] = (await Promise.race([
    once(createInterface({ input: child.stdout! }), "line"),
    exited.then(([code, signal]) => Promise.reject(new Error(`bench upstream process exited (code ${code}, signal ${signal}) before listening`))),
  ])) as [string];
  const { url } = JSON.parse(line) as { url: string };
  return {
    url,
    pid: child.pid!,
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

async function main(): Promise<void> {
  const upstream = await startUpstream();
  upstream.events.on("complete", () => {
    if (upstream.requests.length > KEEP_RECORDS) upstream.requests.splice(0, upstream.requests.length - KEEP_RECORDS / 2);
  });
  process.on("SIGTERM", () => void upstream.close().then(() => process.exit(0)));
  process.stdout.write(`${JSON.stringify({ url: upstream.url })}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === self) await main();
