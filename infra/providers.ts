// What a provider is, whatever it provides (the function proxy, the DNS record, the certificate): one
// file per provider in function/, dns/ and tls/, each an object of this shape plus what its kind adds,
// listed once in its folder's index.ts. The config validation, the composition (site.ts), the tests
// under mocks and the README's provider table all read those registries.
import type * as pulumi from "@pulumi/pulumi";
import type { Settings } from "./config.js";
import type { FunctionProxyArgs } from "./function/types.js";
import type { DockerHost } from "./host/host.js";

/** What every provider's factory is given. */
export interface ProviderContext {
  /** The validated stack config; secrets as secret Outputs. */
  settings: Settings<pulumi.Output<string>>;
  /** The Docker host (its provider and private network), for what runs there. */
  host: DockerHost;
  /** The proxy to deploy (bundle, sizing, environment); absent when the function provider runs none. */
  proxy?: FunctionProxyArgs;
}

/** Makes the provider's part of the site, named `name`. */
export type Factory<T> = (name: string, context: ProviderContext) => T;

/**
 * What the provider's resources answer under Pulumi's mocks. test/infra/mocks.ts serves every
 * registered provider's, so its file is all a provider needs to be run under mocks in every combination.
 */
export interface ProviderMocks {
  /** Provider-computed outputs, by resource type token (the inputs are echoed besides). */
  readonly resources?: Readonly<Record<string, (args: pulumi.runtime.MockResourceArgs) => Record<string, unknown>>>;
  /** Results of invokes, by function token. */
  readonly calls?: Readonly<Record<string, (args: pulumi.runtime.MockCallArgs) => Record<string, unknown>>>;
  /** Values those answers hold that tests compare with (a zone id, a function URL…). */
  readonly [value: string]: unknown;
}

/** What a provider that works in a cloud account has beside its factory. */
export interface CloudProvider {
  /** What it is, for messages and the README. */
  readonly title: string;
  /** The environment variables it reads for the account's credentials (never stack config). */
  readonly credentials: readonly string[];
}
