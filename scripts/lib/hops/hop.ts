// What every hop is given and gives back, and the pieces several hops share.
import { PROXY_ROUTES, type Provider } from "../../../contract.js";
import { authHeaders } from "../../../function/src/auth.js";
import { PROVIDER_CONFIG } from "../../../infra/config/keys.js";
import { DIALECTS } from "../dialects.js";
import type { SmokeSettings } from "../smoke-args.js";
import type { HopStatus, StreamTiming } from "../report.js";
import { describeTiming, streamChat, type ChatRequest } from "../stream.js";
import { OWN_KEY, type SmokeTarget } from "../target.js";

export interface HopContext {
  readonly target: SmokeTarget;
  readonly settings: SmokeSettings;
  /** A fresh AbortSignal.timeout(--timeout) for one network step. */
  step(): AbortSignal;
}

export interface HopOutcome {
  status: HopStatus;
  detail: string;
  stream?: StreamTiming;
}

export type Hop = (ctx: HopContext) => Promise<HopOutcome>;

/** A hop that chats with one provider (the same check for each provider's route). */
export type ProviderHop = (ctx: HopContext, provider: Provider) => Promise<HopOutcome>;

export const ok = (detail: string, stream?: StreamTiming): HopOutcome => ({ status: "ok", detail, ...(stream ? { stream } : {}) });
export const fail = (detail: string, stream?: StreamTiming): HopOutcome => ({ status: "fail", detail, ...(stream ? { stream } : {}) });
export const skip = (detail: string): HopOutcome => ({ status: "skip", detail });

/**
 * The credential for a provider's API routes (function URL, the site's /v1/, /anthropic/, /google/), by
 * the proxy's auth modes: the token alone with a server key, `<key>:<token>` when callers bring their
 * key, the key alone with no proxy.
 */
export function apiCredential(target: SmokeTarget, provider: Provider): string | undefined {
  const key = target[OWN_KEY[provider]];
  const { proxyToken } = target;
  if (key && proxyToken) return `${key}:${proxyToken}`;
  return proxyToken ?? key;
}

/** apiCredential in the provider's own header (Authorization, x-api-key, x-goog-api-key), as the proxy itself puts a key there. */
export function apiAuthHeaders(target: SmokeTarget, provider: Provider): Record<string, string> | undefined {
  const credential = apiCredential(target, provider);
  return credential ? authHeaders(PROXY_ROUTES[provider], credential) : undefined;
}

/** Whether smoke checks `provider`'s routes: OpenAI always; the others when the stack holds their key or one is given. */
export function checksProvider(target: SmokeTarget, provider: Provider): boolean {
  return provider === "openai" || Boolean(target.serverKeys?.includes(provider) || target[OWN_KEY[provider]]);
}

/** The flag giving smoke the caller's own key for a provider. */
export const keyFlag = (provider: Provider) => (provider === "openai" ? "--key" : `--${provider}-key`);

/** Why a provider's hop is skipped when it was asked for by name. */
export function notConfigured(provider: Provider): string {
  const { title, apiKey } = PROVIDER_CONFIG[provider];
  return `the stack holds no ${title} key (${apiKey}); ${keyFlag(provider)} KEY checks its routes with yours`;
}

/** The chat URL of a provider under `base` (its mount on the proxy or the site, NextChat's route). */
export function chatUrl(base: string, provider: Provider, ctx: HopContext): string {
  return join(base, DIALECTS[provider].chatPath(ctx.settings.models[provider]));
}

/** Streams one chat to `url` and turns it into a verdict: the error it carried, "buffered", or ok. */
export async function chatHop(
  label: string,
  url: string,
  request: Omit<ChatRequest, "model" | "provider">,
  ctx: HopContext,
  provider: Provider = "openai",
): Promise<HopOutcome> {
  const chat = await streamChat(url, { ...request, model: ctx.settings.models[provider], provider });
  const path = new URL(url).pathname;
  if (chat.error || chat.status !== 200 || !chat.timing) {
    // The provider's "no API key" / invalid key, not the proxy's or NextChat's refusal.
    const own = ctx.target[OWN_KEY[provider]];
    const hint =
      [400, 401].includes(chat.status) && !own && /api[ _-]?key/i.test(chat.error ?? "") && !/proxy_token/.test(chat.error ?? "") ? noKeyHint(provider) : "";
    return fail(`${label} ${path}: HTTP ${chat.status} ${chat.error ?? ""}${hint}`.trimEnd(), chat.timing);
  }
  const gzip = chat.gzip ? " (gzip on an event stream)" : "";
  const said = chat.content ? ` "${chat.content.length > 24 ? `${chat.content.slice(0, 24)}…` : chat.content}"` : "";
  const detail = `${label} ${describeTiming(chat.timing)}${gzip}${said}`;
  return chat.timing.verdict === "buffered" ? fail(detail, chat.timing) : ok(detail, chat.timing);
}

const noKeyHint = (provider: Provider) =>
  ` (a stack without ${PROVIDER_CONFIG[provider].apiKey} takes your own key: ${keyFlag(provider)} ${provider === "openai" ? "sk-…" : "KEY"})`;

/** The URL with `path` appended to its own path (`https://h/release` + `/v1/x` → `https://h/release/v1/x`). */
export function join(base: string, path: string): string {
  return base.replace(/\/+$/, "") + path;
}
