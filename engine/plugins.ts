// Provider plugins for the built toolchain, which runs offline: the Go modules of pulumi-docker and
// pulumi-random are not served here, so the stand-ins built from engine/plugins/ take their place,
// installed from files under the versions our npm packages ask for. A user's own pulumi fetches the real ones.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { step, type Say } from "./log.js";
import { pluginFiles } from "./plugins/build.js";
import { run } from "./run.js";

/**
 * `pulumi plugin install resource NAME VERSION --file BINARY` for each stand-in whose installed copy
 * differs from the one built now (a changed stand-in keeps its version, so the content decides).
 * `env` is the engine's: PATH with the built pulumi, a private PULUMI_HOME (never ~/.pulumi).
 */
export async function installPlugins(env: NodeJS.ProcessEnv, say: Say): Promise<void> {
  const home = env.PULUMI_HOME;
  if (!home) throw new Error("installPlugins: PULUMI_HOME is not set; the stand-in plugins go into a private Pulumi home, never ~/.pulumi");
  for (const plugin of await pluginFiles()) {
    const installed = path.join(home, "plugins", `resource-${plugin.name}-v${plugin.version}`, `pulumi-resource-${plugin.name}`);
    const [built, current] = await Promise.all([readFile(plugin.path), readFile(installed).catch(() => undefined)]);
    if (current?.equals(built)) {
      say(`plugin ${plugin.name} ${plugin.version}: installed`);
      continue;
    }
    await step(
      say,
      `plugin ${plugin.name} ${plugin.version} (stand-in)`,
      () => run("pulumi", ["plugin", "install", "resource", plugin.name, plugin.version, "--file", plugin.path, "--reinstall"], { env }),
      () => "installed",
    );
  }
}
