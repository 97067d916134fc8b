// The whole chain as it runs for real, for the reliability suites: the test upstream ← the built
// proxy bundle started by its bootstrap, as the function runs it (so /proc shows its memory and
// descriptors, and it can be killed) ← [the NextChat double ←] the system Nginx. The proxy listens
// on a fixed port, so a restarted process is found again by the Nginx already running.
import { readFile, readdir } from "node:fs/promises";
import { unpackBuiltProxy } from "../../chain/bundle.js";
import { startChain, started, testUpstream } from "../../chain/chain.js";
import type { FreeSiteOptions, RunningNginx } from "../../chain/nginx.js";
import { freePort } from "../../chain/ports.js";
import { routesTo, spawnProxy, type SpawnedProxy } from "../../chain/proxy.js";
import type { TestUpstream, UpstreamOptions } from "../../chain/upstream.js";
import type { Env } from "../../function/src/config.js";
import { startNginx } from "../fixtures/nginx.js";
import { startWebDouble, type WebDouble, type WebDoubleOptions } from "../fixtures/web.js";

/** So high that the suites' own traffic, all from 127.0.0.1, is never refused. */
export const UNLIMITED_RATE = { perSecond: 100_000, burst: 100_000 } as const;

export interface StackOptions {
  upstream?: UpstreamOptions;
  /** Proxy environment on top of the three routes' base URLs (the test upstream's, unless given here). */
  env?: Env;
  /** Put the NextChat double behind `/` and `/api/`, as deployed (with these codes and key). */
  web?: boolean | Omit<WebDoubleOptions, "baseUrl">;
  site?: Partial<FreeSiteOptions>;
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
  const { web } = options;
  let proxy: SpawnedProxy;
  let proxyPort = 0;
  let respawn: () => Promise<SpawnedProxy>;
  const chain = await startChain({
    upstream: testUpstream(options.upstream),
    proxy: async (upstreamUrl) => {
      const built = await unpackBuiltProxy();
      proxyPort = await freePort();
      respawn = () => spawnProxy({ dir: built.dir, env: { ...routesTo(upstreamUrl), ...options.env }, port: proxyPort });
      proxy = await respawn().catch(async (err: unknown) => {
        await built.cleanup();
        throw err;
      });
      // Whichever process is current when the stack closes, then the unpacked bundle.
      return { value: proxy, url: proxy.url, stop: () => proxy.close().finally(built.cleanup) };
    },
    ...(web ? { web: async (apiUrl: string) => started(await startWebDouble({ ...(web === true ? {} : web), baseUrl: apiUrl })) } : {}),
    nginx: async (urls) =>
      started(
        await startNginx({
          options: { serverName: "localhost", apiUpstream: urls.api, webUpstream: urls.web, rateLimit: UNLIMITED_RATE, ...options.site },
          httpLevel: options.httpLevel,
        }),
      ),
  });
  const stack: Stack = {
    upstream: chain.upstream,
    proxy: proxy!,
    proxyPort,
    web: chain.web,
    nginx: chain.nginx!,
    async killProxy() {
      proxy.child.kill("SIGKILL");
      await proxy.exited;
    },
    async restartProxy() {
      proxy = await respawn();
      stack.proxy = proxy;
      return proxy;
    },
    close: chain.close,
  };
  return stack;
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

