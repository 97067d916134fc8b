import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import type { Provider } from "../../contract.js";
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
  /** Where NextChat sends each provider's calls: the proxy's mounts, or the providers' APIs (web/nextchat.ts). */
  apiBases: pulumi.Input<Record<Provider, string>>;
  /** The key NextChat's server sends per provider: the proxy token behind a key-holding proxy, or the API key itself. */
  serverApiKeys: Partial<Record<Provider, pulumi.Output<string>>>;
  /** Comma-separated access codes; required with a server key. */
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
      .all([args.apiBases, pulumi.all(args.serverApiKeys), args.accessCodes])
      .apply(([apiBases, serverApiKeys, codes]) =>
        nextChatEnvironment({
          apiBases,
          serverApiKeys,
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
