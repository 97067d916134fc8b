// What the proxy (function/), the Pulumi program (infra/), the Nginx config (nginx/) and the scripts
// must agree on, written once. The proxy bundle imports this file: constants and pure functions only,
// no imports, so it adds bytes, not start-up time.

/** The proxy's default PORT: the port SCF web functions call and FC custom runtimes are told. */
export const PROXY_PORT = 9000;

/** Answered by the proxy without touching the upstream (platform health checks, smoke). */
export const PROXY_HEALTH_PATH = "/healthz";

/** Request bodies above this are refused: the proxy's MAX_BODY_BYTES default and Nginx's client_max_body_size. */
export const MAX_BODY_BYTES = 20 * 1024 * 1024;

/**
 * The function's timeout, default and ceiling (SCF's ceiling, the lowest of the clouds): the proxy's
 * UPSTREAM_TIMEOUT_MS default, and the floor of Nginx's proxy_read_timeout.
 */
export const FUNCTION_TIMEOUT_SEC = 900;

/**
 * The methods the proxy relays (the OpenAI API's). OPTIONS is never relayed: the proxy answers
 * preflights itself, and an HTTP trigger must let it through ({@link TRIGGER_METHODS}).
 */
export const RELAYED_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] as const;

/** What a cloud function's HTTP trigger must accept: the relayed methods and OPTIONS for browser preflights. */
export const TRIGGER_METHODS = [...RELAYED_METHODS, "OPTIONS"] as const;

// The proxy token: one rule for the proxy (it refuses to start otherwise), the stack config and
// `npm run local`. Callers send it in a header, alone or after their own key as `<key>:<token>`; the
// proxy matches the token by its length from the end, so a ':' inside it is harmless.
export const PROXY_TOKEN_MIN_LENGTH = 16;
export const PROXY_TOKEN_RULE = `at least ${PROXY_TOKEN_MIN_LENGTH} visible ASCII characters, no spaces (it travels in a header)`;

/** What a secret sent in a header may be (the proxy token, a provider's key): visible ASCII, no space, not empty. */
export const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

/**
 * Undefined when `token` is a proxy token; otherwise what is wrong with it, as the end of a sentence
 * "got …". It never quotes the token.
 */
export function proxyTokenProblem(token: string): string | undefined {
  if (token.trim() === "") return "an empty value";
  if (!VISIBLE_ASCII.test(token)) return "a space or a character that is not visible ASCII";
  if (token.length < PROXY_TOKEN_MIN_LENGTH) return `${token.length} character${token.length === 1 ? "" : "s"}`;
  return undefined;
}

// The routes the proxy relays: a fixed table, never a caller-chosen upstream. Nginx, the stack config,
// NextChat's environment, smoke and `npm run local` read the same table.

export const PROVIDERS = ["openai", "anthropic", "google"] as const;
export type Provider = (typeof PROVIDERS)[number];

export interface ProxyRoute {
  /** In messages: "your OpenAI key". */
  readonly name: string;
  /**
   * Where the proxy serves the provider (after any stage prefix): "" for OpenAI's `/v1/…`. A client's
   * base URL is the function's plus this (NextChat's ANTHROPIC_URL, GOOGLE_URL; OpenAI's BASE_URL).
   */
  readonly mount: string;
  /**
   * The API versions relayed under the mount, kept in the upstream path: `${mount}/${version}/…` goes to
   * `${base}/${version}/…` (see {@link routePrefixes}).
   */
  readonly versions: readonly string[];
  /** The env var that overrides the upstream base (a compatible service), and its default. */
  readonly baseEnv: string;
  readonly defaultBase: string;
  /** The env var with the server's keys for this provider: one key, or a comma-separated list. */
  readonly keyEnv: string;
  /**
   * The header the provider authenticates with: the caller presents the proxy token there (alone, or
   * as `<own key>:<token>`), and the proxy sends the key there. `Bearer ` before the value for OpenAI.
   */
  readonly authHeader: "authorization" | "x-api-key" | "x-goog-api-key";
  readonly bearer: boolean;
  /** Also accepted from the caller (never sent upstream): Anthropic's `Authorization: Bearer`, Gemini's `?key=`. */
  readonly alsoAccepted: { readonly bearer?: true; readonly query?: string };
  /** Sent upstream when the caller sends none. */
  readonly defaultHeaders: Readonly<Record<string, string>>;
}

export const PROXY_ROUTES: Readonly<Record<Provider, ProxyRoute>> = {
  openai: {
    name: "OpenAI",
    mount: "",
    versions: ["v1"],
    baseEnv: "UPSTREAM_URL",
    defaultBase: "https://api.openai.com",
    keyEnv: "OPENAI_API_KEY",
    authHeader: "authorization",
    bearer: true,
    alsoAccepted: {},
    defaultHeaders: {},
  },
  anthropic: {
    name: "Anthropic",
    mount: "/anthropic",
    versions: ["v1"],
    baseEnv: "ANTHROPIC_UPSTREAM_URL",
    defaultBase: "https://api.anthropic.com",
    keyEnv: "ANTHROPIC_API_KEY",
    authHeader: "x-api-key",
    bearer: false,
    alsoAccepted: { bearer: true },
    defaultHeaders: { "anthropic-version": "2023-06-01" },
  },
  google: {
    name: "Gemini",
    mount: "/google",
    versions: ["v1beta", "v1"],
    baseEnv: "GOOGLE_UPSTREAM_URL",
    defaultBase: "https://generativelanguage.googleapis.com",
    keyEnv: "GOOGLE_API_KEY",
    authHeader: "x-goog-api-key",
    bearer: false,
    alsoAccepted: { query: "key" },
    defaultHeaders: {},
  },
};

/** The path prefixes the proxy relays for a provider, e.g. `/google/v1beta/`, `/google/v1/`. */
export function routePrefixes(provider: Provider): string[] {
  const { mount, versions } = PROXY_ROUTES[provider];
  return versions.map((version) => `${mount}/${version}/`);
}

/**
 * How long a server key rests after an answer that says it cannot serve: a rate limit passes within
 * the minute; an exhausted quota or a revoked key waits for a person. Meanwhile the next key in the
 * list serves; when every key rests, the one whose rest ends first is tried.
 */
export const KEY_REST_MS = { rateLimited: 60_000, exhaustedOrRevoked: 900_000 } as const;
