// What the stack suites share: the stack config that points a stack at the engine (its dockerd and local
// images), what a `pulumi preview --json` plans for each resource, the containers the program names on
// the host, and the test upstream run inside the proxy container's network namespace.
import { inject } from "vitest";
import { PROXY_CONTAINER } from "../../infra/function/docker.js";
import { NGINX_CONTAINER } from "../../infra/host/nginx.js";
import { WEB_CONTAINER } from "../../infra/host/web.js";
import { pollUntil } from "../../chain/poll.js";
import type { CliResult, PulumiStack } from "./cli.js";
import { bundledUpstream, INSPECT_PORT, UPSTREAM_PORT, type SeenRequest } from "./chain.js";
import { docker, upload } from "./docker.js";

/** The program's fixed container names. */
export const CONTAINERS = { proxy: PROXY_CONTAINER, web: WEB_CONTAINER, nginx: NGINX_CONTAINER } as const;

/** hostDocker and the three image keys, as `npm run engine:up -- --config` prints them. */
export function engineStackConfig(): Record<string, string> {
  const { engine } = inject("engine");
  if (!engine) throw new Error("no engine from the global setup");
  return { ...engine.config };
}

export async function setConfig(stack: PulumiStack, values: Record<string, string>, secrets: Record<string, string> = {}): Promise<void> {
  for (const [key, value] of Object.entries(values)) await stack.ok(["config", "set", key, value]);
  for (const [key, value] of Object.entries(secrets)) await stack.ok(["config", "set", "--secret", key, value]);
}

export type Op = "same" | "create" | "update" | "replace" | "delete" | "read" | "refresh" | "create-replacement" | "delete-replaced";

/** What `pulumi preview --json` plans: resource name (the URN's last part, per type) → operation. */
export async function plan(stack: PulumiStack): Promise<Map<string, Op>> {
  const { stdout } = await stack.ok(["preview", "--json", "--diff"]);
  const steps = (JSON.parse(stdout) as { steps?: { op: Op; urn: string }[] }).steps ?? [];
  const ops = new Map<string, Op>();
  for (const step of steps) {
    const [type, name] = step.urn.split("::").slice(-2) as [string, string];
    // Only one op per resource is kept: a replacement shows as create-replacement + replace + delete-replaced.
    const key = `${type.split("$").at(-1)} ${name}`;
    if (!ops.has(key) || step.op === "replace") ops.set(key, step.op);
  }
  return ops;
}

/** The resources a plan changes (anything but `same`), sorted, as "type name op". */
export function changed(ops: Map<string, Op>): string[] {
  return [...ops]
    .filter(([, op]) => op !== "same")
    .map(([resource, op]) => `${resource} ${op}`)
    .sort();
}

/** `pulumi up --yes`, throwing with everything the CLI said when it fails. */
export async function up(stack: PulumiStack): Promise<CliResult> {
  return stack.ok(["up", "--yes", "--skip-preview"]);
}

export async function inspect(container: string): Promise<{ Id: string; State: { Running: boolean; Health?: { Status: string } }; Config: { Env: string[] } } | undefined> {
  const text = await docker(["container", "inspect", container]).catch(() => undefined);
  return text ? (JSON.parse(text) as [Awaited<ReturnType<typeof inspect>>])[0] : undefined;
}

/** Every container, network and volume on the engine's dockerd, by name. */
export async function dockerObjects(): Promise<{ containers: string[]; networks: string[]; volumes: string[] }> {
  const lines = async (args: string[]) => (await docker(args)).split("\n").filter(Boolean).sort();
  return {
    containers: await lines(["ps", "--all", "--format", "{{.Names}}"]),
    networks: await lines(["network", "ls", "--format", "{{.Name}}"]),
    volumes: await lines(["volume", "ls", "--format", "{{.Name}}"]),
  };
}

export interface SharedUpstream {
  /** The stack's `upstream` (and `anthropicUpstream`, `googleUpstream`): loopback inside the proxy container, where the proxy allows plain http with a key. */
  url: string;
  /** Starts (or restarts, after the proxy container was replaced) the upstream in the proxy's namespace. */
  attach(): Promise<void>;
  /** What it received: method, path and headers of each request, whose wire format it spoke and the key it carried. */
  seen(): Promise<SeenRequest[]>;
  remove(): Promise<void>;
}

/**
 * The test upstream (OpenAI's, Anthropic's and Gemini's wire formats, taking any of `apiKeys`) as a container sharing the proxy
 * container's network namespace: the proxy reaches it at http://127.0.0.1:8000, which it accepts with a
 * server key (plain http elsewhere would carry the key in clear), and nothing leaves the dockerd.
 */
export function sharedUpstream(name: string, image: string, apiKeys: readonly string[]): SharedUpstream {
  const remove = () => docker(["rm", "--force", name]).then(
    () => undefined,
    () => undefined,
  );
  return {
    url: `http://127.0.0.1:${UPSTREAM_PORT}`,
    async attach() {
      await remove();
      const id = await docker([
        "create", "--name", name, "--label", "gptsite.engine.test=1",
        "--network", `container:${PROXY_CONTAINER}`,
        "--env", `UPSTREAM_PORT=${UPSTREAM_PORT}`, "--env", `INSPECT_PORT=${INSPECT_PORT}`, "--env", `UPSTREAM_API_KEY=${apiKeys.join(",")}`,
        // Ten pieces: Gemini sends one event per piece, and the stream rule judges from 8 events on.
        "--env", `UPSTREAM_SCENARIO=${JSON.stringify({ chunkIntervalMs: 40, chunks: Array.from({ length: 10 }, (_, i) => `p${i} `) })}`,
        image, "node", "/upstream.mjs",
      ]);
      await upload(id, { "upstream.mjs": await bundledUpstream() });
      await docker(["start", id]);
      await pollUntil(async () => (await this.seen().then(() => true, () => false)), "the test upstream in the proxy's namespace", 30_000);
    },
    async seen() {
      const probe = `fetch("http://127.0.0.1:${INSPECT_PORT}/").then((r) => r.text()).then((t) => process.stdout.write(t))`;
      return JSON.parse(await docker(["exec", name, "node", "-e", probe])) as SeenRequest[];
    },
    remove,
  };
}
