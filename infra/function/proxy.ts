// The proxy's environment (../../function), which every function provider passes on as it is.
import type * as pulumi from "@pulumi/pulumi";
import { MAX_BODY_BYTES } from "../../contract.js";
import { MEMORY_ENV } from "../../function/src/limits.js";

export interface ProxyEnvironmentArgs {
  /** The OpenAI-compatible base the proxy relays to, without `/v1`. */
  upstream: string;
  timeoutSec: number;
  /** The function's memory: the proxy's Node flags and connection cap follow it (function/src/limits.ts). */
  memoryMb: number;
  /** Always set: without it the function URL is an open relay anyone can run up a bill on. */
  proxyToken: pulumi.Output<string>;
  /** With it, callers send only the token and the proxy swaps in the key. */
  openaiApiKey?: pulumi.Output<string>;
}

/** The proxy's environment (function/src/config.ts). Secret values stay secret Outputs. */
export function proxyEnvironment(args: ProxyEnvironmentArgs): Record<string, pulumi.Input<string>> {
  return {
    UPSTREAM_URL: args.upstream,
    UPSTREAM_TIMEOUT_MS: String(args.timeoutSec * 1000),
    MAX_BODY_BYTES: String(MAX_BODY_BYTES),
    [MEMORY_ENV]: String(args.memoryMb),
    PROXY_TOKEN: args.proxyToken,
    ...(args.openaiApiKey ? { OPENAI_API_KEY: args.openaiApiKey } : {}),
  };
}
