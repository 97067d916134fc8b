// The whole program under Pulumi's mocks, for every combination of function provider × DNS provider ×
// TLS mode the config allows: what each resource was given (inputs, with secrets still marked), and
// the stack outputs. The child-process suite (runtime.test.ts) covers loading through ts-node/esm;
// here the combinations run in one process, one mocked stack each, to stay fast.
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { buildArtifacts, type FunctionArtifacts } from "../../function/build.js";
import { renderSite, type SiteOptions } from "../../nginx/index.js";
import { NEXTCHAT_IMAGE } from "../../web/nextchat.js";
import type { RawConfig } from "../../infra/config.js";
import { DNS_PROVIDERS, dnsProviders, type DnsProviderName } from "../../infra/dns/index.js";
import { FUNCTION_PROVIDERS, functionProviders, type FunctionProviderName } from "../../infra/function/index.js";
import { TLS_MODES, tlsProviders, type TlsMode } from "../../infra/tls/index.js";
import { RecordingMocks, generatedValue, isSecretValue, mockValue, plainStrings, reveal, settle, type Registered } from "./mocks.js";
import { FAKE_CREDENTIALS, TEST_CERTIFICATE, TEST_INPUTS, TEST_PRIVATE_KEY } from "./stacks.js";

// The program's modules are imported after the first setMocks: provider SDKs and the Pulumi runtime
// must see the mock monitor before anything can register a resource.
await pulumi.runtime.setMocks(new RecordingMocks(), "gptsite", "import", false);
const { ConfigError, secretSettings, validateConfig } = await import("../../infra/config.js");
const { deploySite } = await import("../../infra/site.js");
const { crc64 } = await import("../../infra/function/crc64.js");
const { FC_NODE_PATH, fcCpu } = await import("../../infra/function/aliyun.js");


const API_KEY = "sk-server-key-under-test";
/** Lists for Anthropic and Google, as the config accepts them: the proxy fails over along them. */
const ANTHROPIC_KEYS = "sk-ant-first-under-test,sk-ant-second-under-test";
const GOOGLE_KEYS = "AIza-google-key-under-test";
const DOMAIN = "chat.example.com";
const HOST_IP = "203.0.113.7";
const PROXY_TOKEN = generatedValue("credentials-proxy-token");
const ACCESS_CODE = generatedValue("credentials-access-code-1");

const ACME = tlsProviders.acme.mocks;

interface Combination {
  fn: FunctionProviderName;
  dns: DnsProviderName;
  tls: TlsMode;
  serverKey: boolean;
}

/** The stack config of a combination: public when it has DNS or TLS, else the local defaults. */
function configOf(c: Combination): RawConfig {
  const isPublic = c.dns !== "none" || c.tls !== "none";
  return {
    functionProvider: c.fn,
    dnsProvider: c.dns,
    tlsMode: c.tls,
    ...(isPublic ? { domain: DOMAIN, hostDocker: `ssh://deploy@${HOST_IP}` } : {}),
    ...(c.dns !== "none" ? { dnsZone: "example.com" } : {}),
    ...(c.tls === "files" ? { tlsCertFile: "certs/fullchain.pem", tlsKeyFile: "certs/privkey.pem" } : {}),
    ...(c.tls === "none" && isPublic ? { tlsAllowInsecure: "true" } : {}),
    ...(c.serverKey ? { openaiApiKey: API_KEY, anthropicApiKey: ANTHROPIC_KEYS, googleApiKey: GOOGLE_KEYS } : {}),
  };
}

/** Every function × DNS × TLS triple, with a server key; `allowed` holds those the config accepts. */
const triples: Combination[] = FUNCTION_PROVIDERS.flatMap((fn) =>
  DNS_PROVIDERS.flatMap((dns) => TLS_MODES.map((tls) => ({ fn, dns, tls, serverKey: true }))),
);
const combinations = triples.filter((c) => !(tlsProviders[c.tls].needsDnsChallenge && !dnsProviders[c.dns].acme));
const withoutKey: Combination[] = FUNCTION_PROVIDERS.map((fn) => ({ fn, dns: "none", tls: "none", serverKey: false }));

