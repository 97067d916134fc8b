// On a user's machine the engine uses what is there: their pulumi (unless GPTSITE_ENGINE_BUILD) and
// their working Docker engine (unless GPTSITE_ENGINE_DOCKERD).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ensureDockerEngine } from "../../engine/docker.js";
import { engineLayout, engineSettings } from "../../engine/index.js";
import { ensureToolchain } from "../../engine/toolchain.js";
import { engine, engineSkip } from "./docker.js";

const said: string[] = [];
const say = (line: string) => said.push(line);
const elsewhere = await mkdtemp(path.join(tmpdir(), "gptsite-choice-"));
afterAll(() => rm(elsewhere, { recursive: true, force: true }));

describe.skipIf(engineSkip)("what engine:up picks", () => {
  it.skipIf(engine?.toolchain.kind !== "built")("uses a pulumi on PATH, and builds (here: reuses the cached build) with GPTSITE_ENGINE_BUILD set", async () => {
    const base: NodeJS.ProcessEnv = { ...process.env, PATH: `${engine.toolchain.binDir}:${process.env.PATH}` };
    delete base.GPTSITE_ENGINE_BUILD;
    const onPath = await ensureToolchain(engineSettings({ ...base, GPTSITE_ENGINE_CACHE: elsewhere }), say);
    expect(onPath).toMatchObject({ id: "path", kind: "path", binDir: engine.toolchain.binDir, version: engine.toolchain.version, madeNow: false });
    expect(said.at(-1)).toContain("from PATH; set GPTSITE_ENGINE_BUILD=1 to build one instead");

    const built = await ensureToolchain(engineSettings({ ...base, GPTSITE_ENGINE_BUILD: "1" }), say);
    expect(built).toMatchObject({ kind: "built", binDir: engine.toolchain.binDir, madeNow: false });
  });

  it("uses a Docker engine that answers at DOCKER_HOST without starting one, unless GPTSITE_ENGINE_DOCKERD is set", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: engine.docker.host, GPTSITE_ENGINE_CACHE: elsewhere };
    delete env.GPTSITE_ENGINE_DOCKERD;
    const settings = engineSettings(env);
    const theirs = await ensureDockerEngine(settings, engineLayout(settings.cacheDir), say);
    expect(theirs).toEqual({ host: engine.docker.host, private: false, started: false, version: engine.docker.version });
    expect(said.at(-1)).toContain("set GPTSITE_ENGINE_DOCKERD=1 for a private one");
  });
});
