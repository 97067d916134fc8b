// The key replacement on its own: whatever the chunking, the output is the input with every
// occurrence of the key replaced, and nothing else changed.
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bodyRedaction, REDACTED } from "../../function/src/redact.js";

const KEY = "sk-abcabd-KEY";

async function through(chunks: string[]): Promise<string> {
  const steps = bodyRedaction(KEY, undefined)!;
  const out = Readable.from(chunks.map((c) => Buffer.from(c))).pipe(steps[0]!);
  return (await buffer(out)).toString();
}

describe("bodyRedaction", () => {
  it("replaces the key wherever the chunks cut it", async () => {
    // Pieces that overlap the key's own prefixes, so partial matches are tried at every boundary.
    const piece = fc.constantFrom(KEY, "sk-", "sk-abc", "abd-KEY", "x", " ", "sk-abcab", "\u00e9");
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 6 }), async (pieces, cuts) => {
        const text = pieces.join("");
        const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...at, text.length].slice(1).map((end, i, ends) => text.slice(i === 0 ? 0 : ends[i - 1], end));
        expect(await through(chunks)).toBe(text.replaceAll(KEY, REDACTED));
      }),
      { numRuns: 500 },
    );
  });

  it("reads the codings clients ask for, and no other", () => {
    for (const coding of [undefined, "", "identity", "gzip", "x-gzip", "deflate", "br", " GZIP "]) expect(bodyRedaction(KEY, coding)).toBeDefined();
    for (const coding of ["zstd", "compress", "gzip, br", "constructor", "__proto__"]) expect(bodyRedaction(KEY, coding)).toBeUndefined();
  });
});
