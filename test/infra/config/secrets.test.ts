import { describe, expect, it } from "vitest";
import type { RawConfig } from "../../../infra/config/keys.js";
import { ConfigReader } from "../../../infra/config/reader.js";
import { validateSecrets } from "../../../infra/config/secrets.js";
import { earlier, problemsOf } from "./areas.js";

const problems = (raw: RawConfig) => problemsOf(raw, (config) => validateSecrets(config, earlier(raw).web));
const secrets = (raw: RawConfig) => validateSecrets(new ConfigReader(raw), earlier(raw).web);

const TOKEN_RULE =
  "proxyToken: (value hidden) must be at least 16 visible ASCII characters, no spaces (it travels in a header); got a space or a character that is not visible ASCII. Unset it to have one generated.";

describe("validateSecrets", () => {
  it("keeps secrets as given, codes normalised to one comma-separated list", () => {
    expect(secrets({ openaiApiKey: "sk-test", accessCodes: " alpha, beta ,,", proxyToken: "0123456789abcdefXYZ" })).toEqual({
      openaiApiKey: "sk-test",
      accessCodes: "alpha,beta",
      proxyToken: "0123456789abcdefXYZ",
    });
  });

  it("holds proxyToken to the proxy's own rule: a ':' passes, a character the proxy refuses does not", () => {
    expect(secrets({ proxyToken: "0123456789:abcdef" }).proxyToken).toBe("0123456789:abcdef");
    expect(problems({ proxyToken: "0123456789abcdefé" })).toEqual([TOKEN_RULE]);
  });

  it("never repeats a secret's value in a message", () => {
    const found = problems({ proxyToken: "short secret-value", accessCodes: "ok, has space" });
    expect(found).toEqual([
      "accessCodes: (value hidden) has a code with spaces or non-ASCII characters. Use comma-separated printable codes.",
      TOKEN_RULE,
    ]);
    expect(found.join("\n")).not.toMatch(/secret-value|has space/);
  });

  it("refuses a server-side key without access codes", () => {
    expect(problems({ openaiApiKey: "sk-never-shown", webAccessCodeCount: "0" })).toEqual([
      "accessCodes: empty while openaiApiKey is set and webAccessCodeCount is 0, so anyone who finds the site spends your key. Set codes (pulumi config set --secret accessCodes code1,code2) or set webAccessCodeCount to 1 or more to generate them.",
    ]);
  });
});
