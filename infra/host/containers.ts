// Settings every long-running container on the host shares, in one place.
import * as pulumi from "@pulumi/pulumi";
import type * as docker from "@pulumi/docker";

/**
 * Restart with the Docker daemon (a rebooted VPS comes back up) and rotate logs: NextChat logs keys
 * and access codes in plain text, so its logs stay small and on the host.
 */
export const LONG_RUNNING = {
  restart: "always",
  logDriver: "json-file",
  logOpts: { "max-size": "10m", "max-file": "3" },
} as const satisfies Partial<docker.ContainerArgs>;

/**
 * A health check that GETs `url` from inside the container with Node's fetch: the proxy's and
 * NextChat's images both run Node, and neither is guaranteed to ship curl or wget.
 */
export function httpHealthcheck(url: string): docker.types.input.ContainerHealthcheck {
  const probe = `fetch(${JSON.stringify(url)}).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`;
  // `wait: true` returns at the first passing probe, one interval after start: 10 s keeps that short.
  // No startInterval: Docker's API needs 1.44 (Docker 25) for it, and Debian 12's docker.io speaks 1.41,
  // so the provider refuses the container there. Durations in Go's spelling ("1m0s"): the provider
  // stores what Docker reports back, and "60s" would show as a change on every preview.
  return { tests: ["CMD", "node", "-e", probe], interval: "10s", timeout: "5s", startPeriod: "1m0s", retries: 3 };
}

/** `KEY=value` lines for `envs`, sorted so the order never shows as a diff; secret if any value is. */
export function envList(env: pulumi.Input<Record<string, pulumi.Input<string>>>): pulumi.Output<string[]> {
  return pulumi.output(env).apply((values) =>
    Object.entries(values)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, value]) => `${name}=${value}`),
  );
}
