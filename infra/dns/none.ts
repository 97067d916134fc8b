import type { DnsProvider } from "./types.js";

/** No record: the user points the name at the host themselves. */
export const provider: DnsProvider = {
  title: "none (you point the name at the host yourself)",
  credentials: [],
  managesRecord: false,
  minTtl: 1,
  proxiable: false,
  create: () => undefined,
  mocks: {},
};
