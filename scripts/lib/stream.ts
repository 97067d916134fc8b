// One streamed chat (any provider's dialect, dialects.ts), timed event by event at the client, and the
// rule that tells a stream from a buffered answer.
//
// The rule (STREAM_RULE): with at least 8 `data:` events, the answer streamed when some pause between
// two consecutive events is 10 ms or more. When every pause is shorter, the events came in one burst:
// "buffered" if the first of them came 50 ms or more after the request (something held the answer
// back, then let it go at once), "undecided" if the whole answer took less than that (a local
// upstream too fast to tell). Fewer than 8 events: "undecided".
// Why it does not misfire on a healthy OpenAI stream: OpenAI writes tokens as the model makes them,
// tens of ms apart (gpt-4o-mini ≈ 50–150 tokens/s), so of 8+ events some pause is well above 10 ms;
// all of them under 10 ms would take 700+ events/s. A buffering hop (Nginx with gzip or buffering on
// event streams, a CDN) releases the answer in one write: every pause ≈ 0. An upstream that generates
// faster than ~700 tokens/s (not OpenAI) can look buffered; the detail line gives the numbers.
import { performance } from "node:perf_hooks";
import type { Provider } from "../../contract.js";
import { bodyError, DIALECTS } from "./dialects.js";
import type { StreamTiming } from "./report.js";
import { decoded, open, readText, type HttpRequest } from "./http.js";

export const STREAM_RULE = { minEvents: 8, burstGapMs: 10, minWaitMs: 50 } as const;

/** Asks for ~30 tokens: enough events to judge the stream, a negligible cost. */
export const CHAT_PROMPT = "Count from 1 to 15, separated by commas, and write nothing else.";

export interface ChatOutcome {
  status: number;
  contentType: string;
  gzip: boolean;
  /** The assistant's text, as far as it came. */
  content: string;
  /** Present when the answer was an event stream. */
  timing?: StreamTiming;
  /** The error the body carried (the provider's error object, NextChat's error body, an error event), or a cut stream. */
  error?: string;
}

/** `provider` picks the dialect (default OpenAI's); `url` is the chat's whole URL (its dialect's chatPath under a base). */
export type ChatRequest = Omit<HttpRequest, "body" | "method"> & { model: string; provider?: Provider };

/** POSTs a streamed chat to `url` in the provider's dialect and reads the whole answer. */
export async function streamChat(url: string, request: ChatRequest): Promise<ChatOutcome> {
  const { model, provider = "openai", ...http } = request;
  const dialect = DIALECTS[provider];
  const started = performance.now();
  const res = await open(url, {
    ...http,
    method: "POST",
    // The SDKs and browsers accept gzip: a hop that compresses event streams must show here.
    headers: { "content-type": "application/json", accept: "text/event-stream", "accept-encoding": "gzip", ...dialect.headers, ...http.headers },
    body: JSON.stringify(dialect.body(model, CHAT_PROMPT)),
  });
  const base = {
    status: res.statusCode ?? 0,
    contentType: res.headers["content-type"] ?? "",
    gzip: res.headers["content-encoding"] === "gzip",
  };
  if (!base.contentType.startsWith("text/event-stream")) {
    const text = await readText(res, http.signal);
    return { ...base, content: "", error: bodyError(text) ?? `expected an event stream, got ${base.contentType || "no content type"}: ${text.slice(0, 120)}` };
  }

  const times: number[] = [];
  let content = "";
  let error: string | undefined;
  let done = false;
  let pending = "";
  try {
    for await (const part of decoded(res)) {
      const at = performance.now() - started;
      pending += (part as Buffer).toString("utf8").replace(/\r\n/g, "\n");
      const blocks = pending.split("\n\n");
      pending = blocks.pop()!;
      for (const block of blocks) {
        const data = block.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trimStart()).join("\n");
        if (!data) continue;
        times.push(at);
        const said = dialect.read(data);
        if (said.error) error ??= said.error;
        if (said.done) done = true;
        content += said.text ?? "";
      }
    }
  } catch (err) {
    error ??= `the stream broke off after ${times.length} events: ${(err as Error).message}`;
  }
  if (!done) error ??= `the stream ended after ${times.length} events without ${dialect.end}`;
  return { ...base, content, timing: judge(times), ...(error ? { error } : {}) };
}

/** The verdict of STREAM_RULE on event arrival times (ms since the request was sent). */
export function judge(times: readonly number[]): StreamTiming {
  const events = times.length;
  const first = times[0] ?? 0;
  let largestGap = 0;
  for (let i = 1; i < events; i++) largestGap = Math.max(largestGap, times[i]! - times[i - 1]!);
  const round = (n: number) => Math.round(n * 10) / 10;
  const timing = { events, firstEventMs: round(first), spanMs: round((times.at(-1) ?? 0) - first), largestGapMs: round(largestGap) };
  let verdict: StreamTiming["verdict"] = "undecided";
  if (events >= STREAM_RULE.minEvents) {
    if (largestGap >= STREAM_RULE.burstGapMs) verdict = "streamed";
    else if (first >= STREAM_RULE.minWaitMs) verdict = "buffered";
  }
  return { ...timing, verdict };
}

/** One line about a judged stream, e.g. `streamed 18 events over 402 ms (first at 96 ms, largest gap 41 ms)`. */
export function describeTiming(t: StreamTiming): string {
  const numbers = `${t.events} events over ${Math.round(t.spanMs)} ms (first at ${Math.round(t.firstEventMs)} ms, largest gap ${Math.round(t.largestGapMs)} ms)`;
  switch (t.verdict) {
    case "streamed":
      return `streamed ${numbers}`;
    case "buffered":
      return `buffered: all ${t.events} events came in one burst after ${Math.round(t.firstEventMs)} ms (largest gap ${Math.round(t.largestGapMs)} ms < ${STREAM_RULE.burstGapMs})`;
    case "undecided":
      return t.events < STREAM_RULE.minEvents
        ? `${numbers}; too few to judge streaming (needs ${STREAM_RULE.minEvents})`
        : `${numbers}; too fast to judge streaming`;
  }
}
