// Keeps the local chain from outliving `npm run local`, and lets a later run name a chain that is
// still there. Each piece is registered as soon as it runs, twice: with the watchdog (watchdog.ts,
// which stops it if the script is killed outright) and in a state file in a known place, which a
// later run reads when it finds its ports taken.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { alive } from "./processes.js";
import type { GuardedPiece, WatchdogMessage } from "./watchdog.js";

/** What a state file says about a chain: `<stateDir>/<script pid>.json`. */
export interface ChainState {
  schema: "gptsite-local/1";
  /** The script's pid. */
  pid: number;
  started: string;
  watchdog?: number;
  /** The ports it holds on 127.0.0.1, by the option that sets each (`--http-port`: 8080…). */
  ports: Record<string, number>;
  pieces: GuardedPiece[];
}

/** One directory per user under the OS temp directory (TMPDIR), so every run finds the others. */
export function stateDir(): string {
  return path.join(tmpdir(), `gptsite-local-state-${process.getuid?.() ?? "user"}`);
}

const WATCHDOG = fileURLToPath(new URL("./watchdog.ts", import.meta.url));

export class Guard {
  private readonly state: ChainState;
  private readonly file: string;
  private readonly watchdog: ChildProcess;

  /** Starts the watchdog and writes the state file; `ports` by the option that sets each. */
  constructor(ports: Record<string, number>) {
    const dir = stateDir();
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.file = path.join(dir, `${process.pid}.json`);
    // Its own session: neither a terminal's Ctrl-C nor its hangup reaches it; it ends when its stdin does.
    this.watchdog = spawn(process.execPath, ["--import", import.meta.resolve("tsx"), WATCHDOG, String(process.pid), this.file], {
      detached: true,
      stdio: ["pipe", "ignore", "inherit"],
    });
    this.watchdog.stdin!.on("error", () => {});
    this.watchdog.unref();
    this.state = { schema: "gptsite-local/1", pid: process.pid, started: new Date().toISOString(), watchdog: this.watchdog.pid, ports, pieces: [] };
    this.save();
  }

  /** A piece now running: stopped by the watchdog should the script be killed before it stops it. */
  add(piece: GuardedPiece): void {
    this.state.pieces.push(piece);
    this.tell({ add: piece });
    this.save();
  }

  /** The script stopped it itself. */
  drop(id: string): void {
    this.state.pieces = this.state.pieces.filter((p) => p.id !== id);
    this.tell({ drop: id });
    this.save();
  }

  /** Everything was stopped: the state file goes, and the watchdog ends with nothing to do. */
  close(): void {
    rmSync(this.file, { force: true });
    this.watchdog.stdin!.end();
  }

  private tell(message: WatchdogMessage): void {
    this.watchdog.stdin!.write(`${JSON.stringify(message)}\n`);
  }

  private save(): void {
    // Renamed into place, so a reader never sees half a file.
    const partial = `${this.file}.partial`;
    writeFileSync(partial, `${JSON.stringify(this.state, null, 2)}\n`, { mode: 0o600 });
    renameSync(partial, this.file);
  }
}

/** The chains whose state files name processes still alive; files of chains wholly gone are removed. */
export function runningChains(dir = stateDir()): ChainState[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(".json"));
  } catch {
    return [];
  }
  const chains: ChainState[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    let state: ChainState;
    try {
      state = JSON.parse(readFileSync(file, "utf8")) as ChainState;
    } catch {
      continue; // being written, or not ours
    }
    const pids = [state.pid, state.watchdog, ...state.pieces.map((p) => p.group)].filter((p): p is number => p !== undefined);
    if (pids.some(alive)) {
      chains.push(state);
    } else {
      for (const piece of state.pieces) if (piece.remove) rmSync(piece.remove, { recursive: true, force: true });
      rmSync(file, { force: true });
    }
  }
  return chains;
}
