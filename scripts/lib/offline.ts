// The offline upstream of `npm run local`: the suite's OpenAI-speaking test upstream
// (test/fixtures/upstream.ts), with a canned answer paced like a model's, so streaming is visible in
// a client. It lives in test/ because it is the one double the whole suite checks against OpenAI's
// wire format; a second copy for the script would drift from it.
import { startUpstream, type TestUpstream } from "../../test/fixtures/upstream.js";

/** A canned answer, one SSE event per piece. */
export const OFFLINE_ANSWER = [
  "This", " answer", " comes", " from", " gptsite's", " offline", " upstream", ":", " the", " chain",
  " works", ",", " and", " no", " request", " left", " this", " machine", ".",
];

/** Between events: slow enough to watch the stream arrive, fast enough for --check (~1.2 s a chat). */
export const OFFLINE_PACE_MS = 60;

/** Listens on 127.0.0.1 (free port); requests must carry `Bearer <apiKey>`, as OpenAI's do. */
export function startOfflineUpstream(apiKey: string): Promise<TestUpstream> {
  return startUpstream({ apiKey, scenario: { chunks: OFFLINE_ANSWER, chunkIntervalMs: OFFLINE_PACE_MS } });
}
