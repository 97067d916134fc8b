// Pulumi mocks that record what every resource was given, with secrets still marked, and answer with
// the outputs the program reads (image ids, generated passwords, and what each provider's own file says
// its resources answer: trigger URLs, zone ids, certificates).
import * as pulumi from "@pulumi/pulumi";
import { dnsProviders } from "../../infra/dns/index.js";
import { functionProviders } from "../../infra/function/index.js";
import type { ProviderMocks } from "../../infra/providers.js";
import { tlsProviders } from "../../infra/tls/index.js";

export interface Registered {
  type: string;
  name: string;
  custom: boolean;
  /** Inputs as the engine would receive them: secrets wrapped in Pulumi's secret signature. */
  inputs: Record<string, unknown>;
  /** The explicit provider reference (`urn::id`), if any. */
  provider: string;
}

export interface Invoked {
  token: string;
  inputs: Record<string, unknown>;
}

/** RandomPassword results are this prefix plus the resource name. */
export const GENERATED_PREFIX = "generated";

export const generatedValue = (name: string) => `${GENERATED_PREFIX}${name.replace(/[^A-Za-z0-9]/g, "")}`;

/** A value a provider's mocks hand back (`zoneId`, `certificatePem`…), for a test to compare with. */
export function mockValue(mocks: ProviderMocks, name: string): string {
  const value = mocks[name];
  if (typeof value !== "string") throw new Error(`the provider's mocks have no string ${name}`);
  return value;
}

/** Every registered provider's mocks: a provider's own file says what its resources answer. */
const providerMocks: ProviderMocks[] = [functionProviders, dnsProviders, tlsProviders].flatMap((registry) =>
  Object.values(registry).map((provider: { mocks: ProviderMocks }) => provider.mocks),
);

/** Provider-computed outputs, by resource type: the providers' own, and those of the resources every site has. */
const computed: Record<string, (args: pulumi.runtime.MockResourceArgs) => Record<string, unknown>> = Object.assign(
  {
    "docker:index/remoteImage:RemoteImage": (args: pulumi.runtime.MockResourceArgs) => ({ imageId: `sha256:image-of-${args.inputs.name}` }),
    "random:index/randomPassword:RandomPassword": (args: pulumi.runtime.MockResourceArgs) => ({ result: generatedValue(args.name) }),
  },
  ...providerMocks.map((mocks) => mocks.resources ?? {}),
);

/** Invoke results, by function token. */
const calls: Record<string, (args: pulumi.runtime.MockCallArgs) => Record<string, unknown>> = Object.assign(
  {},
  ...providerMocks.map((mocks) => mocks.calls ?? {}),
);

export class RecordingMocks implements pulumi.runtime.Mocks {
  readonly registered: Registered[] = [];
  readonly invoked: Invoked[] = [];

  newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
    this.registered.push({
      type: args.type,
      name: args.name,
      custom: args.custom ?? true,
      inputs: args.inputs as Record<string, unknown>,
      provider: args.provider ?? "",
    });
    return { id: `${args.name}-id`, state: { ...args.inputs, ...computed[args.type]?.(args) } };
  }

  call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
    this.invoked.push({ token: args.token, inputs: args.inputs as Record<string, unknown> });
    const call = calls[args.token];
    if (!call) throw new Error(`unexpected invoke ${args.token}`);
    return call(args);
  }

  /** The custom resources of `type`. */
  all(type: string): Registered[] {
    return this.registered.filter((r) => r.custom && r.type === type);
  }

  /** The one custom resource of `type` (named `name`, if given); fails when there is not exactly one. */
  one(type: string, name?: string): Registered {
    const found = this.all(type).filter((r) => name === undefined || r.name === name);
    if (found.length !== 1) {
      throw new Error(`expected one ${type}${name ? ` "${name}"` : ""}, found ${found.length}`);
    }
    return found[0]!;
  }
}

/** Whether `value` carries Pulumi's secret signature. */
export const isSecretValue = (value: unknown) => pulumi.runtime.isRpcSecret(value);

/** `value` with every secret signature removed (what the provider would see). */
export function reveal(value: unknown): unknown {
  if (isSecretValue(value)) return reveal(pulumi.runtime.unwrapRpcSecret(value));
  if (Array.isArray(value)) return value.map(reveal);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, reveal(inner)]));
  }
  return value;
}

/** Every string in `value` that sits outside any secret, with its path: what state would keep in plain text. */
export function plainStrings(value: unknown, path = ""): { path: string; text: string }[] {
  if (isSecretValue(value)) return [];
  if (typeof value === "string") return [{ path, text: value }];
  if (Array.isArray(value)) return value.flatMap((inner, i) => plainStrings(inner, `${path}[${i}]`));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([key, inner]) => plainStrings(inner, path ? `${path}.${key}` : key));
  }
  return [];
}

/** The value of an Output, and whether it is secret. */
export async function settle<T>(output: pulumi.Output<T>): Promise<{ value: T; secret: boolean }> {
  const value = await new Promise<T>((resolve) => output.apply(resolve));
  return { value, secret: await pulumi.isSecret(output) };
}
