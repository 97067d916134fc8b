// Runs the tools the harness drives (go, debootstrap, dockerd, docker, pulumi) and turns a failure
// into one error that names the command and quotes the tool's own last lines.
import { $ } from "zx";

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Run through `sudo -n` unless already root (debootstrap, dockerd, stopping dockerd). */
  asRoot?: boolean;
  input?: string;
}

export const isRoot = process.getuid?.() === 0;

export class CommandError extends Error {
  override name = "CommandError";
}

/** A tool the engine needs is not installed (or not allowed to run): the message says how to get it. */
export class MissingTool extends Error {
  override name = "MissingTool";
}

/** Runs `command args…` and returns its stdout, trimmed; throws a CommandError on a non-zero exit. */
export async function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  const argv = options.asRoot && !isRoot ? ["sudo", "-n", command, ...args] : [command, ...args];
  const result = await $({
    cwd: options.cwd,
    env: options.env ?? process.env,
    quiet: true,
    nothrow: true,
    ...(options.input !== undefined ? { input: options.input } : {}),
  })`${argv}`;
  if (result.exitCode !== 0) {
    const tail = (result.stderr.trim() || result.stdout.trim()).split("\n").slice(-8).join("\n");
    throw new CommandError(`\`${argv.join(" ")}\` failed (exit ${result.exitCode}):\n${tail}`);
  }
  return result.stdout.trim();
}

// Whether a process (or, with a negative id, a process group) still exists; a zombie counts as gone.
export { alive } from "../scripts/lib/processes.js";

/** The absolute path of `command` on `searchPath`, or undefined. */
export async function which(command: string, searchPath: string): Promise<string | undefined> {
  const result = await $({ quiet: true, nothrow: true, env: { ...process.env, PATH: searchPath } })`command -v ${command}`;
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}
