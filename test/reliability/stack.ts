// The whole chain as it runs for real, for the reliability suites: the test upstream ← the built
// proxy bundle started by its bootstrap, as the function runs it (so /proc shows its memory and
// descriptors, and it can be killed) ← [the NextChat double ←] the system Nginx. The proxy listens
// on a fixed port, so a restarted process is found again by the Nginx already running.
import { readFile, readdir } from "node:fs/promises";
import type { Env } from "../../function/src/config.js";
import { MEMORY_ENV, SMALLEST_MEMORY_MB } from "../../function/src/limits.js";
import { unpackBuiltProxy } from "../function/bundle.js";
import { freePort, startNginx, type FixtureSiteOptions, type RunningNginx } from "../fixtures/nginx.js";
export { pollUntil } from "../fixtures/nginx.js";
import { spawnFunction, type SpawnedProxy } from "../fixtures/proxy.js";
import { startUpstream, type TestUpstream, type UpstreamOptions } from "../fixtures/upstream.js";
import { startWebDouble, type WebDouble, type WebDoubleOptions } from "../fixtures/web.js";
import { Teardown } from "../../scripts/lib/teardown.js";

/** So high that the suites' own traffic, all from 127.0.0.1, is never refused. */
export const UNLIMITED_RATE = { perSecond: 100_000, burst: 100_000 } as const;

export interface StackOptions {
  upstream?: UpstreamOptions;
  /** Proxy environment on top of UPSTREAM_URL (the test upstream's, unless given here). */
  env?: Env;
  /** Put the NextChat double behind `/` and `/api/`, as deployed (with these codes and key). */
  web?: boolean | Omit<WebDoubleOptions, "baseUrl">;
  site?: Partial<FixtureSiteOptions>;
  /** http-level Nginx text, e.g. short client timeouts. */
  httpLevel?: string;
}

export interface Stack {
  upstream: TestUpstream;
  /** The proxy process now running (replaced by restartProxy). */
  proxy: SpawnedProxy;
  proxyPort: number;
  web?: WebDouble;
  nginx: RunningNginx;
  /** SIGKILL: no graceful shutdown, as when the instance dies. */
  killProxy(): Promise<void>;
  /** A new process from the same bundle, on the same port. */
  restartProxy(): Promise<SpawnedProxy>;
  close(): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const stops = new Teardown();
  const close = () => stops.run();
  try {
    const built = await unpackBuiltProxy();
    stops.push(built.cleanup);
    const upstream = await startUpstream(options.upstream);
    stops.push(() => upstream.close());
    const proxyPort = await freePort();
    // The smallest function unless a suite says otherwise: the limits it keeps are the tightest.
    const env: Env = { UPSTREAM_URL: upstream.url, [MEMORY_ENV]: String(SMALLEST_MEMORY_MB), ...options.env, PORT: String(proxyPort) };
    const spawnIt = () => spawnFunction(built.dir, env);
    let proxy = await spawnIt();
    // Whichever process is current when the stack closes.
    stops.push(() => proxy.close());
    const apiUpstream = `http://127.0.0.1:${proxyPort}`;
    const web = options.web ? await startWebDouble({ ...(options.web === true ? {} : options.web), baseUrl: apiUpstream }) : undefined;
    if (web) stops.push(() => web.close());
    const nginx = await startNginx({
      options: { serverName: "localhost", apiUpstream, webUpstream: web?.url, rateLimit: UNLIMITED_RATE, ...options.site },
      httpLevel: options.httpLevel,
    });
    stops.push(() => nginx.stop());
    const stack: Stack = {
      upstream,
      proxy,
      proxyPort,
      web,
      nginx,
      async killProxy() {
        proxy.child.kill("SIGKILL");
        await proxy.exited;
      },
      async restartProxy() {
        proxy = await spawnIt();
        stack.proxy = proxy;
        return proxy;
      },
      close,
    };
    return stack;
  } catch (err) {
    await close();
    throw err;
  }
}

/** Resident memory of a process, in bytes (VmRSS in /proc/<pid>/status). */
export function rssBytes(pid: number): Promise<number> {
  return statusBytes(pid, "VmRSS");
}

/** The most resident memory a process has had so far, in bytes (VmHWM). */
export function peakRssBytes(pid: number): Promise<number> {
  return statusBytes(pid, "VmHWM");
}

async function statusBytes(pid: number, field: "VmRSS" | "VmHWM"): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kb = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status)?.[1];
  if (kb === undefined) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(kb) * 1024;
}

/** Open file descriptors of a process (entries of /proc/<pid>/fd). */
export async function openFds(pid: number): Promise<number> {
  return (await readdir(`/proc/${pid}/fd`)).length;
}

