import { describe, expect, it } from "vitest";
import { validateSite } from "../../../infra/config/site.js";
import { ConfigReader } from "../../../infra/config/reader.js";
import { problemsOf } from "./areas.js";

describe("validateSite", () => {
  it("knows each provider's own API (whose refused regions the function area refuses) from any other", () => {
    expect(validateSite(new ConfigReader({})).ownApis).toEqual(["openai", "anthropic", "google"]);
    expect(validateSite(new ConfigReader({ upstream: "https://api.deepseek.com" })).ownApis).toEqual(["anthropic", "google"]);
    const compatible = { anthropicUpstream: "https://claude.example.net/", googleUpstream: "https://gemini.example.net" };
    expect(validateSite(new ConfigReader(compatible)).ownApis).toEqual(["openai"]);
  });

  it("gives every provider's upstream base without a trailing slash, defaults from the proxy's route table", () => {
    expect(validateSite(new ConfigReader({ anthropicUpstream: "https://claude.example.net/" })).upstreams).toEqual({
      openai: "https://api.openai.com",
      anthropic: "https://claude.example.net",
      google: "https://generativelanguage.googleapis.com",
    });
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
    [
      "an Anthropic upstream ending in /v1",
      { anthropicUpstream: "https://api.anthropic.com/v1/" },
      'anthropicUpstream: "https://api.anthropic.com/v1" ends in /v1. Give the base URL without it, e.g. https://api.anthropic.com.',
    ],
    [
      "a Gemini upstream ending in /v1beta",
      { googleUpstream: "https://generativelanguage.googleapis.com/v1beta" },
      'googleUpstream: "https://generativelanguage.googleapis.com/v1beta" ends in /v1beta. Give the base URL without it, e.g. https://generativelanguage.googleapis.com.',
    ],
    [
      "an upstream that is not a URL",
      { googleUpstream: "generativelanguage.googleapis.com" },
      'googleUpstream: "generativelanguage.googleapis.com" is not an http(s) URL. Use Google Gemini\'s API or a compatible base, e.g. https://generativelanguage.googleapis.com.',
    ],
  ])("refuses %s", (_name, raw, message) => {
    expect(problemsOf(raw, validateSite)).toEqual([message]);
  });
});
