// Part of the STAND-IN docker provider plugin (the real one cannot be built here: the Go module proxy
// answers 403 for it; see docker/main.ts).
// `wait` on a container's health check, as the real Create does it (resource_docker_container_funcs.go:
// inspect every second until State.Health.Status is "healthy", no health check is an error, and
// `waitTimeout` seconds end it with "container failed to be in healthy state"). The real message stops
// there; the stand-in adds what Docker knows of why (status, the last probes' output, the container's
// last log lines), which the serving layer scrubs of the resource's secret inputs.
import { setTimeout as sleep } from "node:timers/promises";
import type { DockerClient } from "./client.js";

interface Health {
  Status: string;
  FailingStreak: number;
  Log: { ExitCode: number; Output: string }[] | null;
}

export async function waitHealthy(docker: DockerClient, id: string, timeoutSeconds: number): Promise<"healthy" | "timeout" | "no-healthcheck"> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const health = await inspectHealth(docker, id);
    if (!health) return "no-healthcheck";
    if (health.Status === "healthy") return "healthy";
    if (Date.now() + 1000 > deadline) return "timeout";
    await sleep(1000);
  }
}

async function inspectHealth(docker: DockerClient, id: string): Promise<Health | undefined> {
  const inspected = await docker.json<{ State?: { Health?: Health } }>("GET", `/containers/${id}/json`);
  return inspected.State?.Health ?? undefined;
}

const LOG_LINES = 20;

/** ": <status>, <last probes>, <last log lines>" for the wait failure. */
export async function describeUnhealthy(docker: DockerClient, id: string, timeoutSeconds: number): Promise<string> {
  const inspected = await docker.json<{ State: { Status: string; ExitCode: number; Health?: Health } }>("GET", `/containers/${id}/json`);
  const { State: state } = inspected;
  const parts = [`after ${timeoutSeconds}s the container is ${state.Status}${state.Status === "exited" ? ` (exit code ${state.ExitCode})` : ""}`];
  if (state.Health) {
    parts.push(`health "${state.Health.Status}" (failing streak ${state.Health.FailingStreak})`);
    const probes = (state.Health.Log ?? []).slice(-2);
    for (const probe of probes) parts.push(`probe exited ${probe.ExitCode}: ${oneLine(probe.Output) || "(no output)"}`);
  }
  const logs = await containerLogs(docker, id);
  parts.push(logs ? `last ${LOG_LINES} log lines:\n${logs}` : "no log output");
  return `: ${parts.join("; ")}`;
}

function oneLine(text: string): string {
  return text.trim().replace(/\s+/g, " ").slice(0, 300);
}

/** The last lines of stdout and stderr, demultiplexed (8-byte frame headers when there is no TTY). */
async function containerLogs(docker: DockerClient, id: string): Promise<string> {
  const reply = await docker.call("GET", `/containers/${id}/logs`, { query: { stdout: "true", stderr: "true", tail: String(LOG_LINES) } });
  const body = reply.body;
  const framed = body.length >= 8 && body[0]! <= 2 && body[1] === 0 && body[2] === 0 && body[3] === 0;
  if (!framed) return body.toString("utf8").trimEnd();
  const out: Buffer[] = [];
  for (let at = 0; at + 8 <= body.length; ) {
    const size = body.readUInt32BE(at + 4);
    out.push(body.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return Buffer.concat(out).toString("utf8").trimEnd();
}
