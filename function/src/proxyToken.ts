// What makes a proxy token: one rule, here, for every place that accepts one. The proxy refuses to
// start without it (config.ts); the Pulumi program and `npm run local` are meant to import it too.
// Dependency-free, so that importing it costs them nothing.

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
