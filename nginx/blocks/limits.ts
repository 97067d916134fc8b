// Limits: request rate on the routes that cost money (/api/ and the API routes) and the body size the proxy accepts.
import { d, section, type Line } from "../conf.js";
import { rateDirective, type ResolvedSiteOptions } from "../validate.js";

const ZONE = "gptsite_api";

/** http level: the shared counter. */
export function rateZone(o: ResolvedSiteOptions): Line[] {
  return section("Limits", ["One counter per client address, shared by /api/ and the API routes (/v1/, /anthropic/, /google/)."], [
    d(`limit_req_zone $binary_remote_addr zone=${ZONE}:10m rate=${rateDirective(o.rateLimit.perSecond)}`, "10 MB holds about 160,000 addresses"),
  ]);
}

/** server level. */
export function limits(o: ResolvedSiteOptions): Line[] {
  return section("Limits", [], [
    d(`client_max_body_size ${o.maxBodyBytes}`, "the proxy's MAX_BODY_BYTES: refuse here what it would refuse"),
    d("limit_req_status 429", "clients retry a 429; the default 503 looks like an outage"),
    d("limit_req_log_level warn", "a refused burst is expected load, not an error"),
  ]);
}

/** location level, on the routes that reach the model. */
export function rateLimited(o: ResolvedSiteOptions): Line {
  // Nginx refuses `burst=0`; leaving it out means no burst.
  const burst = o.rateLimit.burst > 0 ? ` burst=${o.rateLimit.burst}` : "";
  return d(`limit_req zone=${ZONE}${burst} nodelay`, "a burst is served at once, beyond it 429");
}