interface Run {
  mocks: RecordingMocks;
  outputs: Record<string, { value: unknown; secret: boolean } | undefined>;
}

let artifacts: FunctionArtifacts;
beforeAll(async () => {
  artifacts = await buildArtifacts();
}, 60_000);

/** Runs the program on `raw` as stack `stack` under fresh mocks: what it registered, and its outputs settled. */
async function deployRaw(stack: string, raw: RawConfig): Promise<Run> {
  const mocks = new RecordingMocks();
  await pulumi.runtime.setMocks(mocks, "gptsite", stack, false);
  const site = await deploySite(secretSettings(validateConfig(raw, TEST_INPUTS)), async () => artifacts);
  const outputs: Run["outputs"] = {};
  for (const [name, output] of Object.entries(site)) outputs[name] = output ? await settle(output) : undefined;
  // Every registration has reached the mocks once the runtime's RPC queue drains.
  await pulumi.runtime.disconnect();
  return { mocks, outputs };
}

const deploy = (c: Combination) => deployRaw(`${c.fn}-${c.dns}-${c.tls}${c.serverKey ? "" : "-nokey"}`, configOf(c));

const envRecord = (container: Registered) =>
  Object.fromEntries((reveal(container.inputs.envs) as string[]).map((line) => line.split(/=(.*)/s).slice(0, 2)));

/** The proxy's environment as each provider passes it. */
const proxyEnvOf = {
  tencent: (run: Run) => run.mocks.one("pulumi-nodejs:dynamic/tencent:ScfWebFunction").inputs.environment,
  aliyun: (run: Run) => run.mocks.one("alicloud:fc/v3Function:V3Function").inputs.environmentVariables,
  docker: (run: Run) => envRecord(run.mocks.one("docker:index/container:Container", "proxy")),
  none: () => undefined,
} as const satisfies Record<FunctionProviderName, (run: Run) => unknown>;

/** Provider-specific checks of the function: sizing, runtime, port, code. */
const checkFunction = {
  tencent: (run: Run) => {
    const scf = reveal(run.mocks.one("pulumi-nodejs:dynamic/tencent:ScfWebFunction").inputs) as Record<string, unknown>;
    expect(scf).toMatchObject({
      region: "ap-singapore",
      memoryMb: 128,
      timeoutSec: 900,
      concurrency: 2,
      maxInstances: 10,
      runtime: "Nodejs18.15",
      type: "HTTP",
      zipSha256: artifacts.zipSha256,
    });
    // An SCF web function's port is the one its bootstrap starts the proxy on: 9000 unless PORT is set.
    expect(artifacts.bootstrap).toContain('export PORT="${PORT:-9000}" HOST="${HOST:-0.0.0.0}"');
  },
  aliyun: (run: Run) => {
    const fc = run.mocks.one("alicloud:fc/v3Function:V3Function");
    expect(reveal(fc.inputs)).toMatchObject({
      runtime: "custom.debian10",
      memorySize: 128,
      cpu: fcCpu(128),
      timeout: 900,
      instanceConcurrency: 2,
      internetAccess: true,
      code: { zipFile: artifacts.zip.toString("base64"), checksum: crc64(artifacts.zip) },
      customRuntimeConfig: { commands: ["/bin/sh", "/code/scf_bootstrap", FC_NODE_PATH], port: 9000 },
    });
    expect(fc.provider).toMatch(/[:$]pulumi:providers:alicloud::proxy::proxy-id$/);
    const region = run.mocks.one("pulumi:providers:alicloud", "proxy");
    expect(region.inputs.region).toBe("ap-southeast-1");
    const trigger = run.mocks.one("alicloud:fc/v3Trigger:V3Trigger");
    expect(trigger.inputs).toMatchObject({ triggerType: "http", qualifier: "LATEST", functionName: fc.inputs.functionName });
    const triggerConfig = JSON.parse(trigger.inputs.triggerConfig as string) as { authType: string; methods: string[] };
    expect(triggerConfig.authType).toBe("anonymous");
    expect(triggerConfig.methods).toEqual(expect.arrayContaining(["GET", "POST", "DELETE", "OPTIONS"]));
    expect(run.mocks.one("alicloud:fc/v3ConcurrencyConfig:V3ConcurrencyConfig").inputs).toMatchObject({
      functionName: fc.inputs.functionName,
      reservedConcurrency: 20,
    });
  },
  docker: (run: Run) => {
    const proxy = run.mocks.one("docker:index/container:Container", "proxy");
    expect(reveal(proxy.inputs)).toMatchObject({
      name: "gptsite-proxy",
      image: "sha256:image-of-node:20.18.0-alpine",
      command: ["/bin/sh", "/app/scf_bootstrap", "node"],
      uploads: [
        { file: "/app/index.mjs", content: artifacts.bundle },
        { file: "/app/scf_bootstrap", content: artifacts.bootstrap },
      ],
      networksAdvanced: [{ name: "gptsite", aliases: ["gptsite-proxy"] }],
      memory: 128,
      restart: "always",
    });
    expect(proxy.inputs.ports).toBeUndefined();
    expect(JSON.stringify(proxy.inputs.healthcheck)).toContain("http://127.0.0.1:9000/healthz");
  },
  none: (run: Run) => {
    const proxies = run.mocks.registered.filter(
      (r) => /ScfWebFunction|V3Function/.test(r.type) || (r.type === "docker:index/container:Container" && r.name === "proxy"),
    );
    expect(proxies).toEqual([]);
    expect(run.mocks.registered.filter((r) => r.type.startsWith("gptsite:function:"))).toEqual([]);
  },
} as const satisfies Record<FunctionProviderName, (run: Run) => void>;

