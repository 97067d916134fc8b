// A DNS server double over UDP (RFC 1035 §4), just enough for Nginx's resolver: A questions about
// the names it was given are answered, everything else is NXDOMAIN. It records every question.
import dgram from "node:dgram";
import { once } from "node:events";

export interface DnsDouble {
  readonly port: number;
  /** `name TYPE` of every question, in order (TYPE as a number, 1 = A). */
  readonly questions: string[];
  close(): Promise<void>;
}

export async function startDnsDouble(records: Record<string, string>): Promise<DnsDouble> {
  const socket = dgram.createSocket("udp4");
  const questions: string[] = [];
  socket.on("message", (query, peer) => {
    const { name, type, end } = readQuestion(query);
    questions.push(`${name} ${type}`);
    const address = type === 1 ? records[name] : undefined;
    const header = Buffer.alloc(12);
    header.writeUInt16BE(query.readUInt16BE(0), 0); // id
    header.writeUInt16BE(address ? 0x8180 : 0x8183, 2); // response, recursion available; NXDOMAIN without an answer
    header.writeUInt16BE(1, 4); // one question, echoed
    header.writeUInt16BE(address ? 1 : 0, 6);
    const parts = [header, query.subarray(12, end)];
    if (address) {
      const answer = Buffer.alloc(16);
      answer.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
      answer.writeUInt16BE(1, 2); // A
      answer.writeUInt16BE(1, 4); // IN
      answer.writeUInt32BE(1, 6); // TTL 1 s
      answer.writeUInt16BE(4, 10);
      address.split(".").forEach((octet, i) => answer.writeUInt8(Number(octet), 12 + i));
      parts.push(answer);
    }
    socket.send(Buffer.concat(parts), peer.port, peer.address);
  });
  socket.bind(0, "127.0.0.1");
  await once(socket, "listening");
  return {
    port: socket.address().port,
    questions,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}

function readQuestion(query: Buffer): { name: string; type: number; end: number } {
  const labels: string[] = [];
  let offset = 12;
  while (query[offset]! > 0) {
    const length = query[offset]!;
    labels.push(query.toString("ascii", offset + 1, offset + 1 + length));
    offset += 1 + length;
  }
  offset += 1;
  return { name: labels.join(".").toLowerCase(), type: query.readUInt16BE(offset), end: offset + 4 };
}
