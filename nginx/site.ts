// renderSite(): typed options → the site's config in the http context, the text a stock nginx
// image reads as /etc/nginx/conf.d/default.conf. One commented block per concern (h5bp style).
import { accessLog, accessLogLine, logFormat } from "./blocks/logs.js";
import { apiLocations } from "./blocks/api.js";
import { jsonErrors, type Hop } from "./blocks/errors.js";
import { limits, rateZone } from "./blocks/limits.js";
import { security } from "./blocks/security.js";
import { streaming } from "./blocks/streaming.js";
import { timeouts } from "./blocks/timeouts.js";
import { tls } from "./blocks/tls.js";
import { resolver } from "./blocks/upstreams.js";
import { webLocations } from "./blocks/web.js";
import { block, comment, d, render, section, type Line } from "./conf.js";
import type { SiteOptions } from "./options.js";
import { resolveSiteOptions, type ResolvedSiteOptions } from "./validate.js";

const PREAMBLE = [
  "gptsite: the site's Nginx config (http context), rendered by renderSite() in nginx/.",
  "Change the options and render again rather than editing this text.",
];

/** The site config for `options`; throws SiteOptionsError listing every problem with them. */
export function renderSite(options: SiteOptions): string {
  const o = resolveSiteOptions(options);
  const lines: Line[] = [
    ...PREAMBLE.map(comment),
    ...logFormat(),
    ...rateZone(o),
    ...(o.tls ? redirectServer(o) : []),
    mainServer(o),
  ];
  return `${render(lines)}\n`;
}

function mainServer(o: ResolvedSiteOptions): Line {
  const listen: Line[] = o.tls
    ? [d(`listen ${listenOn(o, o.listen.https!)} ssl`, "HTTP/1.1: http2 is spelled differently before and after Nginx 1.25")]
    : [d(`listen ${listenOn(o, o.listen.http)}`, "plain HTTP: no tls option (local use)")];
  const hops: Hop[] = o.web ? ["web", "function"] : ["function"];
  return block("server", [
    ...listen,
    d(`server_name ${o.serverName}`),
    ...(o.tls ? tls(o.tls) : []),
    ...security(o),
    ...streaming(),
    ...timeouts(o),
    ...limits(o),
    ...resolver(o),
    ...accessLog(o),
    ...jsonErrors(o, hops),
    ...webLocations(o),
    ...apiLocations(o),
  ]);
}

/** With TLS, the plain-HTTP port only sends everyone to the HTTPS one. */
function redirectServer(o: ResolvedSiteOptions): Line[] {
  const port = o.publicHttpsPort === 443 ? "" : `:${o.publicHttpsPort}`;
  return [
    ...section("HTTP → HTTPS", [], []),
    block("server", [
      d(`listen ${listenOn(o, o.listen.http)}`),
      d(`server_name ${o.serverName}`),
      d("server_tokens off", "no Nginx version in Server or error pages"),
      accessLogLine(o),
      d(`return 308 https://${o.serverName}${port}$request_uri`, "308 keeps method and body; the site's own name, never the client's Host"),
    ]),
  ];
}

function listenOn(o: ResolvedSiteOptions, port: number): string {
  return o.listen.address ? `${o.listen.address}:${port}` : `${port}`;
}
