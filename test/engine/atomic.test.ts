// Cache entries (the Pulumi toolchain, the root filesystem) appear whole or not at all.
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildAtomically, cached } from "../../engine/atomic.js";

let parent: string;
beforeEach(async () => {
  parent = await mkdtemp(path.join(tmpdir(), "gptsite-atomic-"));
});
afterEach(() => rm(parent, { recursive: true, force: true }));

describe("buildAtomically", () => {
  it("leaves no entry and no temp dir when the build fails midway", async () => {
    const entry = path.join(parent, "entry");
    await expect(
      buildAtomically(entry, async (tmp) => {
        await writeFile(path.join(tmp, "half"), "x");
        throw new Error("interrupted");
      }),
    ).rejects.toThrow("interrupted");
    expect(await cached(entry)).toBe(false);
    expect(await readdir(parent)).toEqual([]);
  });

  it("removes the temp dir an interrupted run left (its process is gone), then builds the entry whole", async () => {
    const entry = path.join(parent, "entry");
    const gone = spawnSync(process.execPath, ["-e", ""]).pid;
    await mkdir(path.join(parent, `.entry.tmp-${gone}`, "bin"), { recursive: true });
    await buildAtomically(entry, (tmp) => writeFile(path.join(tmp, "done"), "whole"));
    expect(await readdir(parent)).toEqual(["entry"]);
    expect(await readFile(path.join(entry, "done"), "utf8")).toBe("whole");
  });

  it("keeps the entry another run finished first", async () => {
    const entry = path.join(parent, "entry");
    await buildAtomically(entry, async (tmp) => {
      await mkdir(entry);
      await writeFile(path.join(entry, "first"), "kept");
      await writeFile(path.join(tmp, "second"), "dropped");
    });
    expect(await readdir(entry)).toEqual(["first"]);
    expect(await readdir(parent)).toEqual(["entry"]);
  });
});
