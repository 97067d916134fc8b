import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import type { DnsRecord, DnsRecordArgs } from "./types.js";

export interface CloudflareRecordArgs extends DnsRecordArgs {
  /**
   * Route the site through Cloudflare's proxy (orange cloud). Default false: Cloudflare answers 524
   * and cuts a response that sends nothing for 100 s, and a model thinking before its first token
   * (or a long non-streamed answer) does exactly that. Turn it on only if you accept that.
   */
  proxied?: boolean;
}

/** The site's A record in a Cloudflare zone; the zone id is looked up from the zone's name. */
export class CloudflareRecord extends pulumi.ComponentResource implements DnsRecord {
  readonly fqdn: pulumi.Output<string>;

  constructor(name: string, args: CloudflareRecordArgs, opts?: pulumi.ComponentResourceOptions) {
    super("gptsite:dns:CloudflareRecord", name, {}, opts);
    const zone = cloudflare.getZoneOutput({ filter: { name: args.zone } }, { parent: this });
    const proxied = args.proxied ?? false;
    const record = new cloudflare.DnsRecord(
      name,
      {
        zoneId: zone.zoneId,
        name: args.fqdn,
        type: "A",
        content: args.ip,
        // A proxied record's TTL is Cloudflare's to choose: 1 means automatic.
        ttl: proxied ? 1 : (args.ttl ?? 600),
        proxied,
        comment: "gptsite: the chat site's host",
      },
      { parent: this },
    );
    this.fqdn = record.name;
    this.registerOutputs({ fqdn: this.fqdn });
  }
}
