// The secrets (each provider's server keys, the access codes, the proxy token), and what a server-side
// key requires of the rest. A message names the key and never its value.
import { isIPv4 } from "node:net";
import { PROVIDERS, PROXY_TOKEN_RULE, proxyTokenProblem, VISIBLE_ASCII, type Provider } from "../../contract.js";
import type { Settings } from "../config.js";
import { andList, PROVIDER_CONFIG } from "./keys.js";
import type { ConfigReader } from "./reader.js";

/** The providers the stack holds a server key for. */
export function keyedProviders(config: ConfigReader): Provider[] {
  return PROVIDERS.filter((provider) => splitList(config.secret(PROVIDER_CONFIG[provider].apiKey)).length > 0);
}

export function validateSecrets(config: ConfigReader, web: Settings["web"]): Settings["secrets"] {
  const secrets: Settings["secrets"] = {};
  /** The server-key secrets that are set, in PROVIDERS order. */
  const keyNames: string[] = [];
  for (const provider of PROVIDERS) {
    const name = PROVIDER_CONFIG[provider].apiKey;
    const keys = splitList(config.secret(name));
    if (keys.some((key) => !VISIBLE_ASCII.test(key))) {
      config.problem(`${name}: (value hidden) has a key with spaces or characters that are not visible ASCII. Give one key, or several separated by commas.`);
    }
    if (keys.length > 0) {
      secrets[name] = keys.join(",");
      keyNames.push(name);
    }
  }
  const keysAreSet = `${andList(keyNames)} ${keyNames.length === 1 ? "is" : "are"} set`;
  const codes = splitList(config.secret("accessCodes"));
  if (codes.some((code) => !VISIBLE_ASCII.test(code))) {
    config.problem(`accessCodes: (value hidden) has a code with spaces or non-ASCII characters. Use comma-separated printable codes.`);
  }
  if (keyNames.length > 0 && codes.length === 0 && web.accessCodeCount === 0) {
    config.problem(
      `accessCodes: empty while ${keysAreSet} and webAccessCodeCount is 0, so anyone who finds the ` +
        `site spends your key${keyNames.length === 1 ? "" : "s"}. Set codes (pulumi config set --secret accessCodes code1,code2) or set ` +
        `webAccessCodeCount to 1 or more to generate them.`,
    );
  }
  if (keyNames.length > 0 && isIPv4(web.bindAddress) && !web.bindAddress.startsWith("127.")) {
    config.problem(
      `webBindAddress: "${web.bindAddress}" publishes NextChat past Nginx while ${keysAreSet}: its other /api/* routes ` +
        `(which Nginx blocks: they relay to a caller-chosen x-base-url) and plain HTTP would be open to whoever reaches the host. ` +
        `Use 127.0.0.1 (the site is still served through Nginx), or unset ${andList(keyNames)}.`,
    );
  }
  const proxyToken = config.secret("proxyToken");
  const tokenProblem = proxyToken === undefined ? undefined : proxyTokenProblem(proxyToken);
  if (tokenProblem !== undefined) {
    config.problem(`proxyToken: (value hidden) must be ${PROXY_TOKEN_RULE}; got ${tokenProblem}. Unset it to have one generated.`);
  }
  if (codes.length > 0) secrets.accessCodes = codes.join(",");
  if (proxyToken) secrets.proxyToken = proxyToken;
  return secrets;
}

/** A comma-separated value as its non-empty items, trimmed. */
const splitList = (value: string | undefined) =>
  (value ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
