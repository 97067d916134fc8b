// Removes a directory tree that root may have made and left things mounted in: debootstrap mounts /proc
// inside its target while it runs, dockerd mounts network namespaces under its exec-root. An
// interrupted run leaves those behind, and rm alone cannot remove a mount point.
import { readFile, rm } from "node:fs/promises";
import { run } from "./run.js";

export async function removeTree(dir: string): Promise<void> {
  const mounts = (await readFile("/proc/self/mountinfo", "utf8").catch(() => ""))
    .split("\n")
    .map((line) => line.split(" ")[4] ?? "")
    .filter((point) => point.startsWith(`${dir}/`))
    // Deepest first.
    .sort((a, b) => b.length - a.length);
  for (const point of mounts) await run("umount", ["-l", point], { asRoot: true }).catch(() => undefined);
  // Files made through sudo are root's: our own rm would fail on them.
  await rm(dir, { recursive: true, force: true }).catch(() => run("rm", ["-rf", dir], { asRoot: true }));
}
