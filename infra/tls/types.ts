import type * as pulumi from "@pulumi/pulumi";
import type { Factory, ProviderMocks } from "../providers.js";

/** What Nginx needs for HTTPS, wherever it came from. */
export interface TlsMaterial {
  /** PEM chain, leaf first. */
  readonly certificatePem: pulumi.Output<string>;
  /** PEM private key, a secret Output. */
  readonly privateKeyPem: pulumi.Output<string>;
}

/** Where the certificate comes from (tlsMode): what it needs (infra/config validates against it) and how it is made. */
export interface TlsProvider {
  /** Nginx serves HTTPS (and redirects HTTP to it). */
  readonly encrypts: boolean;
  /** Needs a DNS provider that can answer the ACME DNS-01 challenge. */
  readonly needsDnsChallenge: boolean;
  /** Reads tlsCertFile and tlsKeyFile. */
  readonly readsFiles: boolean;
  /** Undefined: no certificate, plain HTTP. */
  readonly create: Factory<TlsMaterial | undefined>;
  readonly mocks: ProviderMocks;
}

/** Validated settings guarantee what each mode needs; reaching the throw is a bug in infra/config. */
export function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`gptsite: ${what} missing after validation`);
  return value;
}
