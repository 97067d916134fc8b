// What crosses the proxy in each direction. Pure functions over header objects.
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from "node:http";
import { PROVIDERS, PROXY_ROUTES, TRIGGER_METHODS } from "../../contract.js";

// RFC 9110 §7.6.1: connection-specific fields, never forwarded; plus every field `Connection` names.
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

// Who the caller is and where they came from: the upstream learns nothing of it.
const CALLER_IDENTITY = new Set([
  "forwarded",
  "via",
  "x-real-ip",
  "true-client-ip",
  "x-client-ip",
  "client-ip",
  "x-cluster-client-ip",
  "fastly-client-ip",
  "x-original-forwarded-for",
  "x-originating-ip",
  "x-remote-ip",
  "x-remote-addr",
  "x-envoy-external-address",
  "eo-connecting-ip",
  "ali-cdn-real-ip",
  "cookie",
  "origin",
  "referer",
]);

// Added by the platform in front of the function. FC's x-fc-* include temporary cloud credentials.
const PLATFORM = new Set(["x-anonymous-consumer", "x-api-requestid", "x-api-scheme", "x-qualifier"]);
const DROPPED_PREFIX = /^(?:x-forwarded-|cf-|x-scf-|x-fc-)/;

// Set by the proxy itself: Host is the upstream's, the credential (in any provider's auth header, and
// in Authorization, which the routes also accept) comes from auth.ts, and an expectation is answered by this hop.
const SET_BY_PROXY = new Set(["host", "authorization", "expect", ...PROVIDERS.map((p) => PROXY_ROUTES[p].authHeader)]);

// The upstream's cookies are not the site's (and CORS headers are the proxy's own, below).
const RESPONSE_DROPPED = new Set(["set-cookie", "set-cookie2"]);
// Instructions to an Nginx in front, which acts on them: X-Accel-Redirect would have it replay the
// caller's request (Authorization and all) to another location of the site. Only the proxy sets one.
const RESPONSE_DROPPED_PREFIX = /^(?:access-control-|x-accel-)/;

/** On every answer, relayed or the proxy's own, so browser clients can read it. */
export const CORS_RESPONSE: Readonly<OutgoingHttpHeaders> = { "access-control-allow-origin": "*" };

const NONE: ReadonlySet<string> = new Set();

function connectionNamed(headers: IncomingHttpHeaders): ReadonlySet<string> {
  const value = headers.connection;
  // The usual `keep-alive` (a hop-by-hop name) names nothing that is not dropped anyway: no Set per message.
  if (value === undefined || HOP_BY_HOP.has(value.trim().toLowerCase())) return NONE;
  return new Set(value.split(",").map((name) => name.trim().toLowerCase()).filter(Boolean));
}

/** `credential`: the auth headers to send (auth.ts); `defaults`: sent when the caller sent none (the route's). */
export function upstreamRequestHeaders(
  incoming: IncomingHttpHeaders,
  upstreamHost: string,
  credential: Readonly<Record<string, string>>,
  defaults: Readonly<Record<string, string>>,
): OutgoingHttpHeaders {
  const named = connectionNamed(incoming);
  const out: OutgoingHttpHeaders = { host: upstreamHost };
  for (const name of Object.keys(incoming)) {
    const value = incoming[name];
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name) || SET_BY_PROXY.has(name)) continue;
    if (CALLER_IDENTITY.has(name) || PLATFORM.has(name) || DROPPED_PREFIX.test(name)) continue;
    out[name] = value;
  }
  for (const name in defaults) out[name] ??= defaults[name];
  return Object.assign(out, credential);
}

const EVENT_STREAM = /^\s*text\/event-stream\b/i;

export function isEventStream(headers: IncomingHttpHeaders): boolean {
  return EVENT_STREAM.test(headers["content-type"] ?? "");
}

export function clientResponseHeaders(upstream: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = connectionNamed(upstream);
  const out: OutgoingHttpHeaders = {};
  for (const name of Object.keys(upstream)) {
    const value = upstream[name];
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name) || RESPONSE_DROPPED.has(name)) continue;
    if (RESPONSE_DROPPED_PREFIX.test(name)) continue;
    out[name] = value;
  }
  Object.assign(out, CORS_RESPONSE);
  // Nginx (and compatible fronts) would otherwise buffer the stream and deliver it in one burst.
  if (isEventStream(upstream)) out["x-accel-buffering"] = "no";
  return out;
}

// A CORS-safelisted method (GET, HEAD, POST) passes a preflight whatever the list says; the list has
// always named GET and POST, and never HEAD.
const PREFLIGHT_METHODS = TRIGGER_METHODS.filter((method) => method !== "HEAD").join(", ");

const TOKEN_LIST = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+(\s*,\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*$/;

/** The local answer to a CORS preflight: any origin, the methods relayed, the headers asked for. */
export function preflightHeaders(incoming: IncomingHttpHeaders): OutgoingHttpHeaders {
  const requested = incoming["access-control-request-headers"]?.trim();
  return {
    ...CORS_RESPONSE,
    "access-control-allow-methods": PREFLIGHT_METHODS,
    "access-control-allow-headers": requested && TOKEN_LIST.test(requested) ? requested : "authorization, content-type",
    "access-control-max-age": "86400",
    vary: "access-control-request-headers",
    "content-length": "0",
  };
}

/**
 * What Node's parser lets through but the proxy refuses (RFC 9112 §3.2, §6.1): an HTTP/1.1 request
 * without Host, more than one Host, a transfer coding other than chunked (Node would hand over the
 * still-coded bytes as the body, and the coding header is not forwarded), and a header name with `_`
 * (servers that read it as `-` would take `Transfer_Encoding` for framing, on a shared upstream
 * connection; Nginx drops such headers itself). Undefined when fine.
 */
export function framingProblem(req: Pick<IncomingMessage, "httpVersion" | "rawHeaders" | "headers">): string | undefined {
  let hosts = 0;
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!;
    if (name.includes("_")) return `header name ${JSON.stringify(name.slice(0, 50))} has an underscore; use a dash`;
    if (name.toLowerCase() === "host") hosts += 1;
  }
  if (hosts > 1) return `${hosts} Host headers; send exactly one`;
  if (hosts === 0 && req.httpVersion === "1.1") return "no Host header; HTTP/1.1 requires one";
  const coding = req.headers["transfer-encoding"];
  if (coding !== undefined && coding.trim().toLowerCase() !== "chunked") {
    return `Transfer-Encoding ${JSON.stringify(coding.slice(0, 100))}; the only transfer coding accepted is chunked`;
  }
  return undefined;
}

// How Node's server tells `Expect: 100-continue` from other expectations (its continueExpression).
const CONTINUE = /(?:^|\W)100-continue(?:$|\W)/i;

/** The request waits for `100 Continue` before it sends its body. */
export function expectsContinue(req: Pick<IncomingMessage, "headers">): boolean {
  return req.headers.expect !== undefined && CONTINUE.test(req.headers.expect);
}

/**
 * An expectation the proxy cannot meet (RFC 9110 §10.1.1: anything but 100-continue), as Node reads
 * them: in HTTP/1.1 only. Undefined when there is none.
 */
export function unmetExpectation(req: Pick<IncomingMessage, "httpVersion" | "headers">): string | undefined {
  const expectation = req.headers.expect;
  if (expectation === undefined || req.httpVersion !== "1.1" || CONTINUE.test(expectation)) return undefined;
  return `Expect ${JSON.stringify(expectation.slice(0, 100))}; only 100-continue is understood`;
}
