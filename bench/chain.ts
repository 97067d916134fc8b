// The hops under measurement, as they run in production, from chain/: the built bundle unpacked from
// function.zip and started by its bootstrap for a function memory (which picks Node's flags), and the
// rendered site in the system Nginx.
import { unpackBuiltProxy } from "../chain/bundle.js";
import { findNginx, NGINX_MISSING, startNginx, type RunningNginx } from "../chain/nginx.js";
import { routesTo, spawnProxy, type SpawnedProxy } from "../chain/proxy.js";
import { MEMORY_ENV, nodeFlagsFor } from "../function/src/limits.js";
import { healthz, type Probe } from "./process.js";

export interface BuiltProxy {
  /** Directory holding index.mjs and scf_bootstrap, as unpacked from the zip. */
  readonly dir: string;
  readonly bundleBytes: number;
  readonly zipBytes: number;
  /** The node binary that runs it (default: the one running the bench). */
  readonly node: string;
  /** Flags to run node with directly instead of through the bootstrap, to compare others. */
  readonly nodeFlags?: readonly string[];
  cleanup(): Promise<void>;
}

export async function buildProxy(options: { node?: string; nodeFlags?: readonly string[] } = {}): Promise<BuiltProxy> {
  const { dir, artifacts, cleanup } = await unpackBuiltProxy();
  return {
    dir,
    bundleBytes: Buffer.byteLength(artifacts.bundle),
    zipBytes: artifacts.zip.length,
    node: options.node ?? process.execPath,
    ...(options.nodeFlags ? { nodeFlags: options.nodeFlags } : {}),
    cleanup,
  };
}

/** What node runs the proxy with at `memoryMb`: the bootstrap's choice, or the flags a run compares. */
export function nodeFlagsAt(built: BuiltProxy, memoryMb: number): readonly string[] {
  return built.nodeFlags ?? nodeFlagsFor(memoryMb);
}

/**
 * The proxy as a function of `memoryMb` starts it (its bootstrap, with `built.node`; or `node <nodeFlags>`
 * when the run compares flags), relaying to `upstreamUrl`; ready once `probe` succeeds (default /healthz).
 */
export function startBuiltProxy(built: BuiltProxy, memoryMb: number, upstreamUrl: string, probe: Probe = healthz): Promise<SpawnedProxy> {
  return spawnProxy({
    dir: built.dir,
    node: built.node,
    ...(built.nodeFlags ? { nodeFlags: built.nodeFlags } : {}),
    // Every route to the test upstream, which speaks all three providers' formats.
    env: { ...routesTo(upstreamUrl), [MEMORY_ENV]: String(memoryMb) },
    probe,
  });
}

const nginxBinary = findNginx();

/** Why the Nginx paths are left out; undefined when Nginx is installed. */
export const nginxMissing = nginxBinary ? undefined : NGINX_MISSING;

/** The rendered site with `/v1/` to `apiUpstream`; its rate limit raised out of the way of the load. */
export function startFrontNginx(apiUpstream: string): Promise<RunningNginx> {
  if (!nginxBinary) throw new Error(NGINX_MISSING);
  return startNginx(nginxBinary, { options: { serverName: "localhost", apiUpstream, rateLimit: { perSecond: 1_000_000, burst: 1_000_000 } } });
}
