// Options are checked before anything is rendered, all at once, so one run shows every problem.
// Values end up inside config text: a stray `;`, `{` or `$` would change its meaning, so paths and
// names are held to what Nginx reads as one plain token.
import { FUNCTION_TIMEOUT_SEC, MAX_BODY_BYTES, PROVIDERS, type Provider } from "../contract.js";
import type { RateLimit, SiteOptions, TlsFiles } from "./options.js";

export const SITE_DEFAULTS = {
  hstsMaxAgeSec: 31_536_000,
  functionTimeoutSec: FUNCTION_TIMEOUT_SEC,
  maxBodyBytes: MAX_BODY_BYTES,
  rateLimit: { perSecond: 10, burst: 40 },
  /** The stock nginx image links this to the container's stdout. */
  accessLog: "/var/log/nginx/access.log",
} as const;

/** An upstream base URL taken apart for rendering. */
export interface UpstreamUrl {
  /** `https://host:port` (default port omitted). */
  origin: string;
  /** `host:port` as the upstream expects it in `Host` (default port omitted). */
  host: string;
  https: boolean;
  /** Path prefix without a trailing slash (`""` or e.g. `/release`). */
  basePath: string;
}

/** SiteOptions with every default filled in and the URLs parsed. */
export interface ResolvedSiteOptions {
  serverName: string;
  listen: SiteOptions["listen"];
  tls?: TlsFiles;
  publicHttpsPort?: number;
  hstsMaxAgeSec: number;
  web?: UpstreamUrl;
  chatPage?: string;
  api: UpstreamUrl;
  apiProviders: readonly Provider[];
  apiTrustedCa?: string;
  functionTimeoutSec: number;
  readTimeoutSec: number;
  maxBodyBytes: number;
  rateLimit: RateLimit;
  resolver?: string;
  accessLog: string;
}

