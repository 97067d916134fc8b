// Who may use the proxy, and which Authorization goes upstream (config.ts AuthMode explains the modes).
import { createHash, timingSafeEqual } from "node:crypto";
import type { AuthMode } from "./config.js";
import { ProxyError } from "./errors.js";

export type AuthResult =
  | { readonly ok: true; readonly authorization: string | undefined }
  | { readonly ok: false; readonly error: ProxyError };

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export function authorize(mode: AuthMode, header: string | undefined): AuthResult {
  if (mode.kind === "passthrough") return { ok: true, authorization: header };
  const credential = header === undefined ? undefined : BEARER.exec(header)?.[1];
  const deny = (how: string): AuthResult => ({
    ok: false,
    error: new ProxyError("invalid_proxy_token", `${credential === undefined ? "no Bearer credential" : "the credential does not match"}; send ${how}`),
  });
  if (mode.kind === "key") {
    if (credential !== undefined && sameSecret(credential, mode.token)) {
      return { ok: true, authorization: `Bearer ${mode.apiKey}` };
    }
    return deny("Authorization: Bearer <PROXY_TOKEN>");
  }
  if (credential !== undefined) {
    // `<token>` alone: a keyless upstream. `<callerKey>:<token>`: the caller's own key goes on.
    if (sameSecret(credential, mode.token)) return { ok: true, authorization: undefined };
    const split = credential.length - mode.token.length - 1;
    if (split > 0 && credential[split] === ":" && sameSecret(credential.slice(split + 1), mode.token)) {
      return { ok: true, authorization: `Bearer ${credential.slice(0, split)}` };
    }
  }
  return deny("Authorization: Bearer <your OpenAI key>:<PROXY_TOKEN>, or Bearer <PROXY_TOKEN>");
}

// Digests first: timingSafeEqual needs equal lengths, and comparing digests hides where they differ.
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(digest(a), digest(b));
}
