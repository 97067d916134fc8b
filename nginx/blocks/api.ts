// The API: each provider's route goes to the function proxy, for desktop and mobile clients with the
// proxy token as their key: OpenAI's at https://<domain>/v1, Claude's at /anthropic, Gemini's at /google
// (the proxy's route table, contract.ts).
import { PROXY_ROUTES, routePrefixes, type Provider } from "../../contract.js";
import { block, comment, d, section, type Line } from "../conf.js";
import type { ResolvedSiteOptions } from "../validate.js";
import { errorPages } from "./errors.js";
import { rateLimited } from "./limits.js";
import { hopHeaders } from "./streaming.js";
import { proxyPass } from "./upstreams.js";

/** Headers that would tell the function (and OpenAI) where the user is. The proxy drops them too. */
const CLIENT_IP_HEADERS = [
  "X-Forwarded-For",
  "X-Real-IP",
  "Forwarded",
  "X-Forwarded-Host",
  "X-Client-IP",
  "X-Cluster-Client-IP",
  "CF-Connecting-IP",
  "True-Client-IP",
  "Fastly-Client-IP",
] as const;

/** Where Nginx serves a provider: its mount (`/anthropic/`), or OpenAI's version prefix (`/v1/`), which has no mount. */
export function apiPrefixes(provider: Provider): string[] {
  const { mount } = PROXY_ROUTES[provider];
  return mount ? [`${mount}/`] : routePrefixes(provider);
}

export function apiLocations(o: ResolvedSiteOptions): Line[] {
  const api = o.api;
  const tls: Line[] = api.https
    ? [
        d("proxy_ssl_server_name on", "SNI: the function's front end picks its certificate by name"),
        ...(o.apiTrustedCa
          ? [
              d("proxy_ssl_verify on", "the function's certificate must chain to apiTrustedCa"),
              d(`proxy_ssl_trusted_certificate ${o.apiTrustedCa}`),
              d("proxy_ssl_verify_depth 3"),
            ]
          : []),
      ]
    : [];
  const toFunction = (prefix: string) =>
    block(`location ${prefix}`, [
      rateLimited(o),
      proxyPass(o, api, prefix),
      d(`proxy_set_header Host ${api.host}`, "the function's own: function URLs answer 400 to a foreign Host"),
      ...tls,
      comment("Never tell the function (or the provider) where the user is: a client may send these itself."),
      ...CLIENT_IP_HEADERS.map((h) => d(`proxy_set_header ${h} ""`)),
      ...hopHeaders(),
      ...errorPages(o, "function"),
    ]);
  return section("API", ["One location per provider the function serves, each the same way."], o.apiProviders.flatMap(apiPrefixes).map(toFunction));
}
