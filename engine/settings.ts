// Everything the engine harness reads from the environment, read here once.
import { createHash } from "node:crypto";
import { homedir } from "node:os";
import path from "node:path";

export interface EngineSettings {
  /** GPTSITE_ENGINE_CACHE, else $XDG_CACHE_HOME/gptsite/engine, else ~/.cache/gptsite/engine. */
  cacheDir: string;
  /** GPTSITE_ENGINE_BUILD set: build the Pulumi toolchain even when `pulumi` is on PATH. */
  buildToolchain: boolean;
  /** GPTSITE_ENGINE_DOCKERD set: run the private dockerd even when a Docker engine answers. */
  privateDockerd: boolean;
  /** The caller's DOCKER_HOST, if any. */
  dockerHost?: string;
  /** GPTSITE_ENGINE_ADDRESS_POOL, else a /16 in 10.192.0.0/10 picked by the cache path. */
  addressPool: string;
  /** The PATH the harness searches for pulumi, go, dockerd, docker and debootstrap. */
  path: string;
}

export function engineSettings(env: NodeJS.ProcessEnv = process.env): EngineSettings {
  const cacheDir = path.resolve(
    env.GPTSITE_ENGINE_CACHE || path.join(env.XDG_CACHE_HOME || path.join(homedir(), ".cache"), "gptsite", "engine"),
  );
  return {
    cacheDir,
    buildToolchain: !!env.GPTSITE_ENGINE_BUILD,
    privateDockerd: !!env.GPTSITE_ENGINE_DOCKERD,
    ...(env.DOCKER_HOST ? { dockerHost: env.DOCKER_HOST } : {}),
    addressPool: env.GPTSITE_ENGINE_ADDRESS_POOL || defaultAddressPool(cacheDir),
    // dockerd and debootstrap live in /usr/sbin, which a non-root PATH often leaves out.
    path: [env.PATH ?? "", "/usr/sbin", "/sbin", "/usr/local/go/bin"].filter(Boolean).join(":"),
  };
}

/**
 * Networks the private dockerd creates are bridges on this machine: a /16 chosen from the cache path
 * keeps two engines (two users, two checkouts) from handing out the same subnets, and 10.192.0.0/10
 * stays clear of Docker's own 172.17+/192.168 defaults and of most home and office LANs.
 */
function defaultAddressPool(cacheDir: string): string {
  const n = createHash("sha256").update(cacheDir).digest()[0]! % 64;
  return `base=10.${192 + n}.0.0/16,size=24`;
}
