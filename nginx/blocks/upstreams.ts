// Upstream names: without a resolver Nginx looks names up once, at start (a Docker container that
// restarts with a new address then gets 502 until a reload); with one, per request.
import { d, section, type Line } from "../conf.js";
import type { ResolvedSiteOptions, UpstreamUrl } from "../validate.js";

/** server level, only when a resolver is configured. */
export function resolver(o: ResolvedSiteOptions): Line[] {
  if (!o.resolver) return [];
  return section("Upstream names", [], [
    d(`resolver ${o.resolver} valid=10s ipv6=off`, "re-read names every 10 s; Docker networks are IPv4"),
    d("resolver_timeout 5s"),
  ]);
}

/**
 * `proxy_pass` for a location whose prefix is kept (`/`, `/api/…`, `/v1/`). Without a resolver: the
 * request URI goes on unchanged, or under the upstream's base path. With one, the variable makes
 * Nginx resolve the name per request; `$request_uri` is the URI exactly as the client sent it.
 */
export function proxyPass(o: ResolvedSiteOptions, upstream: UpstreamUrl, locationPrefix: string): Line {
  if (o.resolver) {
    return d(`proxy_pass ${upstream.origin}${upstream.basePath}$request_uri`, "a variable: the name is resolved per request");
  }
  if (upstream.basePath === "") return d(`proxy_pass ${upstream.origin}`, "the request URI goes on as sent");
  return d(`proxy_pass ${upstream.origin}${upstream.basePath}${locationPrefix}`, `${locationPrefix} goes on under ${upstream.basePath}`);
}
