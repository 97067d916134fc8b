// Where the certificate comes from (tlsMode), and what each mode needs: a DNS provider that answers
// the ACME challenge and its credentials, or the certificate files; and plain HTTP only where it is safe.
import type { Settings, ValidationInputs } from "../config.js";
import { DNS_PROVIDERS, dnsProviders, type DnsProviderName } from "../dns/index.js";
import { TLS_MODES, tlsProviders, type TlsMode } from "../tls/index.js";
import { list, type ConfigKey } from "./keys.js";
import type { ConfigReader } from "./reader.js";

/** The TLS settings; `mode` is undefined when tlsMode names none (already reported). */
export type TlsArea = Omit<Settings["tls"], "mode"> & { mode: TlsMode | undefined };

export interface TlsInputs {
  domain: string;
  /** No public certificate can be had for the domain (see SiteArea). */
  local: boolean;
  /** Undefined when dnsProvider names none. */
  dnsProvider: DnsProviderName | undefined;
  host: Settings["host"];
  /** Nginx's ports face the Internet (see HostArea). */
  remote: boolean;
}

export function validateTls(config: ConfigReader, inputs: ValidationInputs, site: TlsInputs): TlsArea {
  const mode = config.oneOf("tlsMode", TLS_MODES, "a TLS mode");
  const email = config.text("tlsEmail");
  if (email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) config.problem(`tlsEmail: "${email}" is not an email address.`);
  const acmeServer = config.text("tlsAcmeServer");
  const acmeCredentials: Record<string, string> = {};
  let certificatePem: string | undefined;
  let privateKeyPem: string | undefined;
  const rules = mode ? tlsProviders[mode] : undefined;
  if (rules?.needsDnsChallenge) {
    if (site.local) config.problem(`tlsMode: "acme" cannot get a public certificate for domain "${site.domain}". Use tlsMode none or files.`);
    if (!/^https:\/\//.test(acmeServer)) config.problem(`tlsAcmeServer: "${acmeServer}" is not an https:// ACME directory URL.`);
    const dns = site.dnsProvider ? dnsProviders[site.dnsProvider] : undefined;
    if (dns && !dns.acme) {
      config.problem(
        `tlsMode: "acme" proves the domain with a DNS-01 record, and dnsProvider is "${site.dnsProvider}". ` +
          `Set dnsProvider to one of: ${list(DNS_PROVIDERS.filter((p) => dnsProviders[p].acme))}, or use tlsMode files.`,
      );
    } else if (dns?.acme) {
      for (const [legoName, envName] of Object.entries(dns.acme.credentials)) {
        const value = inputs.env[envName];
        if (value) acmeCredentials[legoName] = value;
        else {
          config.problem(
            `tlsMode: "acme" with dnsProvider "${site.dnsProvider}" needs ${envName} in the environment ` +
              `(handed to lego as ${legoName} for the DNS-01 challenge).`,
          );
        }
      }
    }
  }
  if (rules?.readsFiles) {
    certificatePem = readPem(config, inputs, "tlsCertFile", "CERTIFICATE");
    privateKeyPem = readPem(config, inputs, "tlsKeyFile", "PRIVATE KEY");
  }
  const allowInsecure = config.boolean("tlsAllowInsecure");
  if (rules && !rules.encrypts && !site.local && !allowInsecure) {
    config.problem(
      `tlsMode: "none" with domain "${site.domain}" sends access codes and the proxy token over plain HTTP. ` +
        `Use tlsMode acme or files, or set tlsAllowInsecure true to force it.`,
    );
  } else if (rules && !rules.encrypts && site.remote && !allowInsecure) {
    config.problem(
      `tlsMode: "none" with hostDocker "${site.host.docker}" serves the site from that server over plain HTTP (port ${site.host.httpPort}), ` +
        `so access codes and the proxy token cross the Internet unencrypted. ` +
        `Set domain to the site's name with tlsMode acme or files, or set tlsAllowInsecure true to force it.`,
    );
  }
  return {
    mode,
    email,
    acmeServer,
    ...(certificatePem !== undefined ? { certificatePem } : {}),
    ...(privateKeyPem !== undefined ? { privateKeyPem } : {}),
    acmeCredentials,
  };
}

/** The PEM file `key` names, or undefined after reporting why it cannot be used. */
function readPem(config: ConfigReader, inputs: ValidationInputs, key: ConfigKey, label: string): string | undefined {
  const path = config.text(key);
  if (!path) {
    config.problem(`${key}: required with tlsMode "files": the path of the PEM ${label.toLowerCase()} file.`);
    return undefined;
  }
  let content: string;
  try {
    content = inputs.readFile(path);
  } catch (error) {
    config.problem(`${key}: cannot read "${path}": ${(error as Error).message}.`);
    return undefined;
  }
  if (!content.includes(`-----BEGIN `) || !content.includes(`${label}-----`)) {
    config.problem(`${key}: "${path}" holds no PEM ${label.toLowerCase()} (no "-----BEGIN … ${label}-----" line).`);
    return undefined;
  }
  return content;
}
