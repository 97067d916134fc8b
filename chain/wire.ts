// The three wire formats the test upstream speaks, each as its provider sends it (checked against the
// official clients in test/chain/upstream.test.ts): OpenAI's chat completions, Anthropic's Messages API
// and Gemini's generateContent. What a request asks for, which key it carries, and what the answer
// (a JSON body, or the frames of an event stream) and the errors look like.
import type { IncomingHttpHeaders } from "node:http";
import type { Provider } from "../contract.js";

/** What a key can say upstream, in each provider's own words (see `troubleAnswer`). */
export type KeyTrouble = "exhausted" | "rateLimited" | "revoked";

export interface UpstreamError {
  status: number;
  message?: string;
  /** OpenAI `type`, Anthropic `error.type`, Gemini `status` (e.g. `RESOURCE_EXHAUSTED`). */
  type?: string;
  /** OpenAI's `code`. */
  code?: string | null;
}

/** What the upstream sends for a request it serves: a JSON body, or event-stream frames written one by one. */
export type Answer = { readonly json: object } | { readonly frames: readonly string[]; readonly contentType: string };

export interface AskedFor {
  readonly method: string;
  /** Path without query. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: { stream?: unknown } | undefined;
  readonly chunks: readonly string[];
  readonly id: number;
  /** The model the upstream names when the request names none. */
  readonly model: string;
}

export interface Wire {
  readonly provider: Provider;
  /** The key the request carries, read as this provider reads it. */
  key(headers: IncomingHttpHeaders, query: URLSearchParams): string | undefined;
  /** The answer for this request, or undefined for a path this provider does not serve (404). */
  answer(asked: AskedFor): Answer | undefined;
  /** An error body in the provider's shape. */
  error(e: UpstreamError): object;
  /** What the provider answers for a key in this trouble. */
  trouble(kind: KeyTrouble): UpstreamError & { headers?: Record<string, string> };
}

const EVENT_STREAM = "text/event-stream; charset=utf-8";
const bearer = (headers: IncomingHttpHeaders) => /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? "")?.[1];
const now = () => Math.floor(Date.now() / 1000);

