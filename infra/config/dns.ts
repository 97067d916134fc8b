// Who hosts the zone and gets the A record (its rules live in its own file, infra/dns/<provider>.ts).
import type { Settings } from "../config.js";
import { DNS_PROVIDERS, dnsProviders, type DnsProviderName } from "../dns/index.js";
import { isPrivateIPv4, parentDomain } from "./names.js";
import type { ConfigReader } from "./reader.js";

/** The DNS settings; `provider` is undefined when dnsProvider names none (already reported). */
export type DnsArea = Omit<Settings["dns"], "provider"> & { provider: DnsProviderName | undefined };

export interface DnsInputs {
  domain: string;
  host: Settings["host"];
  /** The host address the config names, or "" (see HostArea). */
  namedIp: string;
}

export function validateDns(config: ConfigReader, { domain, host, namedIp }: DnsInputs): DnsArea {
  const provider = config.oneOf("dnsProvider", DNS_PROVIDERS, "a DNS provider");
  const rules = dnsProviders[provider ?? "none"];
  const zone = config.text("dnsZone").toLowerCase().replace(/\.$/, "");
  if (provider && rules.managesRecord) {
    if (!zone) {
      config.problem(
        `dnsZone: required with dnsProvider "${provider}": the registered domain that holds "${domain}", ` +
          `e.g. pulumi config set dnsZone ${parentDomain(domain)}.`,
      );
    } else if (domain !== zone && !domain.endsWith(`.${zone}`)) {
      config.problem(
        `dnsZone: "${zone}" does not contain domain "${domain}". Use domain itself or a parent of it, ` +
          `e.g. ${parentDomain(domain)}.`,
      );
    }
    if (!namedIp) {
      config.problem(
        `hostIp: required with dnsProvider "${provider}" (the A record points at it), and hostDocker ` +
          `"${host.docker}" does not name it. Set it: pulumi config set hostIp <the server's public IPv4>.`,
      );
    } else if (isPrivateIPv4(host.ip)) {
      config.problem(`hostIp: "${host.ip}" is not a public address; the A record must point at the server's public IPv4.`);
    }
  }
  const ttl = config.integer("dnsTtl", 1, 86400, `${rules.minTtl} to 86400`);
  if (ttl >= 1 && ttl < rules.minTtl) {
    config.problem(`dnsTtl: ${ttl} is below what ${rules.title} accepts. Allowed values are: ${rules.minTtl} to 86400.`);
  }
  const proxied = config.boolean("dnsProxied");
  if (proxied && !rules.proxiable) {
    const proxiable = DNS_PROVIDERS.filter((p) => dnsProviders[p].proxiable).map((p) => dnsProviders[p].title);
    config.problem(`dnsProxied: true only applies to ${proxiable.join(", ")}, and dnsProvider is "${provider}". Allowed values are: false.`);
  }
  return { provider, zone, ttl, proxied };
}
