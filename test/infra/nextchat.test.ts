import { describe, expect, it } from "vitest";
import {
  NEXTCHAT_CHAT_ROUTE,
  NEXTCHAT_HEALTH_PATH,
  NEXTCHAT_IMAGE,
  NEXTCHAT_PROVIDERS,
  accessCodeAuthorization,
  nextChatEnvironment,
  proxyApiBases,
  toBaseUrl,
} from "../../web/nextchat.js";

const OWN_APIS = { openai: "https://api.openai.com", anthropic: "https://api.anthropic.com", google: "https://generativelanguage.googleapis.com" };

describe("web/nextchat", () => {
  it("pins a version tag and names the routes a smoke test uses", () => {
    expect(NEXTCHAT_IMAGE).toMatch(/^yidadaa\/chatgpt-next-web:v\d+\.\d+\.\d+$/);
    expect(NEXTCHAT_HEALTH_PATH).toBe("/api/config");
    expect(NEXTCHAT_CHAT_ROUTE).toBe("/api/openai/v1/chat/completions");
    expect(accessCodeAuthorization("family")).toBe("Bearer nk-family");
  });

  it("knows each provider's route and environment as NextChat v2.16.1 names them (app/constant.ts, app/config/server.ts)", () => {
    expect(NEXTCHAT_PROVIDERS).toEqual({
      openai: { route: "/api/openai", urlEnv: "BASE_URL", keyEnv: "OPENAI_API_KEY" },
      anthropic: { route: "/api/anthropic", urlEnv: "ANTHROPIC_URL", keyEnv: "ANTHROPIC_API_KEY" },
      google: { route: "/api/google", urlEnv: "GOOGLE_URL", keyEnv: "GOOGLE_API_KEY" },
    });
  });

  it("gives BASE_URL with its scheme and without /v1 or a trailing slash", () => {
    expect(toBaseUrl("https://x.fcapp.run/")).toBe("https://x.fcapp.run");
    expect(toBaseUrl("https://api.openai.com/v1")).toBe("https://api.openai.com");
    expect(toBaseUrl("https://api.openai.com/v1/")).toBe("https://api.openai.com");
    expect(toBaseUrl("http://gptsite-proxy:9000")).toBe("http://gptsite-proxy:9000");
  });

  it("points each provider at the proxy's mount for it: NextChat appends /v1/messages, /v1beta/models/…", () => {
    expect(proxyApiBases("https://fn.example/release/")).toEqual({
      openai: "https://fn.example/release",
      anthropic: "https://fn.example/release/anthropic",
      google: "https://fn.example/release/google",
    });
  });

  it("with server keys: the proxy token for each keyed provider, the codes, and HIDE_USER_API_KEY so only codes get in", () => {
    expect(
      nextChatEnvironment({
        apiBases: proxyApiBases("https://fn.example/v1"),
        serverApiKeys: { openai: "proxy-token", google: "proxy-token" },
        accessCodes: ["a", "b"],
        timezone: "Asia/Shanghai",
      }),
    ).toEqual({
      BASE_URL: "https://fn.example",
      ANTHROPIC_URL: "https://fn.example/anthropic",
      GOOGLE_URL: "https://fn.example/google",
      HOSTNAME: "0.0.0.0",
      TZ: "Asia/Shanghai",
      OPENAI_API_KEY: "proxy-token",
      GOOGLE_API_KEY: "proxy-token",
      CODE: "a,b",
      HIDE_USER_API_KEY: "1",
    });
  });

  it("an Anthropic key alone still needs the codes and hides users' own keys", () => {
    const env = nextChatEnvironment({ apiBases: proxyApiBases("http://p:9000"), serverApiKeys: { anthropic: "t" }, accessCodes: ["c"], timezone: "UTC" });
    expect(env).toMatchObject({ ANTHROPIC_API_KEY: "t", CODE: "c", HIDE_USER_API_KEY: "1" });
    expect(env).not.toHaveProperty("OPENAI_API_KEY");
  });

  it("without a proxy, every provider's own API, never BASE_URL for Claude (NextChat's fallback when ANTHROPIC_URL is unset)", () => {
    expect(nextChatEnvironment({ apiBases: OWN_APIS, serverApiKeys: { anthropic: "sk-ant" }, accessCodes: ["c"], timezone: "UTC" })).toMatchObject({
      BASE_URL: "https://api.openai.com",
      ANTHROPIC_URL: "https://api.anthropic.com",
      GOOGLE_URL: "https://generativelanguage.googleapis.com",
      ANTHROPIC_API_KEY: "sk-ant",
    });
  });

  it("without a server key: users bring theirs, and nothing hides their key field", () => {
    expect(nextChatEnvironment({ apiBases: proxyApiBases("http://gptsite-proxy:9000"), timezone: "UTC" })).toEqual({
      BASE_URL: "http://gptsite-proxy:9000",
      ANTHROPIC_URL: "http://gptsite-proxy:9000/anthropic",
      GOOGLE_URL: "http://gptsite-proxy:9000/google",
      HOSTNAME: "0.0.0.0",
      TZ: "UTC",
    });
  });

  it("refuses a server key without access codes", () => {
    expect(() => nextChatEnvironment({ apiBases: OWN_APIS, serverApiKeys: { google: "k" }, timezone: "UTC" })).toThrow(
      "nextChatEnvironment: a server API key needs access codes, or anyone who finds the site spends the key",
    );
  });
});
