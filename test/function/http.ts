// Small HTTP clients for the proxy tests: node:http for headers fetch() refuses to send (Connection,
// Cookie, Host…), and a raw socket for request targets no client library would produce.
import http, { type IncomingHttpHeaders, type OutgoingHttpHeaders } from "node:http";
import net from "node:net";
import OpenAI from "openai";
import { expect } from "vitest";
import type { TestUpstream } from "../../chain/upstream.js";

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export function send(
  url: string,
  options: { method?: string; path?: string; headers?: OutgoingHttpHeaders; body?: string | Buffer } = {},
): Promise<Answer> {
  const base = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: base.hostname, port: base.port, method: options.method ?? "GET", path: options.path ?? base.pathname + base.search, headers: options.headers, agent: false },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

/** Writes `text` as is on a fresh connection and returns everything read until the peer closes. */
export function sendRaw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1");
    let received = "";
    socket.setEncoding("utf8");
    socket.on("data", (d: string) => (received += d));
    socket.on("close", () => resolve(received));
    socket.on("error", (err) => (received ? resolve(received) : reject(err)));
    socket.write(text);
  });
}

/** Status and parsed JSON body of a raw HTTP/1.1 response. */
export function parseRaw(response: string): { status: number; head: string; json: unknown } {
  const [head = "", body = ""] = response.split("\r\n\r\n", 2);
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
  return { status, head, json: body ? (JSON.parse(body) as unknown) : undefined };
}

export function proxyError(code: string, message: string): unknown {
  return { error: { message, type: "proxy_error", code } };
}

/**
 * Streams a chat completion with the official client from `baseURL` while `upstream` is in manual
 * mode, asserting that each chunk arrives before the upstream has written the next one (it waits for
 * release(), called only once the chunk is here). Returns the text and the number of chunks.
 */
export async function streamChunkByChunk(baseURL: string, apiKey: string, upstream: TestUpstream): Promise<{ text: string; chunks: number }> {
  const client = new OpenAI({ apiKey, baseURL, maxRetries: 0 });
  const stream = await client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], stream: true });
  let text = "";
  let chunks = 0;
  for await (const chunk of stream) {
    chunks += 1;
    expect(upstream.requests.at(-1)!.chunksWritten).toBe(chunks);
    text += chunk.choices[0]?.delta.content ?? "";
    upstream.release();
  }
  return { text, chunks };
}
