// What smoke checks: a stack's outputs (infra/site.ts SiteOutputs), from `pulumi stack output`, a
// saved JSON file, or flags. Flags win over outputs, so one value can be corrected by hand.
import { readFile } from "node:fs/promises";
import { $ } from "zx";
import { PROVIDERS, type Provider } from "../../contract.js";
import { UsageError } from "./cli.js";

export interface SmokeTarget {
  functionUrl?: string;
  webUrl?: string;
  siteUrl?: string;
  /** The site's name (default: siteUrl's host name). */
  domain?: string;
  /** The Docker host's public address; Nginx hops connect here, so DNS trouble stays in the dns hop. */
  hostIp?: string;
  proxyToken?: string;
  accessCode?: string;
  /** The caller's own OpenAI key, for a stack without a server key (sent as `<key>:<proxyToken>`). */
  apiKey?: string;
  /** The same for Anthropic and Gemini. */
  anthropicKey?: string;
  googleKey?: string;
  /** The providers the stack holds a server key for (output serverKeys). */
  serverKeys?: Provider[];
}

/** The field of SmokeTarget holding the caller's own key for a provider. */
export const OWN_KEY = { openai: "apiKey", anthropic: "anthropicKey", google: "googleKey" } as const satisfies Record<Provider, keyof SmokeTarget>;

/** The stack outputs smoke reads (the rest are ignored). */
interface StackOutputs {
  siteUrl?: unknown;
  functionUrl?: unknown;
  webUrl?: unknown;
  hostIp?: unknown;
  accessCodes?: unknown;
  proxyToken?: unknown;
  serverKeys?: unknown;
}

export function targetFromOutputs(outputs: unknown, source: string): SmokeTarget {
  if (!outputs || typeof outputs !== "object" || Array.isArray(outputs)) {
    throw new UsageError(`${source}: expected a JSON object of stack outputs (pulumi stack output --json --show-secrets); got ${JSON.stringify(outputs)?.slice(0, 80)}`);
  }
  const o = outputs as StackOutputs;
  const text = (key: keyof StackOutputs): string | undefined => {
    const value = o[key];
    if (value === undefined || value === null || value === "") return undefined;
    if (typeof value !== "string") throw new UsageError(`${source}: output ${key} should be a string; got ${typeof value}`);
    if (value === "[secret]") throw new UsageError(`${source}: output ${key} is masked as "[secret]"; export it with --show-secrets`);
    return value;
  };
  const keys = o.serverKeys;
  if (keys !== undefined && !(Array.isArray(keys) && keys.every((k) => (PROVIDERS as readonly unknown[]).includes(k)))) {
    throw new UsageError(`${source}: output serverKeys should list providers (${PROVIDERS.join(", ")}); got ${JSON.stringify(keys)?.slice(0, 80)}`);
  }
  return {
    siteUrl: text("siteUrl"),
    functionUrl: text("functionUrl"),
    webUrl: text("webUrl"),
    hostIp: text("hostIp"),
    proxyToken: text("proxyToken"),
    accessCode: text("accessCodes")?.split(",")[0]?.trim() || undefined,
    ...(keys ? { serverKeys: keys as Provider[] } : {}),
  };
}

export async function readOutputsFile(file: string): Promise<SmokeTarget> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    throw new UsageError(`--outputs: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return targetFromOutputs(JSON.parse(text), `--outputs ${file}`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`--outputs: ${file} is not JSON: ${(err as Error).message}`);
  }
}

/** `pulumi stack output --json --show-secrets --stack NAME`, in `cwd` (the project). */
export async function readStackOutputs(stack: string, cwd: string): Promise<SmokeTarget> {
  const result = await $({ cwd, quiet: true, nothrow: true })`pulumi stack output --json --show-secrets --stack ${stack}`;
  if (result.exitCode !== 0) {
    // 127: the shell found no `pulumi` command.
    const reason = result.exitCode === 127
      ? "the Pulumi CLI is not installed (https://www.pulumi.com/docs/iac/download-install/); or save the outputs elsewhere and pass --outputs FILE"
      : result.stderr.trim().split("\n").at(-1) ?? `exit status ${result.exitCode}`;
    throw new UsageError(`--stack ${stack}: pulumi stack output failed: ${reason}`);
  }
  try {
    return targetFromOutputs(JSON.parse(result.stdout), `--stack ${stack}`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`--stack ${stack}: pulumi printed no JSON: ${(err as Error).message}`);
  }
}

/** Flags over outputs, and the domain from siteUrl when not given. */
export function mergeTarget(base: SmokeTarget, flags: SmokeTarget): SmokeTarget {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(flags)) {
    if (value !== undefined && value !== "") merged[key] = value;
  }
  const target = merged as SmokeTarget;
  if (!target.domain && target.siteUrl) target.domain = new URL(target.siteUrl).hostname.replace(/^\[|\]$/g, "");
  return target;
}
