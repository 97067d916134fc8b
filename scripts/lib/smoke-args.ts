// `npm run smoke` command line: flags → where the target comes from, and the settings of the run.
import { readFile } from "node:fs/promises";
import { isIP } from "node:net";
import { PROVIDERS, type Provider } from "../../contract.js";
import { HOPS, type HopName } from "./report.js";
import { ipFlag, listFlag, numberFlag, parseFlags, stringFlag, urlFlag, UsageError, type Flags } from "./cli.js";
import { mergeTarget, readOutputsFile, readStackOutputs, type SmokeTarget } from "./target.js";

/** AliDNS and DNSPod (what users in mainland China see), Cloudflare and Google (the rest of the world). */
export const PUBLIC_RESOLVERS = ["223.5.5.5", "119.29.29.29", "1.1.1.1", "8.8.8.8"] as const;

/** Small, cheap models of each provider: a smoke chat asks for ~30 tokens. */
export const DEFAULT_MODELS: Readonly<Record<Provider, string>> = { openai: "gpt-4o-mini", anthropic: "claude-haiku-4-5", google: "gemini-2.5-flash" };

/** The flag naming each provider's model. */
const MODEL_FLAG = { openai: "model", anthropic: "anthropic-model", google: "google-model" } as const satisfies Record<Provider, string>;
export const DEFAULT_TIMEOUT_SEC = 30;

export interface SmokeSettings {
  /** Hops to run, in chain order. */
  hops: HopName[];
  /** Named by --only: run even the hops of a provider the stack holds no key for (to say so). */
  only: boolean;
  json: boolean;
  /** Bound of every network step. */
  timeoutMs: number;
  /** `ip` or `ip:port` of the resolvers the dns hop asks. */
  resolvers: string[];
  /** PEM of a private CA (--ca) that replaces the system's roots. */
  ca?: string;
  billing: boolean;
  /** The model of each provider's chats. */
  models: Record<Provider, string>;
}

export const SMOKE_HELP = `Usage: npm run smoke -- [inputs] [options]

Checks each hop of a deployed gptsite: function → web → nginx → dns → tls → e2e.
Each prints ok / fail / skip, milliseconds and one line of detail.

Inputs (flags override the stack's outputs):
  --stack NAME            read \`pulumi stack output --json --show-secrets --stack NAME\`
  --outputs FILE          the same JSON, saved in a file
  --function-url URL      the function proxy (functionUrl)
  --web-url URL           NextChat's own port (webUrl)
  --site-url URL          the site through Nginx (siteUrl)
  --domain NAME           the site's name (default: siteUrl's host)
  --host-ip IP            the Docker host's address (hostIp); Nginx hops connect there
  --proxy-token TOKEN     the proxy token (proxyToken)
  --access-code CODE      a NextChat access code (first of accessCodes)
  --key KEY               your own OpenAI key, for a stack without a server key
  --anthropic-key KEY     your own Anthropic key, for a stack without anthropicApiKey
  --google-key KEY        your own Gemini key, for a stack without googleApiKey

Options:
  --only HOPS             comma-separated subset of: ${HOPS.join(", ")}
                          (the -anthropic and -google hops run when the stack holds that
                          provider's key or you give one; --only runs them regardless)
  --timeout SECONDS       bound of every network step (default ${DEFAULT_TIMEOUT_SEC})
  --resolver HOST[:PORT]  DNS resolver for the dns hop, repeatable
                          (default: ${PUBLIC_RESOLVERS.join(", ")})
  --ca FILE               trust this CA (PEM) for the site's certificate instead of the system's
  --model NAME            model of the OpenAI chats (default ${DEFAULT_MODELS.openai})
  --anthropic-model NAME  model of the Claude chats (default ${DEFAULT_MODELS.anthropic})
  --google-model NAME     model of the Gemini chats (default ${DEFAULT_MODELS.google})
  --billing               also try OpenAI's old balance endpoints and say what they answer
  --json                  print one JSON report (scripts/README.md documents its shape)
  -h, --help              this text

Exit status: 0 no hop failed, 1 a hop failed, 2 bad usage.
Keys, tokens and access codes are never printed.

Examples:
  npm run smoke -- --stack dev
  npm run smoke -- --stack dev --only dns,tls --resolver 223.5.5.5
  pulumi stack output --json --show-secrets > outputs.json && npm run smoke -- --outputs outputs.json --json
  npm run smoke -- --site-url https://chat.example.com --host-ip 203.0.113.10 --proxy-token "$TOKEN"
`;

