// resolveTarget on its own, with generated targets built from the pieces path tricks are made of.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { resolveTarget } from "../../function/src/target.js";

const PIECES = ["/", "/", ".", "..", "%2e", "%2E", "%2f", "%2F", "%5c", "\\", "v1", "v1", "v2", "release", "healthz", "a", "?", "%", "%00", "%41", "#", "//"];
const target = fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }).map((parts) => parts.join(""));

describe("resolveTarget", () => {
  it("relays nothing but /v1 paths free of dot segments and encoded separators", () => {
    fc.assert(
      fc.property(target, (raw) => {
        const t = resolveTarget(raw);
        if (t.kind !== "relay") return;
        const path = t.path;
        expect(path === "/v1" || path.startsWith("/v1/")).toBe(true);
        expect(t.provider).toBe("openai");
        for (const segment of path.split("/").slice(1)) {
          const decoded = decodeURIComponent(segment);
          expect(decoded).not.toMatch(/^\.\.?$/);
          expect(decoded).not.toMatch(/[/\\]/);
        }
        expect(t.logPath).not.toContain("?");
      }),
      { numRuns: 5_000 },
    );
  });

  it("relays any plain /v1 path unchanged, with or without one stage prefix", () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 5 }), fc.option(segment.filter((s) => s !== "v1")), (segments, stage) => {
        const path = ["/v1", ...segments].join("/");
        expect(resolveTarget(`${stage ? `/${stage}` : ""}${path}?q=1`)).toEqual({
          kind: "relay",
          provider: "openai",
          path,
          query: "?q=1",
          logPath: stage ? `/*${path}` : path,
        });
      }),
    );
  });
});
