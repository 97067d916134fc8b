// The guards that keep a configuration from exposing the key, the access codes or the token, each
// refused with a message that names the fix:
//   - a server-side key without a proxy token: the proxy refuses to start (test/function), and the
//     program gives every proxy a token, also when proxyToken is set to an empty value;
//   - a public site without TLS: a public domain, a public IP as domain, or the default `localhost`
//     domain on a server reached over ssh://, whose ports are open to the Internet;
//   - an anonymous route to a server-side key: NextChat's chat route without access codes, or
//     NextChat published past Nginx (webBindAddress), where its other /api/* routes are not blocked.
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { buildArtifacts } from "../../function/build.js";
import { ConfigError, validateConfig, type RawConfig } from "../../infra/config.js";
import { FUNCTION_PROVIDERS, functionProviders } from "../../infra/function/index.js";
import { RecordingMocks, generatedValue, reveal } from "../infra/mocks.js";
import { TEST_INPUTS } from "../infra/stacks.js";

/** The problems validateConfig reports for `raw` (none: it passes). */
function problemsOf(raw: RawConfig): readonly string[] {
  try {
    validateConfig(raw, TEST_INPUTS);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

const SERVER = { hostDocker: "ssh://deploy@203.0.113.7" } as const;
const KEY = { openaiApiKey: "sk-test-guard" } as const;

describe("a public site without TLS", () => {
  it("is refused for a public IP given as the domain", () => {
    expect(problemsOf({ domain: "203.0.113.7", ...SERVER })).toEqual([
      'tlsMode: "none" with domain "203.0.113.7" sends access codes and the proxy token over plain HTTP. Use tlsMode acme or files, or set tlsAllowInsecure true to force it.',
    ]);
  });

  it("is refused for the default localhost domain on a server reached over ssh://", () => {
    expect(problemsOf({ ...SERVER })).toEqual([
      'tlsMode: "none" with hostDocker "ssh://deploy@203.0.113.7" serves the site from that server over plain HTTP (port 80), so access codes and the proxy token cross the Internet unencrypted. ' +
        "Set domain to the site's name with tlsMode acme or files, or set tlsAllowInsecure true to force it.",
    ]);
    expect(problemsOf({ hostDocker: "ssh://deploy@chat-box.example.net:2222", hostHttpPort: "8080" })).toEqual([
      'tlsMode: "none" with hostDocker "ssh://deploy@chat-box.example.net:2222" serves the site from that server over plain HTTP (port 8080), so access codes and the proxy token cross the Internet unencrypted. ' +
        "Set domain to the site's name with tlsMode acme or files, or set tlsAllowInsecure true to force it.",
    ]);
  });

  it("is allowed on this machine, on a private server, and when forced", () => {
    expect(problemsOf({})).toEqual([]);
    expect(problemsOf({ hostDocker: "ssh://deploy@192.168.1.20" })).toEqual([]);
    expect(problemsOf({ ...SERVER, tlsAllowInsecure: "true" })).toEqual([]);
    expect(problemsOf({ ...SERVER, domain: "chat.example.com", tlsMode: "files", tlsCertFile: "c.pem", tlsKeyFile: "key.pem" })).toEqual([]);
  });
});

describe("an anonymous route to a server-side key", () => {
  it("is refused when the access codes are only separators", () => {
    expect(problemsOf({ ...KEY, accessCodes: " , ,", webAccessCodeCount: "0" })).toEqual([
      "accessCodes: empty while openaiApiKey is set and webAccessCodeCount is 0, so anyone who finds the site spends your key. " +
        "Set codes (pulumi config set --secret accessCodes code1,code2) or set webAccessCodeCount to 1 or more to generate them.",
    ]);
  });

  it("is refused when NextChat would be published past Nginx while it holds the key", () => {
    expect(problemsOf({ ...KEY, webBindAddress: "0.0.0.0" })).toEqual([
      'webBindAddress: "0.0.0.0" publishes NextChat past Nginx while openaiApiKey is set: its other /api/* routes (which Nginx blocks: they relay to a caller-chosen x-base-url) ' +
        "and plain HTTP would be open to whoever reaches the host. Use 127.0.0.1 (the site is still served through Nginx), or unset openaiApiKey.",
    ]);
    expect(problemsOf({ ...KEY, webBindAddress: "10.0.0.5" })).toHaveLength(1);
    expect(problemsOf({ ...KEY, webBindAddress: "127.0.0.1" })).toEqual([]);
    // Without a server key there is nothing of the owner's to reach.
    expect(problemsOf({ webBindAddress: "0.0.0.0" })).toEqual([]);
  });
});

describe("a server-side key without a proxy token", () => {
  it.each(FUNCTION_PROVIDERS.filter((p) => functionProviders[p].runsProxy).flatMap((fn) => ["", "   "].map((token) => [fn, token] as const)))(
    "function %s with proxyToken %j: the proxy still gets a generated token beside the key",
    async (fn, token) => {
      const mocks = new RecordingMocks();
      await pulumi.runtime.setMocks(mocks, "gptsite", `guard-${fn}-${token.length}`, false);
      const { secretSettings } = await import("../../infra/config.js");
      const { deploySite } = await import("../../infra/site.js");
      const artifacts = await buildArtifacts();
      const site = await deploySite(secretSettings(validateConfig({ ...KEY, functionProvider: fn, proxyToken: token }, TEST_INPUTS)), async () => artifacts);
      const proxyToken = await new Promise((resolve) => site.proxyToken!.apply(resolve));
      await pulumi.runtime.disconnect();
      expect(proxyToken).toBe(generatedValue("credentials-proxy-token"));
      // Whatever the provider's shape (a record, or Docker's NAME=value list), both are in the proxy's environment.
      const inputs = JSON.stringify(reveal(mocks.registered.map((r) => r.inputs)));
      expect(inputs.includes(`"PROXY_TOKEN":"${proxyToken}"`) || inputs.includes(`"PROXY_TOKEN=${proxyToken}"`)).toBe(true);
      expect(inputs.includes(`"OPENAI_API_KEY":"${KEY.openaiApiKey}"`) || inputs.includes(`"OPENAI_API_KEY=${KEY.openaiApiKey}"`)).toBe(true);
    },
  );
});
