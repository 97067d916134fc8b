// A local image to run containers from, since no registry can be reached: the node binary running the
// tests and the shared libraries `ldd` lists for it, imported as one layer (docker import). Kept on the
// daemon under a tag naming the node version, so later runs reuse it.
import { execFile } from "node:child_process";
import { readFile, realpath } from "node:fs/promises";
import { promisify } from "node:util";
import tar from "tar-stream";
import type { DockerClient } from "../../engine/plugins/docker/client.js";
import { searchLocalImages } from "../../engine/plugins/docker/images.js";

export const NODE_IMAGE_REPO = "gptsite-test/plugins-node";

export async function ensureNodeImage(docker: DockerClient): Promise<string> {
  const name = `${NODE_IMAGE_REPO}:${process.version}`;
  if (await searchLocalImages(docker, name)) return name;
  const node = await realpath(process.execPath);
  const { stdout } = await promisify(execFile)("ldd", [node]);
  const libraries = [...stdout.matchAll(/(\/\S+) \(0x/g)].map((m) => m[1]!);
  const pack = tar.pack();
  const files = [...new Set(libraries)].map((lib) => ({ from: lib, to: lib }));
  files.push({ from: node, to: "/usr/local/bin/node" });
  for (const file of files) {
    const data = await readFile(file.from); // follows symlinks: each library as the file it resolves to
    pack.entry({ name: file.to, mode: 0o755, size: data.length }, data);
  }
  pack.entry({ name: "/tmp", type: "directory", mode: 0o1777 });
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  const [repo, tag] = name.split(/:(?=[^:]*$)/) as [string, string];
  await docker.call("POST", "/images/create", {
    query: { fromSrc: "-", repo, tag, changes: "ENV PATH=/usr/local/bin:/usr/bin:/bin" },
    body: Buffer.concat(chunks),
    contentType: "application/x-tar",
  });
  return name;
}
