// Errors: on the API routes Nginx answers its own errors in OpenAI's shape, because the clients
// there (the web UI's chat, desktop and mobile apps, the openai SDK) parse error.message, not HTML.
// Errors the upstream sends pass through untouched (proxy_intercept_errors stays off).
import { block, d, quoted, section, type Line } from "../conf.js";
import { rateDirective, type ResolvedSiteOptions } from "../validate.js";

/** Which hop a 502/504 names. */
export type Hop = "web" | "function";

interface JsonError {
  status: number;
  code: string;
  message: string;
  /** The hop it names, when the text depends on it (502, 504); the location is shared otherwise. */
  hop?: Hop;
}

function table(o: ResolvedSiteOptions, hop: Hop): JsonError[] {
  const who = hop === "web" ? "the web UI" : "the function proxy";
  const mib = Math.round((o.maxBodyBytes / 1024 / 1024) * 10) / 10;
  const rate = rateDirective(o.rateLimit.perSecond);
  return [
    {
      status: 403,
      code: "path_not_served",
      message: "Nginx: this path is not served. Under /api/ only /api/config and /api/openai/ are; the API is under /v1/.",
    },
    { status: 413, code: "request_too_large", message: `Nginx: the request body is over ${o.maxBodyBytes} bytes (${mib} MiB).` },
    {
      status: 429,
      code: "rate_limit_exceeded",
      message: `Nginx: too many requests from your address (over ${rate}, burst ${o.rateLimit.burst}); retry in a moment.`,
    },
    { status: 502, code: "upstream_unreachable", message: `Nginx: ${who} could not be reached.`, hop },
    { status: 504, code: "upstream_timeout", message: `Nginx: ${who} sent nothing for ${o.readTimeoutSec} s.`, hop },
  ];
}

const locationName = (e: JsonError) => `@gptsite_${e.status}${e.hop ? `_${e.hop}` : ""}`;

/** server level: one named location per distinct body. */
export function jsonErrors(o: ResolvedSiteOptions, hops: Hop[]): Line[] {
  const bodies = new Map<string, JsonError>();
  for (const e of hops.flatMap((hop) => table(o, hop))) bodies.set(locationName(e), e);
  const lines = [...bodies].map(([name, e]) =>
    block(`location ${name}`, [
      d("default_type application/json"),
      d(`return ${e.status} ${quoted(JSON.stringify({ error: { message: e.message, type: "proxy_error", code: e.code } }))}`),
    ]),
  );
  return section("Errors", ["Bodies for the error_page lines of the API locations below."], lines);
}

/** location level: route Nginx's own errors (all, or the statuses given) to the JSON bodies. */
export function errorPages(o: ResolvedSiteOptions, hop: Hop, only?: number[]): Line[] {
  return table(o, hop)
    .filter((e) => !only || only.includes(e.status))
    .map((e, i) => d(`error_page ${e.status} ${locationName(e)}`, i === 0 ? "Nginx's own errors as OpenAI JSON (see Errors)" : undefined));
}
