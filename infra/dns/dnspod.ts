import * as pulumi from "@pulumi/pulumi";
import { DnspodARecord, dnspodDefaultTtl } from "../tencent/index.js";
import { relativeName } from "./rules.js";
import type { DnsRecord, DnsRecordArgs } from "./types.js";

/** The site's A record in a DNSPod zone (Tencent Cloud DNS), on the default line. */
export class DnsPodRecord extends pulumi.ComponentResource implements DnsRecord {
  readonly fqdn: pulumi.Output<string>;

  constructor(name: string, args: DnsRecordArgs, opts?: pulumi.ComponentResourceOptions) {
    super("gptsite:dns:DnsPodRecord", name, {}, opts);
    let subDomain: string;
    try {
      subDomain = relativeName(args.fqdn, args.zone);
    } catch (err) {
      throw new pulumi.ResourceError((err as Error).message, this);
    }

    const record = new DnspodARecord(
      name,
      { zone: args.zone, subDomain, value: args.ip, ttl: args.ttl ?? dnspodDefaultTtl },
      { parent: this },
    );
    this.fqdn = pulumi
      .all([record.subDomain, record.zone])
      .apply(([sub, zone]) => (sub === "@" ? zone : `${sub}.${zone}`));
    this.registerOutputs({ fqdn: this.fqdn });
  }
}
