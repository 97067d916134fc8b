// Pulumi mocks that record what every resource was given, with secrets still marked, and answer with
// the outputs the program reads (image ids, trigger URLs, generated passwords, certificates).
import * as pulumi from "@pulumi/pulumi";

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

/** What the mocked clouds hand back; tests compare with these. */
export const MOCK = {
  fcUrl: "https://proxy-abcdef.ap-southeast-1.fcapp.run/",
  scfUrl: "https://1250000000-abcdefgh-ap-singapore.tencentscf.com",
  cloudflareZoneId: "0123456789abcdef0123456789abcdef",
  certificatePem: "-----BEGIN CERTIFICATE-----\nLEAF\n-----END CERTIFICATE-----\n",
  issuerPem: "-----BEGIN CERTIFICATE-----\nISSUER\n-----END CERTIFICATE-----\n",
  certificateKeyPem: "-----BEGIN EC PRIVATE KEY-----\nCERTKEY\n-----END EC PRIVATE KEY-----\n",
  accountKeyPem: "-----BEGIN EC PRIVATE KEY-----\nACCOUNTKEY\n-----END EC PRIVATE KEY-----\n",
  /** RandomPassword results are this prefix plus the resource name. */
  generatedPrefix: "generated",
  /** Every RandomId's hex (the Tencent function's owner id). */
  randomIdHex: "0123456789abcdef",
} as const;

export const generatedValue = (name: string) => `${MOCK.generatedPrefix}${name.replace(/[^A-Za-z0-9]/g, "")}`;

/** Provider-computed outputs, by resource type. */
const computed: Record<string, (args: pulumi.runtime.MockResourceArgs) => Record<string, unknown>> = {
  "docker:index/remoteImage:RemoteImage": (args) => ({ imageId: `sha256:image-of-${args.inputs.name}` }),
  "alicloud:fc/v3Trigger:V3Trigger": () => ({ httpTrigger: { urlInternet: MOCK.fcUrl, urlIntranet: "https://internal" } }),
  "pulumi-nodejs:dynamic/tencent:ScfWebFunction": () => ({ url: MOCK.scfUrl, functionId: "fn-id", triggerName: "gptsite-url" }),
  "pulumi-nodejs:dynamic/tencent:DnspodARecord": () => ({ recordId: 42 }),
  "random:index/randomPassword:RandomPassword": (args) => ({ result: generatedValue(args.name) }),
  "random:index/randomId:RandomId": () => ({ hex: MOCK.randomIdHex }),
  "acme:index/registration:Registration": () => ({ accountKeyPem: MOCK.accountKeyPem }),
  "acme:index/certificate:Certificate": () => ({
    certificatePem: MOCK.certificatePem,
    issuerPem: MOCK.issuerPem,
    privateKeyPem: MOCK.certificateKeyPem,
  }),
};

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
    if (args.token === "cloudflare:index/getZone:getZone") {
      const filter = args.inputs.filter as { name: string };
      return { id: MOCK.cloudflareZoneId, zoneId: MOCK.cloudflareZoneId, name: filter.name };
    }
    throw new Error(`unexpected invoke ${args.token}`);
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
