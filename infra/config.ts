// The one place the program reads its configuration: stack config (namespace `gptsite`), the
// environment (ACME DNS credentials) and the certificate files of `tlsMode files`. validateConfig
// checks it area by area (config/: site, function, host, dns, tls, web, secrets), reports every
// problem at once, before any resource exists, and returns typed settings. Secrets leave this module
// only as secret Outputs.
import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { PROVIDERS, type Provider } from "../contract.js";
import { validateDns } from "./config/dns.js";
import { regionRefusers, validateFunction } from "./config/function.js";
import { validateHost } from "./config/host.js";
import { PROJECT, PROVIDER_CONFIG, unknownKeyProblems, type RawConfig } from "./config/keys.js";
import { ConfigReader } from "./config/reader.js";
import { keyedProviders, validateSecrets } from "./config/secrets.js";
import { validateSite } from "./config/site.js";
import { validateTls } from "./config/tls.js";
import { validateWeb } from "./config/web.js";
import type { DnsProviderName } from "./dns/index.js";
import type { FunctionProviderName } from "./function/index.js";
import type { TlsMode } from "./tls/index.js";

export { CONFIG_KEYS, PROJECT, PROVIDER_CONFIG, type ConfigKey, type RawConfig } from "./config/keys.js";

/** The validated configuration. `S` is how secrets are held: `string` in tests, secret Outputs in the program. */
export interface Settings<S = string> {
  domain: string;
  /** Each provider's API base (its own or a compatible service's), without its API version (`/v1`…). */
  upstreams: Record<Provider, string>;
  function: {
    provider: FunctionProviderName;
    region: string;
    memoryMb: number;
    timeoutSec: number;
    concurrency: number;
    /** 0: no cap. */
    maxInstances: number;
  };
  dns: { provider: DnsProviderName; zone: string; ttl: number; proxied: boolean };
  host: {
    /** `unix://…` or `ssh://user@host`. */
    docker: string;
    /** Public IPv4 of the Docker host (set, or taken from an `ssh://` address), or `127.0.0.1`. */
    ip: string;
    httpPort: number;
    httpsPort: number;
  };
  tls: {
    mode: TlsMode;
    email: string;
    acmeServer: string;
    /** `files` mode: the PEM chain and key read from tlsCertFile / tlsKeyFile. */
    certificatePem?: string;
    privateKeyPem?: S;
    /** lego variable → value, for the ACME DNS-01 challenge of `dnsProvider`. */
    acmeCredentials: Record<string, S>;
  };
  web: { bindAddress: string; timezone: string; accessCodeCount: number };
  /** What the Docker host pulls, registryMirror applied. */
  images: { web: string; nginx: string; proxy: string };
  secrets: {
    /** Each provider's server keys: one, or a comma-separated list (the proxy fails over along it). */
    openaiApiKey?: S;
    anthropicApiKey?: S;
    googleApiKey?: S;
    /** Comma-separated, as NextChat's CODE wants them. */
    accessCodes?: S;
    proxyToken?: S;
  };
}

/** Every problem found, in one error, so one run shows them all (a RunError: Pulumi prints no stack). */
export class ConfigError extends pulumi.RunError {
  constructor(readonly problems: readonly string[]) {
    const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
    super(`gptsite: the stack config has ${count}:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** What validation may look at besides the stack config; a test passes its own. */
export interface ValidationInputs {
  env: Readonly<Record<string, string | undefined>>;
  /** Returns the file's text or throws (its message is reported). */
  readFile: (path: string) => string;
}

/**
 * Checks raw stack config and returns typed settings with defaults applied. Throws one ConfigError
 * listing every problem; each names the key, the value received (never a secret's) and the fix.
 * Later areas read what earlier ones found (the domain, the host's address, the DNS provider).
 */
export function validateConfig(raw: RawConfig, inputs: ValidationInputs): Settings {
  const config = new ConfigReader(raw);
  for (const problem of unknownKeyProblems(raw)) config.problem(problem);
  const site = validateSite(config);
  const fn = validateFunction(config, regionRefusers(site, keyedProviders(config)));
  const { host, namedIp, remote } = validateHost(config);
  const dns = validateDns(config, { domain: site.domain, host, namedIp });
  const tls = validateTls(config, inputs, { domain: site.domain, local: site.local, dnsProvider: dns.provider, host, remote });
  const { web, images } = validateWeb(config);
  const secrets = validateSecrets(config, web);
  if (config.problems.length > 0) throw new ConfigError(config.problems);
  // No problem reported: every provider name was one of the registry's.
  return {
    domain: site.domain,
    upstreams: site.upstreams,
    function: { ...fn, provider: fn.provider! },
    dns: { ...dns, provider: dns.provider! },
    host,
    tls: { ...tls, mode: tls.mode! },
    web,
    images,
    secrets,
  };
}

/** The server keys of `secrets` by provider (openaiApiKey → openai…). */
export function serverKeys<S>(secrets: Settings<S>["secrets"]): Partial<Record<Provider, S>> {
  return Object.fromEntries(
    PROVIDERS.flatMap((provider) => {
      const keys = secrets[PROVIDER_CONFIG[provider].apiKey];
      return keys === undefined ? [] : [[provider, keys]];
    }),
  );
}

/** Turns every secret of validated settings into a secret Output. */
export function secretSettings(settings: Settings): Settings<pulumi.Output<string>> {
  const secrets = <K extends string>(values: Partial<Record<K, string>>) =>
    Object.fromEntries(
      Object.entries(values)
        .filter(([, value]) => value !== undefined)
        .map(([name, value]) => [name, pulumi.secret(value as string)]),
    ) as Partial<Record<K, pulumi.Output<string>>>;
  const { privateKeyPem, acmeCredentials, ...tls } = settings.tls;
  return {
    ...settings,
    tls: {
      ...tls,
      ...secrets({ privateKeyPem }),
      acmeCredentials: secrets(acmeCredentials) as Record<string, pulumi.Output<string>>,
    },
    secrets: secrets(settings.secrets),
  };
}

/** Reads the current stack's config and environment, validates them, and returns secrets as secret Outputs. */
export function readConfig(): Settings<pulumi.Output<string>> {
  const prefix = `${PROJECT}:`;
  const raw = Object.fromEntries(
    Object.entries(pulumi.runtime.allConfig())
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, value]) => [key.slice(prefix.length), value]),
  );
  const settings = validateConfig(raw, { env: process.env, readFile: (path) => readFileSync(path, "utf8") });
  return secretSettings(settings);
}
