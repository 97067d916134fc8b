import { describe, expect, it } from "vitest";
import {
  NEXTCHAT_CHAT_ROUTE,
  NEXTCHAT_HEALTH_PATH,
  NEXTCHAT_IMAGE,
  accessCodeAuthorization,
  nextChatEnvironment,
  toBaseUrl,
} from "../../web/nextchat.js";

describe("web/nextchat", () => {
  it("pins a version tag and names the routes a smoke test uses", () => {
    expect(NEXTCHAT_IMAGE).toMatch(/^yidadaa\/chatgpt-next-web:v\d+\.\d+\.\d+$/);
    expect(NEXTCHAT_HEALTH_PATH).toBe("/api/config");
    expect(NEXTCHAT_CHAT_ROUTE).toBe("/api/openai/v1/chat/completions");
    expect(accessCodeAuthorization("family")).toBe("Bearer nk-family");
  });

  it("gives BASE_URL with its scheme and without /v1 or a trailing slash", () => {
    expect(toBaseUrl("https://x.fcapp.run/")).toBe("https://x.fcapp.run");
    expect(toBaseUrl("https://api.openai.com/v1")).toBe("https://api.openai.com");
    expect(toBaseUrl("https://api.openai.com/v1/")).toBe("https://api.openai.com");
    expect(toBaseUrl("http://gptsite-proxy:9000")).toBe("http://gptsite-proxy:9000");
  });

  it("with a server key: the key, the codes, and HIDE_USER_API_KEY so only codes get in", () => {
    expect(
      nextChatEnvironment({
        baseUrl: "https://fn.example/v1",
        serverApiKey: "proxy-token",
        accessCodes: ["a", "b"],
        timezone: "Asia/Shanghai",
      }),
    ).toEqual({
      BASE_URL: "https://fn.example",
      HOSTNAME: "0.0.0.0",
      TZ: "Asia/Shanghai",
      OPENAI_API_KEY: "proxy-token",
      CODE: "a,b",
      HIDE_USER_API_KEY: "1",
    });
  });

  it("without a server key: users bring theirs, and nothing hides their key field", () => {
    expect(nextChatEnvironment({ baseUrl: "http://gptsite-proxy:9000", timezone: "UTC" })).toEqual({
      BASE_URL: "http://gptsite-proxy:9000",
      HOSTNAME: "0.0.0.0",
      TZ: "UTC",
    });
  });

  it("refuses a server key without access codes", () => {
    expect(() => nextChatEnvironment({ baseUrl: "https://fn.example", serverApiKey: "k", timezone: "UTC" })).toThrow(
      "nextChatEnvironment: a server API key needs access codes, or anyone who finds the site spends the key",
    );
  });
});
