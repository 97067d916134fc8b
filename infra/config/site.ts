// The site's name and the upstream API.
import type { ConfigReader } from "./reader.js";
import { isHostName, isLocalName } from "./names.js";

export interface SiteArea {
  /** Lower case. */
  domain: string;
  /** The OpenAI-compatible base, without a trailing slash. */
  upstream: string;
  /** No public certificate or DNS answers for the domain (localhost, a private address…). */
  local: boolean;
  /** The upstream is OpenAI itself, so regions OpenAI refuses are refused. */
  upstreamIsOpenAI: boolean;
}

export function validateSite(config: ConfigReader): SiteArea {
  const domain = config.text("domain").toLowerCase();
  if (!isHostName(domain)) {
    config.problem(`domain: "${domain}" is not a host name. Use the site's name, e.g. chat.example.com, or localhost.`);
  }
  const upstream = config.text("upstream").replace(/\/+$/, "");
  let upstreamIsOpenAI = false;
  try {
    const url = new URL(upstream);
    if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error("scheme");
    if (url.pathname.replace(/\/+$/, "").endsWith("/v1")) {
      config.problem(`upstream: "${upstream}" ends in /v1. Give the base URL without it, e.g. https://api.openai.com.`);
    }
    upstreamIsOpenAI = url.hostname === "api.openai.com";
  } catch {
    config.problem(`upstream: "${upstream}" is not an http(s) URL. Use an OpenAI-compatible base, e.g. https://api.openai.com.`);
  }
  return { domain, upstream, local: isLocalName(domain), upstreamIsOpenAI };
}
