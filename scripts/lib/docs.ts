// The README's generated blocks: the config table from Pulumi.yaml and the provider tables from the
// registries (infra/function, infra/dns, infra/tls), so neither can drift from what they describe.
// `npm run docs` writes them; test/infra/readme.test.ts fails while they are stale.
import YAML from "yaml";
import { DNS_PROVIDERS, dnsProviders } from "../../infra/dns/index.js";
import { FUNCTION_PROVIDERS, functionProviders } from "../../infra/function/index.js";
import { TLS_MODES, tlsProviders } from "../../infra/tls/index.js";

interface KeySpec {
  type: string;
  default: unknown;
  description: string;
}

const cell = (text: string) => text.replace(/\|/g, "\\|");
const code = (text: string) => `\`${text}\``;
const table = (head: readonly string[], rows: readonly (readonly string[])[]) =>
  [head, head.map(() => "---"), ...rows].map((row) => `| ${row.join(" | ")} |`).join("\n");
const orNone = (items: readonly string[]) => (items.length > 0 ? items.map(code).join(", ") : "none");

/** Every key Pulumi.yaml declares, with its type, default and description. */
export function renderConfigTable(pulumiYaml: string): string {
  const project = YAML.parse(pulumiYaml) as { config: Record<string, KeySpec> };
  const rows = Object.entries(project.config).map(([key, spec]) => [
    code(key),
    spec.type,
    spec.default === "" ? "(unset)" : code(String(spec.default)),
    cell(spec.description),
  ]);
  return table(["Key", "Type", "Default", "What it does"], rows);
}

/** Every registered provider, by kind, with what it accepts and the credentials it reads. */
export function renderProviderTables(): string {
  const fn = FUNCTION_PROVIDERS.map((name) => {
    const p = functionProviders[name];
    return [code(name), p.title, p.defaultRegion ? code(p.defaultRegion) : "-", cell(p.memory.text), orNone(p.credentials)];
  });
  const dns = DNS_PROVIDERS.map((name) => {
    const p = dnsProviders[name];
    return [code(name), p.title, String(p.minTtl), p.acme ? `lego ${code(p.acme.lego)}` : "no", orNone(p.credentials)];
  });
  const tls = TLS_MODES.map((name) => {
    const p = tlsProviders[name];
    const needs = [p.needsDnsChallenge ? "a DNS provider that answers DNS-01" : "", p.readsFiles ? "`tlsCertFile`, `tlsKeyFile`" : ""];
    return [code(name), p.encrypts ? "HTTPS, HTTP redirected" : "plain HTTP", needs.filter(Boolean).join(", ") || "-"];
  });
  return [
    table(["`functionProvider`", "Where the proxy runs", "Default region", "`functionMemoryMb`", "Credentials (environment)"], fn),
    table(["`dnsProvider`", "Who holds the zone", "Lowest `dnsTtl`", "ACME DNS-01", "Credentials (environment)"], dns),
    table(["`tlsMode`", "Nginx serves", "Needs"], tls),
  ].join("\n\n");
}

/** `text` with the block between `<!-- generated: NAME -->` and its end marker replaced by `content`. */
export function withGenerated(text: string, name: string, content: string): string {
  const block = new RegExp(`(<!-- generated: ${name} -->\\n)[\\s\\S]*?(<!-- /generated: ${name} -->)`);
  if (!block.test(text)) throw new Error(`no <!-- generated: ${name} --> block`);
  return text.replace(block, (_, start: string, end: string) => `${start}${content}\n${end}`);
}
