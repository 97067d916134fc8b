// Cache entries appear whole or not at all: each is built in a temp dir beside its place and renamed
// into it, so an interrupted build leaves a temp dir (removed by the next run), never a half entry.
import { mkdir, readdir, rename, stat } from "node:fs/promises";
import path from "node:path";
import { alive } from "./run.js";
import { removeTree } from "./tree.js";

/** Whether `dir` is a finished cache entry. */
export async function cached(dir: string): Promise<boolean> {
  return stat(dir).then((s) => s.isDirectory(), () => false);
}

/**
 * Runs `build(tmp)` and renames `tmp` to `dir`. Temp dirs of earlier runs whose process is gone are
 * removed first. When another run finished `dir` meanwhile, its entry is kept and ours dropped.
 */
export async function buildAtomically(dir: string, build: (tmp: string) => Promise<void>): Promise<void> {
  const parent = path.dirname(dir);
  const prefix = `.${path.basename(dir)}.tmp-`;
  await mkdir(parent, { recursive: true });
  for (const name of await readdir(parent)) {
    const pid = Number(name.startsWith(prefix) ? name.slice(prefix.length) : NaN);
    if (Number.isInteger(pid) && !alive(pid)) await removeTree(path.join(parent, name));
  }
  const tmp = path.join(parent, `${prefix}${process.pid}`);
  await removeTree(tmp);
  await mkdir(tmp);
  try {
    await build(tmp);
    await rename(tmp, dir).catch(async (err: NodeJS.ErrnoException) => {
      if (!(await cached(dir))) throw err;
    });
  } finally {
    await removeTree(tmp);
  }
}
