// The built proxy as the cloud gets it: the zip read back by a small independent reader (no unzip
// binary needed), and unpacked into a temp dir with the modes it carries.
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { buildArtifacts, type FunctionArtifacts } from "../function/build.js";

export interface ZipEntry {
  name: string;
  /** Unix mode from the external attributes (high 16 bits), e.g. 0o100755. */
  mode: number;
  madeByUnix: boolean;
  method: number;
  dosTime: number;
  dosDate: number;
  crcMatches: boolean;
  data: Buffer;
}

/** Central directory → entries. Only stored (method 0) data is returned as is. */
export function readZip(zip: Buffer): ZipEntry[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error("zip: no end of central directory record");
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error(`zip: bad central directory header at ${at}`);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(dataStart, dataStart + size);
    entries.push({
      name: zip.toString("utf8", at + 46, at + 46 + nameLength),
      mode: zip.readUInt32LE(at + 38) >>> 16,
      madeByUnix: zip.readUInt8(at + 5) === 3,
      method,
      dosTime: zip.readUInt16LE(at + 12),
      dosDate: zip.readUInt16LE(at + 14),
      crcMatches: zlib.crc32(data) === crc,
      data,
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Builds the proxy and unpacks function.zip into a fresh temp dir. */
export async function unpackBuiltProxy(): Promise<{ dir: string; artifacts: FunctionArtifacts; cleanup: () => Promise<void> }> {
  const artifacts = await buildArtifacts();
  const dir = await mkdtemp(path.join(os.tmpdir(), "gptsite-function-"));
  for (const entry of readZip(artifacts.zip)) {
    if (entry.method !== 0) throw new Error(`zip: ${entry.name} is compressed (method ${entry.method}); this reader takes stored entries`);
    const file = path.join(dir, entry.name);
    await writeFile(file, entry.data);
    await chmod(file, entry.mode & 0o777);
  }
  return { dir, artifacts, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
