import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import {
  NEXTCHAT_HEALTH_PATH,
  NEXTCHAT_HOST_PORT,
  NEXTCHAT_PORT,
  nextChatEnvironment,
} from "../../web/nextchat.js";
import { LONG_RUNNING, envList, httpHealthcheck } from "./containers.js";

/** The container's name, which is also its host name on the private network. */
export const WEB_CONTAINER = "gptsite-web";

export interface WebUiArgs {
  /** A pinned NextChat image, e.g. `yidadaa/chatgpt-next-web:v2.16.1`. */
  image: string;
  /** The function proxy (or the upstream) base URL, with scheme, without `/v1`. */
  baseUrl: pulumi.Input<string>;
  /** The key NextChat's server sends: the proxy token behind a key-holding proxy, or the API key itself. */
  serverApiKey?: pulumi.Output<string>;
  /** Comma-separated access codes; required with `serverApiKey`. */
  accessCodes?: pulumi.Output<string>;
  timezone: string;
  /** Host address the 3690 port is published on: `127.0.0.1` keeps it off the Internet. */
  bindAddress: string;
  /** The private network Nginx shares. */
  network: pulumi.Input<string>;
}

/** NextChat on the Docker host (pass the host's provider in `opts.providers`). */
export class WebUi extends pulumi.ComponentResource {
  readonly container: docker.Container;
  /** Base URL Nginx proxies `/` to. */
  readonly internalUrl: string;

  constructor(name: string, args: WebUiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("gptsite:host:WebUi", name, {}, opts);
    const image = new docker.RemoteImage(name, { name: args.image, keepLocally: true }, { parent: this });
    const env = pulumi
      .all([args.baseUrl, args.serverApiKey, args.accessCodes])
      .apply(([baseUrl, serverApiKey, codes]) =>
        nextChatEnvironment({
          baseUrl,
          ...(serverApiKey !== undefined ? { serverApiKey } : {}),
          accessCodes: codes ? codes.split(",") : [],
          timezone: args.timezone,
        }),
      );
    this.container = new docker.Container(
      name,
      {
        name: WEB_CONTAINER,
        image: image.imageId,
        envs: envList(env),
        networksAdvanced: [{ name: args.network, aliases: [WEB_CONTAINER] }],
        ports: [{ internal: NEXTCHAT_PORT, external: NEXTCHAT_HOST_PORT, ip: args.bindAddress }],
        healthcheck: httpHealthcheck(`http://127.0.0.1:${NEXTCHAT_PORT}${NEXTCHAT_HEALTH_PATH}`),
        wait: true,
        waitTimeout: 120,
        ...LONG_RUNNING,
      },
      // A fixed name and port: the old container must go before the new one starts.
      { parent: this, deleteBeforeReplace: true, additionalSecretOutputs: ["envs"] },
    );
    this.internalUrl = `http://${WEB_CONTAINER}:${NEXTCHAT_PORT}`;
    this.registerOutputs({ containerId: this.container.id });
  }
}
