// The proxy's startup module: the only place the environment is read. Everything else receives a
// typed, validated ProxyConfig, so a bad setting stops the process at start instead of per request.
import { collectEveryBytesFor, maxConnectionsFor, MEMORY_ENV, REPLAY_MAX_BYTES, SEND_TIMEOUT_MS, SMALLEST_MEMORY_MB } from "./limits.js";
import { FUNCTION_TIMEOUT_SEC, MAX_BODY_BYTES, PROVIDERS, PROXY_PORT, PROXY_ROUTES, PROXY_TOKEN_RULE, proxyTokenProblem, VISIBLE_ASCII, type Provider, type ProxyRoute } from "../../contract.js";

export interface UpstreamBase {
  readonly protocol: "http:" | "https:";
  readonly hostname: string;
  readonly port: number;
  /** Value of the Host header sent upstream (host, plus the port when it is not the default). */
  readonly host: string;
  /** Path prefix before `/v1/…`, without a trailing slash ("" for none). */
  readonly basePath: string;
}

/** One route of the table (contract.ts PROXY_ROUTES) as configured. */
export interface RouteConfig {
  readonly upstream: UpstreamBase;
  /**
   * The server's keys for this provider, in the order they are tried: callers then present the proxy
   * token, and the key is swapped in. Empty: the caller's own key travels with the token.
   */
  readonly keys: readonly string[];
}

export interface ProxyConfig {
  readonly host: string;
  readonly port: number;
  /** PROXY_TOKEN. Unset: callers bring their own key, forwarded as it came. */
  readonly token: string | undefined;
  readonly routes: Readonly<Record<Provider, RouteConfig>>;
  /**
   * Request bodies up to this size are held until the answer is known, to replay them with the next
   * key (limits.ts REPLAY_MAX_BYTES); only for a provider with more than one key.
   */
  readonly replayMaxBytes: number;
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
  REPLAY_MAX_BYTES,
  UPSTREAM_TIMEOUT_MS: FUNCTION_TIMEOUT_SEC * 1000,
  MAX_BODY_BYTES,
  [MEMORY_ENV]: SMALLEST_MEMORY_MB,
} as const;

// Below the idle timeouts of the usual API fronts (Cloudflare's edge closes after 400 s), long enough
// to keep one TLS connection across a conversation.
const KEEPALIVE_IDLE_MS = 60_000;

const LOOPBACK = new Set(["localhost", "127.0.0.1", "::1"]);

/** env → typed config; throws ConfigError naming the variable, the value received and what is allowed. */
export function loadConfig(env: Env): ProxyConfig {
  const token = parseToken(env.PROXY_TOKEN?.trim());
  const routes = Object.fromEntries(PROVIDERS.map((p) => [p, parseRoute(env, PROXY_ROUTES[p], token)])) as Record<Provider, RouteConfig>;
  const memoryMb = integer(env, MEMORY_ENV, DEFAULTS[MEMORY_ENV], 1, 1_000_000);
  const maxBodyBytes = integer(env, "MAX_BODY_BYTES", DEFAULTS.MAX_BODY_BYTES, 1, Number.MAX_SAFE_INTEGER);
  const replayMaxBytes = integer(env, "REPLAY_MAX_BYTES", DEFAULTS.REPLAY_MAX_BYTES, 0, maxBodyBytes);
  // Bodies are held only where there is a key to fail over to; then every connection may hold one.
  const replays = PROVIDERS.some((p) => routes[p].keys.length > 1);
  return {
    host: value(env, "HOST") ?? DEFAULTS.HOST,
    port: integer(env, "PORT", DEFAULTS.PORT, 0, 65_535),
    token,
    routes,
    replayMaxBytes,
    upstreamTimeoutMs: integer(env, "UPSTREAM_TIMEOUT_MS", DEFAULTS.UPSTREAM_TIMEOUT_MS, 1, 2 ** 31 - 1),
    maxBodyBytes,
    keepAliveIdleMs: KEEPALIVE_IDLE_MS,
    memoryMb,
    maxConnections: integer(env, "MAX_CONNECTIONS", maxConnectionsFor(memoryMb, replays ? replayMaxBytes : 0), 1, 1_000_000),
    collectEveryBytes: collectEveryBytesFor(memoryMb),
    sendTimeoutMs: SEND_TIMEOUT_MS,
  };
}

