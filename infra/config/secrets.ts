// The three secrets, and what a server-side key requires of the rest. A message names the key and
// never its value.
import { isIPv4 } from "node:net";
import { PROXY_TOKEN_RULE, proxyTokenProblem } from "../../contract.js";
import type { Settings } from "../config.js";
import type { ConfigReader } from "./reader.js";

export function validateSecrets(config: ConfigReader, web: Settings["web"]): Settings["secrets"] {
  const openaiApiKey = config.secret("openaiApiKey");
  const codes = (config.secret("accessCodes") ?? "")
    .split(",")
    .map((code) => code.trim())
    .filter(Boolean);
  if (codes.some((code) => !/^[\x21-\x7e]+$/.test(code))) {
    config.problem(`accessCodes: (value hidden) has a code with spaces or non-ASCII characters. Use comma-separated printable codes.`);
  }
  if (openaiApiKey && codes.length === 0 && web.accessCodeCount === 0) {
    config.problem(
      `accessCodes: empty while openaiApiKey is set and webAccessCodeCount is 0, so anyone who finds the ` +
        `site spends your key. Set codes (pulumi config set --secret accessCodes code1,code2) or set ` +
        `webAccessCodeCount to 1 or more to generate them.`,
    );
  }
  if (openaiApiKey && isIPv4(web.bindAddress) && !web.bindAddress.startsWith("127.")) {
    config.problem(
      `webBindAddress: "${web.bindAddress}" publishes NextChat past Nginx while openaiApiKey is set: its other /api/* routes ` +
        `(which Nginx blocks: they relay to a caller-chosen x-base-url) and plain HTTP would be open to whoever reaches the host. ` +
        `Use 127.0.0.1 (the site is still served through Nginx), or unset openaiApiKey.`,
    );
  }
  const proxyToken = config.secret("proxyToken");
  const tokenProblem = proxyToken === undefined ? undefined : proxyTokenProblem(proxyToken);
  if (tokenProblem !== undefined) {
    config.problem(`proxyToken: (value hidden) must be ${PROXY_TOKEN_RULE}; got ${tokenProblem}. Unset it to have one generated.`);
  }
  return {
    ...(openaiApiKey ? { openaiApiKey } : {}),
    ...(codes.length > 0 ? { accessCodes: codes.join(",") } : {}),
    ...(proxyToken ? { proxyToken } : {}),
  };
}
