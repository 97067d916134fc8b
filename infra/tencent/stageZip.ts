import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Writes the function zip where the SCF provider reads it: a file named by its SHA-256 in the OS temp directory.
 * The provider runs in the engine's plugin process, and whatever the program hands it becomes a resource input
 * kept in state; a path and a hash keep the zip's bytes out of state, as Pulumi's own file assets do.
 */
export function stageZip(zip: Buffer, sha256: string, dir: string = join(tmpdir(), "gptsite")): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `function-${sha256}.zip`);
  // Write then rename, so a concurrent reader never sees half a zip.
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, zip);
  renameSync(partial, path);
  return path;
}
