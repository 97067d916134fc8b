// STAND-IN for the pulumi-resource-random 4.21.2 plugin, which @pulumi/random 4.21.2 asks the engine for.
// Why: the real plugin is a Go program (github.com/pulumi/pulumi-random/provider/v4, bridging
// hashicorp/terraform-provider-random v3.9.0), and the Go module proxy these machines reach answers 403
// for it at every version (the Terraform provider is served only in its 2018 v1.x/v2.0.0 releases).
// What it reproduces: RandomPassword (password.ts) with the real inputs, defaults, validators and
// replacements, a secret `result` and `bcryptHash`, the id "none"; RandomId (id.ts), which the Tencent
// function's owner tag uses. It serves no other random resource.
import { serve } from "../serve.js";
import { randomId } from "./id.js";
import { randomPassword } from "./password.js";

serve({
  pkg: "random",
  version: "4.21.2",
  configure: (config) => {
    const keys = Object.keys(config);
    if (keys.length > 0) throw new Error(`\`random:${keys[0]}\` is not a valid configuration key for the random provider.`);
  },
  resources: {
    "random:index/randomPassword:RandomPassword": randomPassword,
    "random:index/randomId:RandomId": randomId,
  },
});
