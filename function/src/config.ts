// The proxy's startup module: the only place the environment is read. Everything else receives a
// typed, validated ProxyConfig, so a bad setting stops the process at start instead of per request.
import { collectEveryBytesFor, maxConnectionsFor, MEMORY_ENV, SEND_TIMEOUT_MS, SMALLEST_MEMORY_MB } from "./limits.js";
import { FUNCTION_TIMEOUT_SEC, MAX_BODY_BYTES, PROXY_PORT, PROXY_TOKEN_RULE, proxyTokenProblem } from "../../contract.js";

export type AuthMode =
  /** Callers bring their own key; their Authorization is forwarded as is. */
  | { readonly kind: "passthrough" }
  /** Callers must present PROXY_TOKEN (alone, or after their own key as `<key>:<token>`). */
  | { readonly kind: "token"; readonly token: string }
  /** Callers present PROXY_TOKEN; the proxy sends OPENAI_API_KEY instead. */
  | { readonly kind: "key"; readonly token: string; readonly apiKey: string };

export interface UpstreamBase {
  readonly protocol: "http:" | "https:";
  readonly hostname: string;
  readonly port: number;
  /** Value of the Host header sent upstream (host, plus the port when it is not the default). */
  readonly host: string;
  /** Path prefix before `/v1/…`, without a trailing slash ("" for none). */
  readonly basePath: string;
}

