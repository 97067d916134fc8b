// The site's name and the upstream API of each provider the proxy relays to.
import { PROVIDERS, PROXY_ROUTES, type Provider } from "../../contract.js";
import { PROVIDER_CONFIG } from "./keys.js";
import type { ConfigReader } from "./reader.js";
import { isHostName, isLocalName } from "./names.js";

export interface SiteArea {
  /** Lower case. */
  domain: string;
  /** Each provider's base (its own API or a compatible one), without a trailing slash or API version. */
  upstreams: Record<Provider, string>;
  /** No public certificate or DNS answers for the domain (localhost, a private address…). */
  local: boolean;
  /** The providers whose upstream is their own API (not a compatible service): they refuse some regions. */
  ownApis: Provider[];
}

export function validateSite(config: ConfigReader): SiteArea {
  const domain = config.text("domain").toLowerCase();
  if (!isHostName(domain)) {
    config.problem(`domain: "${domain}" is not a host name. Use the site's name, e.g. chat.example.com, or localhost.`);
  }
  const upstreams = Object.fromEntries(PROVIDERS.map((provider) => [provider, upstream(config, provider)])) as Record<Provider, string>;
  const ownApis = PROVIDERS.filter((provider) => hostOf(upstreams[provider]) === hostOf(PROXY_ROUTES[provider].defaultBase));
  return { domain, upstreams, local: isLocalName(domain), ownApis };
}

/** A provider's upstream base: an http(s) URL that does not end in one of the API versions the proxy appends. */
function upstream(config: ConfigReader, provider: Provider): string {
  const { upstream: key, title } = PROVIDER_CONFIG[provider];
  const { versions, defaultBase } = PROXY_ROUTES[provider];
  const base = config.text(key).replace(/\/+$/, "");
  const url = parseHttpUrl(base);
  if (!url) {
    config.problem(`${key}: "${base}" is not an http(s) URL. Use ${title}'s API or a compatible base, e.g. ${defaultBase}.`);
    return base;
  }
  const version = versions.find((v) => url.pathname.replace(/\/+$/, "").endsWith(`/${v}`));
  if (version) config.problem(`${key}: "${base}" ends in /${version}. Give the base URL without it, e.g. ${defaultBase}.`);
  return base;
}

function parseHttpUrl(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return url.protocol === "https:" || url.protocol === "http:" ? url : undefined;
  } catch {
    return undefined;
  }
}

const hostOf = (base: string) => parseHttpUrl(base)?.hostname;