/** The A record, per DNS provider. */
const checkRecord = {
  cloudflare: (run: Run) => {
    expect(run.mocks.one("cloudflare:index/dnsRecord:DnsRecord").inputs).toMatchObject({
      zoneId: mockValue(dnsProviders.cloudflare.mocks, "zoneId"),
      name: DOMAIN,
      type: "A",
      content: HOST_IP,
      ttl: 600,
      proxied: false,
    });
    expect(run.mocks.invoked).toContainEqual({ token: "cloudflare:index/getZone:getZone", inputs: { filter: { name: "example.com" } } });
  },
  dnspod: (run: Run) => {
    expect(run.mocks.one("pulumi-nodejs:dynamic/tencent:DnspodARecord").inputs).toMatchObject({
      zone: "example.com",
      subDomain: "chat",
      value: HOST_IP,
      ttl: 600,
    });
  },
  alidns: (run: Run) => {
    expect(run.mocks.one("alicloud:dns/alidnsRecord:AlidnsRecord").inputs).toMatchObject({
      domainName: "example.com",
      rr: "chat",
      type: "A",
      value: HOST_IP,
      ttl: 600,
    });
  },
  none: (run: Run) => {
    expect(run.mocks.registered.filter((r) => /DnsRecord|AlidnsRecord|DnspodARecord/.test(r.type))).toEqual([]);
    expect(run.mocks.registered.filter((r) => r.type.startsWith("gptsite:dns:"))).toEqual([]);
  },
} as const satisfies Record<DnsProviderName, (run: Run) => void>;

/** lego's provider code for each DNS provider's DNS-01 challenge (https://go-acme.github.io/lego/dns/). */
const LEGO = { cloudflare: "cloudflare", dnspod: "tencentcloud", alidns: "alidns", none: "" } as const satisfies Record<DnsProviderName, string>;

/** What lego must be handed: the DNS provider's credentials, from the (fake) environment. */
const legoCredentials = (dns: DnsProviderName) =>
  Object.fromEntries(Object.entries(dnsProviders[dns].acme?.credentials ?? {}).map(([lego, env]) => [lego, FAKE_CREDENTIALS[env]]));

