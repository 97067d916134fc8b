import { describe, expect, it } from "vitest";
import { validateDns } from "../../../infra/config/dns.js";
import type { RawConfig } from "../../../infra/config/keys.js";
import { DNS_PROVIDERS } from "../../../infra/dns/index.js";
import { PUBLIC_SITE, earlier, problemsOf } from "./areas.js";

const problems = (raw: RawConfig) => problemsOf(raw, (config) => validateDns(config, earlier(raw).dnsInputs));

describe("validateDns", () => {
  it("accepts a public site's record", () => {
    expect(problems(PUBLIC_SITE)).toEqual([]);
  });

  it.each([
    [
      "an unknown DNS provider",
      { dnsProvider: "route53" },
      `dnsProvider: "route53" is not a DNS provider. Allowed values are: ${DNS_PROVIDERS.join(", ")}.`,
    ],
    [
      "a DNS provider without a zone",
      { ...PUBLIC_SITE, dnsZone: "" },
      'dnsZone: required with dnsProvider "cloudflare": the registered domain that holds "chat.example.com", e.g. pulumi config set dnsZone example.com.',
    ],
    [
      "a zone that does not contain the domain",
      { ...PUBLIC_SITE, dnsZone: "example.org" },
      'dnsZone: "example.org" does not contain domain "chat.example.com". Use domain itself or a parent of it, e.g. example.com.',
    ],
    [
      "a DNS provider without the host's IP",
      { ...PUBLIC_SITE, hostIp: "" },
      `hostIp: required with dnsProvider "cloudflare" (the A record points at it), and hostDocker "unix:///var/run/docker.sock" does not name it. Set it: pulumi config set hostIp <the server's public IPv4>.`,
    ],
    [
      "an A record to a private address",
      { ...PUBLIC_SITE, hostIp: "192.168.1.20" },
      'hostIp: "192.168.1.20" is not a public address; the A record must point at the server\'s public IPv4.',
    ],
    [
      "a TTL below the provider's floor",
      { ...PUBLIC_SITE, dnsProvider: "alidns", dnsTtl: "60" },
      "dnsTtl: 60 is below what Alibaba Cloud DNS accepts. Allowed values are: 600 to 86400.",
    ],
    [
      "proxied with a DNS provider other than Cloudflare",
      { ...PUBLIC_SITE, dnsProvider: "dnspod", dnsProxied: "true" },
      'dnsProxied: true only applies to Cloudflare, and dnsProvider is "dnspod". Allowed values are: false.',
    ],
  ])("refuses %s", (_name, raw, message) => {
    expect(problems(raw)).toEqual([message]);
  });
});
