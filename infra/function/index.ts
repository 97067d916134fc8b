// The function providers: one file each, one line each here. Config validation, the composition
// (site.ts), the tests under mocks and the README's provider table all read this table.
import { provider as aliyun } from "./aliyun.js";
import { provider as docker } from "./docker.js";
import { provider as none } from "./none.js";
import { provider as tencent } from "./tencent.js";
import type { FunctionProvider } from "./types.js";

export type { FunctionProvider, FunctionProxy, FunctionProxyArgs } from "./types.js";

export const functionProviders = { tencent, aliyun, docker, none } satisfies Record<string, FunctionProvider>;

export type FunctionProviderName = keyof typeof functionProviders;
export const FUNCTION_PROVIDERS = Object.keys(functionProviders) as FunctionProviderName[];
