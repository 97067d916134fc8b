// The offline upstream of `npm run local`: the test upstream (chain/upstream.ts, the one the suites hold
// to OpenAI's, Anthropic's and Gemini's wire formats), with a canned answer paced like a model's, so
// streaming is visible in a client, and a made-up key per provider that the proxy holds.
import { randomBytes } from "node:crypto";
import type { UpstreamOptions } from "../../chain/upstream.js";
import type { Provider } from "../../contract.js";

/** A canned answer, one SSE event per piece. */
export const OFFLINE_ANSWER = [
  "This", " answer", " comes", " from", " gptsite's", " offline", " upstream", ":", " the", " chain",
  " works", ",", " and", " no", " request", " left", " this", " machine", ".",
];

/** Between events: slow enough to watch the stream arrive, fast enough for --check (~1.2 s a chat). */
export const OFFLINE_PACE_MS = 60;

/** New made-up keys for a run, shaped like each provider's. */
export function offlineKeys(): Record<Provider, string> {
  const hex = () => randomBytes(12).toString("hex");
  return { openai: `sk-offline-${hex()}`, anthropic: `sk-ant-offline-${hex()}`, google: `AIza-offline-${hex()}` };
}

/** On 127.0.0.1 (free port); requests must carry one of `keys` where their provider puts it, as the APIs check theirs. */
export function offlineUpstream(keys: Record<Provider, string>): UpstreamOptions {
  return { apiKey: Object.values(keys), scenario: { chunks: OFFLINE_ANSWER, chunkIntervalMs: OFFLINE_PACE_MS } };
}
