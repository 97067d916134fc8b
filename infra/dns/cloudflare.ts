import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { recordArgs, type DnsProvider, type DnsRecord, type DnsRecordArgs } from "./types.js";

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
        ttl: proxied ? 1 : args.ttl,
        proxied,
        comment: "gptsite: the chat site's host",
      },
      { parent: this },
    );
    this.fqdn = record.name;
    this.registerOutputs({ fqdn: this.fqdn });
  }
}

const MOCK_ZONE_ID = "0123456789abcdef0123456789abcdef";

export const provider: DnsProvider = {
  title: "Cloudflare",
  credentials: ["CLOUDFLARE_API_TOKEN"],
  managesRecord: true,
  minTtl: 60,
  proxiable: true,
  // lego names the token CF_DNS_API_TOKEN; the Pulumi provider reads CLOUDFLARE_API_TOKEN.
  acme: { lego: "cloudflare", credentials: { CF_DNS_API_TOKEN: "CLOUDFLARE_API_TOKEN" } },
  create: (name, { settings }) => new CloudflareRecord(name, { ...recordArgs(settings), proxied: settings.dns.proxied }),
  mocks: {
    zoneId: MOCK_ZONE_ID,
    calls: {
      "cloudflare:index/getZone:getZone": (args) => ({
        id: MOCK_ZONE_ID,
        zoneId: MOCK_ZONE_ID,
        name: (args.inputs.filter as { name: string }).name,
      }),
    },
  },
};
