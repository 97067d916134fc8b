import type * as pulumi from "@pulumi/pulumi";

/** What Nginx needs for HTTPS, wherever it came from. */
export interface TlsMaterial {
  /** PEM chain, leaf first. */
  readonly certificatePem: pulumi.Output<string>;
  /** PEM private key, a secret Output. */
  readonly privateKeyPem: pulumi.Output<string>;
}
