// Where the proxy runs: the provider, and the region, sizing and cap it accepts (its rules live in
// its own file, infra/function/<provider>.ts).
import { FUNCTION_TIMEOUT_SEC } from "../../contract.js";
import type { Settings } from "../config.js";
import { FUNCTION_PROVIDERS, functionProviders, type FunctionProviderName } from "../function/index.js";
import { list } from "./keys.js";
import type { ConfigReader } from "./reader.js";

/** The function settings; `provider` is undefined when functionProvider names none (already reported). */
export type FunctionArea = Omit<Settings["function"], "provider"> & { provider: FunctionProviderName | undefined };

export function validateFunction(config: ConfigReader, site: { upstreamIsOpenAI: boolean }): FunctionArea {
  const provider = config.oneOf("functionProvider", FUNCTION_PROVIDERS, "a function provider");
  const rules = functionProviders[provider ?? "none"];
  const region = config.text("functionRegion") || rules.defaultRegion;
  if (provider && rules.regions.length > 0) {
    const refused = rules.refusedRegions.includes(region);
    if (refused && site.upstreamIsOpenAI) {
      config.problem(
        `functionRegion: "${region}" is in mainland China, Hong Kong or Macau, where OpenAI refuses requests ` +
          `("unsupported_country_region_territory"); the proxy exists to call it from outside. ` +
          `Allowed values are: ${list(rules.regions)}.`,
      );
    } else if (!refused && !rules.regions.includes(region)) {
      const allowed = site.upstreamIsOpenAI ? rules.regions : [...rules.regions, ...rules.refusedRegions];
      config.problem(`functionRegion: "${region}" is not a region of ${rules.title}. Allowed values are: ${list(allowed)}.`);
    }
  }
  const memoryMb = config.integer("functionMemoryMb", 1, 65536, rules.memory.text);
  if (provider && Number.isInteger(memoryMb) && memoryMb >= 1 && !rules.memory.allowed(memoryMb)) {
    config.problem(`functionMemoryMb: ${memoryMb} is not allowed on ${rules.title}. Allowed values are: ${rules.memory.text}.`);
  }
  const timeoutSec = config.integer(
    "functionTimeoutSec",
    1,
    FUNCTION_TIMEOUT_SEC,
    `1 to ${FUNCTION_TIMEOUT_SEC} (SCF's ceiling; Nginx waits as long as the function may run)`,
  );
  const concurrency = config.integer(
    "functionConcurrency",
    1,
    rules.maxConcurrency,
    rules.maxConcurrency === Number.MAX_SAFE_INTEGER ? "1 or more" : `1 to ${rules.maxConcurrency}`,
  );
  const maxInstances = config.integer("functionMaxInstances", 0, 1000, "0 (no cap) to 1000");
  return { provider, region: rules.regions.length > 0 ? region : "", memoryMb, timeoutSec, concurrency, maxInstances };
}
