// CRC-64/XZ (ECMA-182 polynomial, reflected, init and xorout all ones): the checksum Alibaba Cloud
// uses for Function Compute code packages (and OSS's x-oss-hash-crc64ecma), as a decimal string.
// Written out because the npm packages for it are little used or GPL, and it is a dozen lines.

const POLY = 0xc96c5795d7870f42n;
const MASK = 0xffffffffffffffffn;

const TABLE = Array.from({ length: 256 }, (_, byte) => {
  let crc = BigInt(byte);
  for (let bit = 0; bit < 8; bit++) crc = crc & 1n ? (crc >> 1n) ^ POLY : crc >> 1n;
  return crc;
});

export function crc64(data: Uint8Array): string {
  let crc = MASK;
  for (const byte of data) crc = TABLE[Number((crc ^ BigInt(byte)) & 0xffn)]! ^ (crc >> 8n);
  return ((crc ^ MASK) & MASK).toString(10);
}
