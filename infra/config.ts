// The one place the program reads its configuration: stack config (namespace `gptsite`), the
// environment (ACME DNS credentials) and the certificate files of `tlsMode files`. Everything is
// checked by `validateConfig`, a pure function that reports every problem at once, before any
// resource exists. Secrets leave this module only as secret Outputs.
import { readFileSync } from "node:fs";
import { isIPv4 } from "node:net";
import * as pulumi from "@pulumi/pulumi";
import { FUNCTION_TIMEOUT_SEC, PROXY_TOKEN_RULE, proxyTokenProblem } from "../contract.js";
import { NEXTCHAT_IMAGE } from "../web/nextchat.js";
import { NGINX_IMAGE, PROXY_NODE_IMAGE, isPinnedImage, isRegistryMirror, throughMirror } from "./host/images.js";
import { DNS_PROVIDERS, dnsProviders, type DnsProvider, type DnsProviderName } from "./dns/index.js";
import { FUNCTION_PROVIDERS, functionProviders, type FunctionProvider, type FunctionProviderName } from "./function/index.js";
import { TLS_MODES, tlsProviders, type TlsMode } from "./tls/index.js";

export const PROJECT = "gptsite";

type KeyType = "string" | "integer" | "boolean";
interface KeySpec {
  readonly type: KeyType;
  readonly default: string | number | boolean;
  /** Set it with `pulumi config set --secret`; never echoed in an error. */
  readonly secret?: true;
}

/**
 * Every stack config key with its type and default. Pulumi.yaml declares the same set (a test keeps
 * them equal) with the descriptions; `""` means "unset". The three secrets are not declared
 * `secret: true` there: without a default Pulumi requires them on every stack, and a secret key's
 * default is plain text, which some Pulumi versions reject.
 */
export const CONFIG_KEYS = {
  domain: { type: "string", default: "localhost" },
  upstream: { type: "string", default: "https://api.openai.com" },
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
  accessCodes: { type: "string", default: "", secret: true },
  proxyToken: { type: "string", default: "", secret: true },
} as const satisfies Record<string, KeySpec>;

export type ConfigKey = keyof typeof CONFIG_KEYS;

/** Stack config as Pulumi hands it over: key (without `gptsite:`) → string value. */
export type RawConfig = Readonly<Record<string, string | undefined>>;

