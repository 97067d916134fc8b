// In key mode the upstream receives the server's key. An error answer that quotes what it received
// (some gateways echo Authorization in the body or in WWW-Authenticate) would hand that key to anyone
// holding the proxy token: such answers are relayed with the key replaced. Only error answers have
// their body read: a 2xx body is the model's answer, and scanning every stream would cost them all.
import type { IncomingMessage, OutgoingHttpHeaders } from "node:http";
import { pipeline, Transform, type Readable } from "node:stream";
import zlib from "node:zlib";

export const REDACTED = "[redacted]";

// The codings clients ask for (Accept-Encoding: gzip, deflate, br), as a stream and whole. A body in
// any other cannot be checked.
interface Decoder {
  stream(): Transform;
  whole(body: Buffer, options: zlib.ZlibOptions & zlib.BrotliOptions): Buffer;
}
const GZIP: Decoder = { stream: zlib.createGunzip, whole: zlib.gunzipSync };
const DECODERS: ReadonlyMap<string, Decoder> = new Map([
  ["gzip", GZIP],
  ["x-gzip", GZIP],
  ["deflate", { stream: zlib.createInflate, whole: zlib.inflateSync }],
  ["br", { stream: zlib.createBrotliDecompress, whole: zlib.brotliDecompressSync }],
]);

/** The body's Content-Encoding as DECODERS names it; "" when the body is plain. */
function codingOf(contentEncoding: string | undefined): string {
  const coding = (contentEncoding ?? "").trim().toLowerCase();
  return coding === "identity" ? "" : coding;
}

/**
 * The upstream answer's `body` with `secret` replaced: in `headers` (the ones going to the client), in
 * place, and for an error in the body, which is then plain (decoded) and of another length. Undefined
 * when an error body comes in a coding that cannot be read. `onError`: the body failed to decode.
 */
export function keyRedacted(answer: IncomingMessage, body: Readable, headers: OutgoingHttpHeaders, secret: string, onError: (err: Error) => void): Readable | undefined {
  redactHeaders(headers, secret);
  if ((answer.statusCode ?? 0) < 400) return body;
  const steps = bodyRedaction(secret, answer.headers["content-encoding"]);
  if (!steps) return undefined;
  delete headers["content-encoding"];
  delete headers["content-length"];
  pipeline([body, ...steps], (err) => {
    if (err) onError(err);
  });
  return steps[steps.length - 1]!;
}

/** A small answer body as text, decoded from its Content-Encoding (at most `maxBytes` of it); undefined if it cannot be. */
export function plainText(body: Buffer, contentEncoding: string | undefined, maxBytes: number): string | undefined {
  const coding = codingOf(contentEncoding);
  if (coding === "") return body.toString("utf8");
  try {
    return DECODERS.get(coding)?.whole(body, { maxOutputLength: maxBytes }).toString("utf8");
  } catch {
    return undefined;
  }
}

/** Replaces `secret` in every string value, in place. */
function redactHeaders(headers: OutgoingHttpHeaders, secret: string): void {
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (typeof value === "string") headers[name] = value.replaceAll(secret, REDACTED);
    else if (Array.isArray(value)) headers[name] = value.map((v) => v.replaceAll(secret, REDACTED));
  }
}

/**
 * The steps that turn a body sent with `contentEncoding` into plain bytes without `secret` (decode
 * first when compressed); undefined for a coding that cannot be read.
 */
export function bodyRedaction(secret: string, contentEncoding: string | undefined): Transform[] | undefined {
  const coding = codingOf(contentEncoding);
  if (coding === "") return [replacing(secret)];
  const decoder = DECODERS.get(coding);
  return decoder ? [decoder.stream(), replacing(secret)] : undefined;
}

/** A stream replacement that also finds `secret` cut across two chunks: it holds back its last length - 1 bytes. */
function replacing(secret: string): Transform {
  const needle = Buffer.from(secret);
  const replacement = Buffer.from(REDACTED);
  let carry: Buffer = Buffer.alloc(0);
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const data = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
      const out: Buffer[] = [];
      let from = 0;
      for (let at = data.indexOf(needle); at >= 0; at = data.indexOf(needle, from)) {
        out.push(data.subarray(from, at), replacement);
        from = at + needle.length;
      }
      const safe = Math.max(from, data.length - (needle.length - 1));
      out.push(data.subarray(from, safe));
      carry = data.subarray(safe);
      done(null, Buffer.concat(out));
    },
    flush(done) {
      done(null, carry);
    },
  });
}
