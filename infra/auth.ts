// Who holds which secret. The proxy's modes (function/src/config.ts), per provider: a token alone, or a
// token plus the provider's keys it swaps in. The real keys stay in the function, outside mainland
// China, whenever a proxy runs; NextChat (which logs keys in plain text) then holds only the proxy token.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { PROVIDERS, type Provider } from "../contract.js";

export interface AuthWiring {
  /** The providers whose keys the proxy gets (OPENAI_API_KEY, ANTHROPIC_API_KEY, GOOGLE_API_KEY) and swaps in for the token. */
  proxyHolds: Provider[];
  /** What NextChat's key for each provider (OPENAI_API_KEY, ANTHROPIC_API_KEY, GOOGLE_API_KEY) is. */
  webKeys: Record<Provider, "proxyToken" | "apiKey" | "none">;
  /** Access codes are needed (and generated when none are given): some provider has a server key. */
  needsAccessCodes: boolean;
}

/**
 * Per provider (OpenAI, Anthropic, Google alike):
 *
 * | its server key | proxy runs | proxy env          | NextChat's key for it | users enter        |
 * |----------------|------------|--------------------|-----------------------|--------------------|
 * | yes            | yes        | its key + token    | the proxy token       | an access code     |
 * | yes            | no         | -                  | the API key           | an access code     |
 * | no             | yes        | token              | -                     | `<key>:<token>`    |
 * | no             | no         | -                  | -                     | their own key      |
 *
 * Access codes (and HIDE_USER_API_KEY) come with any provider's key: NextChat has one gate for all.
 */
export function authWiring(args: { keyed: readonly Provider[]; runsProxy: boolean }): AuthWiring {
  const webKey = (provider: Provider) => (!args.keyed.includes(provider) ? "none" : args.runsProxy ? "proxyToken" : "apiKey");
  return {
    proxyHolds: args.runsProxy ? [...args.keyed] : [],
    webKeys: Object.fromEntries(PROVIDERS.map((provider) => [provider, webKey(provider)])) as AuthWiring["webKeys"],
    needsAccessCodes: args.keyed.length > 0,
  };
}

export interface CredentialsArgs {
  runsProxy: boolean;
  /** Each provider's server keys (one, or a comma-separated list). */
  apiKeys: Partial<Record<Provider, pulumi.Output<string>>>;
  /** Given codes, comma-separated; otherwise `accessCodeCount` are generated when a server key needs them. */
  accessCodes?: pulumi.Output<string>;
  accessCodeCount: number;
  /** Given token; otherwise one is generated when a proxy runs. */
  proxyToken?: pulumi.Output<string>;
}

/** The site's secrets, generated with @pulumi/random where not given; every one a secret Output. */
export class Credentials extends pulumi.ComponentResource {
  /** The providers the site holds a server key for, in PROVIDERS order. */
  readonly keyed: Provider[];
  readonly proxyToken?: pulumi.Output<string>;
  readonly accessCodes?: pulumi.Output<string>;
  /** The keys the proxy holds, by provider. */
  readonly proxyApiKeys: Partial<Record<Provider, pulumi.Output<string>>>;
  /** The key NextChat's server sends for each provider it has one for. */
  readonly webApiKeys: Partial<Record<Provider, pulumi.Output<string>>>;

  constructor(name: string, args: CredentialsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("gptsite:site:Credentials", name, {}, opts);
    this.keyed = PROVIDERS.filter((provider) => args.apiKeys[provider] !== undefined);
    const wiring = authWiring({ keyed: this.keyed, runsProxy: args.runsProxy });
    const generate = (suffix: string, length: number) =>
      pulumi.secret(new random.RandomPassword(`${name}-${suffix}`, { length, special: false }, { parent: this }).result);

    if (args.runsProxy) this.proxyToken = args.proxyToken ?? generate("proxy-token", 40);
    if (args.accessCodes) this.accessCodes = args.accessCodes;
    else if (wiring.needsAccessCodes && args.accessCodeCount > 0) {
      const codes = Array.from({ length: args.accessCodeCount }, (_, i) => generate(`access-code-${i + 1}`, 16));
      this.accessCodes = pulumi.secret(pulumi.all(codes).apply((values) => values.join(",")));
    }
    this.proxyApiKeys = Object.fromEntries(wiring.proxyHolds.map((provider) => [provider, args.apiKeys[provider]!]));
    const webKey = (provider: Provider) =>
      ({ proxyToken: this.proxyToken, apiKey: args.apiKeys[provider], none: undefined })[wiring.webKeys[provider]];
    this.webApiKeys = Object.fromEntries(
      PROVIDERS.flatMap((provider) => {
        const key = webKey(provider);
        return key ? [[provider, key]] : [];
      }),
    );
    this.registerOutputs({});
  }
}
