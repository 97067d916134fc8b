// The base image: the debootstrapped root filesystem, imported as it is.
import { docker } from "../docker.js";
import { step, type Say } from "../log.js";
import type { Rootfs } from "../rootfs.js";
import { inspectImage, megabytes, shortId, type LocalImage } from "./build.js";

export async function ensureBaseImage(host: string, rootfs: Rootfs, say: Say): Promise<LocalImage> {
  const tag = `gptsite-engine/debian:bookworm-${rootfs.key}`;
  const existing = await inspectImage(host, tag);
  if (existing) {
    say(`image ${tag}: reusing ${shortId(existing.id)} (${megabytes(existing.sizeBytes)})`);
    return { tag, id: existing.id, sizeBytes: existing.sizeBytes, madeNow: false };
  }
  return step(
    say,
    `image ${tag}: docker import ${rootfs.tarball}`,
    async () => {
      // An imported image has no PATH of its own.
      await docker(host, ["import", "--change", "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", rootfs.tarball, tag]);
      const image = await inspectImage(host, tag);
      if (!image) throw new Error(`docker import of ${rootfs.tarball} finished but ${tag} is not there`);
      return { tag, id: image.id, sizeBytes: image.sizeBytes, madeNow: true };
    },
    (image) => `${shortId(image.id)} (${megabytes(image.sizeBytes)})`,
  );
}
