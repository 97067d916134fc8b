// What each DNS provider needs, as data: infra/config.ts validates against it, infra/dns/index.ts
// builds from it and infra/tls/ reads the ACME part. A provider missing here fails to compile.

export const DNS_PROVIDERS = ["cloudflare", "dnspod", "alidns", "none"] as const;
export type DnsProviderName = (typeof DNS_PROVIDERS)[number];

/** How the ACME DNS-01 challenge reaches the zone: the lego provider code and its credentials. */
export interface AcmeDnsChallenge {
  /** lego's provider code (https://go-acme.github.io/lego/dns/). */
  readonly lego: string;
  /** lego's variable name → the environment variable the user already sets for this provider. */
  readonly credentials: Readonly<Record<string, string>>;
}

export interface DnsRules {
  readonly title: string;
  /** False for `none`: the user points the name at the host themselves. */
  readonly managesRecord: boolean;
  /** Lowest TTL the provider's free plan accepts. */
  readonly minTtl: number;
  /** Whether `dnsProxied` means anything here. */
  readonly proxiable: boolean;
  readonly acme?: AcmeDnsChallenge;
}

export const dnsRules = {
  cloudflare: {
    title: "Cloudflare",
    managesRecord: true,
    minTtl: 60,
    proxiable: true,
    // lego names the token CF_DNS_API_TOKEN; the Pulumi provider reads CLOUDFLARE_API_TOKEN.
    acme: { lego: "cloudflare", credentials: { CF_DNS_API_TOKEN: "CLOUDFLARE_API_TOKEN" } },
  },
  dnspod: {
    title: "DNSPod (Tencent Cloud)",
    managesRecord: true,
    minTtl: 600,
    proxiable: false,
    // lego's `dnspod` provider speaks the retired token API; `tencentcloud` uses the same keys as SCF.
    acme: {
      lego: "tencentcloud",
      credentials: {
        TENCENTCLOUD_SECRET_ID: "TENCENTCLOUD_SECRET_ID",
        TENCENTCLOUD_SECRET_KEY: "TENCENTCLOUD_SECRET_KEY",
      },
    },
  },
  alidns: {
    title: "Alibaba Cloud DNS",
    managesRecord: true,
    minTtl: 600,
    proxiable: false,
    acme: {
      lego: "alidns",
      credentials: { ALICLOUD_ACCESS_KEY: "ALICLOUD_ACCESS_KEY", ALICLOUD_SECRET_KEY: "ALICLOUD_SECRET_KEY" },
    },
  },
  none: {
    title: "none (you point the name at the host yourself)",
    managesRecord: false,
    minTtl: 1,
    proxiable: false,
  },
} as const satisfies Record<DnsProviderName, DnsRules>;

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
