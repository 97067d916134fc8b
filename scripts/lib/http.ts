// HTTP(S) for the smoke hops, on node:http rather than fetch: a hop may pin the address it connects to
// (the host IP, with the domain kept as Host and SNI, like `curl --resolve`), trust a private CA,
// and read an event stream as it arrives, gzip included, without a client that buffers or retries.
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import type { Readable } from "node:stream";
import zlib from "node:zlib";

export interface HttpRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Connect here instead of resolving the URL's host name; Host and SNI stay the URL's. */
  address?: string;
  /** PEM bundle that replaces the system's roots for https (a private CA). */
  ca?: string;
  /** Every network step is bounded: pass AbortSignal.timeout(…). */
  signal: AbortSignal;
}

/** Resolves with the response once its headers arrived. */
export function open(url: string, request: HttpRequest): Promise<IncomingMessage> {
  const target = new URL(url);
  const secure = target.protocol === "https:";
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  const headers = { ...request.headers, ...(body ? { "content-length": String(body.length) } : {}) };
  return new Promise((resolve, reject) => {
    const options: https.RequestOptions = {
      method: request.method ?? (body ? "POST" : "GET"),
      headers,
      signal: request.signal,
      // A fresh connection per request: no pooled socket outlives the hop.
      agent: false,
      ...(request.address ? { lookup: pinnedLookup(request.address) } : {}),
      ...(secure && request.ca ? { ca: request.ca } : {}),
    };
    const req = (secure ? https : http).request(target, options, resolve);
    req.once("error", (err) => reject(describe(err, request.signal)));
    req.end(body);
  });
}

/** The body as text, gunzipped when the server compressed it. */
export async function readText(res: IncomingMessage, signal: AbortSignal): Promise<string> {
  const parts: Buffer[] = [];
  try {
    for await (const part of decoded(res)) parts.push(part as Buffer);
  } catch (err) {
    throw describe(err as Error, signal);
  }
  return Buffer.concat(parts).toString("utf8");
}

/** The response body, gunzipped as it arrives when `content-encoding: gzip` (browsers ask for it). */
export function decoded(res: IncomingMessage): Readable {
  if (res.headers["content-encoding"] !== "gzip") return res;
  // Flush what each input chunk completes, so a compressed stream is still seen chunk by chunk.
  const gunzip = zlib.createGunzip({ flush: zlib.constants.Z_SYNC_FLUSH });
  res.on("error", (err) => gunzip.destroy(err));
  return res.pipe(gunzip);
}

/** Parses a JSON body, or undefined. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A network error as one plain phrase: what happened, without a stack. */
export function describe(err: Error, signal: AbortSignal): Error {
  if (signal.aborted) {
    const reason = signal.reason as Error | undefined;
    return new Error(reason?.name === "TimeoutError" ? "no answer in time (--timeout)" : `aborted: ${reason?.message ?? "unknown reason"}`);
  }
  const { code, address, port, hostname } = err as NodeJS.ErrnoException & { address?: string; port?: number; hostname?: string };
  if (!code || !NETWORK_ERRORS[code]) return new Error(err.message);
  // The address tried, so "connection refused" says by whom: the URL's host, or the one a hop pinned.
  const where = address ? (port ? `${address.includes(":") ? `[${address}]` : address}:${port}` : address) : hostname;
  return new Error(explain(code, where));
}

/** An error code (ECONNREFUSED, CERT_HAS_EXPIRED…) as a phrase, with where it happened, the code in brackets. */
export function explain(code: string, where?: string): string {
  const phrase = NETWORK_ERRORS[code];
  return phrase ? `${phrase}${where ? ` at ${where}` : ""} (${code})` : code;
}

const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ENOTFOUND: "name not found in DNS",
  EAI_AGAIN: "DNS lookup failed",
  ETIMEDOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  CERT_HAS_EXPIRED: "TLS: the certificate has expired",
  CERT_NOT_YET_VALID: "TLS: the certificate is not valid yet",
  DEPTH_ZERO_SELF_SIGNED_CERT: "TLS: self-signed certificate (--ca FILE to trust it)",
  SELF_SIGNED_CERT_IN_CHAIN: "TLS: a self-signed certificate in the chain (--ca FILE to trust it)",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "TLS: certificate from an unknown issuer (--ca FILE to trust it)",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "TLS: certificate from an unknown issuer (--ca FILE to trust it)",
  ERR_TLS_CERT_ALTNAME_INVALID: "TLS: the certificate is for another name",
  EPROTO: "TLS handshake failed",
};

function pinnedLookup(address: string): LookupFunction {
  const family = isIP(address) || 4;
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  };
}