export interface ProxyConfig {
  readonly host: string;
  readonly port: number;
  readonly upstream: UpstreamBase;
  readonly auth: AuthMode;
  /** No upstream byte for this long: 504 before response headers, cut stream after. */
  readonly upstreamTimeoutMs: number;
  readonly maxBodyBytes: number;
  /**
   * Idle keep-alive sockets older than this (wall clock) are not reused. Wall clock on purpose: a
   * function instance is frozen between invocations, its timers do not run, and the upstream closes
   * the socket meanwhile, so a timer alone would hand a dead socket to the next request.
   */
  readonly keepAliveIdleMs: number;
  /** The function's memory (MEMORY_ENV), which the limits below follow (limits.ts). */
  readonly memoryMb: number;
  /** Client connections open at once; Node closes one more at once. */
  readonly maxConnections: number;
  /** Bytes relayed between two collections (limits.ts); undefined: as V8 decides. */
  readonly collectEveryBytes: number | undefined;
  /** How long an answer waits for a client that reads none of it before the exchange is cut. */
  readonly sendTimeoutMs: number;
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

export type Env = Readonly<Record<string, string | undefined>>;

export const DEFAULTS = {
  HOST: "0.0.0.0",
  PORT: PROXY_PORT,
  UPSTREAM_URL: "https://api.openai.com",
  UPSTREAM_TIMEOUT_MS: FUNCTION_TIMEOUT_SEC * 1000,
  MAX_BODY_BYTES,
  [MEMORY_ENV]: SMALLEST_MEMORY_MB,
} as const;

// Below the idle timeouts of the usual API fronts (Cloudflare's edge closes after 400 s), long enough
// to keep one TLS connection across a conversation.
const KEEPALIVE_IDLE_MS = 60_000;

const LOOPBACK = new Set(["localhost", "127.0.0.1", "::1"]);
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

/** env → typed config; throws ConfigError naming the variable, the value received and what is allowed. */
export function loadConfig(env: Env): ProxyConfig {
  const upstream = parseUpstream(value(env, "UPSTREAM_URL") ?? DEFAULTS.UPSTREAM_URL);
  const auth = parseAuth(env.PROXY_TOKEN?.trim(), value(env, "OPENAI_API_KEY"));
  if (auth.kind === "key" && upstream.protocol === "http:" && !LOOPBACK.has(upstream.hostname)) {
    throw new ConfigError(
      `UPSTREAM_URL is plain http:// to ${upstream.hostname} while OPENAI_API_KEY is set: the key would ` +
        `cross the network unencrypted. Use an https:// upstream (http:// is allowed only for localhost).`,
    );
  }
  const memoryMb = integer(env, MEMORY_ENV, DEFAULTS[MEMORY_ENV], 1, 1_000_000);
  return {
    host: value(env, "HOST") ?? DEFAULTS.HOST,
    port: integer(env, "PORT", DEFAULTS.PORT, 0, 65_535),
    upstream,
    auth,
    upstreamTimeoutMs: integer(env, "UPSTREAM_TIMEOUT_MS", DEFAULTS.UPSTREAM_TIMEOUT_MS, 1, 2 ** 31 - 1),
    maxBodyBytes: integer(env, "MAX_BODY_BYTES", DEFAULTS.MAX_BODY_BYTES, 1, Number.MAX_SAFE_INTEGER),
    keepAliveIdleMs: KEEPALIVE_IDLE_MS,
    memoryMb,
    maxConnections: integer(env, "MAX_CONNECTIONS", maxConnectionsFor(memoryMb), 1, 1_000_000),
    collectEveryBytes: collectEveryBytesFor(memoryMb),
    sendTimeoutMs: SEND_TIMEOUT_MS,
  };
}

function value(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = value(env, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}; got ${JSON.stringify(raw)}`);
  }
  return n;
}

function parseUpstream(raw: string): UpstreamBase {
  const allowed = "an http:// or https:// base URL without credentials, query or fragment, e.g. https://api.openai.com";
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`UPSTREAM_URL must be ${allowed}; got ${JSON.stringify(raw)}`);
  }
  if (url.username || url.password) {
    // Never echo the value: it carries a secret.
    throw new ConfigError(`UPSTREAM_URL must be ${allowed}; got a URL with credentials in it (not shown)`);
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.search || url.hash || raw.includes("#")) {
    throw new ConfigError(`UPSTREAM_URL must be ${allowed}; got ${JSON.stringify(raw)}`);
  }
  const basePath = url.pathname.replace(/\/+$/, "");
  if (/\/v1$/.test(basePath)) {
    throw new ConfigError(
      `UPSTREAM_URL must not end in /v1 (the proxy appends the /v1/… path it receives); got ${JSON.stringify(raw)}` +
        `; use ${JSON.stringify(url.origin + basePath.slice(0, -3))}`,
    );
  }
  const protocol = url.protocol;
  const port = url.port ? Number(url.port) : protocol === "https:" ? 443 : 80;
  // URL keeps IPv6 literals in brackets; sockets want them bare.
  const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
  return { protocol, hostname, port, host: url.host, basePath };
}

/** `token` is undefined only when PROXY_TOKEN is not set at all: set but blank is no way to turn auth off. */
function parseAuth(token: string | undefined, apiKey: string | undefined): AuthMode {
  const problem = token === undefined ? undefined : proxyTokenProblem(token);
  if (problem !== undefined) {
    throw new ConfigError(
      `PROXY_TOKEN must be ${PROXY_TOKEN_RULE}; got ${problem} (not shown). Set a long random one (e.g. \`openssl rand -hex 24\`), ` +
        "or remove PROXY_TOKEN to run without one (callers then bring their own key).",
    );
  }
  if (apiKey !== undefined && !VISIBLE_ASCII.test(apiKey)) {
    throw new ConfigError("OPENAI_API_KEY must be visible ASCII without spaces (it travels in a header); got a value that is not (not shown)");
  }
  if (apiKey !== undefined && token === undefined) {
    throw new ConfigError(
      "OPENAI_API_KEY is set but PROXY_TOKEN is not: the proxy would be an open relay of your key " +
        "(anyone who finds its URL spends it). Set PROXY_TOKEN, or unset OPENAI_API_KEY so callers bring their own key.",
    );
  }
  if (apiKey !== undefined && token !== undefined) return { kind: "key", token, apiKey };
  if (token !== undefined) return { kind: "token", token };
  return { kind: "passthrough" };
}
