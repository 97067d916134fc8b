// The local chain's watchdog: a process of its own, in its own session, started by guard.ts. It
// outlives `npm run local` when that is killed outright (SIGKILL, the OOM killer), which no handler in
// the script can catch, and then stops what the script had left running.
//
// Arguments: the script's pid and its state file. stdin, one JSON object a line (WatchdogMessage).
// stdin ends when the script is gone, however it went. What is still registered then was not stopped
// by the script: each process group gets SIGTERM (SIGKILL after 5 s), each command runs, each path is
// removed, last piece first; then the state file goes and one line on stderr says what was stopped.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { createInterface } from "node:readline";
import { stopGroup } from "./processes.js";

/** A piece of the chain as the watchdog would stop it. */
export interface GuardedPiece {
  id: string;
  /** How the stop line names it, e.g. `nginx (pid 12)`. */
  what: string;
  /** A process group to end. */
  group?: number;
  /** A command that stops it (argv), e.g. `docker rm -f NAME`. */
  run?: string[];
  /** A directory to remove afterwards. */
  remove?: string;
}

export type WatchdogMessage = { add: GuardedPiece } | { drop: string };

async function watch(scriptPid: string, stateFile: string): Promise<void> {
  // A closing terminal, or a Ctrl-C meant for the script, is not the watchdog's business.
  for (const signal of ["SIGHUP", "SIGINT"] as const) process.on(signal, () => {});
  process.stderr.on("error", () => {});

  const pieces = new Map<string, GuardedPiece>();
  const lines = createInterface({ input: process.stdin });
  lines.on("line", (line) => {
    let message: WatchdogMessage;
    try {
      message = JSON.parse(line) as WatchdogMessage;
    } catch {
      return;
    }
    if ("add" in message) pieces.set(message.add.id, message.add);
    else pieces.delete(message.drop);
  });
  await new Promise((resolve) => lines.once("close", resolve));

  const left = [...pieces.values()].reverse();
  for (const piece of left) {
    if (piece.group) await stopGroup(piece.group);
    if (piece.run) spawnSync(piece.run[0]!, piece.run.slice(1), { stdio: "ignore", timeout: 30_000 });
    if (piece.remove) rmSync(piece.remove, { recursive: true, force: true });
  }
  rmSync(stateFile, { force: true });
  if (left.length > 0) {
    process.stderr.write(`local: the script (pid ${scriptPid}) ended without stopping its chain; the watchdog stopped ${left.map((p) => p.what).join(", ")}.\n`);
  }
}

const [scriptPid, stateFile] = process.argv.slice(2);
if (scriptPid && stateFile) await watch(scriptPid, stateFile);
