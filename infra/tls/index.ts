// The TLS mode switch: one entry per mode (a missing one fails to compile).
import * as pulumi from "@pulumi/pulumi";
import type { Settings } from "../config.js";
import { dnsRules, type DnsRules } from "../dns/rules.js";
import { AcmeCertificate } from "./acme.js";
import type { TlsMode } from "./modes.js";
import type { TlsMaterial } from "./types.js";

export type { TlsMaterial } from "./types.js";

type TlsFactory = (
  name: string,
  settings: Settings<pulumi.Output<string>>,
  opts: pulumi.ComponentResourceOptions,
) => TlsMaterial | undefined;

/** Validated settings guarantee what each mode needs; reaching a throw here is a bug in validateConfig. */
const required = <T>(value: T | undefined, what: string): T => {
  if (value === undefined) throw new Error(`gptsite: ${what} missing after validation`);
  return value;
};

export const tlsProviders = {
  acme: (name, settings, opts) =>
    new AcmeCertificate(
      name,
      {
        domain: settings.domain,
        server: settings.tls.acmeServer,
        email: settings.tls.email,
        challenge: required((dnsRules[settings.dns.provider] as DnsRules).acme, "the DNS provider's ACME challenge"),
        credentials: settings.tls.acmeCredentials,
      },
      opts,
    ),
  files: (_name, settings) => ({
    certificatePem: pulumi.output(required(settings.tls.certificatePem, "tlsCertFile's content")),
    privateKeyPem: required(settings.tls.privateKeyPem, "tlsKeyFile's content"),
  }),
  none: () => undefined,
} as const satisfies Record<TlsMode, TlsFactory>;