/** The certificate and key Nginx must be given, per TLS mode (checking the ACME order on the way). */
const expectedTls = {
  acme: (run: Run, c: Combination) => {
    const certificate = run.mocks.one("acme:index/certificate:Certificate");
    expect(reveal(certificate.inputs)).toMatchObject({
      commonName: DOMAIN,
      keyType: "P256",
      accountKeyPem: mockValue(ACME, "accountKeyPem"),
      dnsChallenges: [{ provider: LEGO[c.dns], config: legoCredentials(c.dns) }],
    });
    expect(run.mocks.one("pulumi:providers:acme").inputs.serverUrl).toBe("https://acme-v02.api.letsencrypt.org/directory");
    return { certificate: mockValue(ACME, "certificatePem") + mockValue(ACME, "issuerPem"), key: mockValue(ACME, "privateKeyPem") };
  },
  files: () => ({ certificate: TEST_CERTIFICATE, key: TEST_PRIVATE_KEY }),
  none: (run: Run) => {
    expect(run.mocks.registered.filter((r) => r.type.startsWith("acme:"))).toEqual([]);
    return undefined;
  },
} as const satisfies Record<TlsMode, (run: Run, c: Combination) => { certificate: string; key: string } | undefined>;

/** Every secret value a run may hold; none may reach a resource input or output unmarked. */
const secretValues = [API_KEY, ...ANTHROPIC_KEYS.split(","), GOOGLE_KEYS, PROXY_TOKEN, ACCESS_CODE, TEST_PRIVATE_KEY, mockValue(ACME, "privateKeyPem"), ...Object.values(FAKE_CREDENTIALS)];

