import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import { relativeName } from "./rules.js";
import type { DnsRecord, DnsRecordArgs } from "./types.js";

/** The site's A record in an Alibaba Cloud DNS zone (default line). */
export class AliDnsRecord extends pulumi.ComponentResource implements DnsRecord {
  readonly fqdn: pulumi.Output<string>;

  constructor(name: string, args: DnsRecordArgs, opts?: pulumi.ComponentResourceOptions) {
    super("gptsite:dns:AliDnsRecord", name, {}, opts);
    const record = new alicloud.dns.AlidnsRecord(
      name,
      {
        domainName: args.zone,
        rr: relativeName(args.fqdn, args.zone),
        type: "A",
        value: args.ip,
        // The free edition's floor.
        ttl: args.ttl ?? 600,
        remark: "gptsite: the chat site's host",
      },
      { parent: this },
    );
    this.fqdn = pulumi.interpolate`${record.rr}.${record.domainName}`.apply((fqdn) => fqdn.replace(/^@\./, ""));
    this.registerOutputs({ fqdn: this.fqdn });
  }
}
