import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

export interface DockerHostArgs {
  /** `unix:///var/run/docker.sock` or `ssh://user@host[:port]` (the user must be able to run docker). */
  docker: string;
  /** Name of the private network the site's containers share. Default `gptsite`. */
  networkName?: string;
}

/**
 * The Docker engine that runs the site, and the private network on which Nginx reaches NextChat (and
 * the proxy, when it runs here) by container name. Children pass `provider` to their resources.
 */
export class DockerHost extends pulumi.ComponentResource {
  readonly provider: docker.Provider;
  readonly network: docker.Network;
  readonly networkName: pulumi.Output<string>;

  constructor(name: string, args: DockerHostArgs, opts?: pulumi.ComponentResourceOptions) {
    super("gptsite:host:DockerHost", name, {}, opts);
    this.provider = new docker.Provider(name, { host: args.docker }, { parent: this });
    this.network = new docker.Network(
      name,
      { name: args.networkName ?? "gptsite", driver: "bridge" },
      { parent: this, provider: this.provider },
    );
    this.networkName = this.network.name;
    this.registerOutputs({ networkName: this.networkName });
  }
}
