// Part of the STAND-IN docker provider plugin (the real one cannot be built here: the Go module proxy
// answers 403 for it; see docker/main.ts).
// The docker provider's configuration: `host` as the real provider reads it (provider.go: the `host`
// input, else DOCKER_HOST, else unix:///var/run/docker.sock), and the other real keys refused by name.
import type { Context } from "../serve.js";
import type { JsonObject } from "../values.js";
import { clientFor, type DockerClient } from "./client.js";

const UNIMPLEMENTED = ["caMaterial", "certMaterial", "certPath", "context", "disableDockerDaemonCheck", "keyMaterial", "registryAuth", "sshOpts"];

export function checkConfig(config: JsonObject): void {
  for (const key of Object.keys(config)) {
    if (key === "host") continue;
    if (UNIMPLEMENTED.includes(key)) {
      throw new Error(`docker:${key} is a configuration key of the real docker provider, but this stand-in provider (engine/plugins) does not implement it`);
    }
    throw new Error(`\`docker:${key}\` is not a valid configuration key for the docker provider.`);
  }
  if (config.host !== undefined && typeof config.host !== "string") throw new Error(`docker:host must be a string, got ${typeof config.host}`);
}

function dockerHost(config: JsonObject): string {
  if (typeof config.host === "string" && config.host !== "") return config.host;
  return process.env.DOCKER_HOST || "unix:///var/run/docker.sock";
}

export function dockerClient(ctx: Context): Promise<DockerClient> {
  return clientFor(dockerHost(ctx.config));
}
