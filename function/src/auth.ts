// Who may use a route, and which credential goes upstream. The caller presents PROXY_TOKEN in the
// provider's own auth header (contract.ts PROXY_ROUTES): alone, or after their own key as `<key>:<token>`.
// Without PROXY_TOKEN, callers bring their own key, forwarded as it came.
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { ProxyRoute } from "../../contract.js";
import { ProxyError } from "./errors.js";

/** `headers` go upstream as they are. */
export type Credential =
  /** The server's keys for the provider, swapped in per attempt (keys.ts): no headers of its own. */
  | { readonly kind: "server"; readonly headers: Readonly<Record<string, never>> }
  /** The caller's own key, or none (a keyless upstream). */
  | { readonly kind: "caller"; readonly headers: Readonly<Record<string, string>> };

export type AuthResult =
  | { readonly ok: true; readonly credential: Credential; readonly query: string }
  | { readonly ok: false; readonly error: ProxyError };

const BEARER = /^Bearer\s+(\S+)\s*$/i;
const NONE = {};
const NO_HEADERS: Credential = { kind: "caller", headers: NONE };
const SERVER: Credential = { kind: "server", headers: NONE };

/** `value` as the route's auth header carries it: the caller's own key, or a server key (server.ts). */
export function authHeaders(route: ProxyRoute, value: string): Record<string, string> {
  return { [route.authHeader]: route.bearer ? `Bearer ${value}` : value };
}

/**
 * The check for one route, built once at startup: the token's digest is made here, not per request.
 * `query` is the request's query (`?…` or ""); the result's has the key parameter (Gemini's `?key=`)
 * taken out, since the credential goes upstream in a header.
 */
export function authorizer(route: ProxyRoute, token: string | undefined, serverKeys: boolean): (headers: IncomingHttpHeaders, query: string) => AuthResult {
  const queryName = route.alsoAccepted.query;

  if (token === undefined) {
    return (headers, query) => {
      const { rest, value } = takeParameter(query, queryName);
      const forwarded: Record<string, string> = {};
      const own = headers[route.authHeader];
      if (typeof own === "string") forwarded[route.authHeader] = own;
      else if (value !== undefined) Object.assign(forwarded, authHeaders(route, value));
      if (route.alsoAccepted.bearer && headers.authorization !== undefined) forwarded.authorization = headers.authorization;
      return { ok: true, credential: { kind: "caller", headers: forwarded }, query: rest };
    };
  }

  // Digests compared: timingSafeEqual needs equal lengths, and comparing digests hides where they differ.
  const expected = digest(token);
  const isToken = (credential: string) => timingSafeEqual(digest(credential), expected);
  const how = hint(route, serverKeys);
  return (headers, query) => {
    const { rest, value } = takeParameter(query, queryName);
    const credential = presented(route, headers) ?? value;
    if (credential !== undefined) {
      if (isToken(credential)) return { ok: true, credential: serverKeys ? SERVER : NO_HEADERS, query: rest };
      const split = credential.length - token.length - 1;
      if (!serverKeys && split > 0 && credential[split] === ":" && isToken(credential.slice(split + 1))) {
        return { ok: true, credential: { kind: "caller", headers: authHeaders(route, credential.slice(0, split)) }, query: rest };
      }
    }
    const why = credential === undefined ? (route.bearer ? "no Bearer credential" : `no credential in ${display(route)}`) : "the credential does not match";
    return { ok: false, error: new ProxyError("invalid_proxy_token", `${why}; send ${how}`) };
  };
}

/** The credential in the route's auth header (after `Bearer ` where the provider uses it), or in a Bearer Authorization it also reads. */
function presented(route: ProxyRoute, headers: IncomingHttpHeaders): string | undefined {
  const own = headers[route.authHeader];
  if (typeof own === "string") return route.bearer ? BEARER.exec(own)?.[1] : own.trim() || undefined;
  return route.alsoAccepted.bearer && headers.authorization !== undefined ? BEARER.exec(headers.authorization)?.[1] : undefined;
}

/** The query without every `name=` parameter, and the first one's value (decoded). Other parameters stay byte for byte. */
function takeParameter(query: string, name: string | undefined): { rest: string; value: string | undefined } {
  if (name === undefined || query === "") return { rest: query, value: undefined };
  let value: string | undefined;
  const kept = query
    .slice(1)
    .split("&")
    .filter((part) => {
      const eq = part.indexOf("=");
      if (safeDecode(eq < 0 ? part : part.slice(0, eq)) !== name) return true;
      value ??= safeDecode(eq < 0 ? "" : part.slice(eq + 1).replaceAll("+", " "));
      return false;
    });
  return { rest: kept.length > 0 ? `?${kept.join("&")}` : "", value: value || undefined };
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function display(route: ProxyRoute): string {
  return route.authHeader === "authorization" ? "Authorization" : route.authHeader;
}

/** How to present the token on this route, for the 401's message. */
function hint(route: ProxyRoute, serverKeys: boolean): string {
  const scheme = route.bearer ? "Bearer " : "";
  const also = route.alsoAccepted.bearer ? " (or in Authorization: Bearer …)" : route.alsoAccepted.query ? ` (or in ?${route.alsoAccepted.query}=…)` : "";
  if (serverKeys) return `${display(route)}: ${scheme}<PROXY_TOKEN>${also}`;
  return `${display(route)}: ${scheme}<your ${route.name} key>:<PROXY_TOKEN>, or ${scheme}<PROXY_TOKEN>${also}`;
}

function digest(secret: string): Buffer {
  return createHash("sha256").update(secret).digest();
}
