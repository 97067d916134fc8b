// Part of the STAND-IN random provider plugin (the real one cannot be built here: the Go module proxy
// answers 403 for it; see random/main.ts).
// random:index/randomId:RandomId (`random_id` of hashicorp/terraform-provider-random v3.9.0,
// internal/provider/resource_id.go): `byteLength` random bytes from the crypto source; the id is their
// unpadded URL-safe base64, and b64Url, b64Std, hex and dec are the same bytes with `prefix` in front.
// Every input replaces; nothing is secret; Read and Delete touch nothing.
import { randomBytes } from "node:crypto";
import type { ResourceHandler } from "../serve.js";
import { planned, type CheckFailure, type ResourceSchema } from "../schema.js";
import { reveal, type JsonObject } from "../values.js";

const schema: ResourceSchema = {
  token: "random:index/randomId:RandomId",
  props: {
    byteLength: { type: { kind: "int" }, required: true, forceNew: true },
    keepers: { type: { kind: "map" }, forceNew: true },
    prefix: { type: { kind: "string" }, forceNew: true },
  },
  unimplemented: [],
};

export const randomId: ResourceHandler = {
  schema,

  checkMore(ctx, _olds, inputs) {
    const failures: CheckFailure[] = [];
    const byteLength = (reveal(inputs) as JsonObject).byteLength as number;
    if (byteLength < 1) {
      failures.push({
        property: "byteLength",
        reason: `Invalid Attribute Value: Attribute byte_length value must be at least 1, got: ${byteLength}. Examine values at '${ctx.name}.byteLength'.`,
      });
    }
    return { inputs, failures };
  },

  async create(_ctx, inputs) {
    const plain = reveal(inputs) as JsonObject;
    const bytes = randomBytes(plain.byteLength as number);
    const prefix = typeof plain.prefix === "string" ? plain.prefix : "";
    const id = bytes.toString("base64url");
    const dec = BigInt(`0x${bytes.toString("hex")}`).toString(10);
    return {
      id,
      outs: {
        ...inputs,
        id,
        b64Url: prefix + id,
        b64Std: prefix + bytes.toString("base64"),
        hex: prefix + bytes.toString("hex"),
        dec: prefix + dec,
      },
    };
  },

  read: async (_ctx, id, state) => ({ id, outs: state }),

  update: async (_ctx, _id, olds, news) => planned(schema, olds, news),

  delete: async () => {},
};
