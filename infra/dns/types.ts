import type * as pulumi from "@pulumi/pulumi";

/** What every DNS provider is given: one A record pointing the site's name at the host. */
export interface DnsRecordArgs {
  /** The zone (registered domain) the record lives in, e.g. `example.com`. */
  zone: string;
  /** The full name of the site, e.g. `chat.example.com` (or the zone itself for the apex). */
  fqdn: string;
  /** The Docker host's public IPv4 address. */
  ip: pulumi.Input<string>;
  /** TTL in seconds. */
  ttl?: number;
}

/** A DNS record, whatever hosts the zone. */
export interface DnsRecord {
  readonly fqdn: pulumi.Output<string>;
}
