// The NextChat web UI (ChatGPTNextWeb) as data: what to run, how it is configured and how to reach it.
// infra/ deploys it from these values and scripts/smoke.ts checks a deployed site with the same ones,
// so a change of version or route happens here once.
import { PROVIDERS, PROXY_ROUTES, type Provider } from "../contract.js";

/** A published tag, never `latest`: a new NextChat release can change routes and env handling. */
export const NEXTCHAT_IMAGE = "yidadaa/chatgpt-next-web:v2.16.1";

/** The port the Next.js server listens on inside the container. */
export const NEXTCHAT_PORT = 3000;

/** The host port of the common NextChat setup (`-p 3690:3000`); Nginx does not use it. */
export const NEXTCHAT_HOST_PORT = 3690;

/** Answers 200 JSON (`needCode`, …) without touching the upstream: the liveness probe. */
export const NEXTCHAT_HEALTH_PATH = "/api/config";

/**
 * Each provider as NextChat v2.16.1 serves it (app/constant.ts ApiPath, app/config/server.ts): the
 * browser calls `route` + the API path (`/api/anthropic/v1/messages`), and the server relays to
 * `${urlEnv}` + the same API path (for Gemini with `?alt=sse` kept, other query dropped) with the key
 * in `keyEnv` in the provider's own header (Authorization, x-api-key, x-goog-api-key).
 */
export const NEXTCHAT_PROVIDERS = {
  openai: { route: "/api/openai", urlEnv: "BASE_URL", keyEnv: "OPENAI_API_KEY" },
  anthropic: { route: "/api/anthropic", urlEnv: "ANTHROPIC_URL", keyEnv: "ANTHROPIC_API_KEY" },
  google: { route: "/api/google", urlEnv: "GOOGLE_URL", keyEnv: "GOOGLE_API_KEY" },
} as const satisfies Record<Provider, { route: string; urlEnv: string; keyEnv: string }>;

/** Each provider's route as a path prefix (`/api/openai/`…): what Nginx lets through to NextChat. */
export const NEXTCHAT_ROUTE_PREFIXES = Object.fromEntries(
  PROVIDERS.map((provider) => [provider, `${NEXTCHAT_PROVIDERS[provider].route}/`]),
) as Readonly<Record<Provider, string>>;

/** The browser's chat route; the server relays it to `${BASE_URL}/v1/chat/completions`. */
export const NEXTCHAT_CHAT_ROUTE = `${NEXTCHAT_PROVIDERS.openai.route}/v1/chat/completions`;

/** How the browser presents an access code: NextChat strips the `nk-` prefix and compares with CODE. */
export function accessCodeAuthorization(code: string): string {
  return `Bearer nk-${code}`;
}

export interface NextChatSettings {
  /**
   * Where the server sends each provider's calls, without the API version NextChat appends: the
   * proxy's mounts ({@link proxyApiBases}), or the providers' APIs when no proxy runs.
   */
  apiBases: Record<Provider, string>;
  /** The key NextChat's server sends for each provider it holds one for; with the proxy in front, the proxy token. */
  serverApiKeys?: Partial<Record<Provider, string>>;
  /** Access codes; required whenever there is a server key. */
  accessCodes?: readonly string[];
  /** IANA time zone for the server's logs, e.g. `Asia/Shanghai`. */
  timezone: string;
}

/** Normalises a base URL the way NextChat's BASE_URL expects it: no trailing `/` and no `/v1`. */
export function toBaseUrl(url: string): string {
  return url.replace(/\/+$/, "").replace(/\/v1$/, "");
}

/** NextChat's bases behind the proxy at `proxyUrl`: the proxy itself for OpenAI, its mount for the others. */
export function proxyApiBases(proxyUrl: string): Record<Provider, string> {
  const base = toBaseUrl(proxyUrl);
  return Object.fromEntries(PROVIDERS.map((provider) => [provider, `${base}${PROXY_ROUTES[provider].mount}`])) as Record<Provider, string>;
}

/**
 * The container environment. Every provider's URL is set, also without its key: NextChat sends Claude
 * calls to BASE_URL when ANTHROPIC_URL is unset, and behind the proxy a caller's own `<key>:<token>`
 * works on every route. Without HIDE_USER_API_KEY=1 any Authorization that does not start with `nk-`
 * skips the access code and is relayed as the caller's own key, so it goes with any server key (the
 * access code gates every provider at once). HOSTNAME=0.0.0.0 because Docker sets HOSTNAME to the
 * container id and the server binds to it.
 */
export function nextChatEnvironment(settings: NextChatSettings): Record<string, string> {
  const env: Record<string, string> = {};
  for (const provider of PROVIDERS) env[NEXTCHAT_PROVIDERS[provider].urlEnv] = toBaseUrl(settings.apiBases[provider]);
  env.HOSTNAME = "0.0.0.0";
  env.TZ = settings.timezone;
  const codes = settings.accessCodes ?? [];
  if (codes.length > 0) env.CODE = codes.join(",");
  const keys = Object.entries(settings.serverApiKeys ?? {}) as [Provider, string][];
  if (keys.length > 0) {
    if (codes.length === 0) {
      throw new Error(
        "nextChatEnvironment: a server API key needs access codes, or anyone who finds the site spends the key",
      );
    }
    for (const [provider, key] of keys) env[NEXTCHAT_PROVIDERS[provider].keyEnv] = key;
    env.HIDE_USER_API_KEY = "1";
  }
  return env;
}
