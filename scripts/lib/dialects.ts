// How smoke asks each provider for a short streamed answer, and reads its events: OpenAI's chat
// completions (`data: {choices…}` … `[DONE]`), Anthropic's Messages API (`content_block_delta` …
// `message_stop`) and Gemini's streamGenerateContent with `alt=sse` (candidates, the last with a
// finishReason). The path is under a provider's base: the proxy's mount, NextChat's route, the site's.
import { PROXY_ROUTES, type Provider } from "../../contract.js";
import { parseJson } from "./http.js";

/** What one `data:` event said. */
export interface EventReading {
  text?: string;
  /** The answer is complete. */
  done?: boolean;
  error?: string;
}

export interface Dialect {
  /** The streamed chat's path under the provider's base, e.g. `/v1/messages`. */
  chatPath(model: string): string;
  body(model: string, prompt: string): object;
  /** Headers the API wants besides the key. */
  readonly headers: Readonly<Record<string, string>>;
  read(data: string): EventReading;
  /** How it says the answer is complete, for the message about a stream that ended without it. */
  readonly end: string;
}

export const DIALECTS: Readonly<Record<Provider, Dialect>> = {
  openai: {
    chatPath: () => "/v1/chat/completions",
    body: (model, prompt) => ({ model, stream: true, messages: [{ role: "user", content: prompt }] }),
    headers: {},
    end: "[DONE]",
    read(data) {
      if (data === "[DONE]") return { done: true };
      const event = parseJson(data) as { choices?: { delta?: { content?: string } }[]; error?: unknown } | undefined;
      return { text: event?.choices?.[0]?.delta?.content ?? "", ...(event?.error ? { error: bodyError(data) } : {}) };
    },
  },
  anthropic: {
    chatPath: () => "/v1/messages",
    body: (model, prompt) => ({ model, max_tokens: 64, stream: true, messages: [{ role: "user", content: prompt }] }),
    headers: { "anthropic-version": PROXY_ROUTES.anthropic.defaultHeaders["anthropic-version"]! },
    end: "message_stop",
    read(data) {
      const event = parseJson(data) as { type?: string; delta?: { text?: string } } | undefined;
      if (event?.type === "error") return { error: bodyError(data) };
      return { text: event?.type === "content_block_delta" ? (event.delta?.text ?? "") : "", done: event?.type === "message_stop" };
    },
  },
  google: {
    chatPath: (model) => `/v1beta/models/${encodeURIComponent(model)}:streamGenerateContent?alt=sse`,
    body: (_model, prompt) => ({ contents: [{ role: "user", parts: [{ text: prompt }] }] }),
    headers: {},
    end: "a finishReason",
    read(data) {
      const event = parseJson(data) as { candidates?: { content?: { parts?: { text?: string }[] }; finishReason?: string }[]; error?: unknown } | undefined;
      if (event?.error) return { error: bodyError(data) };
      const candidate = event?.candidates?.[0];
      return { text: (candidate?.content?.parts ?? []).map((part) => part.text ?? "").join(""), done: candidate?.finishReason !== undefined };
    },
  },
};

/**
 * The error a JSON body carries: OpenAI's `{"error":{"message","code"}}`, Anthropic's
 * `{"type":"error","error":{"type","message"}}`, Gemini's `{"error":{"code","message","status"}}`,
 * NextChat's `{"error":true,"msg"}`, or NextChat's caught exception, which it returns as a JSON string
 * (HTTP 200).
 */
export function bodyError(text: string): string | undefined {
  const json = parseJson(text);
  if (typeof json === "string") return json.replace(/^```json\n?/, "").replace(/\n?```$/, "");
  if (!json || typeof json !== "object" || !("error" in json)) return undefined;
  const e = (json as { error: unknown }).error;
  if (e && typeof e === "object") {
    const { message, code, type, status } = e as { message?: unknown; code?: unknown; type?: unknown; status?: unknown };
    const label = [code, type, status].find((x) => typeof x === "string" && x);
    return `${label ? `${label as string}: ` : ""}${typeof message === "string" ? message : JSON.stringify(e)}`;
  }
  if (e === true || e === "true") {
    const { msg, message } = json as { msg?: unknown; message?: unknown };
    const said = msg ?? message;
    return typeof said === "string" ? said : JSON.stringify(json);
  }
  return typeof e === "string" ? e : undefined;
}
