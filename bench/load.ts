// Load through autocannon: non-streaming (and, for the memory run, streaming) chat completions over
// keep-alive connections at a fixed concurrency. Latency comes from autocannon's per-response times
// (fractional ms): its histograms keep whole milliseconds, too coarse on loopback.
import autocannon from "autocannon";

/** The route and headers of every chat the bench sends (the test upstream takes any key). */
export const CHAT_PATH = "/v1/chat/completions";
export const CHAT_HEADERS = { "content-type": "application/json", authorization: "Bearer sk-bench" };

export const COMPLETION_BODY = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "bench" }] });
export const STREAM_BODY = JSON.stringify({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "bench" }] });

export interface LoadOptions {
  connections: number;
  /** Seconds to run, or… */
  durationSec?: number;
  /** …the number of requests to send. */
  amount?: number;
  /** Bodies the connections send in turn (default: one non-streaming completion). */
  bodies?: readonly string[];
}

export interface LoadResult {
  /** 2xx responses per second over the run. */
  rps: number;
  responses: number;
  /** One per 2xx response (ms). */
  latenciesMs: number[];
}

export function load(baseUrl: string, o: LoadOptions): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  const bodies = o.bodies ?? [COMPLETION_BODY];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${baseUrl}${CHAT_PATH}`,
        connections: o.connections,
        ...(o.amount === undefined ? { duration: o.durationSec ?? 1 } : { amount: o.amount }),
        requests: bodies.map((body) => ({ method: "POST", path: CHAT_PATH, headers: CHAT_HEADERS, body })),
      },
      (err, result) => {
        if (err) return reject(err);
        // A bench that counted failures as speed would lie: every response must have been a 2xx.
        const failed = result.errors + result.non2xx;
        if (failed > 0) {
          return reject(new Error(`load on ${baseUrl}: ${result.errors} connection errors, ${result.non2xx} non-2xx responses of ${result.requests.sent} sent`));
        }
        resolve({ rps: result["2xx"] / result.duration, responses: result["2xx"], latenciesMs });
      },
    );
    instance.on("response", (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latenciesMs.push(responseTime);
    });
  });
}
