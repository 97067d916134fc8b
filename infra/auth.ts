// Who holds which secret. The proxy's modes (function/src/config.ts) are: a token alone, or a token
// plus the API key it swaps in. The real key stays in the function, outside mainland China, whenever
// a proxy runs; NextChat (which logs keys in plain text) then holds only the proxy token.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

export interface AuthWiring {
  /** The proxy gets OPENAI_API_KEY and swaps it in for callers presenting the token. */
  proxyHoldsKey: boolean;
  /** What NextChat's OPENAI_API_KEY is. */
  webKey: "proxyToken" | "openaiApiKey" | "none";
  /** Access codes are needed (and generated when none are given). */
  needsAccessCodes: boolean;
}

/**
 * | server key | proxy runs | proxy env              | NextChat OPENAI_API_KEY | users enter        |
 * |------------|------------|------------------------|-------------------------|--------------------|
 * | yes        | yes        | OPENAI_API_KEY + token | the proxy token         | an access code     |
 * | yes        | no         | -                      | the API key             | an access code     |
 * | no         | yes        | token                  | -                       | `sk-…:<token>`     |
 * | no         | no         | -                      | -                       | their own key      |
 */
export function authWiring(args: { serverKey: boolean; runsProxy: boolean }): AuthWiring {
  return {
    proxyHoldsKey: args.serverKey && args.runsProxy,
    webKey: !args.serverKey ? "none" : args.runsProxy ? "proxyToken" : "openaiApiKey",
    needsAccessCodes: args.serverKey,
  };
}

export interface CredentialsArgs {
  runsProxy: boolean;
  openaiApiKey?: pulumi.Output<string>;
  /** Given codes, comma-separated; otherwise `accessCodeCount` are generated when a server key needs them. */
  accessCodes?: pulumi.Output<string>;
  accessCodeCount: number;
  /** Given token; otherwise one is generated when a proxy runs. */
  proxyToken?: pulumi.Output<string>;
}

/** The site's secrets, generated with @pulumi/random where not given; every one a secret Output. */
export class Credentials extends pulumi.ComponentResource {
  readonly wiring: AuthWiring;
  readonly proxyToken?: pulumi.Output<string>;
  readonly accessCodes?: pulumi.Output<string>;
  /** OPENAI_API_KEY for the proxy, when it holds the key. */
  readonly proxyApiKey?: pulumi.Output<string>;
  /** OPENAI_API_KEY for NextChat's server. */
  readonly webApiKey?: pulumi.Output<string>;

  constructor(name: string, args: CredentialsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("gptsite:site:Credentials", name, {}, opts);
    this.wiring = authWiring({ serverKey: args.openaiApiKey !== undefined, runsProxy: args.runsProxy });
    const generate = (suffix: string, length: number) =>
      pulumi.secret(new random.RandomPassword(`${name}-${suffix}`, { length, special: false }, { parent: this }).result);

    if (args.runsProxy) this.proxyToken = args.proxyToken ?? generate("proxy-token", 40);
    if (args.accessCodes) this.accessCodes = args.accessCodes;
    else if (this.wiring.needsAccessCodes && args.accessCodeCount > 0) {
      const codes = Array.from({ length: args.accessCodeCount }, (_, i) => generate(`access-code-${i + 1}`, 16));
      this.accessCodes = pulumi.secret(pulumi.all(codes).apply((values) => values.join(",")));
    }
    if (this.wiring.proxyHoldsKey) this.proxyApiKey = args.openaiApiKey;
    const webKeys = { proxyToken: this.proxyToken, openaiApiKey: args.openaiApiKey, none: undefined };
    this.webApiKey = webKeys[this.wiring.webKey];
    this.registerOutputs({});
  }
}
