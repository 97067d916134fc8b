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

  it("takes each provider's server keys as one key or a comma-separated list, normalised", () => {
    expect(secrets({ openaiApiKey: " sk-one , sk-two ,, ", anthropicApiKey: "sk-ant-1", googleApiKey: "AIza-1,AIza-2", webAccessCodeCount: "1" })).toEqual({
      openaiApiKey: "sk-one,sk-two",
      anthropicApiKey: "sk-ant-1",
      googleApiKey: "AIza-1,AIza-2",
    });
    expect(secrets({ anthropicApiKey: " , " })).toEqual({});
  });

  it("refuses a key list with a space or a character a header cannot carry, without showing it", () => {
    const found = problems({ googleApiKey: "AIza-ok,AIza with space", anthropicApiKey: "sk-ant-é" });
    expect(found).toEqual([
      "anthropicApiKey: (value hidden) has a key with spaces or characters that are not visible ASCII. Give one key, or several separated by commas.",
      "googleApiKey: (value hidden) has a key with spaces or characters that are not visible ASCII. Give one key, or several separated by commas.",
    ]);
    expect(found.join("\n")).not.toMatch(/AIza|sk-ant/);
  });

  it("requires access codes with any provider's server key, naming the keys that are set", () => {
    expect(problems({ googleApiKey: "AIza-never-shown", webAccessCodeCount: "0" })).toEqual([
      "accessCodes: empty while googleApiKey is set and webAccessCodeCount is 0, so anyone who finds the site spends your key. Set codes (pulumi config set --secret accessCodes code1,code2) or set webAccessCodeCount to 1 or more to generate them.",
    ]);
    expect(problems({ openaiApiKey: "sk-1", anthropicApiKey: "sk-ant-1", webAccessCodeCount: "0" })[0]).toMatch(
      /^accessCodes: empty while openaiApiKey and anthropicApiKey are set and webAccessCodeCount is 0, so anyone who finds the site spends your keys\./,
    );
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
