// Every stack config key, with its type and default: the set Pulumi.yaml declares (a test keeps them
// equal). Names are flat: Pulumi's CLI reads a dotted key as a path.
import { FUNCTION_TIMEOUT_SEC, PROXY_ROUTES, type Provider } from "../../contract.js";
import { NEXTCHAT_IMAGE } from "../../web/nextchat.js";
import { NGINX_IMAGE, PROXY_NODE_IMAGE } from "../host/images.js";

export const PROJECT = "gptsite";

type KeyType = "string" | "integer" | "boolean";
export interface KeySpec {
  readonly type: KeyType;
  readonly default: string | number | boolean;
  /** Set it with `pulumi config set --secret`; never echoed in an error. */
  readonly secret?: true;
}

/**
 * `""` means "unset". The secrets are not declared `secret: true` in Pulumi.yaml: without a
 * default Pulumi requires them on every stack, and a secret key's default is plain text, which some
 * Pulumi versions reject.
 */
export const CONFIG_KEYS = {
  domain: { type: "string", default: "localhost" },
  upstream: { type: "string", default: PROXY_ROUTES.openai.defaultBase },
  anthropicUpstream: { type: "string", default: PROXY_ROUTES.anthropic.defaultBase },
  googleUpstream: { type: "string", default: PROXY_ROUTES.google.defaultBase },
  functionProvider: { type: "string", default: "docker" },
  functionRegion: { type: "string", default: "" },
  functionMemoryMb: { type: "integer", default: 128 },
  functionTimeoutSec: { type: "integer", default: FUNCTION_TIMEOUT_SEC },
  functionConcurrency: { type: "integer", default: 2 },
  functionMaxInstances: { type: "integer", default: 10 },
  dnsProvider: { type: "string", default: "none" },
  dnsZone: { type: "string", default: "" },
  dnsTtl: { type: "integer", default: 600 },
  dnsProxied: { type: "boolean", default: false },
  hostDocker: { type: "string", default: "unix:///var/run/docker.sock" },
  hostIp: { type: "string", default: "" },
  hostHttpPort: { type: "integer", default: 80 },
  hostHttpsPort: { type: "integer", default: 443 },
  tlsMode: { type: "string", default: "none" },
  tlsEmail: { type: "string", default: "" },
  tlsAcmeServer: { type: "string", default: "https://acme-v02.api.letsencrypt.org/directory" },
  tlsCertFile: { type: "string", default: "" },
  tlsKeyFile: { type: "string", default: "" },
  tlsAllowInsecure: { type: "boolean", default: false },
  webImage: { type: "string", default: NEXTCHAT_IMAGE },
  webBindAddress: { type: "string", default: "127.0.0.1" },
  webTimezone: { type: "string", default: "Asia/Shanghai" },
  webAccessCodeCount: { type: "integer", default: 1 },
  nginxImage: { type: "string", default: NGINX_IMAGE },
  proxyImage: { type: "string", default: PROXY_NODE_IMAGE },
  registryMirror: { type: "string", default: "" },
  openaiApiKey: { type: "string", default: "", secret: true },
  anthropicApiKey: { type: "string", default: "", secret: true },
  googleApiKey: { type: "string", default: "", secret: true },
  accessCodes: { type: "string", default: "", secret: true },
  proxyToken: { type: "string", default: "", secret: true },
} as const satisfies Record<string, KeySpec>;

export type ConfigKey = keyof typeof CONFIG_KEYS;

/**
 * Each provider of the proxy's route table (contract.ts) as the stack config names it: the key of its
 * upstream base, the secret holding its server keys, and how it refuses a caller in a region it does
 * not serve (mainland China, Hong Kong, Macau), for messages.
 */
export const PROVIDER_CONFIG = {
  openai: { title: "OpenAI", upstream: "upstream", apiKey: "openaiApiKey", refusal: '"unsupported_country_region_territory"' },
  anthropic: { title: "Anthropic", upstream: "anthropicUpstream", apiKey: "anthropicApiKey", refusal: '403 "Request not allowed"' },
  google: { title: "Google Gemini", upstream: "googleUpstream", apiKey: "googleApiKey", refusal: '"User location is not supported for the API use."' },
} as const satisfies Record<Provider, { title: string; upstream: ConfigKey; apiKey: ConfigKey; refusal: string }>;

/** Stack config as Pulumi hands it over: key (without `gptsite:`) → string value. */
export type RawConfig = Readonly<Record<string, string | undefined>>;

export const list = (values: readonly (string | number)[]) => values.join(", ");

/** `a`, `a and b`, `a, b and c`. */
export const andList = (items: readonly string[]) => (items.length < 2 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`);

/** A problem for every key that is not one: renamed (the dotted names of earlier versions) or unknown. */
export function unknownKeyProblems(raw: RawConfig): string[] {
  return Object.keys(raw)
    .filter((key) => !(key in CONFIG_KEYS))
    .map((key) => {
      const renamed = renamedKey(key);
      // Pulumi's CLI reads a dotted key as a path, so `function.provider` never met Pulumi.yaml's defaults.
      return renamed
        ? `${key}: renamed to ${renamed} (the CLI reads dotted keys as paths). ` +
            `Move it: pulumi config rm ${key} && pulumi config set ${renamed} <value>.`
        : `${key}: not a gptsite config key. Known keys are: ${list(Object.keys(CONFIG_KEYS))}.`;
    });
}

/** The flat key that replaced a dotted one (`function.provider` → `functionProvider`), if any. */
function renamedKey(key: string): ConfigKey | undefined {
  const flat = key.replace(/\.(\w)/g, (_, letter: string) => letter.toUpperCase());
  return flat !== key && flat in CONFIG_KEYS ? (flat as ConfigKey) : undefined;
}
