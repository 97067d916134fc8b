// Runs the hops in chain order and makes the report. Each hop gets its own clock and its own
// bounded network steps; a hop that throws fails with the error's message, and every detail is
// masked before it leaves here.
import { performance } from "node:perf_hooks";
import { PROVIDERS, type Provider } from "../../contract.js";
import { checkBilling } from "./billing.js";
import { dnsHop } from "./hops/dns.js";
import { e2eHop } from "./hops/e2e.js";
import { functionHop } from "./hops/function.js";
import { checksProvider, notConfigured, skip, type Hop, type HopContext, type HopOutcome, type ProviderHop } from "./hops/hop.js";
import { nginxHop } from "./hops/nginx.js";
import { tlsHop } from "./hops/tls.js";
import { webHop } from "./hops/web.js";
import { hopProvider, tally, type HopName, type HopResult, type SmokeReport } from "./report.js";
import { Redactor } from "./secrets.js";
import type { SmokeSettings } from "./smoke-args.js";
import { OWN_KEY, type SmokeTarget } from "./target.js";

const on = (hop: ProviderHop, provider: Provider): Hop => (ctx) => hop(ctx, provider);

/** One entry per hop name: adding a hop without its check fails to compile. */
export const HOP_CHECKS: Record<HopName, Hop> = {
  function: on(functionHop, "openai"),
  "function-anthropic": on(functionHop, "anthropic"),
  "function-google": on(functionHop, "google"),
  web: on(webHop, "openai"),
  "web-anthropic": on(webHop, "anthropic"),
  "web-google": on(webHop, "google"),
  nginx: on(nginxHop, "openai"),
  "nginx-anthropic": on(nginxHop, "anthropic"),
  "nginx-google": on(nginxHop, "google"),
  dns: dnsHop,
  tls: tlsHop,
  e2e: on(e2eHop, "openai"),
  "e2e-anthropic": on(e2eHop, "anthropic"),
  "e2e-google": on(e2eHop, "google"),
};

export interface RunHooks {
  /** Wraps each hop while it runs (the entry point puts a spinner here). */
  around?: <T>(label: string, run: () => Promise<T>) => Promise<T>;
  /** Called as each hop ends, with its (masked) result. */
  done?: (result: HopResult) => void;
  /** Outcomes decided without running the hop (e.g. `npm run local` without Nginx). */
  preset?: Partial<Record<HopName, HopOutcome>>;
  /** Secrets beside the target's that what the hops talk to may echo (e.g. the key `npm run local` gave its proxy). */
  alsoMask?: readonly (string | undefined)[];
}

/** The secrets a target holds: its token, access code and own keys. */
export function targetSecrets(target: SmokeTarget): (string | undefined)[] {
  return [target.proxyToken, target.accessCode, ...PROVIDERS.map((provider) => target[OWN_KEY[provider]])];
}

/** The secrets of a target, to mask in everything printed about it. */
export function redactorFor(target: SmokeTarget, alsoMask: readonly (string | undefined)[] = []): Redactor {
  return new Redactor([...targetSecrets(target), ...alsoMask]);
}

export async function runSmoke(target: SmokeTarget, settings: SmokeSettings, hooks: RunHooks = {}): Promise<SmokeReport> {
  const redactor = redactorFor(target, hooks.alsoMask);
  const ctx: HopContext = { target, settings, step: () => AbortSignal.timeout(settings.timeoutMs) };
  const around = hooks.around ?? ((_label, run) => run());
  const hops: HopResult[] = [];
  for (const hop of settings.hops) {
    // A provider the stack holds no key for (and no key was given) has no hops in the report, unless named.
    const provider = hopProvider(hop);
    const unconfigured = provider !== undefined && !checksProvider(target, provider);
    if (unconfigured && !settings.only) continue;
    const started = performance.now();
    let outcome: HopOutcome;
    try {
      outcome = unconfigured ? skip(notConfigured(provider)) : (hooks.preset?.[hop] ?? (await around(hop, () => HOP_CHECKS[hop](ctx))));
    } catch (err) {
      outcome = { status: "fail", detail: (err as Error).message || String(err) };
    }
    const result: HopResult = {
      hop,
      status: outcome.status,
      ms: Math.round(performance.now() - started),
      detail: redactor.mask(outcome.detail),
      ...(outcome.stream ? { stream: outcome.stream } : {}),
    };
    hops.push(result);
    hooks.done?.(result);
  }
  const billing = settings.billing ? await around("billing", () => checkBilling(ctx)) : undefined;
  return {
    schema: "gptsite-smoke/2",
    target: {
      functionUrl: target.functionUrl ?? null,
      webUrl: target.webUrl ?? null,
      siteUrl: target.siteUrl ?? null,
      domain: target.domain ?? null,
      hostIp: target.hostIp ?? null,
      serverKeys: target.serverKeys ?? null,
      proxyToken: Boolean(target.proxyToken),
      accessCode: Boolean(target.accessCode),
      apiKey: Boolean(target.apiKey),
      anthropicKey: Boolean(target.anthropicKey),
      googleKey: Boolean(target.googleKey),
    },
    hops,
    ...(billing ? { billing: { ...billing, detail: redactor.mask(billing.detail), endpoints: billing.endpoints.map((e) => ({ ...e, note: redactor.mask(e.note) })) } } : {}),
    ...tally(hops),
  };
}
