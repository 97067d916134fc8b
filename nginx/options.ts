// The typed input of renderSite(). Everything the rendered config depends on is here, so the same
// options give the same text (renderSite is pure) and infra/, scripts/ and tests share one shape.
import type { Provider } from "../contract.js";

export interface TlsFiles {
  /** Path, as Nginx sees it, of the PEM certificate chain (leaf first). */
  certificate: string;
  /** Path, as Nginx sees it, of the PEM private key. */
  certificateKey: string;
}

export interface RateLimit {
  /** Sustained requests per second per client address (below 1: a whole number per minute, e.g. 1/60). */
  perSecond: number;
  /** Requests allowed above the rate before Nginx answers 429. */
  burst: number;
}

export interface SiteOptions {
  /** `server_name`: the site's domain, or `localhost`. */
  serverName: string;
  /** Ports Nginx listens on; `https` is required when `tls` is set. */
  listen: { http: number; https?: number; address?: string };
  /** TLS material; absent means plain HTTP only (local use). With TLS, HTTP redirects to HTTPS. */
  tls?: TlsFiles;
  /**
   * The HTTPS port browsers reach, when it differs from `listen.https` (Docker publishing the
   * container's 443 on 8443, say): the HTTP → HTTPS redirect points there. Default `listen.https`.
   */
  publicHttpsPort?: number;
  /** HSTS max-age in seconds when TLS is on (default one year; 0 disables the header). */
  hstsMaxAgeSec?: number;
  /** The web UI (NextChat) base URL, e.g. `http://nextchat:3000`; absent means no `/` location. */
  webUpstream?: string;
  /**
   * Without `webUpstream`: an HTML file (absolute path) Nginx serves at `/` itself, such as
   * `npm run local`'s built-in chat page (web/chat.html), which talks to `/v1/`.
   */
  chatPage?: string;
  /**
   * The function proxy base URL without `/v1`, e.g. `https://1234.ap-singapore.tencentscf.com` or
   * `http://127.0.0.1:9000`. For an HTTPS URL the request carries the function's own Host and SNI.
   */
  apiUpstream: string;
  /**
   * The providers of the proxy's route table (contract.ts) served under `apiUpstream`, each at its
   * mount (`/v1/`, `/anthropic/`, `/google/`). Default: all of them, as the proxy serves them; a site
   * whose apiUpstream is OpenAI itself (no proxy) serves only `openai`.
   */
  apiProviders?: readonly Provider[];
  /**
   * PEM bundle to verify the HTTPS function's certificate with (e.g. `/etc/ssl/certs/ca-certificates.crt`);
   * unset: not verified, which is Nginx's default.
   */
  apiTrustedCa?: string;
  /** The function's own timeout in seconds (SCF/FC `timeout`, default 900): the floor for `readTimeoutSec`. */
  functionTimeoutSec?: number;
  /** `proxy_read_timeout`/`proxy_send_timeout` in seconds; at least `functionTimeoutSec` (default: equal to it). */
  readTimeoutSec?: number;
  /** `client_max_body_size` in bytes, matching the proxy's MAX_BODY_BYTES (default 20 MiB). */
  maxBodyBytes?: number;
  /** `limit_req` for `/api/` and the API routes (default 10 r/s, burst 40). */
  rateLimit?: RateLimit;
  /** DNS resolver for upstream names resolved at request time (e.g. Docker's `127.0.0.11`). */
  resolver?: string;
  /** Access log path (default `/var/log/nginx/access.log`), or `off`. */
  accessLog?: string;
}
