// One JSON line per request. Built from named fields only, so a key, token, query string or body
// cannot slip in by accident: there is no field that could hold one.
import type { Provider } from "../../contract.js";
import type { ProxyErrorCode } from "./errors.js";

export interface RequestLog {
  method: string;
  /** The route's provider (contract.ts PROXY_ROUTES), once the path named one. */
  provider?: Provider;
  /** Without query string (see target.ts loggablePath). */
  path: string;
  /** Status sent to the client; 499 when the client left before any was sent. */
  status: number;
  /** Request body bytes read from the client. */
  in: number;
  /** Response body bytes written to the client. */
  out: number;
  /** From the request's arrival to the first response body byte relayed (or the end of an empty body). */
  ttfbMs: number | null;
  ms: number;
  error?: ProxyErrorCode | ClientFailure;
  /** The upstream connection came from the keep-alive pool. */
  reused?: boolean;
  /** The keep-alive race was met and the request replayed once (upstream.ts mayRetry). */
  retried?: boolean;
  /** The server key whose answer was relayed, by its position in the provider's list (1 = first); never its value. */
  key?: number;
  /** Keys whose answer said they cannot serve (keys.ts), in the order tried: the request went on to the next. */
  keyFailures?: Array<{ key: number; status: number }>;
  /** A key failed and the request was not sent to another: its body was not held for a replay, or every key failed. */
  retry?: "body too large" | "no key left";
}

/** The client left before its answer was whole, or read none of it for the send timeout. */
export type ClientFailure = "client_closed" | "client_too_slow";

export type LogSink = (line: string) => void;

export function requestLine(entry: RequestLog): string {
  return JSON.stringify({ t: new Date().toISOString(), ...entry });
}

export function eventLine(msg: string, fields: Record<string, unknown> = {}): string {
  return JSON.stringify({ t: new Date().toISOString(), msg, ...fields });
}
