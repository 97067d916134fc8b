// Every error the proxy answers itself, with its HTTP status, and the one place where a failure of the
// upstream call (a Node.js error) is mapped to one of them. Bodies have OpenAI's error shape, so any
// OpenAI client shows the message instead of a parse error.

import { PROVIDERS, routePrefixes } from "../../contract.js";

const prefixes = PROVIDERS.flatMap(routePrefixes).map((prefix) => `${prefix}*`);
const RELAYED_PATHS = `${prefixes.slice(0, -1).join(", ")} and ${prefixes.at(-1)}`;

export const PROXY_ERRORS = {
  malformed_request: { status: 400, message: "Malformed HTTP request" },
  invalid_request_target: { status: 400, message: "Malformed request target" },
  invalid_proxy_token: { status: 401, message: "Missing or wrong proxy token" },
  not_found: { status: 404, message: `Not found: this proxy relays ${RELAYED_PATHS} (optionally after one stage prefix, e.g. /release/v1/models)` },
  method_not_allowed: { status: 405, message: "Method not allowed" },
  request_timeout: { status: 408, message: "The request did not arrive in time" },
  request_too_large: { status: 413, message: "Request body too large" },
  expectation_failed: { status: 417, message: "Unsupported expectation" },
  headers_too_large: { status: 431, message: "Request headers too large" },
  internal_error: { status: 500, message: "Internal proxy error" },
  upstream_dns_failed: { status: 502, message: "The upstream host name did not resolve" },
  upstream_unreachable: { status: 502, message: "The upstream could not be reached" },
  upstream_tls_failed: { status: 502, message: "TLS with the upstream failed" },
  upstream_reset: { status: 502, message: "The upstream closed the connection before answering" },
  upstream_bad_response: { status: 502, message: "The upstream sent a malformed HTTP response" },
  upstream_timeout: { status: 504, message: "The upstream sent nothing in time" },
} as const satisfies Record<string, { status: number; message: string }>;

export type ProxyErrorCode = keyof typeof PROXY_ERRORS;

export class ProxyError extends Error {
  readonly status: number;

  /** `detail` completes the table's message; it must never carry a key, token, query or body. */
  constructor(
    readonly code: ProxyErrorCode,
    detail?: string,
    options?: { cause?: unknown },
  ) {
    super(detail ? `${PROXY_ERRORS[code].message}: ${detail}` : PROXY_ERRORS[code].message, options);
    this.name = "ProxyError";
    this.status = PROXY_ERRORS[code].status;
  }

  /** `{"error":{"message","type":"proxy_error","code"}}` */
  toJSON(): { error: { message: string; type: "proxy_error"; code: ProxyErrorCode } } {
    return { error: { message: this.message, type: "proxy_error", code: this.code } };
  }
}

const DNS = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_FAIL", "EAI_NODATA", "EAI_NONAME"]);
const UNREACHABLE = new Set(["ECONNREFUSED", "EHOSTUNREACH", "ENETUNREACH", "EHOSTDOWN", "ENETDOWN", "EADDRNOTAVAIL", "ETIMEDOUT"]);
const RESET = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED", "ERR_STREAM_PREMATURE_CLOSE"]);
const TLS = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_OSSL_)/;

/** Errors of connections that were reused from the keep-alive pool and found closed. */
export const STALE_SOCKET_CODES: ReadonlySet<string> = new Set(["ECONNRESET", "EPIPE"]);

export function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** The mapping site: whatever went wrong with the upstream call, as the error the client gets. */
export function toProxyError(err: unknown, upstreamHost: string): ProxyError {
  if (err instanceof ProxyError) return err;
  const code = errorCode(err) ?? "unknown";
  const where = `${upstreamHost} (${code})`;
  if (DNS.has(code)) return new ProxyError("upstream_dns_failed", where, { cause: err });
  if (UNREACHABLE.has(code)) return new ProxyError("upstream_unreachable", where, { cause: err });
  if (RESET.has(code)) return new ProxyError("upstream_reset", where, { cause: err });
  if (TLS.test(code)) return new ProxyError("upstream_tls_failed", where, { cause: err });
  // HPE_: Node's HTTP parser; Z_ and ERR__: zlib and brotli, decoding a compressed error body (redact.ts).
  if (/^(HPE_|Z_|ERR__)/.test(code)) return new ProxyError("upstream_bad_response", where, { cause: err });
  return new ProxyError("upstream_unreachable", where, { cause: err });
}

/** A request Node's HTTP parser refused before the proxy saw it (server 'clientError'). */
export function fromClientError(err: unknown): ProxyError {
  const code = errorCode(err);
  if (code === "HPE_HEADER_OVERFLOW") return new ProxyError("headers_too_large");
  if (code === "ERR_HTTP_REQUEST_TIMEOUT") return new ProxyError("request_timeout");
  return new ProxyError("malformed_request", code);
}
