import { describe, expect, it } from "vitest";
import { validateSite } from "../../../infra/config/site.js";
import { ConfigReader } from "../../../infra/config/reader.js";
import { problemsOf } from "./areas.js";

describe("validateSite", () => {
  it("knows OpenAI's own upstream (whose refused regions the function area refuses) from any other", () => {
    expect(validateSite(new ConfigReader({})).upstreamIsOpenAI).toBe(true);
    expect(validateSite(new ConfigReader({ upstream: "https://api.deepseek.com" })).upstreamIsOpenAI).toBe(false);
  });

  it("tells a name no public certificate is issued for", () => {
    const local = (domain: string) => validateSite(new ConfigReader({ domain })).local;
    expect(["localhost", "box.local", "chat.test", "192.168.1.2"].map(local)).toEqual([true, true, true, true]);
    expect(["chat.example.com", "203.0.113.7"].map(local)).toEqual([false, false]);
  });

  it.each([
    [
      "an upstream ending in /v1",
      { upstream: "https://api.openai.com/v1" },
      'upstream: "https://api.openai.com/v1" ends in /v1. Give the base URL without it, e.g. https://api.openai.com.',
    ],
  ])("refuses %s", (_name, raw, message) => {
    expect(problemsOf(raw, validateSite)).toEqual([message]);
  });
});
