import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { BOOTSTRAP_FILE, bootstrapCommand } from "../../function/build.js";
import { LONG_RUNNING, envList, httpHealthcheck } from "../host/containers.js";
import { PROXY_HEALTH_PATH, PROXY_PORT } from "../../contract.js";
import { proxyOf, type FunctionProvider, type FunctionProxy, type FunctionProxyArgs } from "./types.js";

/** The container's name, which is also its host name on the private network. */
export const PROXY_CONTAINER = "gptsite-proxy";

const APP_DIR = "/app";

export interface DockerFunctionArgs extends FunctionProxyArgs {
  /** A Node.js image (node on PATH); the bundle is uploaded into it. */
  image: string;
  /** The private network NextChat and Nginx reach the proxy on; no port is published. */
  network: pulumi.Input<string>;
}

/**
 * The proxy as a container on the Docker host, for a host that is itself outside mainland China
 * (pass the host's provider in `opts.providers`). Region and instance cap do not apply; memoryMb is
 * the container's memory limit.
 */
export class DockerFunction extends pulumi.ComponentResource implements FunctionProxy {
  readonly url: pulumi.Output<string>;
  readonly container: docker.Container;

  constructor(name: string, args: DockerFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("gptsite:function:DockerFunction", name, {}, opts);
    const image = new docker.RemoteImage(name, { name: args.image, keepLocally: true }, { parent: this });
    this.container = new docker.Container(
      name,
      {
        name: PROXY_CONTAINER,
        image: image.imageId,
        command: bootstrapCommand(APP_DIR, "node"),
        envs: envList(args.environment),
        uploads: [
          { file: `${APP_DIR}/index.mjs`, content: args.artifacts.bundle },
          { file: `${APP_DIR}/${BOOTSTRAP_FILE}`, content: args.artifacts.bootstrap },
        ],
        networksAdvanced: [{ name: args.network, aliases: [PROXY_CONTAINER] }],
        memory: args.memoryMb,
        healthcheck: httpHealthcheck(`http://127.0.0.1:${PROXY_PORT}${PROXY_HEALTH_PATH}`),
        wait: true,
        waitTimeout: 60,
        ...LONG_RUNNING,
      },
      // A fixed name: the old container must go before the new one starts.
      { parent: this, deleteBeforeReplace: true, additionalSecretOutputs: ["envs"] },
    );
    this.url = pulumi.output(`http://${PROXY_CONTAINER}:${PROXY_PORT}`);
    this.registerOutputs({ url: this.url, containerId: this.container.id });
  }
}

export const provider: FunctionProvider = {
  title: "a container on the Docker host",
  credentials: [],
  runsProxy: true,
  regions: [],
  refusedRegions: [],
  defaultRegion: "",
  memory: { allowed: (mb) => mb >= 64 && mb <= 65536, text: "64 to 65536 (the container's memory limit)" },
  maxConcurrency: Number.MAX_SAFE_INTEGER,
  create: (name, { proxy, settings, host }) =>
    new DockerFunction(
      name,
      { ...proxyOf({ proxy }), image: settings.images.proxy, network: host.networkName },
      { providers: [host.provider] },
    ),
  mocks: { functionUrl: `http://${PROXY_CONTAINER}:${PROXY_PORT}` },
};
