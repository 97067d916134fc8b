import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { CONFIG_KEYS, ConfigError, validateConfig, type RawConfig, type Settings } from "../../infra/config.js";
import { DNS_PROVIDERS } from "../../infra/dns/index.js";
import { FUNCTION_PROVIDERS } from "../../infra/function/index.js";
import { TLS_MODES } from "../../infra/tls/index.js";
import { ROOT, TEST_CERTIFICATE, TEST_INPUTS, TEST_PRIVATE_KEY, fakeCredential, readStackConfig, stackFiles } from "./stacks.js";

/** The problems validateConfig reports for `raw`, or [] when it accepts it. */
function problemsOf(raw: RawConfig, inputs = TEST_INPUTS): readonly string[] {
  try {
    validateConfig(raw, inputs);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems;
  }
}

const publicSite = {
  domain: "chat.example.com",
  dnsProvider: "cloudflare",
  dnsZone: "example.com",
  hostIp: "203.0.113.7",
  tlsMode: "acme",
};

describe("Pulumi.yaml", () => {
  const project = YAML.parse(readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as {
    name: string;
    main: string;
    runtime: { name: string };
    config: Record<string, { type: string; default: unknown; description: string; secret?: boolean }>;
  };

  it("declares the project and the program Pulumi runs", () => {
    expect(project.name).toBe("gptsite");
    expect(project.runtime.name).toBe("nodejs");
    expect(project.main).toBe("infra/index.ts");
  });

  it("declares exactly the keys infra/config.ts reads, with the same types and defaults", () => {
    const declared = Object.fromEntries(
      Object.entries(project.config).map(([key, spec]) => [key, { type: spec.type, default: spec.default }]),
    );
    const expected = Object.fromEntries(
      Object.entries(CONFIG_KEYS).map(([key, spec]) => [key, { type: spec.type, default: spec.default }]),
    );
    expect(declared).toEqual(expected);
  });

  it("describes every key, and tells to set each secret with --secret", () => {
    for (const [key, spec] of Object.entries(project.config)) {
      expect(spec.description, key).toMatch(/\w{3,}.*\./);
      const isSecret = "secret" in CONFIG_KEYS[key as keyof typeof CONFIG_KEYS];
      expect(spec.description.includes("(--secret)"), key).toBe(isSecret);
      // A declared secret with an empty default fails `pulumi up` on a fresh stack (see CONFIG_KEYS).
      expect(spec.secret, key).toBeUndefined();
    }
  });
});

describe("validateConfig", () => {
  it("defaults to the all-local stack", () => {
    const settings = validateConfig({}, TEST_INPUTS);
    expect(settings).toEqual({
      domain: "localhost",
      upstream: "https://api.openai.com",
      upstreamIsOpenAI: true,
      function: { provider: "docker", region: "", memoryMb: 128, timeoutSec: 900, concurrency: 2, maxInstances: 10 },
      dns: { provider: "none", zone: "", ttl: 600, proxied: false },
      host: { docker: "unix:///var/run/docker.sock", ip: "127.0.0.1", httpPort: 80, httpsPort: 443 },
      tls: { mode: "none", email: "", acmeServer: "https://acme-v02.api.letsencrypt.org/directory", acmeCredentials: {} },
      web: { bindAddress: "127.0.0.1", timezone: "Asia/Shanghai", accessCodeCount: 1 },
      images: { web: "yidadaa/chatgpt-next-web:v2.16.1", nginx: "nginx:1.28.0-bookworm", proxy: "node:20.18.0-alpine" },
      secrets: {},
    } satisfies Settings);
  });

  it("takes each cloud's default region, and no region where the proxy is not in a cloud", () => {
    const region = (provider: string) => validateConfig({ functionProvider: provider }, TEST_INPUTS).function.region;
    expect(region("tencent")).toBe("ap-singapore");
    expect(region("aliyun")).toBe("ap-southeast-1");
    expect(region("docker")).toBe("");
    expect(region("none")).toBe("");
  });

  it("takes the host's IP from an ssh:// address and the ACME credentials from the environment", () => {
    const settings = validateConfig(
      { ...publicSite, hostIp: "", hostDocker: "ssh://root@203.0.113.9:2222" },
      TEST_INPUTS,
    );
    expect(settings.host.ip).toBe("203.0.113.9");
    expect(settings.tls.acmeCredentials).toEqual({ CF_DNS_API_TOKEN: fakeCredential("CLOUDFLARE_API_TOKEN") });
  });

  it("reads the certificate files of tlsMode files", () => {
    const settings = validateConfig(
      { tlsMode: "files", tlsCertFile: "certs/fullchain.pem", tlsKeyFile: "certs/privkey.pem" },
      TEST_INPUTS,
    );
    expect(settings.tls.certificatePem).toBe(TEST_CERTIFICATE);
    expect(settings.tls.privateKeyPem).toBe(TEST_PRIVATE_KEY);
  });

  it("allows China regions for an upstream that is not OpenAI", () => {
    const settings = validateConfig(
      { functionProvider: "aliyun", functionRegion: "cn-hangzhou", upstream: "https://api.deepseek.com" },
      TEST_INPUTS,
    );
    expect(settings.function.region).toBe("cn-hangzhou");
    expect(settings.upstreamIsOpenAI).toBe(false);
  });

  it("keeps secrets as given, codes normalised to one comma-separated list", () => {
    const settings = validateConfig(
      { openaiApiKey: "sk-test", accessCodes: " alpha, beta ,,", proxyToken: "0123456789abcdefXYZ" },
      TEST_INPUTS,
    );
    expect(settings.secrets).toEqual({ openaiApiKey: "sk-test", accessCodes: "alpha,beta", proxyToken: "0123456789abcdefXYZ" });
  });

  it("holds proxyToken to the proxy's own rule: a ':' passes, a character the proxy refuses does not", () => {
    expect(validateConfig({ proxyToken: "0123456789:abcdef" }, TEST_INPUTS).secrets.proxyToken).toBe("0123456789:abcdef");
    expect(problemsOf({ proxyToken: "0123456789abcdefé" })).toEqual([
      "proxyToken: (value hidden) must be at least 16 visible ASCII characters, no spaces (it travels in a header); got a space or a character that is not visible ASCII. Unset it to have one generated.",
    ]);
  });

  // Each bad setting and the exact sentence that names the key, the value and the fix.
  const cases: [string, RawConfig, string | string[], ValidationInputsOverride?][] = [
    [
      "an unknown function provider",
      { functionProvider: "tencnet" },
      'functionProvider: "tencnet" is not a function provider. Allowed values are: tencent, aliyun, docker, none.',
    ],
    [
      "an unknown DNS provider",
      { dnsProvider: "route53" },
      'dnsProvider: "route53" is not a DNS provider. Allowed values are: cloudflare, dnspod, alidns, none.',
    ],
    [
      "an unknown TLS mode",
      { tlsMode: "self-signed" },
      'tlsMode: "self-signed" is not a TLS mode. Allowed values are: acme, files, none.',
    ],
    [
      "a DNS provider without a zone",
      { ...publicSite, dnsZone: "" },
      'dnsZone: required with dnsProvider "cloudflare": the registered domain that holds "chat.example.com", e.g. pulumi config set dnsZone example.com.',
    ],
    [
      "a zone that does not contain the domain",
      { ...publicSite, dnsZone: "example.org" },
      'dnsZone: "example.org" does not contain domain "chat.example.com". Use domain itself or a parent of it, e.g. example.com.',
    ],
    [
      "a mainland China region with OpenAI upstream",
      { functionProvider: "tencent", functionRegion: "ap-guangzhou" },
      'functionRegion: "ap-guangzhou" is in mainland China, Hong Kong or Macau, where OpenAI refuses requests ("unsupported_country_region_territory"); the proxy exists to call it from outside. Allowed values are: ap-singapore, ap-tokyo, ap-seoul, ap-bangkok, ap-jakarta, ap-mumbai, na-siliconvalley, na-ashburn, na-toronto, eu-frankfurt, sa-saopaulo.',
    ],
    [
      "a Hong Kong region with OpenAI upstream",
      { functionProvider: "aliyun", functionRegion: "cn-hongkong" },
      'functionRegion: "cn-hongkong" is in mainland China, Hong Kong or Macau, where OpenAI refuses requests ("unsupported_country_region_territory"); the proxy exists to call it from outside. Allowed values are: ap-southeast-1, ap-southeast-3, ap-southeast-5, ap-southeast-7, ap-northeast-1, ap-northeast-2, ap-south-1, eu-central-1, eu-west-1, us-east-1, us-west-1.',
    ],
    [
      "a region the provider does not have",
      { functionProvider: "aliyun", functionRegion: "ap-singapore" },
      'functionRegion: "ap-singapore" is not a region of Alibaba Cloud Function Compute 3.0. Allowed values are: ap-southeast-1, ap-southeast-3, ap-southeast-5, ap-southeast-7, ap-northeast-1, ap-northeast-2, ap-south-1, eu-central-1, eu-west-1, us-east-1, us-west-1.',
    ],
    [
      "a server-side key without access codes",
      { openaiApiKey: "sk-never-shown", webAccessCodeCount: "0" },
      "accessCodes: empty while openaiApiKey is set and webAccessCodeCount is 0, so anyone who finds the site spends your key. Set codes (pulumi config set --secret accessCodes code1,code2) or set webAccessCodeCount to 1 or more to generate them.",
    ],
    [
      "an ssh:// host without a user",
      { hostDocker: "ssh://203.0.113.7" },
      'hostDocker: "ssh://203.0.113.7" has no user. Use ssh://user@203.0.113.7 (a user allowed to run docker there).',
    ],
    [
      "a Docker address of another kind",
      { hostDocker: "tcp://203.0.113.7:2375" },
      'hostDocker: "tcp://203.0.113.7:2375" is not a Docker address this program supports. Allowed values are: unix:///var/run/docker.sock (this machine), ssh://user@host[:port] (a server).',
    ],
    [
      "64 MB on Function Compute",
      { functionProvider: "aliyun", functionMemoryMb: "64" },
      "functionMemoryMb: 64 is not allowed on Alibaba Cloud Function Compute 3.0. Allowed values are: 128 to 32768 in steps of 64 (FC 3.0 has no 64 MB size).",
    ],
    [
      "a memory size SCF does not offer",
      { functionProvider: "tencent", functionMemoryMb: "200" },
      "functionMemoryMb: 200 is not allowed on Tencent Cloud SCF (web function). Allowed values are: 64, or 128 to 3072 in steps of 128.",
    ],
    [
      "a timeout above 900 s",
      { functionTimeoutSec: "1000" },
      "functionTimeoutSec: 1000 is out of range. Allowed values are: 1 to 900 (SCF's ceiling; Nginx waits as long as the function may run).",
    ],
    [
      "a number that is not one",
      { functionConcurrency: "two" },
      'functionConcurrency: "two" is not a whole number. Allowed values are: 1 or more.',
    ],
    [
      "plain HTTP for a public domain",
      { domain: "chat.example.com" },
      'tlsMode: "none" with domain "chat.example.com" sends access codes and the proxy token over plain HTTP. Use tlsMode acme or files, or set tlsAllowInsecure true to force it.',
    ],
    [
      "ACME without a DNS provider",
      { domain: "chat.example.com", tlsMode: "acme" },
      'tlsMode: "acme" proves the domain with a DNS-01 record, and dnsProvider is "none". Set dnsProvider to one of: cloudflare, dnspod, alidns, or use tlsMode files.',
    ],
    [
      "ACME without the DNS provider's credentials",
      publicSite,
      'tlsMode: "acme" with dnsProvider "cloudflare" needs CLOUDFLARE_API_TOKEN in the environment (handed to lego as CF_DNS_API_TOKEN for the DNS-01 challenge).',
      { env: {} },
    ],
    [
      "ACME for localhost",
      { tlsMode: "acme" },
      [
        'tlsMode: "acme" cannot get a public certificate for domain "localhost". Use tlsMode none or files.',
        'tlsMode: "acme" proves the domain with a DNS-01 record, and dnsProvider is "none". Set dnsProvider to one of: cloudflare, dnspod, alidns, or use tlsMode files.',
      ],
    ],
    [
      "an unreadable certificate file",
      { tlsMode: "files", tlsCertFile: "missing.crt", tlsKeyFile: "certs/privkey.pem" },
      `tlsCertFile: cannot read "missing.crt": ENOENT: no such file or directory, open 'missing.crt'.`,
    ],
    [
      "a key file that holds no key",
      { tlsMode: "files", tlsCertFile: "certs/fullchain.pem", tlsKeyFile: "certs/chain.pem" },
      'tlsKeyFile: "certs/chain.pem" holds no PEM private key (no "-----BEGIN … PRIVATE KEY-----" line).',
    ],
    [
      "a DNS provider without the host's IP",
      { ...publicSite, hostIp: "" },
      `hostIp: required with dnsProvider "cloudflare" (the A record points at it), and hostDocker "unix:///var/run/docker.sock" does not name it. Set it: pulumi config set hostIp <the server's public IPv4>.`,
    ],
    [
      "an A record to a private address",
      { ...publicSite, hostIp: "192.168.1.20" },
      'hostIp: "192.168.1.20" is not a public address; the A record must point at the server\'s public IPv4.',
    ],
    [
      "a TTL below the provider's floor",
      { ...publicSite, dnsProvider: "alidns", dnsTtl: "60" },
      "dnsTtl: 60 is below what Alibaba Cloud DNS accepts. Allowed values are: 600 to 86400.",
    ],
    [
      "proxied with a DNS provider other than Cloudflare",
      { ...publicSite, dnsProvider: "dnspod", dnsProxied: "true" },
      'dnsProxied: true only applies to Cloudflare, and dnsProvider is "dnspod". Allowed values are: false.',
    ],
    [
      "an upstream ending in /v1",
      { upstream: "https://api.openai.com/v1" },
      'upstream: "https://api.openai.com/v1" ends in /v1. Give the base URL without it, e.g. https://api.openai.com.',
    ],
    [
      "an unpinned NextChat image",
      { webImage: "yidadaa/chatgpt-next-web:latest" },
      'webImage: "yidadaa/chatgpt-next-web:latest" is not an image name pinned to a version tag or digest, e.g. yidadaa/chatgpt-next-web:v2.16.1.',
    ],
    [
      "an Nginx image with no tag",
      { nginxImage: "nginx" },
      'nginxImage: "nginx" is not an image name pinned to a version tag or digest, e.g. nginx:1.28.0-bookworm.',
    ],
    [
      "a proxy image with an upper-case path",
      { proxyImage: "Node:20" },
      'proxyImage: "Node:20" is not an image name pinned to a version tag or digest, e.g. node:20.18.0-alpine.',
    ],
    [
      "a registry mirror given as a URL",
      { registryMirror: "https://docker.m.daocloud.io" },
      'registryMirror: "https://docker.m.daocloud.io" is not a registry address. Give host[:port][/path] without a scheme, e.g. registry.example.com:5000 or docker.m.daocloud.io.',
    ],
    [
      "a key in the dotted form of earlier versions",
      { "function.provider": "tencent" },
      "function.provider: renamed to functionProvider (the CLI reads dotted keys as paths). Move it: pulumi config rm function.provider && pulumi config set functionProvider <value>.",
    ],
    [
      "a misspelt key",
      { "functon.provider": "docker" },
      `functon.provider: not a gptsite config key. Known keys are: ${Object.keys(CONFIG_KEYS).join(", ")}.`,
    ],
  ];
  type ValidationInputsOverride = Partial<typeof TEST_INPUTS>;

  it.each(cases)("refuses %s", (_name, raw, message, override) => {
    expect(problemsOf(raw, { ...TEST_INPUTS, ...override })).toEqual([message].flat());
  });

  it("pulls Docker Hub names through registryMirror, official images under library/, other registries as given", () => {
    const images = (raw: RawConfig) => validateConfig(raw, TEST_INPUTS).images;
    expect(images({ registryMirror: "registry.example.com:5000" })).toEqual({
      web: "registry.example.com:5000/yidadaa/chatgpt-next-web:v2.16.1",
      nginx: "registry.example.com:5000/library/nginx:1.28.0-bookworm",
      proxy: "registry.example.com:5000/library/node:20.18.0-alpine",
    });
    expect(
      images({
        registryMirror: "harbor.example.com/hub-cache/",
        webImage: "ghcr.io/chatgptnextweb/chatgpt-next-web:v2.16.1",
        nginxImage: "localhost:5000/nginx:1.28.0-bookworm",
        proxyImage: "node@sha256:" + "a".repeat(64),
      }),
    ).toEqual({
      web: "ghcr.io/chatgptnextweb/chatgpt-next-web:v2.16.1",
      nginx: "localhost:5000/nginx:1.28.0-bookworm",
      proxy: `harbor.example.com/hub-cache/library/node@sha256:${"a".repeat(64)}`,
    });
  });

  it("never repeats a secret's value in a message", () => {
    const problems = problemsOf({ proxyToken: "short secret-value", accessCodes: "ok, has space" });
    expect(problems).toEqual([
      "accessCodes: (value hidden) has a code with spaces or non-ASCII characters. Use comma-separated printable codes.",
      "proxyToken: (value hidden) must be at least 16 visible ASCII characters, no spaces (it travels in a header); got a space or a character that is not visible ASCII. Unset it to have one generated.",
    ]);
    expect(problems.join("\n")).not.toMatch(/secret-value|has space/);
  });

  it("reports every problem at once, in one error", () => {
    let error: unknown;
    try {
      validateConfig(
        {
          domain: "chat.example.com",
          functionProvider: "aliyun",
          functionMemoryMb: "64",
          functionTimeoutSec: "3600",
          dnsProvider: "cloudflare",
          hostDocker: "ssh://203.0.113.7",
          openaiApiKey: "sk-test",
          webAccessCodeCount: "0",
        },
        TEST_INPUTS,
      );
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map((p) => p.slice(0, p.indexOf(":")))).toEqual([
      "functionMemoryMb",
      "functionTimeoutSec",
      "hostDocker",
      "dnsZone",
      "hostIp",
      "tlsMode",
      "accessCodes",
    ]);
    expect((error as ConfigError).message).toBe(
      `gptsite: the stack config has 7 problems:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  });
});

describe("example stacks", () => {
  const files = stackFiles();

  it.each(files)("%s loads and validates through infra/config.ts", (file) => {
    const raw = readStackConfig(file);
    expect(problemsOf(raw)).toEqual([]);
    const settings = validateConfig(raw, TEST_INPUTS);
    expect(settings.function.provider).toBe(raw["functionProvider"]);
    expect(settings.dns.provider).toBe(raw["dnsProvider"]);
    expect(settings.tls.mode).toBe(raw["tlsMode"]);
  });

  it("show every function provider, DNS provider and TLS mode at least once", () => {
    const all = files.map((file) => validateConfig(readStackConfig(file), TEST_INPUTS));
    expect(new Set(all.map((s) => s.function.provider))).toEqual(new Set(FUNCTION_PROVIDERS));
    expect(new Set(all.map((s) => s.dns.provider))).toEqual(new Set(DNS_PROVIDERS));
    expect(new Set(all.map((s) => s.tls.mode))).toEqual(new Set(TLS_MODES));
  });

  it("Pulumi.dev.yaml is SCF + Cloudflare + ACME and Pulumi.local.yaml is all on local Docker", () => {
    const dev = validateConfig(readStackConfig("Pulumi.dev.yaml"), TEST_INPUTS);
    expect([dev.function.provider, dev.dns.provider, dev.tls.mode]).toEqual(["tencent", "cloudflare", "acme"]);
    const local = validateConfig(readStackConfig("Pulumi.local.yaml"), TEST_INPUTS);
    expect([local.function.provider, local.dns.provider, local.tls.mode, local.domain, local.host.docker]).toEqual([
      "docker",
      "none",
      "none",
      "localhost",
      "unix:///var/run/docker.sock",
    ]);
  });

  it("hold no secret in plain text", () => {
    for (const file of files) {
      const raw = readStackConfig(file);
      for (const key of ["openaiApiKey", "accessCodes", "proxyToken"]) expect(raw[key], `${file} ${key}`).toBeUndefined();
    }
  });
});
