// Shared by the STAND-IN provider plugins (docker/main.ts, random/main.ts say why they exist).
// The part of a bridged Terraform provider that is not about the cloud: its schema. `check` validates
// and defaults inputs the way the bridge does (pulumi-terraform-bridge pkg/tfbridge/provider.go `Check`,
// typechecker/typechecker.go, check_failures.go): an argument the schema does not know is Terraform's
// "Invalid or unknown key", a wrong type is named with its path, and every failure ends with the bridge's
// "Examine values at '<resource>.<path>'.". `diff` compares the prior state with the checked inputs as a
// Terraform plan does: a property left out is its zero value, unless it is Optional+Computed (then the
// provider's value stands); sets compare without order; a change to a ForceNew property replaces.
import { randomBytes } from "node:crypto";
import type { Context, ResourceHandler } from "./serve.js";
import { containsUnknown, isObject, isSecret, reveal, secret, UNKNOWN, type Json, type JsonObject } from "./values.js";

export type Type =
  | { kind: "string"; validate?: (value: string) => string | undefined }
  | { kind: "int"; min?: number }
  | { kind: "bool" }
  | { kind: "list" | "set"; of: Type }
  /** A map of strings. */
  | { kind: "map" }
  /** A nested block; `maxItemsOne` ones are a single object in Pulumi, not a list. */
  | { kind: "object"; props: Props; unimplemented?: readonly string[] };

export interface Prop {
  type: Type;
  required?: boolean;
  forceNew?: boolean;
  /** Optional+Computed in Terraform: when the program leaves it out, the provider's value stands. */
  computed?: boolean;
  /** Terraform's schema default, filled in by `check` as the bridge does. */
  default?: Json;
}

export type Props = Record<string, Prop>;

export interface ResourceSchema {
  /** Pulumi type token, e.g. `docker:index/container:Container`. */
  token: string;
  props: Props;
  /** Inputs of the real resource that this stand-in does not implement: refused by name, never ignored. */
  unimplemented: readonly string[];
  /** The real provider's DiffSuppressFuncs: equality of one top-level property, on revealed values. */
  equal?: Record<string, (old: Json | undefined, news: Json | undefined) => boolean>;
}

export interface CheckFailure {
  property: string;
  reason: string;
}

/**
 * Validates `news` and fills in defaults. The result keeps secrets wrapped where the program put them.
 * Failures name the property path (the bridge's wording) and never show a secret's value.
 */
export function check(schema: ResourceSchema, name: string, news: JsonObject): { inputs: JsonObject; failures: CheckFailure[] } {
  const failures: CheckFailure[] = [];
  const fail = (path: string, reason: string) =>
    failures.push({ property: path, reason: `${reason}. Examine values at '${name}.${path}'.` });
  const inputs = checkObject(schema.props, schema.unimplemented, news, "", fail, schema.token);
  return { inputs, failures };
}

/** Check as the provider runs it (serve.ts): the schema's check, then the handler's own work when that passed. */
export function checkInputs(h: ResourceHandler, ctx: Context, olds: JsonObject, news: JsonObject): { inputs: JsonObject; failures: CheckFailure[] } {
  const checked = check(h.schema, ctx.name, news);
  return checked.failures.length > 0 || !h.checkMore ? checked : h.checkMore(ctx, olds, checked.inputs, news);
}

type Fail = (path: string, reason: string) => void;

function checkObject(props: Props, unimplemented: readonly string[] = [], value: JsonObject, prefix: string, fail: Fail, token: string): JsonObject {
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (item === null) continue; // the bridge unmarshals news with SkipNulls
    const prop = props[key];
    if (!prop) {
      fail(
        path,
        unimplemented.includes(key)
          ? `${path} is an input of the real ${token}, but this stand-in provider (engine/plugins) does not implement it`
          : "Invalid or unknown key",
      );
      continue;
    }
    out[key] = checkValue(prop.type, item, path, fail, token);
  }
  for (const [key, prop] of Object.entries(props)) {
    if (key in out) continue;
    const path = prefix ? `${prefix}.${key}` : key;
    if (prop.required) fail(path, `Missing required argument. The argument "${key}" is required, but no definition was found.`);
    else if (prop.default !== undefined) out[key] = prop.default;
  }
  return out;
}

