// TLS: Mozilla's "intermediate" profile (TLS 1.2 and 1.3).
// https://ssl-config.mozilla.org/#server=nginx&config=intermediate
import { d, section, type Line } from "../conf.js";
import type { TlsFiles } from "../options.js";

const CIPHERS = [
  "ECDHE-ECDSA-AES128-GCM-SHA256",
  "ECDHE-RSA-AES128-GCM-SHA256",
  "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384",
  "ECDHE-ECDSA-CHACHA20-POLY1305",
  "ECDHE-RSA-CHACHA20-POLY1305",
].join(":");

/** server level, in the TLS server. */
export function tls(files: TlsFiles): Line[] {
  return section("TLS", [], [
    d(`ssl_certificate ${files.certificate}`, "chain, leaf first"),
    d(`ssl_certificate_key ${files.certificateKey}`),
    d("ssl_protocols TLSv1.2 TLSv1.3", "1.0 and 1.1 are broken and retired (RFC 8996)"),
    d(`ssl_ciphers ${CIPHERS}`, "TLS 1.2 only: forward secrecy, AEAD"),
    d("ssl_prefer_server_ciphers off", "every listed cipher is strong; let the client pick the fastest for it"),
    d("ssl_session_cache shared:gptsite_tls:10m", "resumed handshakes: about 40,000 sessions"),
    d("ssl_session_timeout 1d"),
    d("ssl_session_tickets off", "tickets would weaken forward secrecy without key rotation"),
  ]);
}
