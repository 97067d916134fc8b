// Servers the bench runs as child processes (the built proxy, the hello-world), each on a port picked
// here, as a platform hands one over (SCF: 9000). Ready means the first answer to a probe, timed from
// just before spawn(): the same clock for every process, so cold starts compare.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFile } from "node:fs/promises";
import http from "node:http";
import { performance } from "node:perf_hooks";
import { freePort } from "../test/fixtures/nginx.js";

export interface ServerSpec {
  /** The node binary, or what starts it (the proxy's bootstrap runs through /bin/sh). */
  command: string;
  args: readonly string[];
  env?: Record<string, string>;
  cwd?: string;
}

/** Resolves true once the server answered as wanted, false while it cannot be reached yet. */
export type Probe = (baseUrl: string) => Promise<boolean>;

export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  /** spawn() → the probe's first success (ms). */
  readonly readyMs: number;
  /** Everything it wrote to stdout so far. */
  stdout(): string;
  /** SIGTERM, then waits for the exit. */
  close(): Promise<void>;
}

// Loopback refuses at once while nothing listens; a millisecond between attempts is the resolution.
const PROBE_INTERVAL_MS = 1;
const READY_TIMEOUT_MS = 10_000;

/** GET /healthz answers 200 (the proxy's health route; the hello-world answers 200 to anything). */
export const healthz: Probe = (baseUrl) =>
  new Promise((resolve) => {
    const req = http.get(`${baseUrl}/healthz`, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("error", () => resolve(false));
  });

export async function startServer(spec: ServerSpec, probe: Probe = healthz): Promise<ServerProcess> {
  // A port found free can be taken before the child binds it; then the child exits and we try again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(spec, probe, await freePort());
    } catch (err) {
      if (attempt < 3 && /EADDRINUSE/.test(String(err))) continue;
      throw err;
    }
  }
}

async function launch(spec: ServerSpec, probe: Probe, port: number): Promise<ServerProcess> {
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: { PATH: process.env.PATH, ...spec.env, HOST: "127.0.0.1", PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  // Raw text only: parsing a log line per request here would load the process that generates the load.
  const out: string[] = [];
  let err = "";
  child.stdout!.setEncoding("utf8").on("data", (text: string) => out.push(text));
  child.stderr!.setEncoding("utf8").on("data", (text: string) => (err += text));
  const exited = once(child, "close");
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const close = async () => {
    if (!gone()) child.kill("SIGTERM");
    await exited;
  };

  const deadline = started + READY_TIMEOUT_MS;
  for (;;) {
    if (await probe(url)) break;
    if (gone()) {
      await exited;
      throw new Error(`${[spec.command, ...spec.args].join(" ")} exited (code ${child.exitCode}, signal ${child.signalCode}) before answering: ${err.trim()}`);
    }
    if (performance.now() > deadline) {
      await close();
      throw new Error(`${[spec.command, ...spec.args].join(" ")} did not answer on ${url} within ${READY_TIMEOUT_MS} ms: ${err.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, PROBE_INTERVAL_MS));
  }
  return { url, pid: child.pid!, readyMs: performance.now() - started, stdout: () => out.join(""), close };
}


// USER_HZ: the unit of /proc/<pid>/stat times; 100 on every Linux architecture Node runs on.
const CLOCK_TICK_MS = 10;

/** CPU time (user + system) a process has used so far, in ms, at 10 ms resolution (Linux). */
export async function cpuTimeMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  // The command name, field 2, is in parentheses and may hold spaces; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS;
}