const openai: Wire = {
  provider: "openai",
  key: (headers) => bearer(headers),
  answer({ method, path, body, chunks, id, model }) {
    if (method === "GET" && path === "/v1/models") {
      return { json: { object: "list", data: [{ id: model, object: "model", created: 1721172741, owned_by: "system" }] } };
    }
    if (method !== "POST" || path !== "/v1/chat/completions") return undefined;
    const chunk = (delta: object, finish: string | null) =>
      JSON.stringify({ id: `chatcmpl-test${id}`, object: "chat.completion.chunk", created: now(), model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
    if (body?.stream === true) {
      const data = [chunk({ role: "assistant", content: "" }, null), ...chunks.map((content) => chunk({ content }, null)), chunk({}, "stop"), "[DONE]"];
      return { frames: data.map((d) => `data: ${d}\n\n`), contentType: EVENT_STREAM };
    }
    return {
      json: {
        id: `chatcmpl-test${id}`,
        object: "chat.completion",
        created: now(),
        model,
        choices: [{ index: 0, message: { role: "assistant", content: chunks.join("") }, logprobs: null, finish_reason: "stop" }],
        usage: { prompt_tokens: 5, completion_tokens: chunks.length, total_tokens: 5 + chunks.length },
      },
    };
  },
  error: (e) => ({ error: { message: e.message ?? `upstream error ${e.status}`, type: e.type ?? "server_error", param: null, code: e.code ?? null } }),
  trouble(kind) {
    if (kind === "exhausted") return { status: 429, message: "You exceeded your current quota, please check your plan and billing details.", type: "insufficient_quota", code: "insufficient_quota" };
    if (kind === "rateLimited") return { status: 429, message: "Rate limit reached for requests per min (RPM): Limit 3.", type: "requests", code: "rate_limit_exceeded", headers: { "retry-after": "20" } };
    return { status: 401, message: "Incorrect API key provided.", type: "invalid_request_error", code: "invalid_api_key" };
  },
};

const anthropic: Wire = {
  provider: "anthropic",
  key: (headers) => (typeof headers["x-api-key"] === "string" ? headers["x-api-key"] : bearer(headers)),
  answer({ method, path, body, chunks, id, model }) {
    if (method === "GET" && path === "/v1/models") {
      return { json: { data: [{ type: "model", id: model, display_name: model, created_at: "2025-01-01T00:00:00Z" }], has_more: false, first_id: model, last_id: model } };
    }
    if (method !== "POST" || path !== "/v1/messages") return undefined;
    const message = { id: `msg_test${id}`, type: "message", role: "assistant", model, stop_sequence: null };
    if (body?.stream !== true) {
      return { json: { ...message, content: [{ type: "text", text: chunks.join("") }], stop_reason: "end_turn", usage: { input_tokens: 5, output_tokens: chunks.length } } };
    }
    // The event sequence of the Messages API's streaming (a ping among them, as the API sends).
    const event = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
    return {
      contentType: EVENT_STREAM,
      frames: [
        event("message_start", { message: { ...message, content: [], stop_reason: null, usage: { input_tokens: 5, output_tokens: 1 } } }),
        event("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
        event("ping", {}),
        ...chunks.map((text) => event("content_block_delta", { index: 0, delta: { type: "text_delta", text } })),
        event("content_block_stop", { index: 0 }),
        event("message_delta", { delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: chunks.length } }),
        event("message_stop", {}),
      ],
    };
  },
  error: (e) => ({ type: "error", error: { type: e.type ?? "api_error", message: e.message ?? `upstream error ${e.status}` } }),
  trouble(kind) {
    if (kind === "exhausted") {
      return { status: 400, type: "invalid_request_error", message: "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits." };
    }
    if (kind === "rateLimited") return { status: 429, type: "rate_limit_error", message: "Number of request tokens has exceeded your per-minute rate limit.", headers: { "retry-after": "20" } };
    return { status: 401, type: "authentication_error", message: "invalid x-api-key" };
  },
};

// `/v1beta/models/{model}:{method}` (or `/v1/…`).
const GEMINI_CALL = /^\/v1(?:beta)?\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;
const GEMINI_STATUS: Record<number, string> = { 400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE" };

const google: Wire = {
  provider: "google",
  key: (headers, query) => (typeof headers["x-goog-api-key"] === "string" ? headers["x-goog-api-key"] : (query.get("key") ?? undefined)),
  answer({ method, path, query, chunks, model }) {
    if (method === "GET" && /^\/v1(?:beta)?\/models$/.test(path)) {
      return { json: { models: [{ name: `models/${model}`, displayName: model, supportedGenerationMethods: ["generateContent"] }] } };
    }
    const call = GEMINI_CALL.exec(path);
    if (method !== "POST" || !call) return undefined;
    const modelVersion = call[1]!;
    const piece = (text: string, last: boolean) => ({
      candidates: [{ content: { parts: [{ text }], role: "model" }, index: 0, ...(last ? { finishReason: "STOP" } : {}) }],
      ...(last ? { usageMetadata: { promptTokenCount: 5, candidatesTokenCount: chunks.length, totalTokenCount: 5 + chunks.length } } : {}),
      modelVersion,
    });
    if (call[2] === "generateContent") return { json: piece(chunks.join(""), true) };
    const pieces = chunks.map((text, i) => piece(text, i === chunks.length - 1));
    // Without alt=sse the API streams one JSON array; only SSE is written frame by frame here.
    if (query.get("alt") !== "sse") return { json: pieces };
    return { frames: pieces.map((p) => `data: ${JSON.stringify(p)}\r\n\r\n`), contentType: "text/event-stream" };
  },
  error: (e) => ({ error: { code: e.status, message: e.message ?? `upstream error ${e.status}`, status: e.type ?? GEMINI_STATUS[e.status] ?? "UNKNOWN" } }),
  trouble(kind) {
    if (kind === "revoked") return { status: 400, type: "INVALID_ARGUMENT", message: "API key not valid. Please pass a valid API key. (API_KEY_INVALID)" };
    return {
      status: 429,
      type: "RESOURCE_EXHAUSTED",
      message:
        kind === "exhausted"
          ? "You exceeded your current quota, please check your plan and billing details."
          : "Resource has been exhausted (e.g. check quota). Quota exceeded for metric: generate_content_requests_per_minute.",
    };
  },
};

/**
 * Which provider a request speaks, from what only that provider's clients send: Gemini's paths and
 * key header, Anthropic's Messages path and version header; OpenAI otherwise (the upstream serves all
 * three on one port, as `npm run local` points every route at it).
 */
export function wireOf(path: string, headers: IncomingHttpHeaders, query: URLSearchParams): Wire {
  if (path.startsWith("/v1beta/") || GEMINI_CALL.test(path) || headers["x-goog-api-key"] !== undefined || query.has("key")) return google;
  if (path === "/v1/messages" || headers["anthropic-version"] !== undefined || headers["x-api-key"] !== undefined) return anthropic;
  return openai;
}
