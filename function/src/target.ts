// Which request targets the proxy relays, and where to. Pure: a string in, a decision out.
// Anything that is not a plain origin-form path under a route of the table (contract.ts PROXY_ROUTES) stops here, before any upstream socket is
// touched: absolute-form (`GET http://evil.example/`), dot segments, encoded slashes or dots, backslashes,
// path parameters (`/v1/..;/admin`: servers that read `;` as a parameter see `..`), and an encoded `%`
// (`%252e`: a server that decodes once more sees a dot).
import { ProxyError } from "./errors.js";
import { PROVIDERS, PROXY_HEALTH_PATH, PROXY_ROUTES, PROXY_TOKEN_MIN_LENGTH, routePrefixes, type Provider } from "../../contract.js";

export type Target =
  | { readonly kind: "health" }
  /**
   * `path` is what the provider's upstream gets after its base path: `/v1/…` (the mount stripped);
   * `query` is as received (`?…`, or ""). `logPath` is the path as received without the query, a
   * stripped stage prefix shown as `/*` (people put keys there).
   */
  | { readonly kind: "relay"; readonly provider: Provider; readonly path: string; readonly query: string; readonly logPath: string }
  | { readonly kind: "error"; readonly error: ProxyError };

// A stage name as API gateways put in front of the path (`/release`, `/test`, `/2016-08-15`).
const STAGE = /^[A-Za-z0-9_-]+$/;
const CONTROL = /[\u0000-\u001f\u007f]/;
const QUERY_OR_FRAGMENT = /[?#]/;

export function resolveTarget(raw: string): Target {
  if (!raw.startsWith("/")) {
    return malformed("only origin-form targets (/v1/…) are accepted, not absolute-form or authority-form");
  }
  if (raw.includes("#")) return malformed("a fragment (#) has no place in a request target");
  const q = raw.indexOf("?");
  const path = q < 0 ? raw : raw.slice(0, q);
  const query = q < 0 ? "" : raw.slice(q);
  if (path.includes("\\")) return malformed("backslashes are not allowed in the path");

  const segments = path.slice(1).split("/");
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    // An empty segment is fine only as a trailing slash.
    if (segment === "" && i < segments.length - 1) return malformed("empty path segments (//) are not allowed");
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return malformed("the path has malformed percent-encoding");
    }
    if (decoded === "." || decoded === "..") return malformed("dot segments (. and ..) are not allowed");
    if (decoded.includes("/") || decoded.includes("\\")) return malformed("encoded slashes are not allowed");
    if (decoded.includes(";")) return malformed("path parameters (;) are not allowed");
    if (decoded.includes("%")) return malformed("an encoded percent sign (%25) is not allowed in the path: decoded once more, it could turn into a dot or a slash");
    if (CONTROL.test(decoded)) return malformed("control characters are not allowed in the path");
  }

  let route = routeOf(segments);
  const staged = route === undefined && segments.length > 1 && STAGE.test(segments[0]!);
  const rest = staged ? segments.slice(1) : segments;
  if (staged) route = routeOf(rest);
  const received = `/${rest.join("/")}`;
  if (route) {
    // The mount is the received path's first segments: what follows them is the upstream's path.
    const path = received.slice(route.mountLength);
    return { kind: "relay", provider: route.provider, path, query, logPath: loggablePath(staged ? `/*${received}` : received) };
  }
  if (received === PROXY_HEALTH_PATH) return { kind: "health" };
  return { kind: "error", error: new ProxyError("not_found") };
}

// Each route prefix (contract.ts routePrefixes) as path segments: its mount (none for OpenAI's), then one of its
// versions; and the mount's length in the received path.
const ROUTES = PROVIDERS.flatMap((provider) =>
  routePrefixes(provider).map((routePrefix) => ({ provider, prefix: routePrefix.slice(1, -1).split("/"), mountLength: PROXY_ROUTES[provider].mount.length })),
);

// Plain loops: find() and every() would make a closure per route for every request.
function routeOf(segments: readonly string[]): (typeof ROUTES)[number] | undefined {
  next: for (let r = 0; r < ROUTES.length; r++) {
    const { prefix } = ROUTES[r]!;
    for (let i = 0; i < prefix.length; i++) if (segments[i] !== prefix[i]) continue next;
    return ROUTES[r];
  }
  return undefined;
}

function malformed(why: string): Target {
  return { kind: "error", error: new ProxyError("invalid_request_target", why) };
}

/**
 * A path segment the log shows as it is: plain characters, and shorter than a proxy token. Any other
 * could hold a secret (`/sk-…/v2/models`, `;key=…`, `%3Fkey=…`). A regular expression's source, so
 * that Nginx's access log (nginx/blocks/logs.ts) applies the same rule.
 */
export const SHOWN_SEGMENT = `[A-Za-z0-9._~-]{0,${PROXY_TOKEN_MIN_LENGTH - 1}}`;
const SHOWN = new RegExp(`^${SHOWN_SEGMENT}$`);

/** For the log line of a refused request: every segment that could hold a secret becomes `*`. */
export function maskedPath(path: string): string {
  if (!path.startsWith("/")) return path;
  return path
    .split("/")
    .map((segment) => (SHOWN.test(segment) ? segment : "*"))
    .join("/");
}

/** The path for the log line: no query (it may carry a key), nothing but origin-form, bounded. */
export function loggablePath(raw: string): string {
  if (!raw.startsWith("/")) return "(not origin-form)";
  const q = raw.search(QUERY_OR_FRAGMENT);
  const path = q < 0 ? raw : raw.slice(0, q);
  return path.length > 200 ? `${path.slice(0, 200)}…` : path;
}
