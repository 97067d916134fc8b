import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import { recordArgs, relativeName, type DnsProvider, type DnsRecord, type DnsRecordArgs } from "./types.js";

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
        ttl: args.ttl,
        remark: "gptsite: the chat site's host",
      },
      { parent: this },
    );
    this.fqdn = pulumi.interpolate`${record.rr}.${record.domainName}`.apply((fqdn) => fqdn.replace(/^@\./, ""));
    this.registerOutputs({ fqdn: this.fqdn });
  }
}

export const provider: DnsProvider = {
  title: "Alibaba Cloud DNS",
  credentials: ["ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY"],
  managesRecord: true,
  // The free edition's floor.
  minTtl: 600,
  proxiable: false,
  acme: {
    lego: "alidns",
    credentials: { ALICLOUD_ACCESS_KEY: "ALICLOUD_ACCESS_KEY", ALICLOUD_SECRET_KEY: "ALICLOUD_SECRET_KEY" },
  },
  create: (name, { settings }) => new AliDnsRecord(name, recordArgs(settings)),
  mocks: {},
};
