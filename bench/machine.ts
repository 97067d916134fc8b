// What the numbers were measured on: only ratios compare across machines, and only with this beside them.
import { execFile } from "node:child_process";
import os from "node:os";
import { promisify } from "node:util";
import { findNginx } from "../chain/nginx.js";

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  os: string;
  node: string;
  nginx: string | null;
  date: string;
  /** 1-minute load average when the bench started: other work on the machine shows up in the spread. */
  loadAverage: number;
}

export async function describeMachine(): Promise<Machine> {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    nginx: await nginxVersion(),
    date: new Date().toISOString(),
    loadAverage: loadAverage(),
  };
}

async function nginxVersion(): Promise<string | null> {
  const nginxBinary = findNginx();
  if (!nginxBinary) return null;
  // `nginx -v` prints "nginx version: nginx/1.22.1" on stderr.
  const { stderr } = await promisify(execFile)(nginxBinary, ["-v"]);
  return stderr.trim().replace(/^nginx version:\s*/, "");
}

export function loadAverage(): number {
  return Math.round(os.loadavg()[0]! * 100) / 100;
}
