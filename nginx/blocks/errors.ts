// Errors: Nginx answers its own errors in OpenAI's shape, because the clients of this site (the web
// UI's chat, desktop and mobile apps, the openai SDK) parse error.message, not HTML. Errors the
// upstream sends pass through untouched (proxy_intercept_errors stays off).
import { PROVIDERS } from "../../contract.js";
import { NEXTCHAT_ROUTE_PREFIXES } from "../../web/nextchat.js";
import { block, comment, d, quoted, section, type Line } from "../conf.js";
import { apiPrefixes } from "./api.js";
import { rateDirective, type ResolvedSiteOptions } from "../validate.js";

/** Which hop a 502/504 names. */
export type Hop = "web" | "function";

interface JsonError {
  status: number;
  code: string;
  message: string;
  /** The hop it names, when the text depends on it (502, 504); the location is shared otherwise. */
  hop?: Hop;
  /** The status Nginx raises, when the answer uses another: its own 494 goes out as 431. */
  raised?: number;
}

const MALFORMED: JsonError = {
  status: 400,
  code: "malformed_request",
  message: "Nginx: malformed request (request line, headers or chunked body).",
};

function tooLarge(o: ResolvedSiteOptions): JsonError {
  const mib = Math.round((o.maxBodyBytes / 1024 / 1024) * 10) / 10;
  return { status: 413, code: "request_too_large", message: `Nginx: the request body is over ${o.maxBodyBytes} bytes (${mib} MiB).` };
}

/** Errors raised inside a location: each API location routes these. */
function table(o: ResolvedSiteOptions, hop: Hop): JsonError[] {
  const who = hop === "web" ? "the web UI" : "the function proxy";
  const rate = rateDirective(o.rateLimit.perSecond);
  return [
    MALFORMED,
    {
      status: 403,
      code: "path_not_served",
      message: notServed(o),
    },
    tooLarge(o),
    {
      status: 429,
      code: "rate_limit_exceeded",
      message: `Nginx: too many requests from your address (over ${rate}, burst ${o.rateLimit.burst}); retry in a moment.`,
    },
    { status: 502, code: "upstream_unreachable", message: `Nginx: ${who} could not be reached.`, hop },
    { status: 504, code: "upstream_timeout", message: `Nginx: ${who} sent nothing for ${o.readTimeoutSec} s.`, hop },
  ];
}

/** The 403 of a path under /api/ NextChat must not serve, naming the ones that are served. */
function notServed(o: ResolvedSiteOptions): string {
  const web = ["/api/config", ...PROVIDERS.map((provider) => NEXTCHAT_ROUTE_PREFIXES[provider])];
  const api = o.apiProviders.flatMap(apiPrefixes);
  const and = (items: string[]) => `${items.slice(0, -1).join(", ")}${items.length > 1 ? " and " : ""}${items.at(-1)}`;
  return `Nginx: this path is not served. Under /api/ only ${and(web)} are; the API${api.length > 1 ? "s are" : " is"} under ${and(api)}.`;
}

/**
 * Errors raised while the request line and headers are read, before any location is chosen; and
 * the body size, for the pages (their location inherits these).
 */
function requestErrors(o: ResolvedSiteOptions): JsonError[] {
  return [
    MALFORMED,
    { status: 405, code: "method_not_allowed", message: "Nginx: this method is not allowed (TRACE never is)." },
    tooLarge(o),
    { status: 414, code: "uri_too_long", message: "Nginx: the request target is too long." },
    { status: 431, raised: 494, code: "headers_too_large", message: "Nginx: the request headers are too large." },
    { status: 501, code: "unsupported_transfer_encoding", message: "Nginx: the only transfer coding accepted is chunked." },
    { status: 505, code: "http_version_not_supported", message: "Nginx: only HTTP/1.0 and HTTP/1.1 are served." },
  ];
}

// URIs, not named locations: Nginx cannot enter a named location for an error in the request line
// ("empty URI in redirect to named location"), but it can redirect to a URI.
const uriOf = (e: JsonError) => `/.gptsite/error/${e.status}${e.hop ? `-${e.hop}` : ""}`;

function errorPage(e: JsonError, why?: string): Line {
  const overwrite = e.raised === undefined ? "" : ` =${e.status}`;
  return d(`error_page ${e.raised ?? e.status}${overwrite} ${uriOf(e)}`, why);
}

/** server level: one internal location per distinct body, and the request-level error pages. */
export function jsonErrors(o: ResolvedSiteOptions, hops: Hop[]): Line[] {
  const bodies = new Map<string, JsonError>();
  const request = requestErrors(o);
  for (const e of [...request, ...hops.flatMap((hop) => table(o, hop))]) bodies.set(uriOf(e), e);
  const lines = [...bodies].map(([uri, e]) =>
    block(`location = ${uri}`, [
      d("internal", "only error_page reaches it"),
      d("default_type application/json"),
      d(`return ${e.status} ${quoted(JSON.stringify({ error: { message: e.message, type: "proxy_error", code: e.code } }))}`),
    ]),
  );
  return section(
    "Errors",
    [
      "Bodies for the error_page lines here and in the locations below. A location with error_page",
      "lines of its own inherits none of these, so the API locations repeat the 400.",
      "(!) Nginx sends no answer at all on a client timeout (408): it closes the connection.",
    ],
    [
      ...request.map((e, i) => errorPage(e, i === 0 ? "bad request line or headers: before any location" : e.raised ? "Nginx's 494" : undefined)),
      comment("An HTTP/0.9 request (no version) gets a bare body: that protocol has no status line."),
      ...lines,
    ],
  );
}

/** location level: route Nginx's own errors (all, or the statuses given) to the JSON bodies. */
export function errorPages(o: ResolvedSiteOptions, hop: Hop, only?: number[]): Line[] {
  return table(o, hop)
    .filter((e) => !only || only.includes(e.status))
    .map((e, i) => errorPage(e, i === 0 ? "Nginx's own errors as OpenAI JSON (see Errors)" : undefined));
}
