// The proxy's environment (../../function), which every function provider passes on as it is.
import type * as pulumi from "@pulumi/pulumi";
import { MAX_BODY_BYTES, PROVIDERS, PROXY_ROUTES, type Provider } from "../../contract.js";
import { MEMORY_ENV } from "../../function/src/limits.js";

export interface ProxyEnvironmentArgs {
  /** Each provider's API base the proxy relays its routes to, without the API version. */
  upstreams: Record<Provider, string>;
  timeoutSec: number;
  /** The function's memory: the proxy's Node flags and connection cap follow it (function/src/limits.ts). */
  memoryMb: number;
  /** Always set: without it the function URL is an open relay anyone can run up a bill on. */
  proxyToken: pulumi.Output<string>;
  /** Each provider's server keys (one or a comma-separated list): callers of its route send only the token. */
  apiKeys: Partial<Record<Provider, pulumi.Output<string>>>;
}

/** The proxy's environment (function/src/config.ts; names from contract.ts's route table). Secret values stay secret Outputs. */
export function proxyEnvironment(args: ProxyEnvironmentArgs): Record<string, pulumi.Input<string>> {
  const env: Record<string, pulumi.Input<string>> = {
    UPSTREAM_TIMEOUT_MS: String(args.timeoutSec * 1000),
    MAX_BODY_BYTES: String(MAX_BODY_BYTES),
    [MEMORY_ENV]: String(args.memoryMb),
    PROXY_TOKEN: args.proxyToken,
  };
  for (const provider of PROVIDERS) {
    const { baseEnv, keyEnv } = PROXY_ROUTES[provider];
    env[baseEnv] = args.upstreams[provider];
    const keys = args.apiKeys[provider];
    if (keys) env[keyEnv] = keys;
  }
  return env;
}
