// The private Docker daemon: Debian's dockerd with its own data-root, exec-root and socket under the
// engine cache, no iptables, no default bridge, networks from a private address pool. Started
// detached (logging to a file) and reused while it answers; engine:down stops it and removes its run dir.
import { spawn } from "node:child_process";
import { mkdir, open, readFile, readdir, writeFile } from "node:fs/promises";
import http from "node:http";
import { pollUntil } from "../chain/poll.js";
import { removeTree } from "./tree.js";
import type { DockerdLayout } from "./layout.js";
import type { Say } from "./log.js";
import { alive, isRoot, MissingTool, run, which } from "./run.js";
import type { EngineSettings } from "./settings.js";

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

export function dockerdArgs(layout: DockerdLayout, settings: EngineSettings): string[] {
  return [
    // Our own (empty) config: a daemon.json of the machine's docker must not leak in.
    "--config-file", layout.configFile,
    // vfs works on any filesystem, inside a VM or a container; overlay2 does not always.
    "--storage-driver", "vfs",
    // Leave the host's firewall and forwarding alone: published ports go through docker-proxy on
    // 127.0.0.1, and containers have no way out (nothing here needs one).
    "--iptables=false", "--ip-forward=false", "--ip-masq=false", "--bridge=none",
    "--default-address-pool", settings.addressPool,
    "--data-root", layout.dataRoot,
    "--exec-root", layout.execRoot,
    "--pidfile", layout.pidFile,
    "-H", `unix://${layout.socket}`,
    // Through sudo the socket would be root's alone; give it the caller's group.
    "--group", String(process.getgid?.() ?? 0),
    // If the machine runs a system containerd, dockerd uses it: keep our containers in our namespace.
    "--containerd-namespace", "gptsite-engine",
    "--containerd-plugins-namespace", "gptsite-engine-plugins",
  ];
}

/** GET /_ping on the socket: true when the daemon answers OK. */
export function ping(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ socketPath: socket, path: "/_ping", timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
  });
}

/** The pid in our pidfile when that process is a dockerd with our data-root, else undefined. */
export async function runningDockerd(layout: DockerdLayout): Promise<number | undefined> {
  const pid = Number((await readFile(layout.pidFile, "utf8").catch(() => "")).trim());
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return undefined;
  const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
  return cmdline.split("\0").includes(layout.dataRoot) ? pid : undefined;
}

/** The daemon's own programs; anything else that merely names our paths (a user's shell) is not ours. */
const DAEMON_PROGRAMS = new Set(["dockerd", "containerd", "containerd-shim"]);

/**
 * Every process of our daemon: dockerd, its containerd and the containers' shims (found by our paths
 * on their command line), and everything under them (docker-proxy, the containers' processes).
 */
export async function ourProcesses(layout: DockerdLayout): Promise<number[]> {
  const children = new Map<number, number[]>();
  const roots: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    // /proc/PID/stat: "pid (comm) state ppid …"; comm may hold spaces and parentheses.
    const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
    const close = stat.lastIndexOf(")");
    if (close < 0) continue;
    const comm = stat.slice(stat.indexOf("(") + 1, close);
    const ppid = Number(stat.slice(close + 2).split(" ")[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    if (!DAEMON_PROGRAMS.has(comm)) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    if (cmdline.includes(layout.dataRoot) || cmdline.includes(layout.runDir)) roots.push(pid);
  }
  const ours = new Set<number>();
  const visit = (pid: number): void => {
    if (ours.has(pid)) return;
    ours.add(pid);
    for (const child of children.get(pid) ?? []) visit(child);
  };
  roots.forEach(visit);
  return [...ours];
}

export interface DockerdStart {
  host: string;
  /** False when a daemon of ours was already running and answering. */
  started: boolean;
}

export async function startDockerd(layout: DockerdLayout, settings: EngineSettings, say: Say): Promise<DockerdStart> {
  const host = `unix://${layout.socket}`;
  const running = await runningDockerd(layout);
  if (running !== undefined) {
    await pollUntil(() => ping(layout.socket), `dockerd (pid ${running}) to answer on ${layout.socket}; npm run engine:down stops it`, START_TIMEOUT_MS);
    say(`dockerd: reusing pid ${running} on ${host}`);
    return { host, started: false };
  }
  const dockerd = await which("dockerd", settings.path);
  if (!dockerd) {
    throw new MissingTool("dockerd is not installed: apt-get install -y docker.io (Debian/Ubuntu), or point DOCKER_HOST at a running Docker engine");
  }
  if (!isRoot) await run("sudo", ["-n", "true"]).catch(() => {
    throw new MissingTool("dockerd needs root: run as root, allow this user sudo without a password, or point DOCKER_HOST at a running Docker engine");
  });
  // Whatever a killed daemon left in the run dir (socket, pidfile, mounts) would stop a new one.
  await removeTree(layout.runDir);
  await mkdir(layout.runDir, { recursive: true });
  await mkdir(layout.dataRoot, { recursive: true });
  await writeFile(layout.configFile, "{}\n");
  const log = await open(layout.log, "a");
  await log.write(`\n--- ${new Date().toISOString()} ${dockerd} ${dockerdArgs(layout, settings).join(" ")}\n`);
  const argv = isRoot ? [dockerd, ...dockerdArgs(layout, settings)] : ["sudo", "-n", dockerd, ...dockerdArgs(layout, settings)];
  const child = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: ["ignore", log.fd, log.fd], env: { ...process.env, PATH: settings.path } });
  let exited: string | undefined;
  child.once("exit", (code, signal) => (exited = signal ? `signal ${signal}` : `exit code ${code}`));
  child.unref();
  await log.close();
  try {
    await pollUntil(async () => {
      if (exited) throw new Error(`dockerd exited (${exited}):\n${await logTail(layout.log)}`);
      return ping(layout.socket);
    }, `dockerd to answer on ${layout.socket} (log: ${layout.log})`, START_TIMEOUT_MS);
  } catch (err) {
    if (!exited) await stopDockerd(layout, say);
    throw err;
  }
  say(`dockerd: started pid ${child.pid} on ${host} (log: ${layout.log})`);
  return { host, started: true };
}

/** Stops our daemon (SIGTERM, then SIGKILL for it and anything of ours left) and removes its run dir. */
export async function stopDockerd(layout: DockerdLayout, say: Say): Promise<void> {
  const pid = await runningDockerd(layout);
  if (pid !== undefined) {
    // dockerd stops its containers and its containerd on SIGTERM.
    await signal(pid, "TERM");
    const stopped = await pollUntil(() => !alive(pid), "dockerd to stop", STOP_TIMEOUT_MS).then(() => true, () => false);
    say(stopped ? `dockerd: stopped pid ${pid}` : `dockerd: pid ${pid} ignored SIGTERM for ${STOP_TIMEOUT_MS / 1000} s; killed`);
  }
  for (const leftover of await ourProcesses(layout)) await signal(leftover, "KILL");
  await pollUntil(async () => (await ourProcesses(layout)).length === 0, "dockerd's processes to exit", STOP_TIMEOUT_MS);
  await removeTree(layout.runDir);
}

async function signal(pid: number, name: "TERM" | "KILL"): Promise<void> {
  if (isRoot) {
    try {
      process.kill(pid, `SIG${name}`);
    } catch {
      // already gone
    }
  } else {
    await run("kill", [`-${name}`, String(pid)], { asRoot: true }).catch(() => undefined);
  }
}

async function logTail(file: string): Promise<string> {
  return (await readFile(file, "utf8").catch(() => "")).trim().split("\n").slice(-10).join("\n");
}
