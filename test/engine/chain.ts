// The chain's parts as containers on the engine's dockerd, from the local images, configured as the
// program configures them: the test upstream (bundled into the Node image), the proxy (the built
// bundle on the Node image, run with the program's command and flags), the NextChat stand-in (with the
// environment web/nextchat.ts makes) and Nginx (the site renderSite makes, uploaded where the program
// uploads it).
import { BOOTSTRAP_FILE, bootstrapCommand, buildArtifacts } from "../../function/build.js";
import { bundleNodeScript } from "../../engine/images/nextchat.js";
import { NGINX_SITE_PATH } from "../../infra/host/nginx.js";
import { httpHealthcheck } from "../../infra/host/containers.js";
import { MAX_BODY_BYTES, PROXY_HEALTH_PATH, PROXY_PORT } from "../../contract.js";
import { renderSite, type SiteOptions } from "../../nginx/index.js";
import { pollUntil } from "../../chain/poll.js";
import { NEXTCHAT_HEALTH_PATH, NEXTCHAT_PORT, nextChatEnvironment, type NextChatSettings } from "../../web/nextchat.js";
import type { Started } from "../../chain/chain.js";
import type { RecordedRequest, Scenario } from "../../chain/upstream.js";
import { engine, type Scratch } from "./docker.js";

export const SECRETS = {
  /** NextChat's server key, when it talks to the upstream directly. */
  upstreamKey: "sk-engine-upstream-key",
  /** The proxy's token (token mode: the proxy holds no key, as a plain-http upstream would carry it in clear). */
  proxyToken: "engine-proxy-token-0123456789",
  accessCode: "engine-access-code",
} as const;

/** The test upstream's ports in its container: the upstream itself, and what it has seen as JSON. */
export const UPSTREAM_PORT = 8000;
export const INSPECT_PORT = 8001;

/** The program's health check command (its `tests` without the leading "CMD"), run with docker exec. */
export function healthProbe(url: string): string[] {
  return (httpHealthcheck(url).tests as string[]).slice(1);
}

/** The test upstream's program (fixtures/upstream-server.ts), bundled once per test file. */
let upstreamBundle: Promise<string> | undefined;
export function bundledUpstream(): Promise<string> {
  return (upstreamBundle ??= bundleNodeScript(new URL("./fixtures/upstream-server.ts", import.meta.url).pathname));
}

let proxyBundle: ReturnType<typeof buildArtifacts> | undefined;
const bundledProxy = () => (proxyBundle ??= buildArtifacts());

/** A container as a piece of chain/chain.ts's chain; the scratch removes it, so stopping it is a no-op. */
export function inScratch<T extends { url: string }>(container: T): Started<T> & { url: string } {
  return { value: container, url: container.url, stop: async () => {} };
}

/** What the test upstream shows of each request it received (fixtures/upstream-server.ts picks these). */
export type SeenRequest = Pick<RecordedRequest, "method" | "url" | "headers" | "provider" | "key">;

export interface UpstreamContainer {
  id: string;
  /** Its base URL on the network. */
  url: string;
  /** What it has received so far. */
  seen(): Promise<SeenRequest[]>;
}

export async function startUpstream(scratch: Scratch, network: string, scenario: Scenario = {}): Promise<UpstreamContainer> {
  const name = `upstream-${scratch.id}`;
  const id = await scratch.run({
    image: engine.config.proxyImage,
    name,
    network,
    env: { UPSTREAM_PORT: String(UPSTREAM_PORT), INSPECT_PORT: String(INSPECT_PORT), UPSTREAM_SCENARIO: JSON.stringify(scenario) },
    publish: [INSPECT_PORT],
    command: ["node", "/app/upstream.mjs"],
    uploads: { "app/upstream.mjs": await bundledUpstream() },
  });
  const inspect = `http://127.0.0.1:${await scratch.hostPort(id, INSPECT_PORT)}/`;
  await scratch.until(id, healthProbe(`http://127.0.0.1:${INSPECT_PORT}/`), "the test upstream");
  return { id, url: `http://${name}:${UPSTREAM_PORT}`, seen: async () => (await fetch(inspect)).json() as Promise<SeenRequest[]> };
}

export async function startProxy(scratch: Scratch, network: string, upstreamUrl: string): Promise<{ id: string; url: string }> {
  const name = `proxy-${scratch.id}`;
  const { bundle, bootstrap } = await bundledProxy();
  const id = await scratch.run({
    image: engine.config.proxyImage,
    name,
    network,
    env: { UPSTREAM_URL: upstreamUrl, PROXY_TOKEN: SECRETS.proxyToken, MAX_BODY_BYTES: String(MAX_BODY_BYTES) },
    publish: [PROXY_PORT],
    // As infra/function/docker.ts runs it.
    command: bootstrapCommand("/app", "node"),
    uploads: { "app/index.mjs": bundle, [`app/${BOOTSTRAP_FILE}`]: bootstrap },
  });
  await scratch.until(id, healthProbe(`http://127.0.0.1:${PROXY_PORT}${PROXY_HEALTH_PATH}`), "the proxy's health check");
  return { id, url: `http://${name}:${PROXY_PORT}` };
}

export interface WebOptions {
  settings: NextChatSettings;
  /** Container name (default web-<scratch id>): also its name on the network. */
  name?: string;
  /** Leave HOSTNAME as Docker sets it (the container id), as a stack without our env would. */
  dockerHostname?: boolean;
  /** Wait for the program's health check (default true). */
  healthy?: boolean;
}

export async function startWeb(scratch: Scratch, network: string, options: WebOptions): Promise<{ id: string; name: string; url: string }> {
  const name = options.name ?? `web-${scratch.id}`;
  const env = nextChatEnvironment(options.settings);
  if (options.dockerHostname) delete env.HOSTNAME;
  const id = await scratch.run({ image: engine.config.webImage, name, network, env, publish: [NEXTCHAT_PORT] });
  if (options.healthy ?? true) await scratch.until(id, healthProbe(`http://127.0.0.1:${NEXTCHAT_PORT}${NEXTCHAT_HEALTH_PATH}`), "the web UI's health check");
  return { id, name, url: `http://${name}:${NEXTCHAT_PORT}` };
}

export async function startNginx(scratch: Scratch, network: string, site: Omit<SiteOptions, "listen">): Promise<{ id: string; url: string }> {
  const id = await scratch.run({
    image: engine.config.nginxImage,
    name: `nginx-${scratch.id}`,
    network,
    publish: [80],
    uploads: { [NGINX_SITE_PATH.slice(1)]: renderSite({ ...site, listen: { http: 80 } }) },
  });
  const url = `http://127.0.0.1:${await scratch.hostPort(id, 80)}`;
  await pollUntil(() => fetch(url).then(() => true, () => false), `Nginx on ${url}`, 30_000);
  return { id, url };
}
