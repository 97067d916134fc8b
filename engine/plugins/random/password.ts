// Part of the STAND-IN random provider plugin (the real one cannot be built here: the Go module proxy
// answers 403 for it; see random/main.ts).
// random:index/randomPassword:RandomPassword (`random_password` of hashicorp/terraform-provider-random
// v3.9.0, internal/provider/resource_password.go, internal/random/string.go, the plan modifiers in
// internal/planmodifiers and internal/validators). Every input replaces (RequiresReplace; `keepers` only
// when a value really changes). `result` and `bcryptHash` are secrets; the id is "none"; Read and Delete
// touch nothing. The characters: the minimum counts drawn from each class first, the rest from every
// enabled class, then shuffled, all from the crypto random source.
import { randomInt } from "node:crypto";
import bcrypt from "bcryptjs";
import type { ResourceHandler } from "../serve.js";
import { planned, type CheckFailure, type ResourceSchema } from "../schema.js";
import { reveal, secret, type JsonObject } from "../values.js";

const int = { kind: "int" } as const;
const bool = { kind: "bool" } as const;

const schema: ResourceSchema = {
  token: "random:index/randomPassword:RandomPassword",
  props: {
    length: { type: int, required: true, forceNew: true },
    keepers: { type: { kind: "map" }, forceNew: true },
    special: { type: bool, forceNew: true, default: true },
    upper: { type: bool, forceNew: true, default: true },
    lower: { type: bool, forceNew: true, default: true },
    numeric: { type: bool, forceNew: true, computed: true },
    number: { type: bool, forceNew: true, computed: true },
    minNumeric: { type: int, forceNew: true, default: 0 },
    minUpper: { type: int, forceNew: true, default: 0 },
    minLower: { type: int, forceNew: true, default: 0 },
    minSpecial: { type: int, forceNew: true, default: 0 },
    overrideSpecial: { type: { kind: "string" }, forceNew: true },
  },
  unimplemented: [],
};

const NUMERIC = "0123456789";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const SPECIAL = "!@#$%&*()-_=+[]{}<>:?";

export const randomPassword: ResourceHandler = {
  schema,

  checkMore(ctx, _olds, inputs, news) {
    const failures: CheckFailure[] = [];
    const fail = (property: string, reason: string) => failures.push({ property, reason: `${reason}. Examine values at '${ctx.name}.${property}'.` });
    const plain = reveal(inputs) as JsonObject;
    const given = reveal(news) as JsonObject;
    const length = plain.length as number;
    const mins = ["minUpper", "minLower", "minNumeric", "minSpecial"].reduce((sum, key) => sum + (plain[key] as number), 0);
    if (length < 1) fail("length", `Invalid Attribute Value: Attribute length value must be at least 1, got: ${length}`);
    else if (length < mins) fail("length", `Invalid Attribute Value: Attribute length value must be at least sum of min_upper + min_lower + min_numeric + min_special, got: ${length}`);
    // NumberNumericAttributePlanModifier: each defaults to the other, both to true.
    if (typeof given.number === "boolean" && typeof given.numeric === "boolean" && given.number !== given.numeric) {
      fail("numeric", "Number and numeric are both configured with different values: Number is deprecated, use numeric instead");
    }
    const numeric = (given.numeric ?? given.number ?? true) as boolean;
    // AtLeastOneOfTrue(special, upper, lower) on a configured false numeric/number.
    const others = ["special", "upper", "lower"];
    for (const key of ["numeric", "number"]) {
      if (given[key] === false && others.every((other) => given[other] === false)) {
        fail(key, `Invalid Attribute Combination: At least one attribute out of [special,upper,lower,${key}] must be specified as true`);
      }
    }
    return { inputs: { ...inputs, numeric, number: numeric }, failures };
  },

  async create(_ctx, inputs) {
    const plain = reveal(inputs) as JsonObject;
    const result = createString(plain);
    // Go's bcrypt writes the "$2a$" prefix; the hash of up to 72 bytes is the same for "$2b$".
    const bcryptHash = bcrypt.hashSync(result, bcrypt.genSaltSync(10)).replace(/^\$2b\$/, "$2a$");
    return { id: "none", outs: { ...inputs, id: "none", result: secret(result), bcryptHash: secret(bcryptHash) } };
  },

  // Read leaves the state as it is.
  read: async (_ctx, id, state) => ({ id, outs: state }),

  // Reached only when no input that replaces changed: the plan is copied to the state.
  update: async (_ctx, _id, olds, news) => planned(schema, olds, news),

  delete: async () => {},
};

/** random.CreateString */
function createString(p: JsonObject): string {
  const special = typeof p.overrideSpecial === "string" && p.overrideSpecial !== "" ? p.overrideSpecial : SPECIAL;
  const chars = [p.upper && UPPER, p.lower && LOWER, p.numeric && NUMERIC, p.special && special].filter(Boolean).join("");
  if (chars === "") throw new Error("the character set specified is empty");
  const picked: string[] = [];
  const draw = (set: string, count: number) => {
    const runes = [...set];
    for (let i = 0; i < count; i++) picked.push(runes[randomInt(runes.length)]!);
  };
  draw(NUMERIC, p.minNumeric as number);
  draw(LOWER, p.minLower as number);
  draw(UPPER, p.minUpper as number);
  draw(special, p.minSpecial as number);
  draw(chars, (p.length as number) - picked.length);
  for (let i = picked.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [picked[i], picked[j]] = [picked[j]!, picked[i]!];
  }
  return picked.join("");
}

