// The DNS provider switch: one entry per provider (a missing one fails to compile).
import type * as pulumi from "@pulumi/pulumi";
import type { Settings } from "../config.js";
import { AliDnsRecord } from "./alidns.js";
import { CloudflareRecord } from "./cloudflare.js";
import { DnsPodRecord } from "./dnspod.js";
import type { DnsProviderName } from "./rules.js";
import type { DnsRecord, DnsRecordArgs } from "./types.js";

export type { DnsRecord, DnsRecordArgs } from "./types.js";

type DnsFactory = (
  name: string,
  args: DnsRecordArgs,
  settings: Settings<pulumi.Output<string>>,
  opts: pulumi.ComponentResourceOptions,
) => DnsRecord | undefined;

export const dnsProviders = {
  cloudflare: (name, args, settings, opts) =>
    new CloudflareRecord(name, { ...args, proxied: settings.dns.proxied }, opts),
  dnspod: (name, args, _settings, opts) => new DnsPodRecord(name, args, opts),
  alidns: (name, args, _settings, opts) => new AliDnsRecord(name, args, opts),
  // The user points the name at the host themselves.
  none: () => undefined,
} as const satisfies Record<DnsProviderName, DnsFactory>;
