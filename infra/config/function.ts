// Where the proxy runs: the provider, and the region, sizing and cap it accepts (its rules live in
// its own file, infra/function/<provider>.ts).
import { FUNCTION_TIMEOUT_SEC, type Provider } from "../../contract.js";
import type { Settings } from "../config.js";
import { FUNCTION_PROVIDERS, functionProviders, type FunctionProviderName } from "../function/index.js";
import { andList, list, PROVIDER_CONFIG } from "./keys.js";
import type { ConfigReader } from "./reader.js";
import type { SiteArea } from "./site.js";

/** The function settings; `provider` is undefined when functionProvider names none (already reported). */
export type FunctionArea = Omit<Settings["function"], "provider"> & { provider: FunctionProviderName | undefined };

/**
 * The providers the function must reach from a region they serve: those whose upstream is their own API
 * (not a compatible service), and that the site is for. OpenAI always is (its chat and /v1/ serve callers'
 * own keys too, as before there were others); Anthropic and Google when the site holds their keys.
 */
export function regionRefusers(site: Pick<SiteArea, "ownApis">, keyed: readonly Provider[]): Provider[] {
  return site.ownApis.filter((provider) => provider === "openai" || keyed.includes(provider));
}

/** `refusers`: see {@link regionRefusers}; mainland China, Hong Kong and Macau are refused when there are any. */
export function validateFunction(config: ConfigReader, refusers: readonly Provider[]): FunctionArea {
  const provider = config.oneOf("functionProvider", FUNCTION_PROVIDERS, "a function provider");
  const rules = functionProviders[provider ?? "none"];
  const region = config.text("functionRegion") || rules.defaultRegion;
  if (provider && rules.regions.length > 0) {
    const refused = rules.refusedRegions.includes(region);
    if (refused && refusers.length > 0) {
      const who = refusers.map((p) => `${PROVIDER_CONFIG[p].title} (${PROVIDER_CONFIG[p].refusal}${p === "openai" ? "" : `; ${PROVIDER_CONFIG[p].apiKey} is set`})`);
      const one = who.length === 1;
      config.problem(
        `functionRegion: "${region}" is in mainland China, Hong Kong or Macau, where ${andList(who)} refuse${one ? "s" : ""} requests; ` +
          `the proxy exists to call ${one ? "it" : "them"} from outside. Allowed values are: ${list(rules.regions)}.`,
      );
    } else if (!refused && !rules.regions.includes(region)) {
      const allowed = refusers.length > 0 ? rules.regions : [...rules.regions, ...rules.refusedRegions];
      config.problem(`functionRegion: "${region}" is not a region of ${rules.title}. Allowed values are: ${list(allowed)}.`);
    }
  }
  const memoryMb = config.integer("functionMemoryMb", 1, 65536, rules.memory.text);
  // integer() reads a non-number as the default; one below 1 is already reported as out of range.
  if (provider && memoryMb >= 1 && !rules.memory.allowed(memoryMb)) {
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