function checkSite(run: Run, c: Combination): void {
  const isPublic = c.dns !== "none" || c.tls !== "none";
  const { runsProxy, mocks } = functionProviders[c.fn];
  const functionUrl = mocks.functionUrl;

  // The function proxy and its environment; keys and tokens only as secrets.
  checkFunction[c.fn](run);
  const proxyEnv = proxyEnvOf[c.fn](run) as Record<string, unknown> | undefined;
  if (runsProxy) {
    expect(reveal(proxyEnv)).toEqual({
      UPSTREAM_URL: "https://api.openai.com",
      ANTHROPIC_UPSTREAM_URL: "https://api.anthropic.com",
      GOOGLE_UPSTREAM_URL: "https://generativelanguage.googleapis.com",
      UPSTREAM_TIMEOUT_MS: "900000",
      MAX_BODY_BYTES: String(20 * 1024 * 1024),
      // Node's flags and the connection cap follow it (the default functionMemoryMb).
      FUNCTION_MEMORY_MB: "128",
      PROXY_TOKEN,
      ...(c.serverKey ? { OPENAI_API_KEY: API_KEY, ANTHROPIC_API_KEY: ANTHROPIC_KEYS, GOOGLE_API_KEY: GOOGLE_KEYS } : {}),
    });
  }

  // NextChat: BASE_URL with scheme and without /v1; the key it holds; codes with a key.
  const web = run.mocks.one("docker:index/container:Container", "web");
  expect(reveal(web.inputs)).toMatchObject({
    name: "gptsite-web",
    image: `sha256:image-of-${NEXTCHAT_IMAGE}`,
    ports: [{ internal: 3000, external: 3690, ip: "127.0.0.1" }],
    networksAdvanced: [{ name: "gptsite", aliases: ["gptsite-web"] }],
    restart: "always",
    logDriver: "json-file",
    logOpts: { "max-size": "10m", "max-file": "3" },
  });
  expect(JSON.stringify(web.inputs.healthcheck)).toContain("http://127.0.0.1:3000/api/config");
  // Behind a proxy every provider goes to its mount there; without one, to its own API (never BASE_URL
  // for Claude, NextChat's fallback when ANTHROPIC_URL is unset).
  expect(envRecord(web)).toEqual({
    BASE_URL: functionUrl,
    ANTHROPIC_URL: runsProxy ? `${functionUrl}/anthropic` : "https://api.anthropic.com",
    GOOGLE_URL: runsProxy ? `${functionUrl}/google` : "https://generativelanguage.googleapis.com",
    HOSTNAME: "0.0.0.0",
    TZ: "Asia/Shanghai",
    ...(c.serverKey
      ? {
          CODE: ACCESS_CODE,
          HIDE_USER_API_KEY: "1",
          OPENAI_API_KEY: runsProxy ? PROXY_TOKEN : API_KEY,
          ANTHROPIC_API_KEY: runsProxy ? PROXY_TOKEN : ANTHROPIC_KEYS,
          GOOGLE_API_KEY: runsProxy ? PROXY_TOKEN : GOOGLE_KEYS,
        }
      : {}),
  });
  expect(functionUrl).toMatch(/^https?:\/\/[^/]+$/);
  if (c.serverKey) expect(isSecretValue(web.inputs.envs)).toBe(true);

  // The A record.
  checkRecord[c.dns](run);

  // Nginx: the rendered config, the certificate, the ports.
  const tls = expectedTls[c.tls](run, c);
  const nginx = run.mocks.one("docker:index/container:Container", "nginx");
  const site: SiteOptions = {
    serverName: isPublic ? DOMAIN : "localhost",
    listen: { http: 80, ...(tls ? { https: 443 } : {}) },
    ...(tls ? { tls: { certificate: "/etc/nginx/certs/fullchain.pem", certificateKey: "/etc/nginx/certs/privkey.pem" } } : {}),
    webUpstream: "http://gptsite-web:3000",
    apiUpstream: functionUrl,
    ...(functionUrl.startsWith("https:") ? { apiTrustedCa: "/etc/ssl/certs/ca-certificates.crt" } : {}),
    ...(runsProxy ? {} : { apiProviders: ["openai"] }),
    functionTimeoutSec: 900,
    maxBodyBytes: 20 * 1024 * 1024,
    resolver: "127.0.0.11",
  };
  expect(reveal(nginx.inputs.uploads)).toEqual([
    { file: "/etc/nginx/conf.d/default.conf", content: renderSite(site) },
    ...(tls
      ? [
          { file: "/etc/nginx/certs/fullchain.pem", content: tls.certificate },
          { file: "/etc/nginx/certs/privkey.pem", content: tls.key, permissions: "0600" },
        ]
      : []),
  ]);
  if (tls) expect(plainStrings(nginx.inputs.uploads).map((s) => s.text)).not.toContain(tls.key);
  expect(nginx.inputs.ports).toEqual([
    { internal: 80, external: 80 },
    ...(tls ? [{ internal: 443, external: 443 }] : []),
  ]);
  expect(nginx.inputs.image).toBe("sha256:image-of-nginx:1.28.0-bookworm");

  // Every Docker resource goes to the configured host.
  for (const r of run.mocks.registered.filter((r) => r.custom && r.type.startsWith("docker:index/"))) {
    expect(r.provider, `${r.type} ${r.name}`).toMatch(/[:$]pulumi:providers:docker::host::host-id$/);
  }
  const host = run.mocks.one("pulumi:providers:docker", "host");
  expect(host.inputs.host).toBe(isPublic ? `ssh://deploy@${HOST_IP}` : "unix:///var/run/docker.sock");

  // Outputs: present, and every code and token a secret.
  const siteUrl = c.tls !== "none" ? `https://${DOMAIN}` : isPublic ? `http://${DOMAIN}` : "http://localhost";
  expect(run.outputs).toEqual({
    siteUrl: { value: siteUrl, secret: false },
    apiBaseUrl: { value: `${siteUrl}/v1`, secret: false },
    ...(runsProxy
      ? { anthropicBaseUrl: { value: `${siteUrl}/anthropic`, secret: false }, googleBaseUrl: { value: `${siteUrl}/google`, secret: false } }
      : {}),
    serverKeys: { value: c.serverKey ? ["openai", "anthropic", "google"] : [], secret: false },
    functionUrl: { value: functionUrl, secret: false },
    webUrl: { value: "http://127.0.0.1:3690", secret: false },
    hostIp: { value: isPublic ? HOST_IP : "127.0.0.1", secret: false },
    accessCodes: { value: c.serverKey ? ACCESS_CODE : "", secret: true },
    ...(runsProxy ? { proxyToken: { value: PROXY_TOKEN, secret: true } } : {}),
  });

  // Policy: no key, code, token, credential or private key sits in any input outside a secret.
  for (const r of run.mocks.registered) {
    for (const { path, text } of plainStrings(r.inputs)) {
      for (const secret of secretValues) {
        expect(text.includes(secret), `${r.type} "${r.name}" ${path} holds a secret in plain text`).toBe(false);
      }
    }
  }
}

