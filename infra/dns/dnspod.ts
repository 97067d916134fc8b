import * as pulumi from "@pulumi/pulumi";
import { DnspodARecord, dnspodMinTtl } from "../tencent/index.js";
import { recordArgs, relativeName, type DnsProvider, type DnsRecord, type DnsRecordArgs } from "./types.js";

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

    const record = new DnspodARecord(name, { zone: args.zone, subDomain, value: args.ip, ttl: args.ttl }, { parent: this });
    this.fqdn = pulumi
      .all([record.subDomain, record.zone])
      .apply(([sub, zone]) => (sub === "@" ? zone : `${sub}.${zone}`));
    this.registerOutputs({ fqdn: this.fqdn });
  }
}

export const provider: DnsProvider = {
  title: "DNSPod (Tencent Cloud)",
  credentials: ["TENCENTCLOUD_SECRET_ID", "TENCENTCLOUD_SECRET_KEY"],
  managesRecord: true,
  minTtl: dnspodMinTtl,
  proxiable: false,
  // lego's `dnspod` provider speaks the retired token API; `tencentcloud` uses the same keys as SCF.
  acme: {
    lego: "tencentcloud",
    credentials: {
      TENCENTCLOUD_SECRET_ID: "TENCENTCLOUD_SECRET_ID",
      TENCENTCLOUD_SECRET_KEY: "TENCENTCLOUD_SECRET_KEY",
    },
  },
  create: (name, { settings }) => new DnsPodRecord(name, recordArgs(settings)),
  mocks: {
    resources: { "pulumi-nodejs:dynamic/tencent:DnspodARecord": () => ({ recordId: 42 }) },
  },
};
