import type * as pulumi from "@pulumi/pulumi";
import type { Settings } from "../config.js";
import type { CloudProvider, Factory, ProviderMocks } from "../providers.js";

/** What every DNS provider is given: one A record pointing the site's name at the host. */
export interface DnsRecordArgs {
  /** The zone (registered domain) the record lives in, e.g. `example.com`. */
  zone: string;
  /** The full name of the site, e.g. `chat.example.com` (or the zone itself for the apex). */
  fqdn: string;
  /** The Docker host's public IPv4 address. */
  ip: pulumi.Input<string>;
  /** TTL in seconds (dnsTtl, already held to the provider's floor). */
  ttl: number;
}

/** The A record the stack config describes. */
export function recordArgs(settings: Settings<pulumi.Output<string>>): DnsRecordArgs {
  return { zone: settings.dns.zone, fqdn: settings.domain, ip: settings.host.ip, ttl: settings.dns.ttl };
}

/** A DNS record, whatever hosts the zone. */
export interface DnsRecord {
  readonly fqdn: pulumi.Output<string>;
}

/** How the ACME DNS-01 challenge reaches the zone: the lego provider code and its credentials. */
export interface AcmeDnsChallenge {
  /** lego's provider code (https://go-acme.github.io/lego/dns/). */
  readonly lego: string;
  /** lego's variable name → the environment variable the user already sets for this provider. */
  readonly credentials: Readonly<Record<string, string>>;
}

/** Who hosts the zone: what it accepts (infra/config validates against it) and how the record is made. */
export interface DnsProvider extends CloudProvider {
  /** False for `none`: the user points the name at the host themselves. */
  readonly managesRecord: boolean;
  /** Lowest TTL the provider's free plan accepts. */
  readonly minTtl: number;
  /** Whether `dnsProxied` means anything here. */
  readonly proxiable: boolean;
  readonly acme?: AcmeDnsChallenge;
  readonly create: Factory<DnsRecord | undefined>;
  readonly mocks: ProviderMocks;
}

/**
 * The record name relative to its zone, as AliDNS (`rr`) and DNSPod (`SubDomain`) want it:
 * `chat` for `chat.example.com` in `example.com`, `@` for the apex. Case and a trailing dot are ignored.
 */
export function relativeName(fqdn: string, zone: string): string {
  const name = fqdn.toLowerCase().replace(/\.$/, "");
  const domain = zone.toLowerCase().replace(/\.$/, "");
  if (name === domain) return "@";
  if (name.endsWith(`.${domain}`)) return name.slice(0, -domain.length - 1);
  throw new Error(
    `fqdn "${fqdn}" is not inside dnsZone "${zone}": use a name that ends with ".${domain}" or the zone itself`,
  );
}
