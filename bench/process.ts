// Servers the bench runs as child processes (the built proxy, the hello-world), each on a port picked
// for it, as a platform hands one over (SCF: 9000), ready at the first answer to a probe; and the CPU
// time a process has used.
import { readFile } from "node:fs/promises";
import http from "node:http";
import { PROXY_HEALTH_PATH } from "../contract.js";
import { startNodeServer, type NodeServer, type Probe } from "../chain/process.js";

export type { Probe } from "../chain/process.js";

/** GET /healthz answers 200 (the proxy's health route; the hello-world answers 200 to anything). */
export const healthz: Probe = (baseUrl) =>
  new Promise((resolve) => {
    const req = http.get(`${baseUrl}${PROXY_HEALTH_PATH}`, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("error", () => resolve(false));
  });

/**
 * `node <args>` ready when `probe` answers, timed from spawn (chain/process.ts, the launcher that
 * starts the proxy too, so both are timed alike).
 */
export function startServer(spec: { node: string; args: readonly string[] }, probe: Probe): Promise<NodeServer> {
  return startNodeServer({ name: spec.args.at(-1) ?? "node", node: spec.node, args: spec.args, ready: probe });
}

// USER_HZ: the unit of /proc/<pid>/stat times; 100 on every Linux architecture Node runs on.
const CLOCK_TICK_MS = 10;

/** CPU time (user + system) a process has used so far, in ms, at 10 ms resolution (Linux). */
export async function cpuTimeMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  // The command name, field 2, is in parentheses and may hold spaces; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS;
}