const label = (c: Combination) => `function ${c.fn} × dns ${c.dns} × tls ${c.tls}${c.serverKey ? " (server key)" : ""}`;

describe("the program under mocks", () => {
  it("covers every combination the config accepts: only ACME without a DNS provider for its challenge is left out", () => {
    const accepted = triples.filter((c) => {
      try {
        validateConfig(configOf(c), TEST_INPUTS);
        return true;
      } catch (error) {
        if (error instanceof ConfigError) return false;
        throw error;
      }
    });
    expect(accepted).toEqual(combinations);
    expect(combinations.length).toBeLessThan(triples.length);
  });

  it.each(combinations.map((c) => [label(c), c] as const))("%s", async (_label, c) => {
    checkSite(await deploy(c), c);
  });

  it.each(withoutKey.map((c) => [label(c), c] as const))("%s, users bring their own key", async (_label, c) => {
    checkSite(await deploy(c), c);
  });

  it("with only a Gemini key: the proxy holds it alone, NextChat sends the token for Gemini only, and codes gate the site", async () => {
    const c: Combination = { fn: "tencent", dns: "none", tls: "none", serverKey: false };
    const run = await deployRaw("google-only", { ...configOf(c), googleApiKey: GOOGLE_KEYS });
    const proxyEnv = reveal(proxyEnvOf.tencent(run)) as Record<string, string>;
    expect(proxyEnv.GOOGLE_API_KEY).toBe(GOOGLE_KEYS);
    expect(proxyEnv).not.toHaveProperty("OPENAI_API_KEY");
    expect(proxyEnv).not.toHaveProperty("ANTHROPIC_API_KEY");
    const env = envRecord(run.mocks.one("docker:index/container:Container", "web"));
    expect(env).toMatchObject({ GOOGLE_API_KEY: PROXY_TOKEN, CODE: ACCESS_CODE, HIDE_USER_API_KEY: "1" });
    expect(env).not.toHaveProperty("OPENAI_API_KEY");
    expect(env).not.toHaveProperty("ANTHROPIC_API_KEY");
    expect(run.outputs.serverKeys).toEqual({ value: ["google"], secret: false });
  });

  it("generates as many access codes as webAccessCodeCount asks", async () => {
    const { mocks, outputs } = await deployRaw("codes", { openaiApiKey: API_KEY, webAccessCodeCount: "3" });
    expect(outputs.accessCodes).toEqual({
      value: [1, 2, 3].map((i) => generatedValue(`credentials-access-code-${i}`)).join(","),
      secret: true,
    });
    expect(mocks.all("random:index/randomPassword:RandomPassword").map((r) => r.inputs)).toEqual([
      { length: 40, special: false },
      { length: 16, special: false },
      { length: 16, special: false },
      { length: 16, special: false },
    ]);
  });

  it("uses given codes and token instead of generating them", async () => {
    const { mocks, outputs } = await deployRaw("given", {
      openaiApiKey: API_KEY,
      accessCodes: "family,friends",
      proxyToken: "given-token-0123456789",
    });
    expect(outputs.accessCodes).toEqual({ value: "family,friends", secret: true });
    expect(outputs.proxyToken).toEqual({ value: "given-token-0123456789", secret: true });
    expect(mocks.all("random:index/randomPassword:RandomPassword")).toEqual([]);
  });

  it("publishes HTTPS on hostHttpsPort and redirects HTTP there, not to the container's 443", async () => {
    const raw = { ...configOf({ fn: "docker", dns: "cloudflare", tls: "files", serverKey: true }), hostHttpsPort: "8443" };
    const { mocks, outputs } = await deployRaw("ports", raw);
    const nginx = mocks.one("docker:index/container:Container", "nginx");
    expect(reveal(nginx.inputs.ports)).toEqual(expect.arrayContaining([{ internal: 443, external: 8443 }]));
    const config = (reveal(nginx.inputs.uploads) as { file: string; content: string }[])[0]!.content;
    expect(config).toContain(`return 308 https://${DOMAIN}:8443$request_uri;`);
    expect(outputs.siteUrl?.value).toBe(`https://${DOMAIN}:8443`);
  });
});
