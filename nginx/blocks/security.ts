// Security headers: what the site tells browsers, and what it keeps to itself.
import { comment, d, section, type Line } from "../conf.js";
import type { ResolvedSiteOptions } from "../validate.js";

/** server level. `add_header` lines are inherited only by locations that add none of their own. */
export function security(o: ResolvedSiteOptions): Line[] {
  const hsts: Line[] =
    o.tls && o.hstsMaxAgeSec > 0
      ? [
          d(`add_header Strict-Transport-Security "max-age=${o.hstsMaxAgeSec}" always`, "browsers come back over HTTPS only (RFC 6797)"),
          comment(`add_header Strict-Transport-Security "max-age=${o.hstsMaxAgeSec}; includeSubDomains; preload" always;`),
          comment("(!) the line above binds every subdomain to HTTPS, and preload cannot be undone quickly."),
        ]
      : [];
  return section("Security", [], [
    d("server_tokens off", "no Nginx version in Server or error pages"),
    ...hsts,
    d("add_header X-Content-Type-Options nosniff always", "scripts and styles only run with their declared type"),
    d("proxy_hide_header X-Powered-By", "Next.js names itself; nobody needs to know"),
    d(
      "proxy_ignore_headers X-Accel-Redirect X-Accel-Expires X-Accel-Limit-Rate X-Accel-Buffering X-Accel-Charset",
      "(!) X-Accel-Redirect from an upstream would replay the request, Authorization and all, elsewhere",
    ),
  ]);
}
