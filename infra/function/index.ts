// The function provider switch: one entry per provider (a missing one fails to compile).
import * as pulumi from "@pulumi/pulumi";
import type { DockerHost } from "../host/host.js";
import { AliyunFunction } from "./aliyun.js";
import { DockerFunction } from "./docker.js";
import type { FunctionProviderName } from "./rules.js";
import { TencentFunction } from "./tencent.js";
import type { FunctionProxy, FunctionProxyArgs } from "./types.js";

export type { FunctionProxy, FunctionProxyArgs } from "./types.js";

export interface FunctionContext {
  /** The proxy to deploy; absent for `none`, which runs no proxy (functionRules[…].runsProxy). */
  proxy?: FunctionProxyArgs;
  /** The OpenAI-compatible base URL. */
  upstream: string;
  host: DockerHost;
  /** The Node.js image a proxy run as a container uses. */
  image: string;
  opts: pulumi.ComponentResourceOptions;
}

type FunctionFactory = (name: string, context: FunctionContext) => FunctionProxy;

const proxyArgs = (context: FunctionContext): FunctionProxyArgs => {
  if (!context.proxy) throw new Error("gptsite: a proxy-running function provider was given no proxy to deploy");
  return context.proxy;
};

export const functionProviders = {
  tencent: (name, context) => new TencentFunction(name, proxyArgs(context), context.opts),
  aliyun: (name, context) => new AliyunFunction(name, proxyArgs(context), context.opts),
  docker: (name, context) =>
    new DockerFunction(
      name,
      { ...proxyArgs(context), image: context.image, network: context.host.networkName },
      { ...context.opts, providers: [context.host.provider] },
    ),
  // NextChat and Nginx call the upstream itself: only sensible on a host outside mainland China.
  none: (_name, context) => ({ url: pulumi.output(context.upstream) }),
} as const satisfies Record<FunctionProviderName, FunctionFactory>;