/** The validated configuration. `S` is how secrets are held: `string` in tests, secret Outputs in the program. */
export interface Settings<S = string> {
  domain: string;
  /** The OpenAI-compatible API base, without `/v1`. */
  upstream: string;
  /** The upstream is OpenAI itself, so regions OpenAI refuses are refused. */
  upstreamIsOpenAI: boolean;
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
    openaiApiKey?: S;
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

const list = (values: readonly (string | number)[]) => values.join(", ");

const isLocalName = (host: string) =>
  host === "localhost" ||
  host.endsWith(".localhost") ||
  host.endsWith(".local") ||
  host.endsWith(".test") ||
  (isIPv4(host) && isPrivateIPv4(host));

function isPrivateIPv4(ip: string): boolean {
  const [a = 0, b = 0] = ip.split(".").map(Number);
  return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || a === 0;
}

const HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** `chat.example.com` → `example.com`, for examples in messages. */
const parentDomain = (domain: string) => domain.split(".").slice(-2).join(".");

/**
 * Checks raw stack config and returns typed settings with defaults applied. Throws one ConfigError
 * listing every problem; each names the key, the value received (never a secret's) and the fix.
 */
export function validateConfig(raw: RawConfig, inputs: ValidationInputs): Settings {
  const problems: string[] = [];
  const problem = (text: string) => problems.push(text);

  for (const key of Object.keys(raw)) {
    if (key in CONFIG_KEYS) continue;
    const renamed = renamedKey(key);
    if (renamed) {
      // Pulumi's CLI reads a dotted key as a path, so `function.provider` never met Pulumi.yaml's defaults.
      problem(
        `${key}: renamed to ${renamed} (the CLI reads dotted keys as paths). ` +
          `Move it: pulumi config rm ${key} && pulumi config set ${renamed} <value>.`,
      );
    } else problem(`${key}: not a gptsite config key. Known keys are: ${list(Object.keys(CONFIG_KEYS))}.`);
  }

  const text = (key: ConfigKey): string => {
    const value = raw[key];
    return value === undefined ? String(CONFIG_KEYS[key].default) : value.trim();
  };
  const integer = (key: ConfigKey, min: number, max: number, allowed: string): number => {
    const value = text(key);
    const parsed = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
    if (Number.isNaN(parsed)) {
      problem(`${key}: "${value}" is not a whole number. Allowed values are: ${allowed}.`);
      return Number(CONFIG_KEYS[key].default);
    }
    if (parsed < min || parsed > max) problem(`${key}: ${parsed} is out of range. Allowed values are: ${allowed}.`);
    return parsed;
  };
  const boolean = (key: ConfigKey): boolean => {
    const value = text(key);
    if (value !== "true" && value !== "false") {
      problem(`${key}: "${value}" is not a boolean. Allowed values are: true, false.`);
      return (CONFIG_KEYS[key] as KeySpec).default === true;
    }
    return value === "true";
  };
  function oneOf<T extends string>(key: ConfigKey, allowed: readonly T[], what: string): T | undefined {
    const value = text(key);
    if ((allowed as readonly string[]).includes(value)) return value as T;
    problem(`${key}: "${value}" is not ${what}. Allowed values are: ${list(allowed)}.`);
    return undefined;
  }
  const secret = (key: ConfigKey): string | undefined => text(key) || undefined;

  // --- the site's name and the upstream API
  const domain = text("domain").toLowerCase();
  if (!HOST_NAME.test(domain) && !isIPv4(domain)) {
    problem(`domain: "${domain}" is not a host name. Use the site's name, e.g. chat.example.com, or localhost.`);
  }
  const local = isLocalName(domain);

  const upstream = text("upstream").replace(/\/+$/, "");
  let upstreamIsOpenAI = false;
  try {
    const url = new URL(upstream);
    if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error("scheme");
    if (url.pathname.replace(/\/+$/, "").endsWith("/v1")) {
      problem(`upstream: "${upstream}" ends in /v1. Give the base URL without it, e.g. https://api.openai.com.`);
    }
    upstreamIsOpenAI = url.hostname === "api.openai.com";
  } catch {
    problem(`upstream: "${upstream}" is not an http(s) URL. Use an OpenAI-compatible base, e.g. https://api.openai.com.`);
  }

  // --- the function proxy
  const fnProvider = oneOf("functionProvider", FUNCTION_PROVIDERS, "a function provider");
  const fnRules: FunctionProvider = functionProviders[fnProvider ?? "none"];
  const region = text("functionRegion") || fnRules.defaultRegion;
  if (fnProvider && fnRules.regions.length > 0) {
    const refused = fnRules.refusedRegions.includes(region);
    if (refused && upstreamIsOpenAI) {
      problem(
        `functionRegion: "${region}" is in mainland China, Hong Kong or Macau, where OpenAI refuses requests ` +
          `("unsupported_country_region_territory"); the proxy exists to call it from outside. ` +
          `Allowed values are: ${list(fnRules.regions)}.`,
      );
    } else if (!refused && !fnRules.regions.includes(region)) {
      const allowed = upstreamIsOpenAI ? fnRules.regions : [...fnRules.regions, ...fnRules.refusedRegions];
      problem(`functionRegion: "${region}" is not a region of ${fnRules.title}. Allowed values are: ${list(allowed)}.`);
    }
  }
  const memoryMb = integer("functionMemoryMb", 1, 65536, fnRules.memory.text);
  if (fnProvider && Number.isInteger(memoryMb) && memoryMb >= 1 && !fnRules.memory.allowed(memoryMb)) {
    problem(`functionMemoryMb: ${memoryMb} is not allowed on ${fnRules.title}. Allowed values are: ${fnRules.memory.text}.`);
  }
  const timeoutSec = integer(
    "functionTimeoutSec",
    1,
    FUNCTION_TIMEOUT_SEC,
    `1 to ${FUNCTION_TIMEOUT_SEC} (SCF's ceiling; Nginx waits as long as the function may run)`,
  );
  const concurrency = integer(
    "functionConcurrency",
    1,
    fnRules.maxConcurrency,
    fnRules.maxConcurrency === Number.MAX_SAFE_INTEGER ? "1 or more" : `1 to ${fnRules.maxConcurrency}`,
  );
  const maxInstances = integer("functionMaxInstances", 0, 1000, "0 (no cap) to 1000");

  // --- the Docker host
  const docker = text("hostDocker");
  let sshHost: string | undefined;
  if (docker.startsWith("ssh://")) {
    const url = URL.canParse(docker) ? new URL(docker) : undefined;
    if (!url || !url.hostname) {
      problem(`hostDocker: "${docker}" is not an ssh:// address. Use ssh://user@host or ssh://user@host:port.`);
    } else if (!url.username) {
      problem(`hostDocker: "${docker}" has no user. Use ssh://user@${url.host} (a user allowed to run docker there).`);
    } else {
      sshHost = url.hostname;
    }
  } else if (!/^unix:\/\/\/.+/.test(docker)) {
    problem(
      `hostDocker: "${docker}" is not a Docker address this program supports. ` +
        `Allowed values are: unix:///var/run/docker.sock (this machine), ssh://user@host[:port] (a server).`,
    );
  }
  const givenIp = text("hostIp");
  if (givenIp && !isIPv4(givenIp)) problem(`hostIp: "${givenIp}" is not an IPv4 address, e.g. 203.0.113.7.`);
  // The address the config names (hostIp, else an IPv4 in the ssh:// address), or "" when it names none.
  const namedIp = givenIp || (sshHost && isIPv4(sshHost) ? sshHost : "");
  const hostIp = namedIp || "127.0.0.1";
  const httpPort = integer("hostHttpPort", 1, 65535, "1 to 65535");
  const httpsPort = integer("hostHttpsPort", 1, 65535, "1 to 65535");
  if (httpPort === httpsPort) problem(`hostHttpsPort: ${httpsPort} is also hostHttpPort. Use two different ports.`);

  // --- DNS
  const dnsProvider = oneOf("dnsProvider", DNS_PROVIDERS, "a DNS provider");
  const dns: DnsProvider = dnsProviders[dnsProvider ?? "none"];
  const zone = text("dnsZone").toLowerCase().replace(/\.$/, "");
  if (dnsProvider && dns.managesRecord) {
    if (!zone) {
      problem(
        `dnsZone: required with dnsProvider "${dnsProvider}": the registered domain that holds "${domain}", ` +
          `e.g. pulumi config set dnsZone ${parentDomain(domain)}.`,
      );
    } else if (domain !== zone && !domain.endsWith(`.${zone}`)) {
      problem(
        `dnsZone: "${zone}" does not contain domain "${domain}". Use domain itself or a parent of it, ` +
          `e.g. ${parentDomain(domain)}.`,
      );
    }
    if (!namedIp) {
      problem(
        `hostIp: required with dnsProvider "${dnsProvider}" (the A record points at it), and hostDocker ` +
          `"${docker}" does not name it. Set it: pulumi config set hostIp <the server's public IPv4>.`,
      );
    } else if (isPrivateIPv4(hostIp)) {
      problem(`hostIp: "${hostIp}" is not a public address; the A record must point at the server's public IPv4.`);
    }
  }
  const ttl = integer("dnsTtl", 1, 86400, `${dns.minTtl} to 86400`);
  if (ttl >= 1 && ttl < dns.minTtl) problem(`dnsTtl: ${ttl} is below what ${dns.title} accepts. Allowed values are: ${dns.minTtl} to 86400.`);
  const proxied = boolean("dnsProxied");
  if (proxied && !dns.proxiable) {
    problem(`dnsProxied: true only applies to Cloudflare, and dnsProvider is "${dnsProvider}". Allowed values are: false.`);
  }

  // --- TLS
  const tlsMode = oneOf("tlsMode", TLS_MODES, "a TLS mode");
  const email = text("tlsEmail");
  if (email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) problem(`tlsEmail: "${email}" is not an email address.`);
  const acmeServer = text("tlsAcmeServer");
  const acmeCredentials: Record<string, string> = {};
  let certificatePem: string | undefined;
  let privateKeyPem: string | undefined;
  const mode = tlsMode ? tlsProviders[tlsMode] : undefined;
  if (mode?.needsDnsChallenge) {
    if (local) problem(`tlsMode: "acme" cannot get a public certificate for domain "${domain}". Use tlsMode none or files.`);
    if (!/^https:\/\//.test(acmeServer)) problem(`tlsAcmeServer: "${acmeServer}" is not an https:// ACME directory URL.`);
    const challenge = dnsProvider ? dnsProviders[dnsProvider] : undefined;
    if (challenge && !challenge.acme) {
      problem(
        `tlsMode: "acme" proves the domain with a DNS-01 record, and dnsProvider is "${dnsProvider}". ` +
          `Set dnsProvider to one of: ${list(DNS_PROVIDERS.filter((p) => dnsProviders[p].acme))}, or use tlsMode files.`,
      );
    } else if (challenge?.acme) {
      for (const [legoName, envName] of Object.entries(challenge.acme.credentials)) {
        const value = inputs.env[envName];
        if (value) acmeCredentials[legoName] = value;
        else {
          problem(
            `tlsMode: "acme" with dnsProvider "${dnsProvider}" needs ${envName} in the environment ` +
              `(handed to lego as ${legoName} for the DNS-01 challenge).`,
          );
        }
      }
    }
  }
  if (mode?.readsFiles) {
    certificatePem = readPem(inputs, problem, "tlsCertFile", text("tlsCertFile"), "CERTIFICATE");
    privateKeyPem = readPem(inputs, problem, "tlsKeyFile", text("tlsKeyFile"), "PRIVATE KEY");
  }
  const allowInsecure = boolean("tlsAllowInsecure");
  // A server reached over ssh:// publishes Nginx's ports to the Internet, whatever the domain says.
  const remoteHost = sshHost !== undefined && sshHost !== "localhost" && !(isIPv4(sshHost) && isPrivateIPv4(sshHost));
  if (mode && !mode.encrypts && !local && !allowInsecure) {
    problem(
      `tlsMode: "none" with domain "${domain}" sends access codes and the proxy token over plain HTTP. ` +
        `Use tlsMode acme or files, or set tlsAllowInsecure true to force it.`,
    );
  } else if (mode && !mode.encrypts && remoteHost && !allowInsecure) {
    problem(
      `tlsMode: "none" with hostDocker "${docker}" serves the site from that server over plain HTTP (port ${httpPort}), ` +
        `so access codes and the proxy token cross the Internet unencrypted. ` +
        `Set domain to the site's name with tlsMode acme or files, or set tlsAllowInsecure true to force it.`,
    );
  }

  // --- the images, and the web UI
  const pinned = (key: "webImage" | "nginxImage" | "proxyImage"): string => {
    const image = text(key);
    if (!isPinnedImage(image)) {
      problem(`${key}: "${image}" is not an image name pinned to a version tag or digest, e.g. ${CONFIG_KEYS[key].default}.`);
    }
    return image;
  };
  const webImage = pinned("webImage");
  const nginxImage = pinned("nginxImage");
  const proxyImage = pinned("proxyImage");
  const mirror = text("registryMirror");
  if (mirror && !isRegistryMirror(mirror)) {
    problem(
      `registryMirror: "${mirror}" is not a registry address. Give host[:port][/path] without a scheme, ` +
        `e.g. registry.example.com:5000 or docker.m.daocloud.io.`,
    );
  }
  const bindAddress = text("webBindAddress");
  if (!isIPv4(bindAddress)) {
    problem(`webBindAddress: "${bindAddress}" is not an IPv4 address. Allowed values are: 127.0.0.1 (only this host), 0.0.0.0 (everyone).`);
  }
  const timezone = text("webTimezone");
  if (!timezone) problem(`webTimezone: empty. Use an IANA name, e.g. Asia/Shanghai.`);
  const accessCodeCount = integer("webAccessCodeCount", 0, 20, "0 to 20");

  // --- secrets (their values never appear in a message)
  const openaiApiKey = secret("openaiApiKey");
  const codes = (secret("accessCodes") ?? "")
    .split(",")
    .map((code) => code.trim())
    .filter(Boolean);
  if (codes.some((code) => !/^[\x21-\x7e]+$/.test(code))) {
    problem(`accessCodes: (value hidden) has a code with spaces or non-ASCII characters. Use comma-separated printable codes.`);
  }
  if (openaiApiKey && codes.length === 0 && accessCodeCount === 0) {
    problem(
      `accessCodes: empty while openaiApiKey is set and webAccessCodeCount is 0, so anyone who finds the ` +
        `site spends your key. Set codes (pulumi config set --secret accessCodes code1,code2) or set ` +
        `webAccessCodeCount to 1 or more to generate them.`,
    );
  }
  if (openaiApiKey && isIPv4(bindAddress) && !bindAddress.startsWith("127.")) {
    problem(
      `webBindAddress: "${bindAddress}" publishes NextChat past Nginx while openaiApiKey is set: its other /api/* routes ` +
        `(which Nginx blocks: they relay to a caller-chosen x-base-url) and plain HTTP would be open to whoever reaches the host. ` +
        `Use 127.0.0.1 (the site is still served through Nginx), or unset openaiApiKey.`,
    );
  }
  const proxyToken = secret("proxyToken");
  const tokenProblem = proxyToken === undefined ? undefined : proxyTokenProblem(proxyToken);
  if (tokenProblem !== undefined) {
    problem(`proxyToken: (value hidden) must be ${PROXY_TOKEN_RULE}; got ${tokenProblem}. Unset it to have one generated.`);
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    domain,
    upstream,
    upstreamIsOpenAI,
    function: { provider: fnProvider!, region: fnRules.regions.length > 0 ? region : "", memoryMb, timeoutSec, concurrency, maxInstances },
    dns: { provider: dnsProvider!, zone, ttl, proxied },
    host: { docker, ip: hostIp, httpPort, httpsPort },
    tls: {
      mode: tlsMode!,
      email,
      acmeServer,
      ...(certificatePem !== undefined ? { certificatePem } : {}),
      ...(privateKeyPem !== undefined ? { privateKeyPem } : {}),
      acmeCredentials,
    },
    web: { bindAddress, timezone, accessCodeCount },
    images: {
      web: throughMirror(webImage, mirror),
      nginx: throughMirror(nginxImage, mirror),
      proxy: throughMirror(proxyImage, mirror),
    },
    secrets: {
      ...(openaiApiKey ? { openaiApiKey } : {}),
      ...(codes.length > 0 ? { accessCodes: codes.join(",") } : {}),
      ...(proxyToken ? { proxyToken } : {}),
    },
  };
}

/** The flat key that replaced a dotted one (`function.provider` → `functionProvider`), if any. */
function renamedKey(key: string): ConfigKey | undefined {
  const flat = key.replace(/\.(\w)/g, (_, letter: string) => letter.toUpperCase());
  return flat !== key && flat in CONFIG_KEYS ? (flat as ConfigKey) : undefined;
}

function readPem(
  inputs: ValidationInputs,
  problem: (text: string) => void,
  key: ConfigKey,
  path: string,
  label: string,
): string | undefined {
  if (!path) {
    problem(`${key}: required with tlsMode "files": the path of the PEM ${label.toLowerCase()} file.`);
    return undefined;
  }
  let content: string;
  try {
    content = inputs.readFile(path);
  } catch (error) {
    problem(`${key}: cannot read "${path}": ${(error as Error).message}.`);
    return undefined;
  }
  if (!content.includes(`-----BEGIN `) || !content.includes(`${label}-----`)) {
    problem(`${key}: "${path}" holds no PEM ${label.toLowerCase()} (no "-----BEGIN … ${label}-----" line).`);
    return undefined;
  }
  return content;
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
