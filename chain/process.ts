// A Node.js server as a child process, for the proxy bundle (spawnProxy) and the bench's hello-world:
// started with HOST and PORT in its environment, ready once it logs that it listens or once a probe
// gets an answer, stopped with SIGTERM (SIGKILL after 5 s). Ready is timed from just before spawn(),
// the same clock for every process, so cold starts compare.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { performance } from "node:perf_hooks";
import { pollUntil } from "./poll.js";
import { freePort } from "./ports.js";

/** Resolves true once the server at `baseUrl` answered as wanted, false while it cannot be reached yet. */
export type Probe = (baseUrl: string) => Promise<boolean>;

export interface NodeServerSpec {
  /** For messages, e.g. `proxy`. */
  name: string;
  /** What to run: a node binary (default: the one running this), or /bin/sh for a bootstrap script. */
  node?: string;
  /** Node flags, then the script (or the bootstrap and its arguments). */
  args: readonly string[];
  cwd?: string;
  /** Its environment besides PATH, HOST and PORT. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: the server picks one and logs it (with `ready: "log"`), or one is picked here (with a probe). */
  port?: number;
  /**
   * "log": its `{"msg":"listening","port":N}` line on stdout (the proxy's). A probe: polled every
   * millisecond from spawn until it answers.
   */
  ready: "log" | Probe;
  /**
   * Lead its own process group: a terminal's Ctrl-C reaches only us, and we stop it in our order; it
   * is then stopped as a group.
   */
  ownGroup?: boolean;
  /** Called as soon as the process runs, before it is ready, with its pid. */
  onSpawn?: (pid: number) => void;
  /** Each stdout line as it comes. */
  onLine?: (line: string) => void;
}

export interface NodeServer {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly url: string;
  readonly port: number;
  /** spawn() → ready (ms). */
  readonly readyMs: number;
  /** Everything it wrote to stdout so far (kept as written: nothing is parsed while it serves). */
  stdout(): string;
  /** Its complete stdout lines so far: the log, for a server that logs a line per event. */
  readonly logs: readonly string[];
  stderr(): string;
  /** Resolves once it has exited and its output is read to the end. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM (streams in flight finish), SIGKILL after 5 s; resolves once it has exited. Idempotent. */
  close(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;

const running = new Set<{ child: ChildProcess; group: boolean }>();
// An owner that exits without close() (a signal mid-start, a failed test) must not leave servers holding ports.
process.once("exit", () => {
  for (const { child, group } of running) signalChild(child, group, "SIGKILL");
});

export async function startNodeServer(spec: NodeServerSpec): Promise<NodeServer> {
  if (spec.ready === "log") return launch(spec, spec.port ?? 0);
  if (spec.port) return launch(spec, spec.port);
  // A port found free can be taken before the child binds it; then the child exits and we try again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(spec, await freePort());
    } catch (err) {
      if (attempt < 3 && /EADDRINUSE/.test(String(err))) continue;
      throw err;
    }
  }
}

async function launch(spec: NodeServerSpec, port: number): Promise<NodeServer> {
  const host = spec.host ?? "127.0.0.1";
  const group = spec.ownGroup ?? false;
  const started = performance.now();
  const child = spawn(spec.node ?? process.execPath, spec.args, {
    cwd: spec.cwd,
    env: { PATH: process.env.PATH, ...spec.env, HOST: host, PORT: String(port) },
    detached: group,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const entry = { child, group };
  running.add(entry);
  if (child.pid !== undefined) spec.onSpawn?.(child.pid);

  const out: string[] = [];
  let err = "";
  let partial = "";
  let listeningPort: number | undefined;
  // Lines are split only while someone reads them as they come, or until the listening line.
  const splitting = () => spec.onLine !== undefined || (spec.ready === "log" && listeningPort === undefined);
  child.stdout!.setEncoding("utf8").on("data", (text: string) => {
    out.push(text);
    if (!splitting()) return;
    const lines = (partial + text).split("\n");
    partial = lines.pop()!;
    for (const line of lines) {
      spec.onLine?.(line);
      if (listeningPort === undefined && line.includes('"msg":"listening"')) listeningPort = (JSON.parse(line) as { port: number }).port;
    }
  });
  child.stderr!.setEncoding("utf8").on("data", (text: string) => (err += text));
  // 'close' rather than 'exit': it comes after stdout and stderr are read to the end.
  const exited = once(child, "close").then(([code, sig]) => {
    running.delete(entry);
    return { code: code as number | null, signal: sig as NodeJS.Signals | null };
  });
  const failedToSpawn = once(child, "error").then(([error]) => error as Error);
  const gone = () => child.exitCode !== null || child.signalCode !== null;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      const timer = gone() ? undefined : setTimeout(() => signalChild(child, group, "SIGKILL"), 5_000);
      if (timer) signalChild(child, group, "SIGTERM");
      await exited;
      clearTimeout(timer);
    })();
    return closing;
  };

  const url = (p: number) => `http://${host}:${p}`;
  const before = spec.ready === "log" ? "before listening" : "before answering";
  const ready = spec.ready === "log" ? async () => listeningPort !== undefined : async () => (spec.ready as Probe)(url(port));
  try {
    await Promise.race([
      pollUntil(async () => gone() || (await ready()), `${spec.name} to be ready on ${url(port)}`, { timeoutMs: READY_TIMEOUT_MS, intervalMs: 1 }),
      failedToSpawn.then((error) => Promise.reject(error)),
    ]);
    if (gone() && !(await ready())) {
      const { code, signal: sig } = await exited;
      throw new Error(`${spec.name} exited (code ${code}, signal ${sig}) ${before}: ${err.trim() || "no message"}`);
    }
  } catch (error) {
    signalChild(child, group, "SIGKILL");
    if (child.pid !== undefined) await exited;
    throw error;
  }
  const readyMs = performance.now() - started;
  const actualPort = listeningPort ?? port;
  // Joined, and split into lines, once per new output: waitForLog reads the lines every few ms.
  let joined: { count: number; text: string; lines?: readonly string[] } = { count: 0, text: "" };
  const stdout = () => {
    if (joined.count !== out.length) joined = { count: out.length, text: out.join("") };
    return joined.text;
  };
  return {
    child,
    pid: child.pid!,
    url: url(actualPort),
    port: actualPort,
    readyMs,
    stdout,
    get logs() {
      const text = stdout();
      joined.lines ??= text.slice(0, text.lastIndexOf("\n") + 1).split("\n").slice(0, -1);
      return joined.lines;
    },
    stderr: () => err,
    exited,
    close,
  };
}

/** To the process, or to the group it leads (a detached child); quiet when it is gone. */
export function signalChild(child: ChildProcess, group: boolean, name: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    if (group) process.kill(-child.pid, name);
    else child.kill(name);
  } catch {
    // already gone
  }
}
