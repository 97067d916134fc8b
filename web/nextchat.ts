// The NextChat web UI (ChatGPTNextWeb) as data: what to run, how it is configured and how to reach it.
// infra/ deploys it from these values and scripts/smoke.ts checks a deployed site with the same ones,
// so a change of version or route happens here once.

/** A published tag, never `latest`: a new NextChat release can change routes and env handling. */
export const NEXTCHAT_IMAGE = "yidadaa/chatgpt-next-web:v2.16.1";

/** The port the Next.js server listens on inside the container. */
export const NEXTCHAT_PORT = 3000;

/** The host port of the common NextChat setup (`-p 3690:3000`); Nginx does not use it. */
export const NEXTCHAT_HOST_PORT = 3690;

/** Answers 200 JSON (`needCode`, …) without touching the upstream: the liveness probe. */
export const NEXTCHAT_HEALTH_PATH = "/api/config";

/** The browser's chat route; the server relays it to `${BASE_URL}/v1/chat/completions`. */
export const NEXTCHAT_CHAT_ROUTE = "/api/openai/v1/chat/completions";

/** How the browser presents an access code: NextChat strips the `nk-` prefix and compares with CODE. */
export function accessCodeAuthorization(code: string): string {
  return `Bearer nk-${code}`;
}

export interface NextChatSettings {
  /** Where the server sends OpenAI calls: scheme and host, without `/v1` (NextChat appends it). */
  baseUrl: string;
  /** The key NextChat's server sends upstream; with the proxy in front this is the proxy token. */
  serverApiKey?: string;
  /** Access codes; required whenever `serverApiKey` is set. */
  accessCodes?: readonly string[];
  /** IANA time zone for the server's logs, e.g. `Asia/Shanghai`. */
  timezone: string;
}

/** Normalises a base URL the way NextChat's BASE_URL expects it: no trailing `/` and no `/v1`. */
export function toBaseUrl(url: string): string {
  return url.replace(/\/+$/, "").replace(/\/v1$/, "");
}

/**
 * The container environment. Without HIDE_USER_API_KEY=1 any Authorization that does not start with
 * `nk-` skips the access code and is relayed as the caller's own key, so it goes with a server key.
 * HOSTNAME=0.0.0.0 because Docker sets HOSTNAME to the container id and the server binds to it.
 */
export function nextChatEnvironment(settings: NextChatSettings): Record<string, string> {
  const env: Record<string, string> = {
    BASE_URL: toBaseUrl(settings.baseUrl),
    HOSTNAME: "0.0.0.0",
    TZ: settings.timezone,
  };
  const codes = settings.accessCodes ?? [];
  if (codes.length > 0) env.CODE = codes.join(",");
  if (settings.serverApiKey !== undefined) {
    if (codes.length === 0) {
      throw new Error(
        "nextChatEnvironment: a server API key needs access codes, or anyone who finds the site spends the key",
      );
    }
    env.OPENAI_API_KEY = settings.serverApiKey;
    env.HIDE_USER_API_KEY = "1";
  }
  return env;
}
