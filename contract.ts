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

const VISIBLE_ASCII = /^[\x21-\x7e]*$/;

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
