import { describe, expect, it } from "vitest";
import type { RawConfig } from "../../../infra/config/keys.js";
import { validateFunction } from "../../../infra/config/function.js";
import { ConfigReader } from "../../../infra/config/reader.js";
import { FUNCTION_PROVIDERS } from "../../../infra/function/index.js";
import { earlier, problemsOf } from "./areas.js";

const problems = (raw: RawConfig) => problemsOf(raw, (config) => validateFunction(config, earlier(raw).refusers));

const SCF_REGIONS =
  "ap-singapore, ap-tokyo, ap-seoul, ap-bangkok, ap-jakarta, ap-mumbai, na-siliconvalley, na-ashburn, na-toronto, eu-frankfurt, sa-saopaulo";
const FC_REGIONS =
  "ap-southeast-1, ap-southeast-3, ap-southeast-5, ap-southeast-7, ap-northeast-1, ap-northeast-2, ap-south-1, eu-central-1, eu-west-1, us-east-1, us-west-1";
const NOT_OPENAI = { functionProvider: "tencent", functionRegion: "ap-guangzhou", upstream: "https://api.deepseek.com" };

describe("validateFunction", () => {
  it("allows China regions for an upstream that is not OpenAI", () => {
    const raw = { functionProvider: "aliyun", functionRegion: "cn-hangzhou", upstream: "https://api.deepseek.com" };
    expect(problems(raw)).toEqual([]);
    expect(validateFunction(new ConfigReader(raw), earlier(raw).refusers).region).toBe("cn-hangzhou");
  });

  it("refuses them again once the site holds a key of Anthropic or Google, who refuse those regions too", () => {
    expect(problems({ ...NOT_OPENAI, anthropicApiKey: "sk-ant-never-shown" })).toEqual([
      `functionRegion: "ap-guangzhou" is in mainland China, Hong Kong or Macau, where Anthropic (403 "Request not allowed"; anthropicApiKey is set) refuses requests; the proxy exists to call it from outside. Allowed values are: ${SCF_REGIONS}.`,
    ]);
    expect(problems({ ...NOT_OPENAI, upstream: "https://api.openai.com", anthropicApiKey: "sk-ant-1", googleApiKey: "AIza-1,AIza-2" })).toEqual([
      `functionRegion: "ap-guangzhou" is in mainland China, Hong Kong or Macau, where OpenAI ("unsupported_country_region_territory"), Anthropic (403 "Request not allowed"; anthropicApiKey is set) and Google Gemini ("User location is not supported for the API use."; googleApiKey is set) refuse requests; the proxy exists to call them from outside. Allowed values are: ${SCF_REGIONS}.`,
    ]);
  });

  it("lets a key go to a compatible service in those regions: only a provider's own API refuses them", () => {
    expect(problems({ ...NOT_OPENAI, anthropicApiKey: "k", anthropicUpstream: "https://claude-compatible.example.cn" })).toEqual([]);
  });

  // Each bad setting and the exact sentence that names the key, the value and the fix.
  it.each([
    [
      "an unknown function provider",
      { functionProvider: "tencnet" },
      `functionProvider: "tencnet" is not a function provider. Allowed values are: ${FUNCTION_PROVIDERS.join(", ")}.`,
    ],
    [
      "a mainland China region with OpenAI upstream",
      { functionProvider: "tencent", functionRegion: "ap-guangzhou" },
      `functionRegion: "ap-guangzhou" is in mainland China, Hong Kong or Macau, where OpenAI ("unsupported_country_region_territory") refuses requests; the proxy exists to call it from outside. Allowed values are: ${SCF_REGIONS}.`,
    ],
    [
      "a Hong Kong region with OpenAI upstream",
      { functionProvider: "aliyun", functionRegion: "cn-hongkong" },
      `functionRegion: "cn-hongkong" is in mainland China, Hong Kong or Macau, where OpenAI ("unsupported_country_region_territory") refuses requests; the proxy exists to call it from outside. Allowed values are: ${FC_REGIONS}.`,
    ],
    [
      "a region the provider does not have",
      { functionProvider: "aliyun", functionRegion: "ap-singapore" },
      `functionRegion: "ap-singapore" is not a region of Alibaba Cloud Function Compute 3.0. Allowed values are: ${FC_REGIONS}.`,
    ],
    [
      "64 MB on Function Compute",
      { functionProvider: "aliyun", functionMemoryMb: "64" },
      "functionMemoryMb: 64 is not allowed on Alibaba Cloud Function Compute 3.0. Allowed values are: 128 to 32768 in steps of 64 (FC 3.0 has no 64 MB size).",
    ],
    [
      "a memory size SCF does not offer",
      { functionProvider: "tencent", functionMemoryMb: "200" },
      "functionMemoryMb: 200 is not allowed on Tencent Cloud SCF (web function). Allowed values are: 64, or 128 to 3072 in steps of 128.",
    ],
    [
      "a timeout above 900 s",
      { functionTimeoutSec: "1000" },
      "functionTimeoutSec: 1000 is out of range. Allowed values are: 1 to 900 (SCF's ceiling; Nginx waits as long as the function may run).",
    ],
    [
      "a number that is not one",
      { functionConcurrency: "two" },
      'functionConcurrency: "two" is not a whole number. Allowed values are: 1 or more.',
    ],
  ])("refuses %s", (_name, raw, message) => {
    expect(problems(raw)).toEqual([message]);
  });
});
