// Shared by the STAND-IN provider plugins (docker/main.ts, random/main.ts say why they exist).
// Builds the stand-in provider plugins (docker 5.2.0, random 4.21.2); engine/plugins.ts installs them.
// Each plugin is one executable file: a node script bundled with esbuild (the provider server,
// gRPC and our code, no node_modules at run time), so `pulumi plugin install … --file` can copy it
// alone. Bundles are cached by content under node_modules/.cache: a second build of the same source
// writes nothing.
import { createHash } from "node:crypto";
import { chmod, mkdir, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

export interface PluginFile {
  kind: "resource";
  name: string;
  version: string;
  /** The executable to pass to `pulumi plugin install resource NAME VERSION --file PATH`. */
  path: string;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const CACHE = path.join(root, "node_modules/.cache/gptsite/plugins");

/** The versions our npm packages ask the engine for (@pulumi/docker 5.2.0, @pulumi/random 4.21.2). */
const PLUGINS = [
  { name: "docker", version: "5.2.0", entry: "engine/plugins/docker/main.ts" },
  { name: "random", version: "4.21.2", entry: "engine/plugins/random/main.ts" },
] as const;

/** Builds (or finds in the cache) every stand-in plugin. */
export async function pluginFiles(): Promise<PluginFile[]> {
  return Promise.all(PLUGINS.map(async (plugin) => ({ kind: "resource" as const, name: plugin.name, version: plugin.version, path: await build(plugin) })));
}

async function build(plugin: (typeof PLUGINS)[number]): Promise<string> {
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [plugin.entry],
    bundle: true,
    platform: "node",
    target: "node20",
    // CommonJS: @pulumi/pulumi and @grpc/grpc-js are CommonJS, and a file without an extension that no
    // package.json claims is run by node as CommonJS.
    format: "cjs",
    minify: true,
    banner: { js: `#!/usr/bin/env node\n// Stand-in pulumi-resource-${plugin.name} ${plugin.version} built from ${plugin.entry} (gptsite engine/plugins).` },
    write: false,
    legalComments: "none",
    logLevel: "silent",
  });
  const code = result.outputFiles[0]!.contents;
  const hash = createHash("sha256").update(code).digest("hex").slice(0, 16);
  const file = path.join(CACHE, `${plugin.name}-${plugin.version}-${hash}`, `pulumi-resource-${plugin.name}`);
  if (!(await exists(file))) {
    await mkdir(path.dirname(file), { recursive: true });
    // Written beside and renamed, so a concurrent build never runs half a file.
    const partial = `${file}.${process.pid}.tmp`;
    await writeFile(partial, code);
    await chmod(partial, 0o755);
    await rename(partial, file);
  }
  return file;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // `tsx engine/plugins/build.ts`: build and print where the plugins are.
  for (const plugin of await pluginFiles()) console.log(`${plugin.kind} ${plugin.name} ${plugin.version} ${plugin.path}`);
}
