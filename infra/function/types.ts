import type * as pulumi from "@pulumi/pulumi";
import type { FunctionArtifacts } from "../../function/build.js";
import type { CloudProvider, Factory, ProviderMocks } from "../providers.js";

/** What every function provider is given: the built proxy, its sizing and its environment. */
export interface FunctionProxyArgs {
  /** Cloud region, e.g. `ap-singapore`; ignored where the proxy runs on the Docker host. */
  region: string;
  memoryMb: number;
  timeoutSec: number;
  /** Requests one instance serves at once (SSE streams hold a whole instance on SCF regardless). */
  concurrency: number;
  /**
   * Cap on running instances, which bounds the bill: each open chat stream may hold one. 0 or unset:
   * no cap. Cloud providers apply it as reserved concurrency; the Docker container ignores it.
   */
  maxInstances?: number;
  /** The built proxy from function/build.ts. */
  artifacts: FunctionArtifacts;
  /**
   * The proxy's environment, as proxyEnvironment (./proxy.ts) makes it: each provider's upstream,
   * the limits, PROXY_TOKEN and each server-side key. Secret values are secret Outputs and must stay
   * so in every resource input they reach.
   */
  environment: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** A deployed function proxy, whatever runs it. */
export interface FunctionProxy {
  /** Public base URL with scheme and without `/v1`, e.g. `https://x.ap-singapore.tencentscf.com`. */
  readonly url: pulumi.Output<string>;
}

/** A place the proxy can run: what it accepts (infra/config validates against it) and how it is made. */
export interface FunctionProvider extends CloudProvider {
  /** True when a proxy runs (so it needs the built bundle and a proxy token). */
  readonly runsProxy: boolean;
  /** Regions every upstream provider serves; empty where region is unused. */
  readonly regions: readonly string[];
  /**
   * Mainland China, Hong Kong and Macau, which OpenAI, Anthropic and Gemini refuse: allowed only when
   * the site calls none of them (regionRefusers in infra/config/function.ts).
   */
  readonly refusedRegions: readonly string[];
  readonly defaultRegion: string;
  readonly memory: { readonly allowed: (mb: number) => boolean; readonly text: string };
  readonly maxConcurrency: number;
  readonly create: Factory<FunctionProxy>;
  readonly mocks: ProviderMocks & {
    /** The functionUrl output of a stack with the default upstream under these mocks. */
    readonly functionUrl: string;
  };
}

/** The proxy a provider that runs one was handed; reaching the throw is a bug in site.ts. */
export function proxyOf(context: { proxy?: FunctionProxyArgs }): FunctionProxyArgs {
  if (!context.proxy) throw new Error("gptsite: a proxy-running function provider was given no proxy to deploy");
  return context.proxy;
}
