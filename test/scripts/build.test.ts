// `npm run local` rebuilds the proxy only when function/dist/index.mjs is missing or older than a source.
import { mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { needsBuild } from "../../scripts/lib/build.js";

let root: string | undefined;
afterEach(() => (root ? rm(root, { recursive: true, force: true }) : undefined));

/** A project tree with the proxy's sources and, unless `built` is null, a bundle, with these ages (s). */
async function tree(ages: { source: number; nested: number; buildScript: number; built: number | null }): Promise<string> {
  root = await mkdtemp(path.join(tmpdir(), "gptsite-build-"));
  const now = Date.now() / 1000;
  const file = async (rel: string, age: number) => {
    const full = path.join(root!, rel);
    await mkdir(path.dirname(full), { recursive: true });
    await writeFile(full, "x");
    await utimes(full, now - age, now - age);
  };
  await file("function/src/main.ts", ages.source);
  await file("function/src/sub/deep.ts", ages.nested);
  await file("function/build.ts", ages.buildScript);
  if (ages.built !== null) await file("function/dist/index.mjs", ages.built);
  // Directories get the oldest time, so only files decide.
  for (const dir of ["function/src/sub", "function/src"]) await utimes(path.join(root, dir), now - 10_000, now - 10_000);
  return root;
}

describe("needsBuild", () => {
  it("builds when there is no bundle", async () => {
    expect(await needsBuild(await tree({ source: 100, nested: 100, buildScript: 100, built: null }))).toBe(true);
  });

  it("does not build when the bundle is newer than every source", async () => {
    expect(await needsBuild(await tree({ source: 100, nested: 90, buildScript: 80, built: 10 }))).toBe(false);
  });

  it.each([
    ["a source file", { source: 5, nested: 100, buildScript: 100, built: 10 }],
    ["a file in a subdirectory", { source: 100, nested: 5, buildScript: 100, built: 10 }],
    ["the build script", { source: 100, nested: 100, buildScript: 5, built: 10 }],
  ])("builds when %s changed after the bundle", async (_, ages) => {
    expect(await needsBuild(await tree(ages))).toBe(true);
  });
});
