// The Pulumi toolchain the engine runs: the user's `pulumi` when it is on PATH, otherwise the CLI, the
// Node.js language host and the dynamic-provider launcher built from Pulumi's Go modules, cached by
// version under the engine cache (PULUMI_BUILD says why these versions; engine/go.ts how they are built).
import { chmod, copyFile, mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { buildAtomically, cached } from "./atomic.js";
import { buildGoModule, downloadGoModule } from "./go.js";
import { step, type Say } from "./log.js";
import { MissingTool, run, which } from "./run.js";
import type { EngineSettings } from "./settings.js";

/**
 * What is built. @pulumi/pulumi 3.270's own CLI is not served by the Go module proxy these machines
 * reach; 3.274.1 is, and runs our program. The language host has its own Go module since 3.69, which is
 * not served at all; sdk/v3 up to v3.68.0 still carried it as a package, and that host runs programs
 * of the 3.270 Node SDK. The dynamic-provider launcher is a shell script shipped in the sdk module.
 */
export const PULUMI_BUILD = {
  cli: { module: "github.com/pulumi/pulumi/pkg/v3", version: "v3.274.1", pkg: "./cmd/pulumi", bin: "pulumi" },
  languageHost: { module: "github.com/pulumi/pulumi/sdk/v3", version: "v3.68.0", pkg: "./nodejs/cmd/pulumi-language-nodejs", bin: "pulumi-language-nodejs" },
  dynamicProvider: { module: "github.com/pulumi/pulumi/sdk/v3", version: "v3.274.1", file: "nodejs/dist/pulumi-resource-pulumi-nodejs", bin: "pulumi-resource-pulumi-nodejs" },
} as const;

/** Sets the version `pulumi version` prints (empty without it). */
const VERSION_VARIABLE = "github.com/pulumi/pulumi/sdk/v3/go/common/version.Version";

export interface Toolchain {
  /** Names the toolchain: `pulumi-<versions>` when built, `path` for the user's own. */
  id: string;
  /** The directory holding `pulumi` (prepended to PATH when built). */
  binDir: string;
  /** Built here (runs offline, provider plugins installed from files) or the user's installation. */
  kind: "built" | "path";
  /** This call built it (it was not in the cache). */
  madeNow: boolean;
  /** What `pulumi version` prints. */
  version: string;
}

export const TOOLCHAIN_ID = `pulumi-${PULUMI_BUILD.cli.version}-nodejs-${PULUMI_BUILD.languageHost.version}`;

export async function ensureToolchain(settings: EngineSettings, say: Say): Promise<Toolchain> {
  const onPath = settings.buildToolchain ? undefined : await which("pulumi", settings.path);
  if (onPath) {
    const version = await run(onPath, ["version"]);
    say(`pulumi: using ${onPath} (${version}) from PATH; set GPTSITE_ENGINE_BUILD=1 to build one instead`);
    return { id: "path", binDir: path.dirname(onPath), kind: "path", madeNow: false, version };
  }
  const dir = path.join(settings.cacheDir, TOOLCHAIN_ID);
  const binDir = path.join(dir, "bin");
  if (await cached(dir)) {
    const version = await run(path.join(binDir, "pulumi"), ["version"]);
    say(`pulumi: reusing ${binDir} (${version})`);
    return { id: TOOLCHAIN_ID, binDir, kind: "built", madeNow: false, version };
  }
  const go = await which("go", settings.path);
  if (!go) {
    throw new MissingTool(
      `the Pulumi CLI is not on PATH and Go, needed to build it, is not either: install Pulumi (https://www.pulumi.com/docs/install/) or Go ≥ 1.26 (https://go.dev/dl/)`,
    );
  }
  await step(say, `pulumi: building ${TOOLCHAIN_ID} with ${go}`, () => buildAtomically(dir, (tmp) => buildToolchain(tmp, go, settings, say)), () => `cached in ${binDir}`);
  const version = await run(path.join(binDir, "pulumi"), ["version"]);
  return { id: TOOLCHAIN_ID, binDir, kind: "built", madeNow: true, version };
}

async function buildToolchain(tmp: string, go: string, settings: EngineSettings, say: Say): Promise<void> {
  const env = { ...process.env, PATH: settings.path };
  const bin = path.join(tmp, "bin");
  const work = path.join(tmp, "work");
  await mkdir(bin);
  await mkdir(work);
  const { cli, languageHost, dynamicProvider } = PULUMI_BUILD;

  await step(say, `  ${cli.module}@${cli.version}`, async () => {
    // pkg/v3's go.mod replaces sdk/v3 with ../sdk (its monorepo sibling); the released sdk/v3 of the
    // same version stands in for it.
    await buildGoModule({ go, env, module: cli, workDir: work, output: path.join(bin, cli.bin), version: cli.version, versionVariable: VERSION_VARIABLE, dropReplace: "github.com/pulumi/pulumi/sdk/v3" });
  }, () => "built");
  await step(say, `  ${languageHost.module}@${languageHost.version} ${languageHost.pkg}`, async () => {
    await buildGoModule({ go, env, module: languageHost, workDir: work, output: path.join(bin, languageHost.bin), version: languageHost.version, versionVariable: VERSION_VARIABLE });
  }, () => "built");
  await step(say, `  ${dynamicProvider.bin} from ${dynamicProvider.module}@${dynamicProvider.version}`, async () => {
    const moduleDir = await downloadGoModule(go, env, dynamicProvider.module, dynamicProvider.version, work);
    const target = path.join(bin, dynamicProvider.bin);
    await copyFile(path.join(moduleDir, dynamicProvider.file), target);
    await chmod(target, 0o755);
  }, () => "copied");
  await rm(work, { recursive: true, force: true });
}
