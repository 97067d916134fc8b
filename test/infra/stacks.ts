// Stack settings files read the way Pulumi hands config to the program: `gptsite:`-prefixed keys,
// every value a string. Shared by the config and program suites.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";
import type { RawConfig, ValidationInputs } from "../../infra/config.js";
import { dnsProviders } from "../../infra/dns/index.js";
import { functionProviders } from "../../infra/function/index.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Pulumi.dev.yaml, Pulumi.local.yaml and every examples/Pulumi.*.yaml, relative to the root. */
export function stackFiles(): string[] {
  const examples = readdirSync(path.join(ROOT, "examples"))
    .filter((name) => /^Pulumi\..+\.yaml$/.test(name))
    .map((name) => `examples/${name}`);
  return ["Pulumi.dev.yaml", "Pulumi.local.yaml", ...examples.sort()];
}

export function readStackConfig(file: string): RawConfig {
  const doc = YAML.parse(readFileSync(path.join(ROOT, file), "utf8")) as { config?: Record<string, unknown> };
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(doc.config ?? {})) {
    if (!key.startsWith("gptsite:")) throw new Error(`${file}: ${key} is outside the gptsite namespace`);
    raw[key.slice("gptsite:".length)] = String(value);
  }
  return raw;
}

/**
 * The config the CLI hands the program for a stack file (plus `extra` stack values): each Pulumi.yaml
 * default under the stack's values, every value a string, keys `gptsite:`-prefixed. A model, for the
 * fast suite; test/engine/config.test.ts holds it to the real CLI's `pulumi config --json`.
 */
export function mergedConfig(stackFile: string, extra: Record<string, string> = {}): Record<string, string> {
  const project = YAML.parse(readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8")) as {
    config: Record<string, { default: unknown }>;
  };
  const defaults = Object.fromEntries(Object.entries(project.config).map(([key, spec]) => [key, String(spec.default)]));
  const values: Record<string, string | undefined> = { ...defaults, ...readStackConfig(stackFile), ...extra };
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [`gptsite:${key}`, String(value)]));
}

/** A credential's dummy value: the variable's name, so a leak says which one. */
export const fakeCredential = (name: string) => `${name.toLowerCase()}-for-tests`;

/** Every credential some registered provider reads, with its dummy value. */
export const FAKE_CREDENTIALS: Readonly<Record<string, string>> = Object.fromEntries(
  [functionProviders, dnsProviders]
    .flatMap((registry) => Object.values(registry).flatMap((provider: { credentials: readonly string[] }) => provider.credentials))
    .map((name) => [name, fakeCredential(name)]),
);

export const TEST_CERTIFICATE = "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n";
export const TEST_PRIVATE_KEY = "-----BEGIN PRIVATE KEY-----\nMIIBkey\n-----END PRIVATE KEY-----\n";

/** Validation inputs with every credential set and any `*.pem` path readable. */
export const TEST_INPUTS: ValidationInputs = {
  env: FAKE_CREDENTIALS,
  readFile: (file) => {
    if (file.endsWith("privkey.pem") || file.endsWith("key.pem")) return TEST_PRIVATE_KEY;
    if (file.endsWith(".pem")) return TEST_CERTIFICATE;
    throw new Error(`ENOENT: no such file or directory, open '${file}'`);
  },
};