export const SMOKE_FLAGS = {
  string: [
    "stack", "outputs", "function-url", "web-url", "site-url", "domain", "host-ip", "proxy-token", "access-code", "key",
    "anthropic-key", "google-key", "only", "timeout", "resolver", "ca", "model", "anthropic-model", "google-model",
  ],
  boolean: ["json", "billing"],
} as const;

export type SmokeArgs = { help: true } | { help: false; flags: Flags };

export function parseSmokeArgs(argv: readonly string[]): SmokeArgs {
  const flags = parseFlags(argv, SMOKE_FLAGS, "smoke");
  return flags.help ? { help: true } : { help: false, flags };
}

/** The settings of a run (shared by `npm run local -- --check`). */
export async function smokeSettings(flags: Flags): Promise<SmokeSettings> {
  const only = listFlag(flags, "only");
  return {
    hops: onlyHops(only),
    only: only.length > 0,
    json: flags.json === true,
    timeoutMs: numberFlag(flags, "timeout", DEFAULT_TIMEOUT_SEC, { min: 0.1, max: 3600 }) * 1000,
    resolvers: resolvers(listFlag(flags, "resolver")),
    ca: await caFile(stringFlag(flags, "ca")),
    billing: flags.billing === true,
    models: Object.fromEntries(PROVIDERS.map((p) => [p, stringFlag(flags, MODEL_FLAG[p]) || DEFAULT_MODELS[p]])) as Record<Provider, string>,
  };
}

/** The target: outputs of --stack or --outputs, overridden by explicit flags. */
export async function smokeTarget(flags: Flags, projectDir: string): Promise<SmokeTarget> {
  const stack = stringFlag(flags, "stack");
  const outputs = stringFlag(flags, "outputs");
  if (stack && outputs) throw new UsageError("smoke: give --stack NAME or --outputs FILE, not both");
  const base = stack ? await readStackOutputs(stack, projectDir) : outputs ? await readOutputsFile(outputs) : {};
  const target = mergeTarget(base, {
    functionUrl: urlFlag(flags, "function-url"),
    webUrl: urlFlag(flags, "web-url"),
    siteUrl: urlFlag(flags, "site-url"),
    domain: stringFlag(flags, "domain"),
    hostIp: ipFlag(flags, "host-ip"),
    proxyToken: stringFlag(flags, "proxy-token"),
    accessCode: stringFlag(flags, "access-code"),
    apiKey: stringFlag(flags, "key"),
    anthropicKey: stringFlag(flags, "anthropic-key"),
    googleKey: stringFlag(flags, "google-key"),
  });
  if (!target.functionUrl && !target.webUrl && !target.siteUrl) {
    throw new UsageError("smoke: nothing to check; give --stack NAME, --outputs FILE, or at least one of --function-url, --web-url, --site-url (see --help)");
  }
  return target;
}

function onlyHops(names: string[]): HopName[] {
  if (names.length === 0) return [...HOPS];
  const unknown = names.filter((n) => !(HOPS as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw new UsageError(`--only: unknown hop ${unknown.map((n) => JSON.stringify(n)).join(", ")}; allowed: ${HOPS.join(", ")}`);
  }
  return HOPS.filter((h) => names.includes(h));
}

function resolvers(values: string[]): string[] {
  for (const value of values) {
    const [, host, port] = /^\[(.+)\](?::(\d+))?$/.exec(value) ?? /^([^:]+)(?::(\d+))?$/.exec(value) ?? [, value];
    const portOk = port === undefined || (Number(port) >= 1 && Number(port) <= 65_535);
    if (!host || !isIP(host) || !portOk) {
      throw new UsageError(`--resolver: expected IP or IP:PORT (IPv6 as [IP]:PORT), e.g. 223.5.5.5 or 127.0.0.1:5353; got ${JSON.stringify(value)}`);
    }
  }
  return values.length > 0 ? values : [...PUBLIC_RESOLVERS];
}

async function caFile(file: string | undefined): Promise<string | undefined> {
  if (!file) return undefined;
  let pem: string;
  try {
    pem = await readFile(file, "utf8");
  } catch (err) {
    throw new UsageError(`--ca: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) throw new UsageError(`--ca: ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  return pem;
}
