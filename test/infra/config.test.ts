import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { CONFIG_KEYS, ConfigError, validateConfig, type RawConfig, type Settings } from "../../infra/config.js";
import { DNS_PROVIDERS } from "../../infra/dns/index.js";
import { FUNCTION_PROVIDERS } from "../../infra/function/index.js";
import { TLS_MODES } from "../../infra/tls/index.js";
import { PUBLIC_SITE } from "./config/areas.js";
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

  it("names every registered provider in the description of the key that picks it", () => {
    const pickers = { functionProvider: FUNCTION_PROVIDERS, dnsProvider: DNS_PROVIDERS, tlsMode: TLS_MODES };
    for (const [key, names] of Object.entries(pickers)) {
      for (const name of names) expect(project.config[key]!.description, `${key}: ${name}`).toMatch(new RegExp(`\\b${name}\\b`));
    }
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
      upstreams: { openai: "https://api.openai.com", anthropic: "https://api.anthropic.com", google: "https://generativelanguage.googleapis.com" },
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
      { ...PUBLIC_SITE, hostIp: "", hostDocker: "ssh://root@203.0.113.9:2222" },
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

  // The keys themselves; each area's own refusals are in test/infra/config/<area>.test.ts.
  const cases: [string, RawConfig, string][] = [
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

  it.each(cases)("refuses %s", (_name, raw, message) => {
    expect(problemsOf(raw)).toEqual([message]);
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
    const secretKeys = Object.entries(CONFIG_KEYS).flatMap(([key, spec]) => ("secret" in spec ? [key] : []));
    for (const file of files) {
      const raw = readStackConfig(file);
      for (const key of secretKeys) expect(raw[key], `${file} ${key}`).toBeUndefined();
    }
  });
});
