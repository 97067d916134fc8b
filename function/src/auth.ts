// Who may use the proxy, and which Authorization goes upstream (config.ts AuthMode explains the modes).
import { createHash, timingSafeEqual } from "node:crypto";
import type { AuthMode } from "./config.js";
import { ProxyError } from "./errors.js";

export type AuthResult =
  | { readonly ok: true; readonly authorization: string | undefined }
  | { readonly ok: false; readonly error: ProxyError };

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The check for one auth mode, built once at startup: the configured secrets are prepared here, not per request. */
export function authorizer(mode: AuthMode): (header: string | undefined) => AuthResult {
  if (mode.kind === "passthrough") return (header) => ({ ok: true, authorization: header });
  // Digests compared: timingSafeEqual needs equal lengths, and comparing digests hides where they differ.
  const token = digest(mode.token);
  const isToken = (credential: string) => timingSafeEqual(digest(credential), token);
  const [granted, how] =
    mode.kind === "key"
      ? [`Bearer ${mode.apiKey}`, "Authorization: Bearer <PROXY_TOKEN>"]
      : [undefined, "Authorization: Bearer <your OpenAI key>:<PROXY_TOKEN>, or Bearer <PROXY_TOKEN>"];
  return (header) => {
    const credential = header === undefined ? undefined : BEARER.exec(header)?.[1];
    if (credential !== undefined) {
      // `<token>` alone: the key, or none for a keyless upstream. With only PROXY_TOKEN set,
      // `<callerKey>:<token>`: the caller's own key goes on.
      if (isToken(credential)) return { ok: true, authorization: granted };
      const split = credential.length - mode.token.length - 1;
      if (mode.kind === "token" && split > 0 && credential[split] === ":" && isToken(credential.slice(split + 1))) {
        return { ok: true, authorization: `Bearer ${credential.slice(0, split)}` };
      }
    }
    const why = credential === undefined ? "no Bearer credential" : "the credential does not match";
    return { ok: false, error: new ProxyError("invalid_proxy_token", `${why}; send ${how}`) };
  };
}

function digest(secret: string): Buffer {
  return createHash("sha256").update(secret).digest();
}
