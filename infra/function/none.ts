import * as pulumi from "@pulumi/pulumi";
import type { FunctionProvider } from "./types.js";

/** No proxy: NextChat and Nginx call the upstream itself, which only works from a host outside mainland China. */
export const provider: FunctionProvider = {
  title: "no proxy (NextChat calls the upstream directly)",
  credentials: [],
  runsProxy: false,
  regions: [],
  refusedRegions: [],
  defaultRegion: "",
  memory: { allowed: () => true, text: "any (unused)" },
  maxConcurrency: Number.MAX_SAFE_INTEGER,
  create: (_name, { settings }) => ({ url: pulumi.output(settings.upstreams.openai) }),
  mocks: { functionUrl: "https://api.openai.com" },
};
