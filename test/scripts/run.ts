// Runs the zx scripts for real, as `npm run smoke|local` does (`node --import tsx`), and collects what they print.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { fileURLToPath } from "node:url";

export { alive } from "../../scripts/lib/processes.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Running {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once `pattern` appears on stdout or stderr; rejects if the process ends first. */
  waitFor(pattern: RegExp, what: string): Promise<RegExpMatchArray>;
  readonly finished: Promise<Finished>;
}

export interface SpawnOptions {
  env?: Record<string, string | undefined>;
  /** Through `npm run <script> --` instead of tsx directly. */
  viaNpm?: boolean;
  /** Its own process group (so a test can signal it as a terminal's Ctrl-C does). */
  detached?: boolean;
}

/** The environment the scripts see: this one, minus CI unless given (a test decides CI itself). */
function environment(env: SpawnOptions["env"] = {}): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" };
  delete base.CI;
  delete base.OPENAI_API_KEY;
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete base[k];
    else base[k] = v;
  }
  return base;
}

export function start(script: "smoke" | "local", args: string[], options: SpawnOptions = {}): Running {
  const [command, argv] = options.viaNpm
    ? ["npm", ["run", "--silent", script, "--", ...args]]
    : [process.execPath, ["--import", "tsx", path.join("scripts", `${script}.ts`), ...args]];
  const child = spawn(command as string, argv as string[], {
    cwd: ROOT,
    env: environment(options.env),
    stdio: ["ignore", "pipe", "pipe"],
    detached: options.detached ?? false,
  });
  let stdout = "";
  let stderr = "";
  const listeners = new Set<() => void>();
  child.stdout!.on("data", (d: Buffer) => {
    stdout += d.toString();
    for (const l of listeners) l();
  });
  child.stderr!.on("data", (d: Buffer) => {
    stderr += d.toString();
    for (const l of listeners) l();
  });
  const finished = once(child, "close").then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null, stdout, stderr }));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    finished,
    waitFor(pattern, what) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = (stdout + stderr).match(pattern);
          if (!match) return;
          listeners.delete(check);
          resolve(match);
        };
        listeners.add(check);
        check();
        void finished.then((f) => {
          if (!listeners.has(check)) return;
          listeners.delete(check);
          reject(new Error(`process ended (code ${f.code}, signal ${f.signal}) before ${what}:\n${f.stdout}\n${f.stderr}`));
        });
      });
    },
  };
}

export function runScript(script: "smoke" | "local", args: string[], options: SpawnOptions = {}): Promise<Finished> {
  return start(script, args, options).finished;
}