function parseRoute(env: Env, route: ProxyRoute, token: string | undefined): RouteConfig {
  const upstream = parseUpstream(route.baseEnv, value(env, route.baseEnv) ?? route.defaultBase, route.versions);
  const keys = parseKeys(route.keyEnv, value(env, route.keyEnv));
  if (keys.length > 0 && token === undefined) {
    throw new ConfigError(
      `${route.keyEnv} is set but PROXY_TOKEN is not: the proxy would be an open relay of your key ` +
        `(anyone who finds its URL spends it). Set PROXY_TOKEN, or unset ${route.keyEnv} so callers bring their own key.`,
    );
  }
  if (keys.length > 0 && upstream.protocol === "http:" && !LOOPBACK.has(upstream.hostname)) {
    throw new ConfigError(
      `${route.baseEnv} is plain http:// to ${upstream.hostname} while ${route.keyEnv} is set: the key would ` +
        `cross the network unencrypted. Use an https:// upstream (http:// is allowed only for localhost).`,
    );
  }
  return { upstream, keys };
}

/** One key, or a comma-separated list; never echoed. */
function parseKeys(name: string, raw: string | undefined): string[] {
  if (raw === undefined) return [];
  const keys = raw.split(",").map((key) => key.trim());
  keys.forEach((key, i) => {
    const position = keys.length > 1 ? ` (key ${i + 1} of ${keys.length})` : "";
    if (key === "") throw new ConfigError(`${name} has an empty entry${position}: give one key, or keys separated by single commas`);
    if (!VISIBLE_ASCII.test(key)) {
      throw new ConfigError(`${name} must be visible ASCII without spaces (it travels in a header); got a value that is not${position} (not shown)`);
    }
    const first = keys.indexOf(key);
    if (first < i) throw new ConfigError(`${name} lists the same key twice (keys ${first + 1} and ${i + 1}); list each key once`);
  });
  return keys;
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

function parseUpstream(name: string, raw: string, versions: readonly string[]): UpstreamBase {
  const allowed = "an http:// or https:// base URL without credentials, query or fragment, e.g. https://api.openai.com";
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be ${allowed}; got ${JSON.stringify(raw)}`);
  }
  if (url.username || url.password) {
    // Never echo the value: it carries a secret.
    throw new ConfigError(`${name} must be ${allowed}; got a URL with credentials in it (not shown)`);
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.search || url.hash || raw.includes("#")) {
    throw new ConfigError(`${name} must be ${allowed}; got ${JSON.stringify(raw)}`);
  }
  const basePath = url.pathname.replace(/\/+$/, "");
  const version = versions.find((v) => basePath.endsWith(`/${v}`));
  if (version !== undefined) {
    throw new ConfigError(
      `${name} must not end in /${version} (the proxy appends the /${version}/… path it receives); got ${JSON.stringify(raw)}` +
        `; use ${JSON.stringify(url.origin + basePath.slice(0, -version.length - 1))}`,
    );
  }
  const protocol = url.protocol;
  const port = url.port ? Number(url.port) : protocol === "https:" ? 443 : 80;
  // URL keeps IPv6 literals in brackets; sockets want them bare.
  const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
  return { protocol, hostname, port, host: url.host, basePath };
}

/** `token` is undefined only when PROXY_TOKEN is not set at all: set but blank is no way to turn auth off. */
function parseToken(token: string | undefined): string | undefined {
  const problem = token === undefined ? undefined : proxyTokenProblem(token);
  if (problem !== undefined) {
    throw new ConfigError(
      `PROXY_TOKEN must be ${PROXY_TOKEN_RULE}; got ${problem} (not shown). Set a long random one (e.g. \`openssl rand -hex 24\`), ` +
        "or remove PROXY_TOKEN to run without one (callers then bring their own key).",
    );
  }
  return token;
}
