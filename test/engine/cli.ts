// The real Pulumi CLI, run as a user runs it from the project's root, with a file backend of its own.
// The stack's settings file lives in a temp folder (--config-file), so a run never writes to the tree.
import { execFile, execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { inject } from "vitest";
import YAML from "yaml";
import { engineProcessEnv } from "../../engine/env.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment engine:up made (PATH with the built pulumi, PULUMI_HOME, DOCKER_HOST, …). */
export function engineEnv(): NodeJS.ProcessEnv {
  const { engine, skip } = inject("engine");
  if (!engine) throw new Error(`no engine: ${skip ?? "the engine suite's global setup provided none"}`);
  return engineProcessEnv(engine);
}

/** A throwaway backend and stack: every command runs with `--stack` and `--config-file` set. */
export class PulumiStack {
  readonly dir = mkdtempSync(path.join(tmpdir(), "gptsite-engine-"));
  readonly configFile: string;
  readonly env: NodeJS.ProcessEnv;

  constructor(
    /** Unique on this machine: `stack init` writes Pulumi.<name>.yaml in the tree for a moment. */
    readonly name: string,
    env: NodeJS.ProcessEnv = engineEnv(),
    /** The project's folder: the tree itself, or a copy of it (see copyProject). */
    readonly cwd: string = ROOT,
  ) {
    this.configFile = path.join(this.dir, `Pulumi.${name}.yaml`);
    mkdirSync(path.join(this.dir, "state"));
    this.env = {
      ...env,
      // PULUMI_BACKEND_URL wins over `pulumi login`, so the user's own login is never touched.
      PULUMI_BACKEND_URL: `file://${this.dir}/state`,
      PULUMI_CONFIG_PASSPHRASE: env.PULUMI_CONFIG_PASSPHRASE ?? "gptsite-engine-suite",
      PULUMI_SKIP_UPDATE_CHECK: "true",
    };
  }

  /** `pulumi ARGS --stack NAME --config-file F` (for commands that take them), never throwing. */
  run(args: readonly string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv; stackArgs?: boolean } = {}): Promise<CliResult> {
    // `pulumi stack …` subcommands take --stack but not --config-file.
    const stackArgs = options.stackArgs === false ? [] : ["--stack", this.name, ...(args[0] === "stack" ? [] : ["--config-file", this.configFile])];
    return new Promise((resolve) => {
      execFile(
        "pulumi",
        [...args, ...stackArgs, "--non-interactive", "--color", "never"],
        { cwd: this.cwd, env: { ...this.env, ...options.env }, timeout: options.timeoutMs ?? 600_000, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
    });
  }

  /** Like run, but a non-zero exit throws with everything the CLI said. */
  async ok(args: readonly string[], options: Parameters<PulumiStack["run"]>[1] = {}): Promise<CliResult> {
    const result = await this.run(args, options);
    if (result.code !== 0) {
      throw new Error(`pulumi ${args.join(" ")} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
    }
    return result;
  }

  /** `pulumi stack init`, whose settings file (the passphrase's salt) is then moved out of the tree. */
  async init(): Promise<this> {
    const inTree = path.join(this.cwd, `Pulumi.${this.name}.yaml`);
    if (existsSync(inTree)) throw new Error(`${inTree} exists: a stack of that name is not this suite's to replace`);
    try {
      await this.ok(["stack", "init", this.name], { stackArgs: false });
    } finally {
      if (existsSync(inTree)) renameSync(inTree, this.configFile);
    }
    return this;
  }

  /** Takes the config of a stack file of the tree (e.g. Pulumi.local.yaml), keeping this stack's own salt. */
  useStackFile(file: string): void {
    const own = (YAML.parse(readFileSync(this.configFile, "utf8")) ?? {}) as Record<string, unknown>;
    const example = YAML.parse(readFileSync(path.join(this.cwd, file), "utf8")) as { config?: Record<string, unknown> };
    writeFileSync(this.configFile, YAML.stringify({ ...own, config: { ...(own.config as object), ...example.config } }));
  }

  /** The config the CLI hands the program: Pulumi.yaml's defaults merged under the stack's values. */
  async config(): Promise<Record<string, { value?: string; secret: boolean }>> {
    const { stdout } = await this.ok(["config", "--json", "--show-secrets"]);
    return JSON.parse(stdout) as Record<string, { value?: string; secret: boolean }>;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A copy of the committed tree (git ls-files, as a clone has it) with this checkout's node_modules
 * linked in, for a run that changes the project's own files (e.g. the proxy's source). Returns its path.
 */
export function copyProject(into: string): string {
  const dir = path.join(into, "project");
  const files = execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" }).split("\0").filter(Boolean);
  for (const file of files) {
    if (!existsSync(path.join(ROOT, file))) continue; // deleted in the working tree
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    copyFileSync(path.join(ROOT, file), path.join(dir, file));
  }
  symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  return dir;
}
