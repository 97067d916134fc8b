// The NextChat stand-in image (web/standin.ts, bundled into one file by esbuild) on the Node image.
// Like NextChat's own image it sets no HOSTNAME: Docker sets it to the container id and the server
// binds to that, so the program's HOSTNAME=0.0.0.0 is needed here as there.
import { createHash } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import type { Say } from "../log.js";
import { ensureImage, type LocalImage } from "./build.js";

const ENTRY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../web/standin-server.ts");

/** `entry` and what it imports as one ESM file that the Node image's node runs alone (no node_modules). */
export async function bundleNodeScript(entry: string): Promise<string> {
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node18",
    write: false,
    legalComments: "none",
  });
  return result.outputFiles[0]!.text;
}

export async function ensureNextChatImage(host: string, node: LocalImage, say: Say): Promise<LocalImage> {
  const server = await bundleNodeScript(ENTRY);
  const hash = createHash("sha256").update(server).digest("hex").slice(0, 12);
  return ensureImage(
    host,
    {
      tag: `gptsite-engine/nextchat:standin-${hash}`,
      parentId: node.id,
      // No WORKDIR or EXPOSE: nothing relies on them, and each costs the legacy builder a copy of the tree on vfs.
      dockerfile: `FROM ${node.tag}\nCOPY server.mjs /app/server.mjs\nCMD ["node", "/app/server.mjs"]\n`,
      files: { "server.mjs": server },
    },
    say,
  );
}
