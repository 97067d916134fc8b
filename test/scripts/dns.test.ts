// The dns hop against a DNS double on 127.0.0.1 (--resolver): every answer is compared with the
// host's address; a wrong or missing record fails, a resolver that never answers is only noted.
import dgram from "node:dgram";
import { once } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import type { SmokeReport } from "../../scripts/lib/report.js";
import { startDnsDouble, type DnsDouble } from "../fixtures/dns.js";
import { runScript } from "./run.js";

const NAME = "chat.example.test";
let doubles: DnsDouble[] = [];
afterEach(async () => {
  for (const d of doubles.splice(0)) await d.close();
});

async function resolverWith(records: Record<string, string>): Promise<string> {
  const dns = await startDnsDouble(records);
  doubles.push(dns);
  return `127.0.0.1:${dns.port}`;
}

/** A UDP port with nothing behind it: queries there get no answer. */
async function deadResolver(): Promise<string> {
  const socket = dgram.createSocket("udp4");
  socket.bind(0, "127.0.0.1");
  await once(socket, "listening");
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return `127.0.0.1:${port}`;
}

async function dnsHop(resolvers: string[], hostIp = "127.0.0.1") {
  const run = await runScript("smoke", [
    "--site-url", `http://${NAME}`, "--host-ip", hostIp, "--only", "dns", "--timeout", "3", "--json",
    ...resolvers.flatMap((r) => ["--resolver", r]),
  ]);
  const report = JSON.parse(run.stdout) as SmokeReport;
  expect(run.code).toBe(report.exitCode);
  return { code: run.code, hop: report.hops[0]! };
}

describe("dns hop", () => {
  it("passes when every resolver answers with the host's address, and says which were asked", async () => {
    const a = await resolverWith({ [NAME]: "127.0.0.1" });
    const b = await resolverWith({ [NAME]: "127.0.0.1" });
    const { code, hop } = await dnsHop([a, b]);
    expect(code).toBe(0);
    expect(hop).toMatchObject({ hop: "dns", status: "ok", detail: `${NAME} → 127.0.0.1 at ${a}, ${b}` });
    expect(doubles.map((d) => d.questions)).toEqual([[`${NAME} 1`], [`${NAME} 1`]]);
  });

  it("fails when a resolver's answer differs from the host IP, naming both", async () => {
    const good = await resolverWith({ [NAME]: "127.0.0.1" });
    const stale = await resolverWith({ [NAME]: "10.9.9.9" });
    const { code, hop } = await dnsHop([good, stale]);
    expect(code).toBe(1);
    expect(hop).toMatchObject({ status: "fail", detail: `${NAME}: ${stale} says 10.9.9.9; the host is 127.0.0.1` });
  });

  it("fails when the name has no record there (NXDOMAIN)", async () => {
    const empty = await resolverWith({});
    const { hop } = await dnsHop([empty]);
    expect(hop).toMatchObject({ status: "fail", detail: `${NAME}: ${empty} has no A record (ENOTFOUND); the host is 127.0.0.1` });
  });

  it("notes a resolver that does not answer without failing, unless none answers", async () => {
    const good = await resolverWith({ [NAME]: "127.0.0.1" });
    const dead = await deadResolver();
    const some = await dnsHop([good, dead]);
    expect(some.hop.status).toBe("ok");
    expect(some.hop.detail).toMatch(new RegExp(`^${NAME.replace(/\./g, "\\.")} → 127\\.0\\.0\\.1 at ${good}; no answer from ${dead} \\w+$`));
    const none = await dnsHop([dead]);
    expect(none.hop.status).toBe("fail");
    expect(none.hop.detail).toMatch(new RegExp(`^${NAME.replace(/\./g, "\\.")}: no resolver answered; no answer from ${dead} \\w+$`));
  });

  it("skips names public DNS does not serve, and a target without a host IP", async () => {
    const run = await runScript("smoke", ["--site-url", "http://localhost:8080", "--only", "dns", "--json"]);
    expect(JSON.parse(run.stdout).hops[0]).toMatchObject({ status: "skip", detail: "localhost is not a name public DNS serves" });
    const noIp = await runScript("smoke", ["--site-url", `https://${NAME}`, "--only", "dns", "--json"]);
    expect(JSON.parse(noIp.stdout).hops[0]).toMatchObject({ status: "skip", detail: "no hostIp to compare the answers with" });
  });
});
