// Builds a command from a released Go module. `go install mod@version` refuses modules whose go.mod
// has replace directives (Pulumi's all do), so the module is downloaded, copied somewhere writable and
// built in place.
import { cp } from "node:fs/promises";
import path from "node:path";
import { run } from "./run.js";

export interface GoModuleBuild {
  go: string;
  env: NodeJS.ProcessEnv;
  module: { module: string; version: string; pkg: string };
  /** A writable copy of the module is made under this directory. */
  workDir: string;
  output: string;
  /** Stamped into `versionVariable` with -ldflags -X. */
  version: string;
  versionVariable: string;
  /** A module whose replace directive points into a checkout we do not have: use its released version. */
  dropReplace?: string;
}

/** `go mod download` of module@version; returns the module's (read-only) directory in GOMODCACHE. */
export async function downloadGoModule(go: string, env: NodeJS.ProcessEnv, module: string, version: string, cwd: string): Promise<string> {
  // Outside any module (cwd has no go.mod), so the download does not touch one.
  const info = JSON.parse(await run(go, ["mod", "download", "-json", `${module}@${version}`], { cwd, env })) as { Dir?: string; Error?: string };
  if (!info.Dir) throw new Error(`go mod download ${module}@${version}: ${info.Error ?? "no directory in the answer"}`);
  return info.Dir;
}

export async function buildGoModule(build: GoModuleBuild): Promise<void> {
  const { go, env, module } = build;
  const into = path.join(build.workDir, `src-${path.basename(build.output)}`);
  await cp(await downloadGoModule(go, env, module.module, module.version, build.workDir), into, { recursive: true });
  // GOMODCACHE files are read-only; the copy must not be, or go mod edit and the cleanup fail.
  await run("chmod", ["-R", "u+w", into]);
  if (build.dropReplace) {
    await run(go, ["mod", "edit", `-dropreplace=${build.dropReplace}`], { cwd: into, env });
    // Adds the go.sum lines of the released module the replace stood for.
    await run(go, ["mod", "tidy", "-e"], { cwd: into, env });
  }
  await run(go, ["build", "-buildvcs=false", "-trimpath", "-ldflags", `-s -w -X ${build.versionVariable}=${build.version}`, "-o", build.output, module.pkg], { cwd: into, env });
}
