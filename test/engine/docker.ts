// What the engine suites share: the engine global setup provided, the docker CLI pointed at it, and
// Scratch, which runs containers the way the program's docker provider does (create, upload files,
// start) and removes every container and network a test made.
import { randomBytes } from "node:crypto";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { inject } from "vitest";
import { $ } from "zx";
import { docker as dockerCli } from "../../engine/docker.js";
import { pollUntil } from "../../chain/poll.js";
import type { ProvidedEngine } from "./setup.js";

const provided = inject("engine");
/** Set when the engine is missing outside CI (the global setup said why). */
export const engineSkip = provided.skip;
export const engine = provided.engine as ProvidedEngine;

export function docker(args: readonly string[]): Promise<string> {
  return dockerCli(engine.vars.DOCKER_HOST!, args);
}

export interface ContainerSpec {
  image: string;
  name?: string;
  network?: string;
  env?: Record<string, string>;
  /** Container ports published on 127.0.0.1 at a port Docker picks (see Scratch.hostPort). */
  publish?: number[];
  /** `-p` values as given, e.g. `127.0.0.1:23456:23456`. */
  publishRaw?: string[];
  command?: string[];
  /** Files put in place before start, as the docker provider's `uploads` do: path → content. */
  uploads?: Record<string, string>;
}

export class Scratch {
  private readonly containers: string[] = [];
  private readonly networks: string[] = [];
  readonly id = randomBytes(3).toString("hex");

  /** A user-defined bridge network, as the program's DockerHost makes. */
  async network(): Promise<string> {
    const name = `gptsite-test-${this.id}-${this.networks.length}`;
    await docker(["network", "create", "--driver", "bridge", name]);
    this.networks.push(name);
    return name;
  }

  /** Creates, uploads and starts; returns the container id. */
  async run(spec: ContainerSpec): Promise<string> {
    const args = ["create", "--label", "gptsite.engine.test=1"];
    if (spec.name) args.push("--name", spec.name);
    if (spec.network) args.push("--network", spec.network, ...(spec.name ? ["--network-alias", spec.name] : []));
    for (const [name, value] of Object.entries(spec.env ?? {})) args.push("--env", `${name}=${value}`);
    for (const port of spec.publish ?? []) args.push("--publish", `127.0.0.1::${port}`);
    for (const raw of spec.publishRaw ?? []) args.push("--publish", raw);
    const id = await docker([...args, spec.image, ...(spec.command ?? [])]);
    this.containers.push(id);
    if (spec.uploads) await upload(id, spec.uploads);
    await docker(["start", id]);
    return id;
  }

  /** The 127.0.0.1 port Docker published `port` of `container` on. */
  async hostPort(container: string, port: number): Promise<number> {
    const mapping = await docker(["port", container, `${port}/tcp`]);
    const published = /^127\.0\.0\.1:(\d+)$/m.exec(mapping);
    if (!published) throw new Error(`${port}/tcp of ${container} is not published on 127.0.0.1: ${mapping}`);
    return Number(published[1]);
  }

  /** Runs `command` inside `container`; resolves with its exit code and output. */
  async exec(container: string, command: string[]): Promise<{ code: number; output: string }> {
    return docker(["exec", container, ...command]).then(
      (output) => ({ code: 0, output }),
      (err: Error) => ({ code: Number(/\(exit (\d+)\)/.exec(err.message)?.[1] ?? -1), output: err.message }),
    );
  }

  /** Polls until `command` exits 0 in `container` (a health check run by hand). */
  async until(container: string, command: string[], what: string, timeoutMs = 30_000): Promise<void> {
    let last = "";
    await pollUntil(async () => {
      const result = await this.exec(container, command);
      last = result.output;
      return result.code === 0;
    }, what, timeoutMs).catch(async (err: Error) => {
      throw new Error(`${err.message}; last answer: ${last}\n--- docker logs ${container}:\n${await this.logs(container)}`);
    });
  }

  /** What the container wrote, stdout and stderr interleaved. */
  async logs(container: string): Promise<string> {
    const result = await $({ quiet: true, nothrow: true, env: { ...process.env, DOCKER_HOST: engine.vars.DOCKER_HOST } })`docker logs ${container} 2>&1`;
    return result.stdout;
  }

  async remove(): Promise<void> {
    if (this.containers.length > 0) await docker(["rm", "--force", "--volumes", ...this.containers.splice(0)]);
    for (const network of this.networks.splice(0)) await docker(["network", "rm", network]);
  }
}

/** `docker cp DIR/. CONTAINER:/`: the files land at their paths, parent directories made as needed. */
export async function upload(container: string, files: Record<string, string>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), "gptsite-upload-"));
  try {
    // The directory's own mode lands on the container's / (mkdtemp makes it 0700).
    await chmod(dir, 0o755);
    for (const [file, content] of Object.entries(files)) {
      const target = path.join(dir, file);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, content);
    }
    await docker(["cp", `${dir}/.`, `${container}:/`]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
