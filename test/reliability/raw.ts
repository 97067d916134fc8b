// Raw HTTP/1.x over node:net, for requests no client library would send, and a reader for what
// comes back: status, headers, the body (de-chunked), or that the peer only closed the connection.
import net from "node:net";
import { parseJson } from "../../scripts/lib/http.js";

export interface RawAnswer {
  /** 0 when nothing that looks like a status line came back. */
  status: number;
  head: string;
  body: string;
  /** Everything received, as latin1 text. */
  raw: string;
  /** The peer closed the connection (false: we gave up waiting). */
  closed: boolean;
}

/**
 * Writes `request` on a fresh connection and reads until the peer closes it, or `idleMs` pass
 * without a byte after a complete answer (a kept-alive connection), or `giveUpMs` pass in all.
 */
export function rawExchange(port: number, request: string | Buffer, options: { idleMs?: number; giveUpMs?: number } = {}): Promise<RawAnswer> {
  const idleMs = options.idleMs ?? 300;
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    const parts: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const giveUp = setTimeout(() => finish(false), options.giveUpMs ?? 10_000);
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(giveUp);
      socket.destroy();
      resolve(parseAnswer(Buffer.concat(parts).toString("latin1"), closed));
    };
    const arm = () => {
      clearTimeout(timer);
      // Only a complete answer on a kept-alive connection ends by silence.
      timer = setTimeout(() => (isComplete(Buffer.concat(parts).toString("latin1")) ? finish(false) : arm()), idleMs);
    };
    socket.on("data", (data: Buffer) => {
      parts.push(data);
      arm();
    });
    socket.on("close", () => finish(true));
    socket.on("error", () => finish(true));
    socket.write(request);
    arm();
  });
}

export function parseAnswer(raw: string, closed: boolean): RawAnswer {
  const match = /^HTTP\/1\.[01] (\d{3})[^\r\n]*\r\n/.exec(raw);
  if (!match) return { status: 0, head: "", body: raw, raw, closed };
  const end = raw.indexOf("\r\n\r\n");
  const head = end < 0 ? raw : raw.slice(0, end);
  let body = end < 0 ? "" : raw.slice(end + 4);
  if (/^transfer-encoding:\s*chunked/im.test(head)) body = dechunk(body);
  else {
    const length = /^content-length:\s*(\d+)/im.exec(head)?.[1];
    if (length !== undefined) body = body.slice(0, Number(length));
  }
  return { status: Number(match[1]), head, body, raw, closed };
}

function isComplete(raw: string): boolean {
  const answer = parseAnswer(raw, false);
  if (answer.status === 0) return false;
  const length = /^content-length:\s*(\d+)/im.exec(answer.head)?.[1];
  if (length !== undefined) return Buffer.byteLength(answer.body, "latin1") >= Number(length);
  return /\r\n0\r\n\r\n$/.test(raw);
}

function dechunk(body: string): string {
  let out = "";
  let rest = body;
  for (;;) {
    const line = rest.indexOf("\r\n");
    if (line < 0) return out;
    const size = parseInt(rest.slice(0, line), 16);
    if (!Number.isFinite(size) || size === 0) return out;
    out += rest.slice(line + 2, line + 2 + size);
    rest = rest.slice(line + 2 + size + 2);
  }
}

/** The OpenAI-shaped error in an answer's body, or undefined when the body is not one. */
export function errorOf(answer: RawAnswer): { message: string; type: string; code: string } | undefined {
  const e = (parseJson(answer.body) as { error?: { message?: unknown; type?: unknown; code?: unknown } } | null | undefined)?.error;
  if (e && typeof e.message === "string" && typeof e.type === "string" && typeof e.code === "string") {
    return { message: e.message, type: e.type, code: e.code };
  }
  return undefined;
}
