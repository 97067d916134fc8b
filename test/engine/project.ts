// A Pulumi project in a temp dir, run with the real CLI: the program of ./program, this repository's
// node_modules, a private Pulumi home holding the stand-in plugins, a local file backend, and no
// update checks or plugin downloads. Nothing goes to ~/.pulumi.
import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { installPlugins } from "../../engine/plugins.js";
import type { ProvidedEngine } from "./setup.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const PROGRAM = path.join(ROOT, "test/engine/program");

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout then stderr, for messages that may land on either. */
  output: string;
}

export class PulumiProject {
  private constructor(
    readonly dir: string,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  static async create(engine: ProvidedEngine): Promise<PulumiProject> {
    const dir = await mkdtemp(path.join(tmpdir(), "gptsite-plugins-"));
    const work = path.join(dir, "program");
    await cp(PROGRAM, work, { recursive: true });
    await symlink(path.join(ROOT, "node_modules"), path.join(work, "node_modules"), "dir");
    await writeFile(path.join(work, "Pulumi.yaml"), "name: plugins-e2e\nruntime: nodejs\ndescription: The stand-in plugins under the real engine\n");
    await writeFile(path.join(work, "package.json"), JSON.stringify({ name: "plugins-e2e", private: true, type: "module" }));
    await writeFile(
      path.join(work, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, skipLibCheck: true, types: ["node"] },
        "ts-node": { transpileOnly: true },
      }),
    );
    await mkdir(path.join(dir, "state"));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PATH: `${engine.toolchain.binDir}${path.delimiter}${process.env.PATH ?? ""}`,
      PULUMI_HOME: path.join(dir, "home"),
      PULUMI_BACKEND_URL: `file://${path.join(dir, "state")}`,
      PULUMI_CONFIG_PASSPHRASE: "plugins-e2e",
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      DOCKER_HOST: engine.vars.DOCKER_HOST,
      NO_COLOR: "1",
    };
    delete env.CI; // the CLI would otherwise assume a CI service and print its banners
    await installPlugins(env, () => {});
    return new PulumiProject(work, env);
  }

  /** `pulumi ARGS` in the project; never throws on a non-zero exit. */
  pulumi(args: string[], timeoutMs = 180_000): Promise<Ran> {
    return new Promise((resolve) => {
      execFile("pulumi", [...args, "--color", "never"], { cwd: this.dir, env: this.env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr, output: `${stdout}\n${stderr}` });
      });
    });
  }

  /** Like pulumi(), but a non-zero exit throws with what the CLI said. */
  async ok(args: string[]): Promise<Ran> {
    const ran = await this.pulumi(args);
    if (ran.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${ran.code}:\n${ran.output}`);
    return ran;
  }

  async initStack(name: string, config: Record<string, string>, secrets: Record<string, string> = {}): Promise<void> {
    await this.ok(["stack", "init", name]);
    for (const [key, value] of Object.entries(config)) await this.ok(["config", "set", "--stack", name, key, value]);
    for (const [key, value] of Object.entries(secrets)) await this.ok(["config", "set", "--stack", name, "--secret", key, value]);
  }

  async remove(): Promise<void> {
    await rm(path.dirname(this.dir), { recursive: true, force: true });
  }
}
