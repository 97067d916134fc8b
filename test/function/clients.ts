// The official Anthropic and Gemini clients streaming through whatever is at `baseURL` (the test
// upstream, the proxy, Nginx in front), paced by the test upstream's manual mode: each event must have
// reached the client before the upstream writes the next one (it waits for release(), called only once
// the event is here). streamChunkByChunk in http.ts does the same with the openai client.
import Anthropic, { type ClientOptions } from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import { expect } from "vitest";
import type { TestUpstream } from "../../chain/upstream.js";

/** Streams a message with the anthropic client; returns the text and the event types it yielded. */
export async function streamAnthropic(
  baseURL: string,
  auth: Pick<ClientOptions, "apiKey" | "defaultHeaders">,
  upstream: TestUpstream,
): Promise<{ text: string; events: string[] }> {
  const client = new Anthropic({ ...auth, baseURL, maxRetries: 0 });
  const stream = await client.messages.create({ model: "claude-sonnet-4-6", max_tokens: 64, messages: [{ role: "user", content: "hi" }], stream: true });
  let text = "";
  const events: string[] = [];
  for await (const event of stream) {
    events.push(event.type);
    // The upstream writes a ping after content_block_start, which the client does not yield.
    const frame = events.length <= 2 ? events.length : events.length + 1;
    expect(upstream.requests.at(-1)!.chunksWritten).toBe(frame);
    if (event.type === "content_block_delta" && event.delta.type === "text_delta") text += event.delta.text;
    upstream.release(event.type === "content_block_start" ? 2 : 1);
  }
  return { text, events };
}

/** Streams generateContentStream (`:streamGenerateContent?alt=sse`) with the genai client. */
export async function streamGemini(baseUrl: string, apiKey: string, upstream: TestUpstream): Promise<{ text: string; chunks: number }> {
  const ai = new GoogleGenAI({ apiKey, httpOptions: { baseUrl } });
  const stream = await ai.models.generateContentStream({ model: "gemini-2.5-flash", contents: "hi" });
  let text = "";
  let chunks = 0;
  for await (const chunk of stream) {
    chunks += 1;
    expect(upstream.requests.at(-1)!.chunksWritten).toBe(chunks);
    text += chunk.text ?? "";
    upstream.release();
  }
  return { text, chunks };
}
