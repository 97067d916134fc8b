// What every hop is given and gives back, and the pieces several hops share.
import type { SmokeSettings } from "../smoke-args.js";
import type { HopStatus, StreamTiming } from "../report.js";
import { describeTiming, streamChat, type ChatRequest } from "../stream.js";
import type { SmokeTarget } from "../target.js";

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

export const ok = (detail: string, stream?: StreamTiming): HopOutcome => ({ status: "ok", detail, ...(stream ? { stream } : {}) });
export const fail = (detail: string, stream?: StreamTiming): HopOutcome => ({ status: "fail", detail, ...(stream ? { stream } : {}) });
export const skip = (detail: string): HopOutcome => ({ status: "skip", detail });

/**
 * Authorization for the API routes (function URL, site /v1/), by the proxy's auth modes: the token
 * alone with a server key, `<key>:<token>` when callers bring their key, the key alone with no proxy.
 */
export function apiAuthorization(target: SmokeTarget): string | undefined {
  const { apiKey, proxyToken } = target;
  if (apiKey && proxyToken) return `Bearer ${apiKey}:${proxyToken}`;
  const credential = proxyToken ?? apiKey;
  return credential ? `Bearer ${credential}` : undefined;
}

/** Streams one chat to `url` and turns it into a verdict: the error it carried, "buffered", or ok. */
export async function chatHop(label: string, url: string, request: Omit<ChatRequest, "model">, ctx: HopContext): Promise<HopOutcome> {
  const chat = await streamChat(url, { ...request, model: ctx.settings.model });
  const path = new URL(url).pathname;
  if (chat.error || chat.status !== 200 || !chat.timing) {
    // OpenAI's "You didn't provide an API key" / invalid_api_key, not the proxy's or NextChat's refusal.
    const hint = chat.status === 401 && !ctx.target.apiKey && /api[ _]key/i.test(chat.error ?? "") && !/proxy_token/.test(chat.error ?? "") ? NO_KEY_HINT : "";
    return fail(`${label} ${path}: HTTP ${chat.status} ${chat.error ?? ""}${hint}`.trimEnd(), chat.timing);
  }
  const gzip = chat.gzip ? " (gzip on an event stream)" : "";
  const said = chat.content ? ` "${chat.content.length > 24 ? `${chat.content.slice(0, 24)}…` : chat.content}"` : "";
  const detail = `${label} ${describeTiming(chat.timing)}${gzip}${said}`;
  return chat.timing.verdict === "buffered" ? fail(detail, chat.timing) : ok(detail, chat.timing);
}

const NO_KEY_HINT = " (a stack without openaiApiKey takes your own key: --key sk-…)";

/** The URL with `path` appended to its own path (`https://h/release` + `/v1/x` → `https://h/release/v1/x`). */
export function join(base: string, path: string): string {
  return base.replace(/\/+$/, "") + path;
}
