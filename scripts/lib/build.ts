// `npm run local` builds the proxy only when function/dist/index.mjs is missing or older than its sources.
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { $ } from "zx";

/** Newest modification time of the proxy's sources (function/src and the build script). */
async function newestSource(root: string): Promise<number> {
  const src = path.join(root, "function", "src");
  const files = (await readdir(src, { recursive: true })).map((f) => path.join(src, f));
  const times = await Promise.all([...files, path.join(root, "function", "build.ts")].map(async (f) => (await stat(f)).mtimeMs));
  return Math.max(...times);
}

export async function needsBuild(root: string): Promise<boolean> {
  try {
    const built = (await stat(path.join(root, "function", "dist", "index.mjs"))).mtimeMs;
    return built < (await newestSource(root));
  } catch {
    return true;
  }
}

/** `npm run build` in the project; throws with the build's own last lines when it fails. */
export async function build(root: string): Promise<void> {
  const result = await $({ cwd: root, quiet: true, nothrow: true })`npm run build`;
  if (result.exitCode !== 0) {
    const tail = (result.stderr || result.stdout).trim().split("\n").slice(-5).join("\n");
    throw new Error(`npm run build failed (exit ${result.exitCode}):\n${tail}`);
  }
}
