// The rule that tells a stream from a buffered answer (scripts/lib/stream.ts), and the error bodies
// the chat hops read. Pure functions: no network.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bodyError } from "../../scripts/lib/dialects.js";
import { describeTiming, judge, STREAM_RULE } from "../../scripts/lib/stream.js";

/** Arrival times from a first arrival and the gaps after it. */
const arrivals = (first: number, gaps: number[]) => gaps.reduce((t, g) => [...t, t.at(-1)! + g], [first]);

describe("judge (STREAM_RULE)", () => {
  it("streamed: enough events and one pause of burstGapMs or more, however long the first took", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 60_000, noNaN: true }),
        fc.array(fc.double({ min: 0, max: 500, noNaN: true }), { minLength: STREAM_RULE.minEvents - 1, maxLength: 60 }),
        fc.double({ min: STREAM_RULE.burstGapMs, max: 2_000, noNaN: true }),
        fc.nat(),
        (first, gaps, pause, at) => {
          const withPause = [...gaps];
          withPause.splice(at % (gaps.length + 1), 0, pause);
          expect(judge(arrivals(first, withPause)).verdict).toBe("streamed");
        },
      ),
    );
  });

  it("buffered: every pause under burstGapMs after a wait of minWaitMs or more", () => {
    fc.assert(
      fc.property(
        fc.double({ min: STREAM_RULE.minWaitMs, max: 60_000, noNaN: true }),
        fc.array(fc.double({ min: 0, max: STREAM_RULE.burstGapMs - 0.01, noNaN: true }), { minLength: STREAM_RULE.minEvents - 1, maxLength: 60 }),
        (first, gaps) => {
          expect(judge(arrivals(first, gaps)).verdict).toBe("buffered");
        },
      ),
    );
  });

  it("undecided: too few events, or a whole answer too fast to tell", () => {
    expect(judge(arrivals(400, Array(STREAM_RULE.minEvents - 2).fill(0))).verdict).toBe("undecided");
    expect(judge(arrivals(STREAM_RULE.minWaitMs - 1, Array(20).fill(1))).verdict).toBe("undecided");
    expect(judge([]).verdict).toBe("undecided");
  });

  it("a healthy OpenAI-like stream (role, ~30 tokens 8–40 ms apart, some arriving together) is streamed", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant(0), fc.double({ min: 8, max: 40, noNaN: true })), { minLength: 30, maxLength: 40 }), (gaps) => {
        fc.pre(gaps.some((g) => g >= STREAM_RULE.burstGapMs));
        expect(judge(arrivals(350, [0, ...gaps, 0])).verdict).toBe("streamed");
      }),
    );
  });

  it("describes each verdict in one line with its numbers", () => {
    expect(describeTiming(judge(arrivals(80, Array(8).fill(20))))).toBe("streamed 9 events over 160 ms (first at 80 ms, largest gap 20 ms)");
    expect(describeTiming(judge(arrivals(600, Array(8).fill(0.2))))).toBe("buffered: all 9 events came in one burst after 600 ms (largest gap 0 ms < 10)");
    expect(describeTiming(judge(arrivals(5, [1, 1])))).toBe("3 events over 2 ms (first at 5 ms, largest gap 1 ms); too few to judge streaming (needs 8)");
    expect(describeTiming(judge(arrivals(5, Array(8).fill(1))))).toBe("9 events over 8 ms (first at 5 ms, largest gap 1 ms); too fast to judge streaming");
  });
});

describe("bodyError", () => {
  it("reads OpenAI's error object, NextChat's {error: true, msg} and NextChat's caught exception (a JSON string)", () => {
    expect(bodyError('{"error":{"message":"Incorrect API key provided.","type":"invalid_request_error","code":"invalid_api_key"}}')).toBe(
      "invalid_api_key: Incorrect API key provided.",
    );
    expect(bodyError('{"error":{"message":"The server had an error.","type":"server_error","code":null}}')).toBe("server_error: The server had an error.");
    expect(bodyError('{"error":true,"msg":"empty access code"}')).toBe("empty access code");
    expect(bodyError('"TypeError: fetch failed"')).toBe("TypeError: fetch failed");
    expect(bodyError(JSON.stringify('```json\n{\n  "cause": "ECONNREFUSED"\n}\n```'))).toBe('{\n  "cause": "ECONNREFUSED"\n}');
  });

  it("finds no error in a completion, in text that is not JSON, or in an error: false", () => {
    expect(bodyError('{"id":"chatcmpl-1","choices":[]}')).toBeUndefined();
    expect(bodyError("<html>502 Bad Gateway</html>")).toBeUndefined();
    expect(bodyError('{"error":false}')).toBeUndefined();
  });
});
