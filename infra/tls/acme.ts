import * as pulumi from "@pulumi/pulumi";
import * as acme from "@pulumiverse/acme";
import { dnsProviders, type AcmeDnsChallenge } from "../dns/index.js";
import { required, type TlsMaterial, type TlsProvider } from "./types.js";

export interface AcmeCertificateArgs {
  /** The site's name; the certificate's only name. */
  domain: string;
  /** ACME directory, e.g. Let's Encrypt production or staging. */
  server: string;
  /** Account contact for expiry notices; empty: none. */
  email: string;
  /** How the DNS-01 record gets written (lego provider code) ... */
  challenge: AcmeDnsChallenge;
  /** ... and with which credentials (lego variable → secret value). */
  credentials: Record<string, pulumi.Output<string>>;
}

/**
 * A Let's Encrypt certificate proven with a DNS-01 TXT record, so port 80 need not be reachable
 * (and nothing depends on the A record having propagated). `pulumi up` renews it once fewer than
 * 30 days remain, which replaces the Nginx container with the new files.
 */
export class AcmeCertificate extends pulumi.ComponentResource implements TlsMaterial {
  readonly certificatePem: pulumi.Output<string>;
  readonly privateKeyPem: pulumi.Output<string>;

  constructor(name: string, args: AcmeCertificateArgs, opts?: pulumi.ComponentResourceOptions) {
    super("gptsite:tls:AcmeCertificate", name, {}, opts);
    const provider = new acme.Provider(name, { serverUrl: args.server }, { parent: this });
    const registration = new acme.Registration(
      name,
      { accountKeyAlgorithm: "ECDSA", ...(args.email ? { emailAddress: args.email } : {}) },
      { parent: this, provider },
    );
    const certificate = new acme.Certificate(
      name,
      {
        accountKeyPem: registration.accountKeyPem,
        commonName: args.domain,
        keyType: "P256",
        minDaysRemaining: 30,
        dnsChallenges: [{ provider: args.challenge.lego, config: pulumi.secret(args.credentials) }],
      },
      // The challenge's credentials come back in the outputs: encrypted in state whatever the
      // provider's schema says about the field.
      { parent: this, provider, additionalSecretOutputs: ["dnsChallenges"] },
    );
    this.certificatePem = pulumi.interpolate`${certificate.certificatePem}${certificate.issuerPem}`;
    this.privateKeyPem = pulumi.secret(certificate.privateKeyPem);
    this.registerOutputs({ certificatePem: this.certificatePem });
  }
}

const MOCK_PEM = {
  certificatePem: "-----BEGIN CERTIFICATE-----\nLEAF\n-----END CERTIFICATE-----\n",
  issuerPem: "-----BEGIN CERTIFICATE-----\nISSUER\n-----END CERTIFICATE-----\n",
  privateKeyPem: "-----BEGIN EC PRIVATE KEY-----\nCERTKEY\n-----END EC PRIVATE KEY-----\n",
  accountKeyPem: "-----BEGIN EC PRIVATE KEY-----\nACCOUNTKEY\n-----END EC PRIVATE KEY-----\n",
};

export const provider: TlsProvider = {
  encrypts: true,
  needsDnsChallenge: true,
  readsFiles: false,
  create: (name, { settings }) =>
    new AcmeCertificate(name, {
      domain: settings.domain,
      server: settings.tls.acmeServer,
      email: settings.tls.email,
      challenge: required(dnsProviders[settings.dns.provider].acme, "the DNS provider's ACME challenge"),
      credentials: settings.tls.acmeCredentials,
    }),
  mocks: {
    ...MOCK_PEM,
    resources: {
      "acme:index/registration:Registration": () => ({ accountKeyPem: MOCK_PEM.accountKeyPem }),
      "acme:index/certificate:Certificate": () => ({
        certificatePem: MOCK_PEM.certificatePem,
        issuerPem: MOCK_PEM.issuerPem,
        privateKeyPem: MOCK_PEM.privateKeyPem,
      }),
    },
  },
};
