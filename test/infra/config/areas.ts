// Running one config area alone: a reader over the raw config, and what the areas before it found
// (their own problems belong to their own tests).
import { validateDns } from "../../../infra/config/dns.js";
import { regionRefusers } from "../../../infra/config/function.js";
import { validateHost } from "../../../infra/config/host.js";
import type { RawConfig } from "../../../infra/config/keys.js";
import { ConfigReader } from "../../../infra/config/reader.js";
import { keyedProviders } from "../../../infra/config/secrets.js";
import { validateSite } from "../../../infra/config/site.js";
import { validateWeb } from "../../../infra/config/web.js";

/** The problems `validate` reports for `raw`, in order. */
export function problemsOf(raw: RawConfig, validate: (config: ConfigReader) => unknown): string[] {
  const config = new ConfigReader(raw);
  validate(config);
  return config.problems;
}

/** What the areas validateConfig runs first make of `raw`, as it hands them on. */
export function earlier(raw: RawConfig) {
  const config = new ConfigReader(raw);
  const site = validateSite(config);
  const { host, namedIp, remote } = validateHost(config);
  const dns = validateDns(config, { domain: site.domain, host, namedIp });
  const { web } = validateWeb(config);
  return {
    site,
    refusers: regionRefusers(site, keyedProviders(config)),
    dnsInputs: { domain: site.domain, host, namedIp },
    tlsInputs: { domain: site.domain, local: site.local, dnsProvider: dns.provider, host, remote },
    web,
  };
}

/** A public site on a server, with its record at Cloudflare and a Let's Encrypt certificate. */
export const PUBLIC_SITE = {
  domain: "chat.example.com",
  dnsProvider: "cloudflare",
  dnsZone: "example.com",
  hostIp: "203.0.113.7",
  tlsMode: "acme",
} as const;
