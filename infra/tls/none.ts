import type { TlsProvider } from "./types.js";

/** Plain HTTP. */
export const provider: TlsProvider = {
  encrypts: false,
  needsDnsChallenge: false,
  readsFiles: false,
  create: () => undefined,
  mocks: {},
};
