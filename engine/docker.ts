// Which Docker engine the stacks and tests use, and the docker CLI pointed at it. A user's working
// engine (DOCKER_HOST or the default socket) is theirs to keep using; otherwise, or with
// GPTSITE_ENGINE_DOCKERD set, the private dockerd of engine/dockerd.ts.
import { access } from "node:fs/promises";
import { startDockerd } from "./dockerd.js";
import type { EngineLayout } from "./layout.js";
import type { Say } from "./log.js";
import { MissingTool, run, which, type RunOptions } from "./run.js";
import type { EngineSettings } from "./settings.js";

const DEFAULT_SOCKET = "/var/run/docker.sock";

export interface DockerEngine {
  /** DOCKER_HOST for the CLI and `hostDocker` for the stack. */
  host: string;
  /** Ours (engine:down stops it) or the user's. */
  private: boolean;
  /** This call started the private daemon (a test run that started it stops it). */
  started: boolean;
  /** The server's version, e.g. 20.10.24+dfsg1. */
  version: string;
}

/** The docker CLI against `host`; the legacy builder, as Debian's dockerd has no BuildKit frontend to offer offline. */
export function docker(host: string, args: readonly string[], options: Omit<RunOptions, "env"> = {}): Promise<string> {
  return run("docker", args, { ...options, env: { ...process.env, DOCKER_HOST: host, DOCKER_BUILDKIT: "0", DOCKER_CLI_HINTS: "false" } });
}

export async function serverVersion(host: string): Promise<string | undefined> {
  return docker(host, ["version", "--format", "{{.Server.Version}}"]).catch(() => undefined);
}

export async function ensureDockerEngine(settings: EngineSettings, layout: EngineLayout, say: Say): Promise<DockerEngine> {
  if (!(await which("docker", settings.path))) {
    throw new MissingTool("the docker CLI is not installed: apt-get install -y docker.io (Debian/Ubuntu)");
  }
  if (!settings.privateDockerd) {
    const host = settings.dockerHost ?? (await access(DEFAULT_SOCKET).then(() => `unix://${DEFAULT_SOCKET}`, () => undefined));
    const version = host && (await serverVersion(host));
    if (host && version) {
      say(`docker: using the engine at ${host} (${version}); set GPTSITE_ENGINE_DOCKERD=1 for a private one`);
      return { host, private: false, started: false, version };
    }
    if (settings.dockerHost) say(`docker: DOCKER_HOST=${settings.dockerHost} does not answer; starting a private dockerd`);
  }
  const { host, started } = await startDockerd(layout.dockerd, settings, say);
  const version = await serverVersion(host);
  if (!version) throw new Error(`dockerd answers /_ping on ${host} but \`docker version\` does not`);
  return { host, private: true, started, version };
}
