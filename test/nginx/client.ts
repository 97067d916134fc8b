// A raw HTTP(S) client for the Nginx suites: no automatic decompression or retries (fetch would hide
// Content-Encoding), the body written by the test when it wants, and the response observable as it
// arrives, so a test can wait for "the client has event n" instead of sleeping.
import { EventEmitter, once } from "node:events";
import http, { type IncomingHttpHeaders, type OutgoingHttpHeaders } from "node:http";
import https from "node:https";

export interface ExchangeOptions {
  method?: string;
  headers?: OutgoingHttpHeaders;
  /** Written and ended at once; leave out to write through `request` yourself. */
  body?: string | Buffer;
  /** Trust this certificate (PEM) for https URLs. */
  ca?: string;
  /** SNI and certificate name for https URLs (default `localhost`). */
  servername?: string;
  /** Keep the request open for the test to write and end. */
  manualBody?: boolean;
  /** Request target sent as is, bypassing URL parsing (which would turn `\\` into `/`). */
  rawPath?: string;
}

export class Exchange {
  readonly request: http.ClientRequest;
  status = 0;
  headers: IncomingHttpHeaders = {};
  body = Buffer.alloc(0);
  ended = false;
  error: Error | undefined;
  private readonly changes = new EventEmitter();

  constructor(url: string, options: ExchangeOptions = {}) {
    const target = new URL(url);
    const client = target.protocol === "https:" ? https : http;
    this.request = client.request(target, {
      ...(options.rawPath === undefined ? {} : { path: options.rawPath }),
      method: options.method ?? (options.body === undefined ? "GET" : "POST"),
      headers: options.headers,
      agent: false,
      ...(target.protocol === "https:" ? { ca: options.ca, servername: options.servername ?? "localhost" } : {}),
    });
    this.request.on("response", (res) => {
      this.status = res.statusCode ?? 0;
      this.headers = res.headers;
      this.changes.emit("change");
      res.on("data", (chunk: Buffer) => {
        this.body = Buffer.concat([this.body, chunk]);
        this.changes.emit("change");
      });
      res.on("end", () => {
        this.ended = true;
        this.changes.emit("change");
      });
      res.on("error", (err) => this.fail(err));
    });
    this.request.on("error", (err) => this.fail(err));
    // Node holds the headers back until the first body write; a manual body may start with none.
    if (options.manualBody) this.request.flushHeaders();
    else this.request.end(options.body);
  }

  get text(): string {
    return this.body.toString("utf8");
  }

  /** `data:` payloads of the complete server-sent events received so far (Gemini ends its lines with CRLF). */
  get events(): string[] {
    return this.text
      .replace(/\r\n/g, "\n")
      .split("\n\n")
      .slice(0, -1)
      .flatMap((event) => event.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)));
  }

  /** Resolves when `predicate` holds, re-checked on every response event; rejects on error or timeout. */
  async until(predicate: (x: this) => boolean, what: string, timeoutMs = 10_000): Promise<this> {
    if (predicate(this)) return this;
    await new Promise<void>((resolve, reject) => {
      const check = () => {
        if (predicate(this)) done(resolve);
        else if (this.error) done(() => reject(this.error));
        else if (this.ended) done(() => reject(new Error(`response ended (status ${this.status}) before ${what}: ${this.text.slice(0, 500)}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`))), timeoutMs);
      const done = (then: () => void) => {
        clearTimeout(timer);
        this.changes.off("change", check);
        then();
      };
      this.changes.on("change", check);
    });
    return this;
  }

  /** The whole response. */
  done(timeoutMs?: number): Promise<this> {
    return this.until((x) => x.ended, "the end of the response", timeoutMs);
  }

  /** Write part of a manual body and wait until the socket took it. */
  async write(chunk: string | Buffer): Promise<void> {
    if (!this.request.write(chunk)) await once(this.request, "drain");
  }

  close(): void {
    this.request.destroy();
  }

  private fail(err: Error): void {
    this.error = err;
    this.changes.emit("change");
  }
}

/** Start an exchange; `await send(...).done()` for the whole response. */
export function send(url: string, options?: ExchangeOptions): Exchange {
  return new Exchange(url, options);
}

export function chatBody(extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }], ...extra });
}

export const JSON_HEADERS = { "content-type": "application/json" } as const;
