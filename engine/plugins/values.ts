// Shared by the STAND-IN provider plugins (docker/main.ts, random/main.ts say why they exist).
// Property values as the engine sends them to a provider that accepts secrets (Configure answers
// acceptSecrets): a secret is an object tagged with Pulumi's signature key, an unknown (preview only)
// is a sentinel string. Values are JSON as the provider server's Struct.toJavaScript() yields them.

/** @pulumi/pulumi runtime/rpc.js `specialSigKey`, `specialSecretSig`, `unknownValue`. */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isSecret(value: unknown): value is { value: Json } {
  return typeof value === "object" && value !== null && (value as JsonObject)[SIG_KEY] === SECRET_SIG;
}

export function secret(value: Json): Json {
  return isSecret(value) ? value : { [SIG_KEY]: SECRET_SIG, value };
}

/** The value with every secret wrapper removed, at any depth. */
export function reveal(value: Json | undefined): Json | undefined {
  if (isSecret(value)) return reveal(value.value);
  if (Array.isArray(value)) return value.map((item) => reveal(item) ?? null);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v) ?? null]));
  return value;
}

export function containsSecret(value: Json | undefined): boolean {
  if (isSecret(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecret);
  if (isObject(value)) return Object.values(value).some(containsSecret);
  return false;
}

export function containsUnknown(value: Json | undefined): boolean {
  if (value === UNKNOWN) return true;
  if (isSecret(value)) return containsUnknown(value.value);
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (isObject(value)) return Object.values(value).some(containsUnknown);
  return false;
}

/** Every secret string inside `value`, so messages and logs can be scrubbed of them. */
export function secretStrings(value: Json | undefined, inSecret = false): string[] {
  if (isSecret(value)) return secretStrings(value.value, true);
  if (typeof value === "string") return inSecret ? [value] : [];
  if (Array.isArray(value)) return value.flatMap((item) => secretStrings(item, inSecret));
  if (isObject(value)) return Object.values(value).flatMap((item) => secretStrings(item, inSecret));
  return [];
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !isSecret(value);
}

/** `value` as a secret when `like` (the input it came from) held a secret anywhere. */
export function secretLike(value: Json, like: Json | undefined): Json {
  return containsSecret(like) ? secret(reveal(value) ?? null) : value;
}

/** `state` with the values read from the live resource laid over it, each as secret as its input was. */
export function overlay(state: JsonObject, read: JsonObject): JsonObject {
  const outs: JsonObject = { ...state };
  for (const [key, value] of Object.entries(read)) outs[key] = secretLike(value, state[key]);
  return outs;
}
