import * as pulumi from "@pulumi/pulumi";
import { required, type TlsProvider } from "./types.js";

/** The certificate and key you provide (tlsCertFile, tlsKeyFile), read by infra/config. */
export const provider: TlsProvider = {
  encrypts: true,
  needsDnsChallenge: false,
  readsFiles: true,
  create: (_name, { settings }) => ({
    certificatePem: pulumi.output(required(settings.tls.certificatePem, "tlsCertFile's content")),
    privateKeyPem: required(settings.tls.privateKeyPem, "tlsKeyFile's content"),
  }),
  mocks: {},
};
