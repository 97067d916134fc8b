// The TLS modes as data; infra/config.ts validates with it and infra/tls/index.ts builds from it.

export const TLS_MODES = ["acme", "files", "none"] as const;
export type TlsMode = (typeof TLS_MODES)[number];

export interface TlsModeRules {
  readonly title: string;
  /** Nginx serves HTTPS (and redirects HTTP to it). */
  readonly encrypts: boolean;
  /** Needs a DNS provider that can answer the ACME DNS-01 challenge. */
  readonly needsDnsChallenge: boolean;
  /** Reads tlsCertFile and tlsKeyFile. */
  readonly readsFiles: boolean;
}

export const tlsModes = {
  acme: { title: "ACME (Let's Encrypt) over DNS-01", encrypts: true, needsDnsChallenge: true, readsFiles: false },
  files: { title: "certificate files you provide", encrypts: true, needsDnsChallenge: false, readsFiles: true },
  none: { title: "plain HTTP", encrypts: false, needsDnsChallenge: false, readsFiles: false },
} as const satisfies Record<TlsMode, TlsModeRules>;

/** Where the certificate and key sit inside the Nginx container. */
export const NGINX_CERTIFICATE_PATH = "/etc/nginx/certs/fullchain.pem";
export const NGINX_CERTIFICATE_KEY_PATH = "/etc/nginx/certs/privkey.pem";
