// What Pulumi would store, under mocks, for every combination of function provider × DNS provider ×
// TLS mode, with secrets the user gave (each provider's keys, lists too, access codes, proxy token) and cloud credentials in the
// environment, as a real `pulumi up` has them. Policy: no secret value appears in plain text in any
// resource input (nested values and the dynamic providers' serialized code included); every input
// property that holds a secret is stored encrypted as an output too (the property is a secret as a
// whole, or named in additionalSecretOutputs, which the engine receives with the registration); and
// no stack output shows one in plain text. test/infra/program.test.ts checks the wiring of each
// combination with generated secrets; this suite is about given ones and about outputs.
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildArtifacts, type FunctionArtifacts } from "../../function/build.js";
import type { RawConfig } from "../../infra/config.js";
import { DNS_PROVIDERS, dnsProviders } from "../../infra/dns/index.js";
import { FUNCTION_PROVIDERS } from "../../infra/function/index.js";
import { TLS_MODES, tlsProviders } from "../../infra/tls/index.js";
import { RecordingMocks, isSecretValue, plainStrings, settle } from "../infra/mocks.js";
import { FAKE_CREDENTIALS, TEST_INPUTS, TEST_PRIVATE_KEY } from "../infra/stacks.js";

// The program's modules load after the first setMocks: the runtime must see the mock monitor first.
await pulumi.runtime.setMocks(new RecordingMocks(), "gptsite", "secrets", false);
const { secretSettings, validateConfig } = await import("../../infra/config.js");
const { deploySite } = await import("../../infra/site.js");

const GIVEN = {
  openaiApiKey: "sk-proj-GIVEN-KEY-4f2a9d81",
  anthropicApiKey: "sk-ant-GIVEN-KEY-ONE-93be,sk-ant-GIVEN-KEY-TWO-11c4",
  googleApiKey: "AIza-GIVEN-KEY-5d7e0c",
  accessCodes: "given-code-one,given-code-two",
  proxyToken: "given-proxy-token-7c1e5b9a",
};
/** Every value that must never be stored in plain text. */
const SECRETS = [GIVEN.openaiApiKey, ...GIVEN.anthropicApiKey.split(","), GIVEN.googleApiKey, ...GIVEN.accessCodes.split(","), GIVEN.proxyToken, TEST_PRIVATE_KEY, ...Object.values(FAKE_CREDENTIALS)];

interface Combination {
  fn: (typeof FUNCTION_PROVIDERS)[number];
  dns: (typeof DNS_PROVIDERS)[number];
  tls: (typeof TLS_MODES)[number];
  serverKey: boolean;
}

const combinations: Combination[] = [
  ...FUNCTION_PROVIDERS.flatMap((fn) =>
    DNS_PROVIDERS.flatMap((dns) => TLS_MODES.filter((tls) => !(tlsProviders[tls].needsDnsChallenge && !dnsProviders[dns].acme)).map((tls) => ({ fn, dns, tls, serverKey: true }))),
  ),
  ...FUNCTION_PROVIDERS.map((fn) => ({ fn, dns: "cloudflare" as const, tls: "files" as const, serverKey: false })),
];

function stackConfig(c: Combination): RawConfig {
  return {
    domain: "chat.example.com",
    hostDocker: "ssh://deploy@203.0.113.7",
    functionProvider: c.fn,
    dnsProvider: c.dns,
    ...(c.dns !== "none" ? { dnsZone: "example.com" } : {}),
    tlsMode: c.tls,
    ...(c.tls === "files" ? { tlsCertFile: "certs/fullchain.pem", tlsKeyFile: "certs/privkey.pem" } : {}),
    ...(c.tls === "none" ? { tlsAllowInsecure: "true" } : {}),
    ...(c.serverKey
      ? { openaiApiKey: GIVEN.openaiApiKey, anthropicApiKey: GIVEN.anthropicApiKey, googleApiKey: GIVEN.googleApiKey, accessCodes: GIVEN.accessCodes }
      : {}),
    proxyToken: GIVEN.proxyToken,
  };
}

