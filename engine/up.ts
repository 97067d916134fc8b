// engine:up and engine:down as functions: the CLI (scripts/engine.ts) and the engine suite's global
// setup call these.
import { randomBytes } from "node:crypto";
import { access, mkdir, readFile, writeFile } from "node:fs/promises";
import { ensureDockerEngine, type DockerEngine } from "./docker.js";
import { ourProcesses, stopDockerd } from "./dockerd.js";
import { engineProcessEnv, type EngineEnv } from "./env.js";
import { ensureBaseImage } from "./images/base.js";
import type { LocalImage } from "./images/build.js";
import { ensureNextChatImage } from "./images/nextchat.js";
import { ensureNginxImage } from "./images/nginx.js";
import { ensureNodeImage } from "./images/node.js";
import { engineLayout, type EngineLayout } from "./layout.js";
import { sayOnStderr, seconds, type Say } from "./log.js";
import { installPlugins } from "./plugins.js";
import { ensureRootfs } from "./rootfs.js";
import { engineSettings, type EngineSettings } from "./settings.js";
import { ensureToolchain, type Toolchain } from "./toolchain.js";

export interface EngineOptions {
  /** The environment the settings are read from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Progress lines (default: stderr). */
  say?: Say;
}

export interface Engine extends EngineEnv {
  toolchain: Toolchain;
  docker: DockerEngine;
  images: { base: LocalImage; node: LocalImage; nginx: LocalImage; nextchat: LocalImage };
  /** What this call built or started (empty when everything was cached and running). */
  madeNow: string[];
  /** What engine:up took, in ms. */
  elapsedMs: number;
}

export async function engineUp(options: EngineOptions = {}): Promise<Engine> {
  const started = Date.now();
  const settings = engineSettings(options.env);
  const layout = engineLayout(settings.cacheDir);
  const say = options.say ?? sayOnStderr;
  // The Go build is CPU-bound and debootstrap mostly waits on the network: run them side by side.
  const [toolchain, dockerSide] = await allSettled(ensureToolchain(settings, say), dockerAndImages(settings, layout, say));
  const vars: Record<string, string> = {
    DOCKER_HOST: dockerSide.docker.host,
    PULUMI_HOME: layout.pulumiHome(toolchain.id),
    PULUMI_BACKEND_URL: `file://${layout.backend}`,
    PULUMI_CONFIG_PASSPHRASE: await passphrase(layout),
    PULUMI_SKIP_UPDATE_CHECK: "true",
    ...(toolchain.kind === "built" ? { PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true" } : {}),
  };
  await mkdir(vars.PULUMI_HOME!, { recursive: true });
  await mkdir(layout.backend, { recursive: true });
  const { images } = dockerSide;
  const engine: Engine = {
    ...(toolchain.kind === "built" ? { pathPrepend: toolchain.binDir } : {}),
    vars,
    config: { hostDocker: dockerSide.docker.host, webImage: images.nextchat.tag, nginxImage: images.nginx.tag, proxyImage: images.node.tag },
    toolchain,
    docker: dockerSide.docker,
    images,
    madeNow: [
      ...(toolchain.madeNow ? [toolchain.id] : []),
      ...(dockerSide.docker.started ? ["dockerd"] : []),
      ...(dockerSide.rootfsMadeNow ? ["rootfs"] : []),
      ...Object.values(images).filter((image) => image.madeNow).map((image) => image.tag),
    ],
    elapsedMs: 0,
  };
  if (toolchain.kind === "built") await installPlugins(engineProcessEnv(engine), say);
  engine.elapsedMs = Date.now() - started;
  say(`up in ${seconds(engine.elapsedMs)}${engine.madeNow.length > 0 ? `; made ${engine.madeNow.join(", ")}` : ", all reused"}`);
  return engine;
}

/** Stops the private dockerd (if one of ours runs) and removes its run dir; images stay for the next engine:up. */
export async function engineDown(options: EngineOptions = {}): Promise<void> {
  const settings = engineSettings(options.env);
  const { dockerd } = engineLayout(settings.cacheDir);
  const say = options.say ?? sayOnStderr;
  const left = (await access(dockerd.runDir).then(() => true, () => false)) || (await ourProcesses(dockerd)).length > 0;
  if (!left) return say("down: no private dockerd was running");
  await stopDockerd(dockerd, say);
  say(`down: ${dockerd.runDir} removed`);
}

async function dockerAndImages(settings: EngineSettings, layout: EngineLayout, say: Say): Promise<{ docker: DockerEngine; images: Engine["images"]; rootfsMadeNow: boolean }> {
  const [docker, rootfs] = await allSettled(ensureDockerEngine(settings, layout, say), ensureRootfs(settings, layout.rootfs, say));
  const base = await ensureBaseImage(docker.host, rootfs, say);
  const [node, nginx] = await allSettled(ensureNodeImage(docker.host, base, say), ensureNginxImage(docker.host, base, rootfs, say));
  const nextchat = await ensureNextChatImage(docker.host, node, say);
  return { docker, images: { base, node, nginx, nextchat }, rootfsMadeNow: rootfs.madeNow };
}

/** Waits for every task (none left running behind an early failure), then throws the first failure. */
async function allSettled<A, B>(a: Promise<A>, b: Promise<B>): Promise<[A, B]> {
  const [ra, rb] = await Promise.allSettled([a, b]);
  if (ra.status === "rejected") throw ra.reason;
  if (rb.status === "rejected") throw rb.reason;
  return [ra.value, rb.value];
}

/** The file backend's passphrase: made once per cache, kept beside the state it protects. */
async function passphrase(layout: EngineLayout): Promise<string> {
  const existing = await readFile(layout.passphraseFile, "utf8").catch(() => "");
  if (existing.trim()) return existing.trim();
  const made = randomBytes(18).toString("base64url");
  await mkdir(layout.cacheDir, { recursive: true });
  await writeFile(layout.passphraseFile, `${made}\n`, { mode: 0o600, flag: "wx" }).catch(() => undefined);
  return (await readFile(layout.passphraseFile, "utf8")).trim();
}
