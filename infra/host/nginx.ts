import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { renderSite, type SiteOptions } from "../../nginx/index.js";
import type { TlsMaterial } from "../tls/types.js";
import { LONG_RUNNING } from "./containers.js";

/** The container's name on the host. */
export const NGINX_CONTAINER = "gptsite-nginx";

/** Where the stock image reads the site; the upload replaces its welcome page. */
export const NGINX_SITE_PATH = "/etc/nginx/conf.d/default.conf";

/** Where the certificate and key sit inside the container. */
const NGINX_CERTIFICATE_PATH = "/etc/nginx/certs/fullchain.pem";
const NGINX_CERTIFICATE_KEY_PATH = "/etc/nginx/certs/privkey.pem";

/** Debian's CA bundle inside the image. */
export const NGINX_TRUSTED_CA = "/etc/ssl/certs/ca-certificates.crt";

export interface NginxSiteArgs {
  /** An Nginx image laid out like the official one (conf.d included from http, Debian's CA bundle). */
  image: string;
  /** What renderSite() turns into the config; the TLS paths are filled in here. */
  site: pulumi.Input<Omit<SiteOptions, "tls" | "listen">>;
  /** Certificate and key; absent: plain HTTP. */
  tls?: TlsMaterial;
  /** Host ports published for the container's 80 and (with TLS) 443. */
  hostPorts: { http: number; https: number };
  network: pulumi.Input<string>;
}

/**
 * Nginx on the Docker host, from the stock image with the rendered config and the certificate
 * carried in as uploads. Uploads cannot change in place, so a new config or a renewed certificate
 * replaces the container (pass the host's provider in `opts.providers`).
 */
export class NginxSite extends pulumi.ComponentResource {
  readonly container: docker.Container;
  /** The text uploaded as default.conf. */
  readonly config: pulumi.Output<string>;

  constructor(name: string, args: NginxSiteArgs, opts?: pulumi.ComponentResourceOptions) {
    super("gptsite:host:NginxSite", name, {}, opts);
    const tls = args.tls ? { certificate: NGINX_CERTIFICATE_PATH, certificateKey: NGINX_CERTIFICATE_KEY_PATH } : undefined;
    this.config = pulumi.output(args.site).apply((site) =>
      renderSite({
        ...site,
        listen: { http: 80, ...(tls ? { https: 443 } : {}) },
        // The redirect sends browsers to the host's published port, not the container's 443.
        ...(tls ? { tls, publicHttpsPort: args.hostPorts.https } : {}),
      } as SiteOptions),
    );
    const uploads: pulumi.Input<docker.types.input.ContainerUpload>[] = [{ file: NGINX_SITE_PATH, content: this.config }];
    const ports: docker.types.input.ContainerPort[] = [{ internal: 80, external: args.hostPorts.http }];
    if (args.tls) {
      uploads.push(
        { file: NGINX_CERTIFICATE_PATH, content: args.tls.certificatePem },
        { file: NGINX_CERTIFICATE_KEY_PATH, content: args.tls.privateKeyPem, permissions: "0600" },
      );
      ports.push({ internal: 443, external: args.hostPorts.https });
    }

    const image = new docker.RemoteImage(name, { name: args.image, keepLocally: true }, { parent: this });
    this.container = new docker.Container(
      name,
      {
        name: NGINX_CONTAINER,
        image: image.imageId,
        uploads,
        ports,
        networksAdvanced: [{ name: args.network }],
        ...LONG_RUNNING,
      },
      // A fixed name and fixed ports: the old container must go before the new one starts.
      { parent: this, deleteBeforeReplace: true, additionalSecretOutputs: ["uploads"] },
    );
    this.registerOutputs({ containerId: this.container.id, config: this.config });
  }
}