let artifacts: FunctionArtifacts;
const savedEnv = { ...process.env };
beforeAll(async () => {
  artifacts = await buildArtifacts();
  // A real run has the clouds' credentials in its environment: none may end up in state.
  Object.assign(process.env, FAKE_CREDENTIALS);
}, 60_000);
afterAll(() => {
  for (const name of Object.keys(FAKE_CREDENTIALS)) {
    if (savedEnv[name] === undefined) delete process.env[name];
    else process.env[name] = savedEnv[name];
  }
});

interface Run {
  mocks: RecordingMocks;
  /** `type name` → the additionalSecretOutputs the engine was sent. */
  secretOutputs: Map<string, string[]>;
  outputs: Record<string, { value: unknown; secret: boolean }>;
}

async function deploy(c: Combination): Promise<Run> {
  const mocks = new RecordingMocks();
  await pulumi.runtime.setMocks(mocks, "gptsite", `secrets-${c.fn}-${c.dns}-${c.tls}-${c.serverKey}`, false);
  // Read the registrations as the engine would get them: the mocks only see type, name and inputs.
  const secretOutputs = new Map<string, string[]>();
  type Request = { getType(): string; getName(): string; getAdditionalsecretoutputsList(): string[] };
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: Request, callback: unknown): unknown };
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    secretOutputs.set(`${req.getType()} ${req.getName()}`, req.getAdditionalsecretoutputsList());
    return register(req, callback);
  };
  const site = await deploySite(secretSettings(validateConfig(stackConfig(c), TEST_INPUTS)), async () => artifacts);
  const outputs: Run["outputs"] = {};
  for (const [name, output] of Object.entries(site)) if (output) outputs[name] = await settle(output as pulumi.Output<unknown>);
  await pulumi.runtime.disconnect();
  return { mocks, secretOutputs, outputs };
}

/** Whether `value` holds a secret anywhere inside. */
function holdsSecret(value: unknown): boolean {
  if (isSecretValue(value)) return true;
  if (Array.isArray(value)) return value.some(holdsSecret);
  if (value && typeof value === "object") return Object.values(value).some(holdsSecret);
  return false;
}

const label = (c: Combination) => `function ${c.fn} × dns ${c.dns} × tls ${c.tls}${c.serverKey ? ", server key" : ", no server key"}`;

describe("secrets in state, under mocks", () => {
  it.each(combinations.map((c) => [label(c), c] as const))("%s", async (_label, c) => {
    const run = await deploy(c);
    expect(run.mocks.registered.length).toBeGreaterThan(0);
    for (const r of run.mocks.registered) {
      for (const { path, text } of plainStrings(r.inputs)) {
        for (const secret of SECRETS) expect(text.includes(secret), `${r.type} "${r.name}" input ${path} holds a secret in plain text`).toBe(false);
      }
      if (!r.custom) continue;
      const declared = run.secretOutputs.get(`${r.type} ${r.name}`) ?? [];
      for (const [property, value] of Object.entries(r.inputs)) {
        if (!holdsSecret(value)) continue;
        expect(declared, `${r.type} "${r.name}" output ${property} would hold a secret unencrypted`).toContain(property);
      }
    }
    for (const [name, { value, secret }] of Object.entries(run.outputs)) {
      if (secret) continue;
      for (const s of SECRETS) expect(JSON.stringify(value).includes(s), `stack output ${name} shows a secret`).toBe(false);
    }
    // The given token, codes and key are what the site uses, not replaced by generated ones.
    expect(run.outputs.proxyToken).toEqual(c.fn === "none" ? undefined : { value: GIVEN.proxyToken, secret: true });
    expect(run.outputs.accessCodes).toEqual({ value: c.serverKey ? GIVEN.accessCodes : "", secret: true });
  });
});
