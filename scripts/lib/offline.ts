// The offline upstream of `npm run local`: the OpenAI-speaking test upstream (chain/upstream.ts, the
// one the suites hold to OpenAI's wire format), with a canned answer paced like a model's, so
// streaming is visible in a client.
import type { UpstreamOptions } from "../../chain/upstream.js";

/** A canned answer, one SSE event per piece. */
export const OFFLINE_ANSWER = [
  "This", " answer", " comes", " from", " gptsite's", " offline", " upstream", ":", " the", " chain",
  " works", ",", " and", " no", " request", " left", " this", " machine", ".",
];

/** Between events: slow enough to watch the stream arrive, fast enough for --check (~1.2 s a chat). */
export const OFFLINE_PACE_MS = 60;

/** On 127.0.0.1 (free port); requests must carry `Bearer <apiKey>`, as OpenAI's do. */
export function offlineUpstream(apiKey: string): UpstreamOptions {
  return { apiKey, scenario: { chunks: OFFLINE_ANSWER, chunkIntervalMs: OFFLINE_PACE_MS } };
}