export class SiteOptionsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid Nginx site options (${problems.length}):\n${problems.map((p, i) => `  ${i + 1}. ${p}`).join("\n")}`);
    this.name = "SiteOptionsError";
  }
}

const DOMAIN = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/;
const IPV6_BRACKETED = /^\[[0-9A-Fa-f:.]+\]$/;
/** An absolute path Nginx reads as one token: no spaces, quotes, `;`, braces, `#`, `$` or `\`. */
const SAFE_PATH = /^\/[^\s;{}'"$#\\]*$/;
const SAFE_PATH_RULE = "an absolute path without spaces, quotes, ';', '{', '}', '#', '$' or '\\'";

const show = (value: unknown): string => (value === undefined ? "undefined" : JSON.stringify(value));

/** Every problem with `options`, each naming the option, the value received and what is allowed. */
export function validateSiteOptions(options: SiteOptions): string[] {
  const problems: string[] = [];
  const o = options as Partial<SiteOptions>;

  if (typeof o.serverName !== "string" || !(o.serverName === "_" || DOMAIN.test(o.serverName) || IPV4.test(o.serverName))) {
    problems.push(`serverName: expected a domain such as chat.example.com, "localhost", an IPv4 address or "_"; got ${show(o.serverName)}.`);
  } else if (o.serverName === "_" && o.tls !== undefined) {
    problems.push(
      `serverName: "_" (any name) cannot be used with tls: the HTTP → HTTPS redirect goes to the site's own name, and the certificate is for one; got "_". Give the domain, e.g. chat.example.com.`,
    );
  }

  const listen = o.listen;
  if (typeof listen !== "object" || listen === null) {
    problems.push(`listen: expected { http, https?, address? } with port numbers; got ${show(listen)}.`);
  } else {
    checkPort(problems, "listen.http", listen.http, true);
    checkPort(problems, "listen.https", listen.https, false);
    if (listen.https !== undefined && listen.https === listen.http) {
      problems.push(`listen.https: must differ from listen.http; got ${listen.https} for both.`);
    }
    const address = listen.address;
    if (address !== undefined && !(typeof address === "string" && (IPV4.test(address) || IPV6_BRACKETED.test(address) || address === "localhost"))) {
      problems.push(`listen.address: expected an IPv4 address, a bracketed IPv6 address such as [::1], or "localhost"; got ${show(address)}.`);
    }
    if (o.tls !== undefined && listen.https === undefined) {
      problems.push(`listen.https: required when tls is set (the TLS port, e.g. 443); got undefined.`);
    }
    if (o.tls === undefined && listen.https !== undefined) {
      problems.push(`tls: listen.https is ${show(listen.https)} but tls is not set; give tls { certificate, certificateKey } or drop listen.https to serve plain HTTP.`);
    }
  }
  checkPort(problems, "publicHttpsPort", o.publicHttpsPort, false);
  if (o.publicHttpsPort !== undefined && o.tls === undefined) {
    problems.push(`publicHttpsPort: ${show(o.publicHttpsPort)} is only used by the HTTP → HTTPS redirect, which needs tls; drop it or set tls.`);
  }

  if (o.tls !== undefined) {
    if (typeof o.tls !== "object" || o.tls === null) {
      problems.push(`tls: expected { certificate, certificateKey } (file paths); got ${show(o.tls)}.`);
    } else {
      checkPath(problems, "tls.certificate", o.tls.certificate);
      checkPath(problems, "tls.certificateKey", o.tls.certificateKey);
    }
  }

  checkInteger(problems, "hstsMaxAgeSec", o.hstsMaxAgeSec, 0, "seconds (0 turns HSTS off)");

  if (o.webUpstream !== undefined) {
    const web = parseUpstream(o.webUpstream);
    if (typeof web === "string") problems.push(`webUpstream: ${web}; got ${show(o.webUpstream)}. Example: http://nextchat:3000.`);
    else if (web.basePath !== "") {
      problems.push(`webUpstream: the web UI is served from its root, so the URL takes no path; got ${show(o.webUpstream)}. Example: http://nextchat:3000.`);
    }
  }

  if (o.chatPage !== undefined) {
    checkPath(problems, "chatPage", o.chatPage);
    if (o.webUpstream !== undefined) problems.push(`chatPage: serves / when there is no web UI; got webUpstream ${show(o.webUpstream)} too. Give one of them.`);
  }

  const api = parseUpstream(o.apiUpstream);
  if (typeof api === "string") {
    problems.push(`apiUpstream: ${api}; got ${show(o.apiUpstream)}. Example: https://1234567890-abc.ap-singapore.tencentscf.com.`);
  } else if (/\/v1$/.test(api.basePath)) {
    problems.push(`apiUpstream: give the function's base URL without /v1 (Nginx keeps /v1/ from the request); got ${show(o.apiUpstream)}.`);
  }

  const providers = o.apiProviders;
  if (providers !== undefined && (!Array.isArray(providers) || providers.length === 0 || providers.some((p) => !(PROVIDERS as readonly unknown[]).includes(p)))) {
    problems.push(`apiProviders: expected some of ${PROVIDERS.map(show).join(", ")} (the proxy's routes in contract.ts); got ${show(providers)}.`);
  }

  if (o.apiTrustedCa !== undefined) {
    checkPath(problems, "apiTrustedCa", o.apiTrustedCa);
    if (typeof api !== "string" && !api.https) {
      problems.push(`apiTrustedCa: only used with an https:// apiUpstream; got apiUpstream ${show(o.apiUpstream)}. Drop apiTrustedCa or use the function's https URL.`);
    }
  }

  checkInteger(problems, "functionTimeoutSec", o.functionTimeoutSec, 1, "seconds");
  checkInteger(problems, "readTimeoutSec", o.readTimeoutSec, 1, "seconds");
  const functionTimeout = o.functionTimeoutSec ?? SITE_DEFAULTS.functionTimeoutSec;
  if (Number.isInteger(o.readTimeoutSec) && Number.isInteger(functionTimeout) && o.readTimeoutSec! < functionTimeout) {
    problems.push(
      `readTimeoutSec: ${o.readTimeoutSec} is below functionTimeoutSec ${functionTimeout}: Nginx would answer 504 while the function is still working. Use at least ${functionTimeout}.`,
    );
  }
  checkInteger(problems, "maxBodyBytes", o.maxBodyBytes, 1, "bytes");

  if (o.rateLimit !== undefined) {
    const { perSecond, burst } = (o.rateLimit ?? {}) as Partial<RateLimit>;
    if (typeof perSecond !== "number" || rateDirective(perSecond) === undefined) {
      problems.push(`rateLimit.perSecond: expected a whole number of requests per second, or below 1 a whole number per minute (e.g. 1/60); got ${show(perSecond)}.`);
    }
    checkInteger(problems, "rateLimit.burst", burst, 0, "requests");
  }

  if (o.resolver !== undefined) {
    const entries = typeof o.resolver === "string" ? o.resolver.trim().split(/\s+/) : [];
    const bad = entries.length === 0 || entries.some((e) => !isResolverAddress(e));
    if (bad) {
      problems.push(`resolver: expected DNS server addresses separated by spaces (IPv4, [IPv6] or a name, each with an optional :port), e.g. "127.0.0.11"; got ${show(o.resolver)}.`);
    }
  }

  if (o.accessLog !== undefined && o.accessLog !== "off") checkPath(problems, "accessLog", o.accessLog, `or "off"`);

  return problems;
}

/** Validates (throwing SiteOptionsError with every problem) and fills in the defaults. */
export function resolveSiteOptions(options: SiteOptions): ResolvedSiteOptions {
  const problems = validateSiteOptions(options);
  if (problems.length > 0) throw new SiteOptionsError(problems);
  const functionTimeoutSec = options.functionTimeoutSec ?? SITE_DEFAULTS.functionTimeoutSec;
  return {
    serverName: options.serverName,
    listen: { ...options.listen },
    tls: options.tls && { ...options.tls },
    publicHttpsPort: options.publicHttpsPort ?? options.listen.https,
    hstsMaxAgeSec: options.hstsMaxAgeSec ?? SITE_DEFAULTS.hstsMaxAgeSec,
    web: options.webUpstream === undefined ? undefined : (parseUpstream(options.webUpstream) as UpstreamUrl),
    chatPage: options.chatPage,
    api: parseUpstream(options.apiUpstream) as UpstreamUrl,
    // In the table's order, whatever order they were given in: the same site gives the same text.
    apiProviders: PROVIDERS.filter((provider) => (options.apiProviders ?? PROVIDERS).includes(provider)),
    apiTrustedCa: options.apiTrustedCa,
    functionTimeoutSec,
    readTimeoutSec: options.readTimeoutSec ?? functionTimeoutSec,
    maxBodyBytes: options.maxBodyBytes ?? SITE_DEFAULTS.maxBodyBytes,
    rateLimit: { ...(options.rateLimit ?? SITE_DEFAULTS.rateLimit) },
    resolver: options.resolver?.trim(),
    accessLog: options.accessLog ?? SITE_DEFAULTS.accessLog,
  };
}

/** `10r/s`, or `6r/m` for rates below one a second; undefined when Nginx cannot express the rate. */
export function rateDirective(perSecond: number): string | undefined {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return undefined;
  if (perSecond >= 1) return Number.isInteger(perSecond) ? `${perSecond}r/s` : undefined;
  const perMinute = perSecond * 60;
  const rounded = Math.round(perMinute);
  return rounded >= 1 && Math.abs(perMinute - rounded) < 1e-9 ? `${rounded}r/m` : undefined;
}

function parseUpstream(value: unknown): UpstreamUrl | string {
  if (typeof value !== "string" || value === "") return "expected an http:// or https:// URL";
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "expected an http:// or https:// URL";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return `expected an http:// or https:// URL, not ${url.protocol}//`;
  if (url.username || url.password) return "credentials do not belong in the URL (the proxy token travels in Authorization)";
  if (url.search || url.hash || value.includes("?") || value.includes("#")) return "expected no query or fragment";
  if (!/^[A-Za-z0-9.:\[\]-]+$/.test(url.host)) return "the host may hold only letters, digits, '.', '-' and a :port";
  const basePath = url.pathname.replace(/\/+$/, "");
  if (!/^[A-Za-z0-9._~\/-]*$/.test(basePath)) return "the path may hold only letters, digits and . _ ~ - /";
  return { origin: url.origin, host: url.host, https: url.protocol === "https:", basePath };
}

function checkPort(problems: string[], name: string, value: unknown, required: boolean): void {
  if (value === undefined && !required) return;
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 65535) {
    problems.push(`${name}: expected a port number from 1 to 65535; got ${show(value)}.`);
  }
}

function checkInteger(problems: string[], name: string, value: unknown, min: number, unit: string): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || (value as number) < min) {
    problems.push(`${name}: expected a whole number of ${unit}, at least ${min}; got ${show(value)}.`);
  }
}

/** Adds a problem unless `value` is a path Nginx reads as one token (also used by standaloneConf). */
export function checkPath(problems: string[], name: string, value: unknown, alternative = ""): void {
  if (typeof value !== "string" || !SAFE_PATH.test(value)) {
    problems.push(`${name}: expected ${SAFE_PATH_RULE}${alternative ? ` ${alternative}` : ""}; got ${show(value)}.`);
  }
}

function isResolverAddress(entry: string): boolean {
  const match = /^(\[[0-9A-Fa-f:.]+\]|[^:\[\]]+)(?::(\d{1,5}))?$/.exec(entry);
  if (!match) return false;
  const [, host, port] = match;
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return false;
  return IPV4.test(host!) || IPV6_BRACKETED.test(host!) || DOMAIN.test(host!);
}
