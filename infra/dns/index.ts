// The DNS providers: one file each, one line each here. Config validation, the composition (site.ts),
// the ACME challenge (tls/acme.ts), the tests under mocks and the README's provider table read this table.
import { provider as alidns } from "./alidns.js";
import { provider as cloudflare } from "./cloudflare.js";
import { provider as dnspod } from "./dnspod.js";
import { provider as none } from "./none.js";
import type { DnsProvider } from "./types.js";

export type { AcmeDnsChallenge, DnsProvider, DnsRecord, DnsRecordArgs } from "./types.js";

export const dnsProviders = { cloudflare, dnspod, alidns, none } satisfies Record<string, DnsProvider>;

export type DnsProviderName = keyof typeof dnsProviders;
export const DNS_PROVIDERS = Object.keys(dnsProviders) as DnsProviderName[];
