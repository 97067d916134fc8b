// Provider plugins for the built toolchain, which runs offline: the Go modules of pulumi-docker and
// pulumi-random are not served here, so stand-ins built from engine/plugins/ take their place, installed
// from files under the versions our npm packages ask for. A user's own pulumi fetches the real ones.
import { step, type Say } from "./log.js";
import { run } from "./run.js";

export interface ProviderPlugin {
  /** As the npm package asks the engine for it, e.g. docker. */
  name: string;
  /** e.g. 5.2.0 */
  version: string;
  /** Builds (or finds in the cache) the plugin binary and returns its path. */
  binary: (cacheDir: string, say: Say) => Promise<string>;
}

/** The plugins engine:up installs. Empty until the stand-ins under engine/plugins/ land. */
export const PROVIDER_PLUGINS: readonly ProviderPlugin[] = [];

/**
 * `pulumi plugin install resource NAME VERSION --file BINARY` for each plugin not yet installed in
 * this PULUMI_HOME. `env` is the engine's (PATH with the built pulumi, PULUMI_HOME, offline switches).
 */
export async function installPlugins(env: NodeJS.ProcessEnv, cacheDir: string, say: Say, plugins: readonly ProviderPlugin[] = PROVIDER_PLUGINS): Promise<void> {
  if (plugins.length === 0) return;
  const installed = JSON.parse(await run("pulumi", ["plugin", "ls", "--json"], { env })) as Array<{ name: string; kind: string; version: string }> | null;
  for (const plugin of plugins) {
    if (installed?.some((p) => p.kind === "resource" && p.name === plugin.name && p.version === plugin.version)) {
      say(`plugin ${plugin.name} ${plugin.version}: installed`);
      continue;
    }
    await step(say, `plugin ${plugin.name} ${plugin.version}`, async () => {
      const file = await plugin.binary(cacheDir, say);
      await run("pulumi", ["plugin", "install", "resource", plugin.name, plugin.version, "--file", file], { env });
    }, () => "installed");
  }
}
