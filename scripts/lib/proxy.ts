// The built proxy (function/dist/index.mjs) as the cloud runs it: started by its bootstrap with this
// node, which picks Node's flags (FUNCTION_MEMORY_MB in the environment; without it, the smallest
// function's), configured by environment only. Resolved once it logs that it listens.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { createInterface } from "node:readline";
import { bootstrapCommand } from "../../function/build.js";

export interface ProxyProcess {
  readonly pid: number;
  readonly url: string;
  /** Resolves when the process has exited (code, or the signal that ended it). */
  readonly exited: Promise<string>;
  /** SIGTERM (graceful: streams in flight finish), SIGKILL after 5 s. Idempotent. */
  stop(): Promise<void>;
}

export interface ProxyRun {
  dist: string;
  host: string;
  port: number;
  /** UPSTREAM_URL, PROXY_TOKEN, OPENAI_API_KEY… */
  env: Record<string, string>;
  /** Each log line (JSON; the proxy never logs a key or token). */
  onLog?: (line: string) => void;
  /** Called as soon as the process runs, before it listens, with its pid (it leads its own group). */
  onSpawn?: (pid: number) => void;
}

const running = new Set<ChildProcess>();
// An owner that exits without stop() (a signal mid-start) must not leave the proxy holding its port.
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

export async function runProxy(run: ProxyRun): Promise<ProxyProcess> {
  const [command, ...args] = bootstrapCommand(run.dist, process.execPath);
  const child = spawn(command!, args, {
    cwd: run.dist,
    env: { PATH: process.env.PATH, ...run.env, HOST: run.host, PORT: String(run.port) },
    // Its own process group: a terminal's Ctrl-C reaches us, and we stop the proxy in order.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  if (child.pid !== undefined) run.onSpawn?.(child.pid);
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = once(child, "close").then(([code, signal]) => {
    running.delete(child);
    return signal ? `signal ${signal as string}` : `exit code ${code as number}`;
  });
  const listening = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      run.onLog?.(line);
      if (/"msg":"listening"/.test(line)) resolve();
    });
    child.once("error", reject);
    void exited.then((how) => reject(new Error(`the proxy exited (${how}) before listening: ${stderr.trim() || "no message"}`)));
  });
  try {
    await listening;
  } catch (err) {
    child.kill("SIGKILL");
    throw err;
  }

  let stopping: Promise<void> | undefined;
  return {
    pid: child.pid!,
    url: `http://${run.host}:${run.port}`,
    exited,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}
