// The Node image the proxy container runs (standing in for the program's pinned node:*-alpine): this
// machine's own node binary on the Debian base. The program uploads the bundle to /app/index.mjs and
// runs `node <flags> /app/index.mjs`; its health check runs `node -e 'fetch(…)'`.
import { docker } from "../docker.js";
import type { Say } from "../log.js";
import { ensureImage, type LocalImage } from "./build.js";

export function nodeImageTag(version = process.version): string {
  return `gptsite-engine/node:${version.replace(/^v/, "")}`;
}

export async function ensureNodeImage(host: string, base: LocalImage, say: Say): Promise<LocalImage> {
  const image = await ensureImage(
    host,
    {
      tag: nodeImageTag(),
      parentId: base.id,
      dockerfile: `FROM ${base.tag}\nCOPY node /usr/local/bin/node\nCMD ["node"]\n`,
      files: { node: { copyOf: process.execPath, mode: 0o755 } },
    },
    say,
  );
  if (image.madeNow) {
    // A node built against a newer glibc than bookworm's does not start there; say so now, not in a test.
    const version = await docker(host, ["run", "--rm", "--network", "none", image.tag, "node", "--version"]).catch((err: Error) => {
      throw new Error(`${process.execPath} does not run in ${image.tag} (Debian bookworm): ${err.message}\nUse a Node.js build from nodejs.org or Debian's, which link against an older glibc`);
    });
    if (version !== process.version) throw new Error(`${image.tag} runs node ${version}, expected ${process.version}`);
  }
  return image;
}
