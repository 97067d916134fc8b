// The function proxy: in-process from function/src (startProxy: fast, for tests), or the built bundle
// as a child process (spawnProxy), as it runs in the cloud. Both capture the proxy's log lines.
import path from "node:path";
import { PROVIDERS, PROXY_ROUTES } from "../contract.js";
import { BOOTSTRAP_FILE } from "../function/build.js";
import { loadConfig, type Env, type ProxyConfig } from "../function/src/config.js";
import { createProxy, type ProxyDeps } from "../function/src/server.js";
import { pollUntil } from "./poll.js";
import { startNodeServer, type NodeServer, type Probe } from "./process.js";

export interface RunningProxy {
  /** Base URL without `/v1`, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly port: number;
  /** Every line the proxy logged (one JSON object each), in order. */
  readonly logs: readonly string[];
  close(): Promise<void>;
}

export interface InProcessProxy extends RunningProxy {
  readonly config: ProxyConfig;
  /** Graceful stop, as on SIGTERM. */
  shutdown(): Promise<void>;
}

/**
 * The proxy from function/src with this environment (HOST/PORT are ignored: always 127.0.0.1:0).
 * `overrides` replaces settings the environment does not carry (e.g. keepAliveIdleMs); `now` is the
 * pool's wall clock; `collectGarbage` stands where V8's exposed `gc` would.
 */
export async function startProxy(
  env: Env,
  options: { overrides?: Partial<ProxyConfig>; now?: ProxyDeps["now"]; collectGarbage?: ProxyDeps["collectGarbage"] } = {},
): Promise<InProcessProxy> {
  const config: ProxyConfig = { ...loadConfig(env), ...options.overrides, host: "127.0.0.1", port: 0 };
  const logs: string[] = [];
  const proxy = createProxy(config, { log: (line) => logs.push(line), now: options.now, collectGarbage: options.collectGarbage });
  const { port } = await proxy.listen(0, "127.0.0.1");
  return { url: `http://127.0.0.1:${port}`, port, logs, config, close: () => proxy.close(), shutdown: () => proxy.shutdown() };
}

/** Every route of the proxy's table to one upstream (the test upstream speaks all three). */
export function routesTo(upstreamUrl: string): Env {
  return Object.fromEntries(PROVIDERS.map((provider) => [PROXY_ROUTES[provider].baseEnv, upstreamUrl]));
}

export interface SpawnedProxy extends RunningProxy, NodeServer {}

export interface ProxySpawn {
  /** Holds index.mjs and scf_bootstrap: function/dist, or function.zip unpacked (bundle.ts). */
  dir: string;
  /** UPSTREAM_URL, PROXY_TOKEN, FUNCTION_MEMORY_MB…; HOST and PORT come from `host` and `port`. */
  env: Env;
  /**
   * Default: started by its bootstrap, as SCF, FC and the container start it, which picks Node's flags
   * for FUNCTION_MEMORY_MB in `env`. Given: `node <nodeFlags> index.mjs` (the bench compares flag sets).
   */
  nodeFlags?: readonly string[];
  /** The node binary; default the one running this. */
  node?: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0: the proxy picks one and logs it. */
  port?: number;
  /** Ready when this answers (polled from spawn, on a port picked here); default: its listening line. */
  probe?: Probe;
  /** Lead its own process group (see NodeServerSpec). */
  ownGroup?: boolean;
  onSpawn?: (pid: number) => void;
  /** Each log line as it comes (JSON; the proxy never logs a key or token). */
  onLog?: (line: string) => void;
}

/**
 * The built proxy in a node process of its own, as the cloud runs it: configured by environment
 * only, resolved once ready. The one way anything here starts the bundle.
 */
export async function spawnProxy(spawn: ProxySpawn): Promise<SpawnedProxy> {
  return startNodeServer({
    name: "proxy",
    ...(spawn.nodeFlags
      ? { ...(spawn.node ? { node: spawn.node } : {}), args: [...spawn.nodeFlags, path.join(spawn.dir, "index.mjs")] }
      : { node: "/bin/sh", args: [path.join(spawn.dir, BOOTSTRAP_FILE), spawn.node ?? process.execPath] }),
    cwd: spawn.dir,
    env: spawn.env,
    ...(spawn.host ? { host: spawn.host } : {}),
    ...(spawn.port ? { port: spawn.port } : {}),
    ready: spawn.probe ?? "log",
    ...(spawn.ownGroup ? { ownGroup: true } : {}),
    ...(spawn.onSpawn ? { onSpawn: spawn.onSpawn } : {}),
    ...(spawn.onLog ? { onLine: spawn.onLog } : {}),
  });
}

export type LogEntry = Record<string, unknown>;

/** The log lines that describe requests (not startup or shutdown events), parsed. */
export function requestLogs(proxy: RunningProxy): LogEntry[] {
  return proxy.logs.map((l) => JSON.parse(l) as LogEntry).filter((l) => "status" in l);
}

/** Resolves once `predicate` holds for the log lines so far (polled); rejects after `timeoutMs`. */
export function waitForLog(proxy: RunningProxy, predicate: (lines: readonly string[]) => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  return pollUntil(() => predicate(proxy.logs), `the proxy's log: ${what}`, { timeoutMs, intervalMs: 5 });
}

/**
 * Resolves with the request log lines once there are `count` of them. A request's line is written
 * when its connection closes, which can come after the client has seen the end of its response.
 */
export async function waitForRequestLogs(proxy: RunningProxy, count: number, timeoutMs = 5_000): Promise<LogEntry[]> {
  await waitForLog(proxy, () => requestLogs(proxy).length >= count, `${count} request log lines`, timeoutMs);
  return requestLogs(proxy);
}
