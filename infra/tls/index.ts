// The TLS modes (tlsMode): one file each, one line each here. Config validation, the composition
// (site.ts) and the tests under mocks read this table.
import { provider as acme } from "./acme.js";
import { provider as files } from "./files.js";
import { provider as none } from "./none.js";
import type { TlsProvider } from "./types.js";

export type { TlsMaterial, TlsProvider } from "./types.js";

export const tlsProviders = { acme, files, none } satisfies Record<string, TlsProvider>;

export type TlsMode = keyof typeof tlsProviders;
export const TLS_MODES = Object.keys(tlsProviders) as TlsMode[];