function checkValue(type: Type, value: Json, path: string, fail: Fail, token: string): Json {
  if (value === UNKNOWN) return value;
  if (isSecret(value)) return secret(checkValue(type, value.value, path, (p, reason) => fail(p, redact(reason, value.value)), token));
  const wrong = (expected: string) => {
    fail(path, `expected ${expected} type, got ${preview(value)} of type ${typeName(value)}`);
    return value;
  };
  switch (type.kind) {
    case "string": {
      // The bridge coerces numbers and booleans to strings.
      if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") return wrong("string");
      const text = String(value);
      const problem = type.validate?.(text);
      if (problem) fail(path, problem);
      return text;
    }
    case "int": {
      // …and numeric strings to numbers (Terraform's weak decoding into an int).
      const number = typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : value;
      if (typeof number !== "number" || !Number.isInteger(number)) return wrong("integer");
      if (type.min !== undefined && number < type.min) fail(path, `'${number}' cannot be lower than ${type.min}`);
      return number;
    }
    case "bool":
      if (value === "true" || value === "false") return value === "true";
      return typeof value === "boolean" ? value : wrong("boolean");
    case "list":
    case "set":
      if (!Array.isArray(value)) return wrong("array");
      return value.map((item, i) => checkValue(type.of, item, `${path}[${i}]`, fail, token));
    case "map":
      if (!isObject(value)) return wrong("object");
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, checkValue({ kind: "string" }, v, `${path}.${k}`, fail, token)]));
    case "object":
      if (!isObject(value)) return wrong("object");
      return checkObject(type.props, type.unimplemented, value, path, fail, token);
  }
}

function typeName(value: Json): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  return typeof value === "number" ? "number" : typeof value === "object" ? "object" : typeof value;
}

/** The bridge's previewPropertyValue: a quoted string or JSON, cut at 30 characters. */
function preview(value: Json): string {
  const text = JSON.stringify(value);
  return text.length > 30 ? `${text.slice(0, 27)}...` : text;
}

/** A failure inside a secret names the path but not the value. */
function redact(reason: string, value: Json): string {
  const shown = [preview(value), String(reveal(value))].filter((s) => s.length > 0);
  return shown.reduce((text, s) => text.split(s).join("secret(<redacted>)"), reason);
}

export interface Diff {
  /** Top-level properties that changed. */
  changed: string[];
  /** Those of them whose change replaces the resource. */
  replaces: string[];
}

/** Prior state (`olds`, the resource's outputs) against checked inputs (`news`). */
export function diff(schema: ResourceSchema, olds: JsonObject, news: JsonObject): Diff {
  const changed: string[] = [];
  for (const [key, prop] of Object.entries(schema.props)) {
    const next = news[key];
    if (next === undefined && prop.computed) continue;
    if (next !== undefined && containsUnknown(next)) {
      changed.push(key);
      continue;
    }
    const equal = schema.equal?.[key];
    const same = equal ? equal(reveal(olds[key]), reveal(next)) : sameValue(prop.type, olds[key], next);
    if (!same) changed.push(key);
  }
  return { changed, replaces: changed.filter((key) => schema.props[key]!.forceNew) };
}

/**
 * The state after an in-place update, as Terraform plans it: the new inputs, the prior value of an
 * Optional+Computed property the program left out, and nothing for another property it dropped.
 */
export function planned(schema: ResourceSchema, olds: JsonObject, news: JsonObject): JsonObject {
  const outs: JsonObject = { ...olds };
  for (const [key, prop] of Object.entries(schema.props)) {
    const value = news[key];
    if (value !== undefined) outs[key] = value;
    else if (!prop.computed) delete outs[key];
  }
  return outs;
}

export function sameValue(type: Type, a: Json | undefined, b: Json | undefined): boolean {
  return JSON.stringify(canonical(type, reveal(a))) === JSON.stringify(canonical(type, reveal(b)));
}

/** Terraform's view of a value: absent is zero, sets have no order, object keys come from the schema. */
function canonical(type: Type, value: Json | undefined): Json {
  switch (type.kind) {
    case "string":
      return value === undefined || value === null ? "" : String(value);
    case "int":
      return value === undefined || value === null ? 0 : Number(value);
    case "bool":
      return value === undefined || value === null ? false : value === true || value === "true";
    case "list":
      return Array.isArray(value) ? value.map((item) => canonical(type.of, item)) : [];
    case "set":
      return Array.isArray(value) ? value.map((item) => JSON.stringify(canonical(type.of, item))).sort() : [];
    case "map": {
      const entries = isObject(value) ? Object.entries(value).map(([k, v]) => [k, String(v)] as const) : [];
      return Object.fromEntries(entries.sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
    }
    case "object": {
      // A MaxItemsOne block that is absent is an empty block.
      const object = isObject(value) ? value : {};
      return Object.fromEntries(Object.entries(type.props).map(([k, prop]) => [k, canonical(prop.type, object[k])]));
    }
  }
}

/**
 * The bridge's autonaming (ProviderInfo.SetAutonaming(255, "-")): a `name` the program leaves out is the
 * resource's name and a random suffix, and stays what it was on later updates.
 */
export function autoname(resourceName: string, olds: JsonObject, inputs: JsonObject): JsonObject {
  const name = inputs.name ?? olds.name ?? `${resourceName}-${randomBytes(4).toString("hex").slice(0, 7)}`;
  return { ...inputs, name };
}
