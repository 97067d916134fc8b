// The web UI (NextChat 2.16). Two facts shape this block (design §3 "Web UI"):
// - its Server Actions compare Origin with Host, port included: behind a proxy the chat hangs at
//   "……" unless the browser's Host goes through unchanged;
// - every /api/<x>/… route other than the ones it needs fetches the URL in the caller's x-base-url
//   header, possibly with the server's key: only /api/config and the chat routes of the providers the
//   proxy serves (/api/openai/, /api/anthropic/, /api/google/: fixed upstreams, access code checked)
//   are let through.
import path from "node:path";
import { PROVIDERS } from "../../contract.js";
import { NEXTCHAT_ROUTE_PREFIXES } from "../../web/nextchat.js";
import { block, comment, d, section, type Line } from "../conf.js";
import type { ResolvedSiteOptions, UpstreamUrl } from "../validate.js";
import { errorPages } from "./errors.js";
import { rateLimited } from "./limits.js";
import { hopHeaders } from "./streaming.js";
import { proxyPass } from "./upstreams.js";

/** What Nginx compresses for the pages; text/event-stream is never in it. */
const PAGE_TYPES = "text/css text/plain text/javascript application/javascript application/json application/manifest+json image/svg+xml";

/**
 * Where the path as sent splits into other segments than the path Nginx routed on: `.` or `..` as a
 * segment (each dot plain or %2E), or an encoded slash (Nginx decodes %2F before it resolves dots).
 * Not the query.
 */
const RESEGMENTED = String.raw`^[^?]*(%2f|/(\.|%2e)(\.|%2e)?(/|\?|$))`;
const refuseResegmented = block(`if ($request_uri ~* "${RESEGMENTED}")`, [d("return 400")], "a dot segment or %2F in the path as sent");

export function webLocations(o: ResolvedSiteOptions): Line[] {
  const web = o.web;
  if (!web) {
    if (o.chatPage) return chatPageLocations(o.chatPage);
    return section("Web UI", ["No webUpstream: this site serves the API only."], [block("location /", [d("return 404")])]);
  }
  return section("Web UI", [
    "(!) Nginx decodes %2F and resolves dot segments (%2E too) before it picks a location, but hands the",
    "web UI the path as sent: /api/%2E%2E/x is a page here and /api/openai%2Fx/y the OpenAI route, and",
    "either may be /api/<x>/ there. No browser sends one: each location below refuses them.",
  ], [
    block("location /", [refuseResegmented, ...toWebUi(o, web, "/"), ...pageCompression()]),
    block("location = /api/config", [refuseResegmented, rateLimited(o), ...toWebUi(o, web, "/api/config"), ...errorPages(o, "web")], "the settings page: needCode and friends"),
    ...PROVIDERS.map((provider) => {
      const route = NEXTCHAT_ROUTE_PREFIXES[provider];
      return block(`location ${route}`, [refuseResegmented, rateLimited(o), ...toWebUi(o, web, route), ...errorPages(o, "web")], "a chat route; streams");
    }),
    block("location /api/", forbidden(o)),
    comment("(!) Next.js reads \\ in a path as / (WHATWG URL), so /api\\other would pass the rule above as"),
    comment("a page and reach /api/other there. \\x5C is a backslash; Nginx matches after decoding %5C."),
    block("location ~ \\x5C", [d("return 400", "no page of the web UI has a backslash")]),
    comment("/API/, /Api/…: the /api/ rule whatever the case. Lower-case /api/ is left to the locations above."),
    block("location ~ ^/(?!api/)(?i:api)/", forbidden(o)),
  ]);
}

function toWebUi(o: ResolvedSiteOptions, web: UpstreamUrl, prefix: string): Line[] {
  return [
    proxyPass(o, web, prefix),
    d("proxy_set_header Host $http_host", "the browser's Host, port included: Server Actions check it"),
    d('proxy_set_header X-Forwarded-Host ""', "Next.js would check this instead, and the client chose it"),
    d('proxy_set_header x-base-url ""', "NextChat relays to this URL, with the server key"),
    d("proxy_set_header X-Real-IP $remote_addr", "the browser's address, for the web UI's log"),
    d("proxy_set_header X-Forwarded-For $remote_addr", "replaced, not appended: a client's own value is not trusted"),
    d('proxy_set_header Forwarded ""', "the same, in RFC 7239's spelling"),
    d("proxy_set_header X-Forwarded-Proto $scheme", "the scheme the browser used"),
    ...hopHeaders(),
  ];
}

function forbidden(o: ResolvedSiteOptions): Line[] {
  return [...errorPages(o, "web", [403]), d("return 403", "every other /api/<x> would relay to x-base-url")];
}

function pageCompression(): Line[] {
  return [
    d("gzip on", "pages and scripts, several MB, compress well"),
    d(`gzip_types ${PAGE_TYPES}`, "replaces any http-level list: never text/event-stream"),
    d("gzip_proxied any", "also for clients behind a proxy (requests with Via)"),
    d("gzip_vary on", "caches keep compressed and plain copies apart"),
    d("gzip_min_length 256", "smaller bodies grow when compressed"),
    d("gzip_comp_level 5", "most of the gain for little CPU"),
  ];
}

/** A static page at / (npm run local's built-in chat, web/chat.html); it talks to /v1/ like any client. */
function chatPageLocations(file: string): Line[] {
  return section("Web UI", ["No webUpstream: a static chat page at /, which talks to /v1/ with the proxy token."], [
    block("location = /", [
      d(`root ${path.posix.dirname(file)}`),
      d(`try_files /${path.posix.basename(file)} =404`, "the page itself: / would otherwise look for an index file"),
      d("default_type text/html", "whatever the http level's types say about the file's name"),
      d("charset utf-8"),
    ]),
    block("location /", [d("return 404")]),
  ]);
}
