import { describe, expect, it } from "vitest";
import type { ValidationInputs } from "../../../infra/config.js";
import type { RawConfig } from "../../../infra/config/keys.js";
import { validateTls } from "../../../infra/config/tls.js";
import { DNS_PROVIDERS, dnsProviders } from "../../../infra/dns/index.js";
import { TLS_MODES } from "../../../infra/tls/index.js";
import { TEST_INPUTS } from "../stacks.js";
import { PUBLIC_SITE, earlier, problemsOf } from "./areas.js";

const problems = (raw: RawConfig, inputs: ValidationInputs = TEST_INPUTS) =>
  problemsOf(raw, (config) => validateTls(config, inputs, earlier(raw).tlsInputs));

const ACME_DNS = DNS_PROVIDERS.filter((p) => dnsProviders[p].acme).join(", ");

describe("validateTls", () => {
  it("accepts a public site's ACME certificate and the certificate files of tlsMode files", () => {
    expect(problems(PUBLIC_SITE)).toEqual([]);
    expect(problems({ tlsMode: "files", tlsCertFile: "certs/fullchain.pem", tlsKeyFile: "certs/privkey.pem" })).toEqual([]);
  });

  it.each([
    [
      "an unknown TLS mode",
      { tlsMode: "self-signed" },
      `tlsMode: "self-signed" is not a TLS mode. Allowed values are: ${TLS_MODES.join(", ")}.`,
    ],
    [
      "plain HTTP for a public domain",
      { domain: "chat.example.com" },
      'tlsMode: "none" with domain "chat.example.com" sends access codes and the proxy token over plain HTTP. Use tlsMode acme or files, or set tlsAllowInsecure true to force it.',
    ],
    [
      "ACME without a DNS provider",
      { domain: "chat.example.com", tlsMode: "acme" },
      `tlsMode: "acme" proves the domain with a DNS-01 record, and dnsProvider is "none". Set dnsProvider to one of: ${ACME_DNS}, or use tlsMode files.`,
    ],
    [
      "ACME for localhost",
      { tlsMode: "acme" },
      [
        'tlsMode: "acme" cannot get a public certificate for domain "localhost". Use tlsMode none or files.',
        `tlsMode: "acme" proves the domain with a DNS-01 record, and dnsProvider is "none". Set dnsProvider to one of: ${ACME_DNS}, or use tlsMode files.`,
      ],
    ],
    [
      "an unreadable certificate file",
      { tlsMode: "files", tlsCertFile: "missing.crt", tlsKeyFile: "certs/privkey.pem" },
      `tlsCertFile: cannot read "missing.crt": ENOENT: no such file or directory, open 'missing.crt'.`,
    ],
    [
      "a key file that holds no key",
      { tlsMode: "files", tlsCertFile: "certs/fullchain.pem", tlsKeyFile: "certs/chain.pem" },
      'tlsKeyFile: "certs/chain.pem" holds no PEM private key (no "-----BEGIN … PRIVATE KEY-----" line).',
    ],
  ])("refuses %s", (_name, raw, message) => {
    expect(problems(raw)).toEqual([message].flat());
  });

  it("refuses ACME without the DNS provider's credentials in the environment", () => {
    expect(problems(PUBLIC_SITE, { ...TEST_INPUTS, env: {} })).toEqual([
      'tlsMode: "acme" with dnsProvider "cloudflare" needs CLOUDFLARE_API_TOKEN in the environment (handed to lego as CF_DNS_API_TOKEN for the DNS-01 challenge).',
    ]);
  });
});
