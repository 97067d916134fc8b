// Facts about processes the local chain, its watchdog and the tests share.
import { readdirSync, readFileSync } from "node:fs";
import { pollUntil } from "../../chain/poll.js";

/**
 * Running, and not a zombie: a piece orphaned by a killed script is reaped by whatever adopts it,
 * which in a container may be nobody, and its zombie would still answer `kill(pid, 0)`. With a
 * negative pid: whether any member of that process group runs.
 */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
  let entries: string[];
  try {
    entries = pid > 0 ? [String(pid)] : readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return true; // no /proc (macOS): the signal check is all there is
  }
  return entries.some((entry) => {
    const fields = procStat(entry);
    return fields !== undefined && fields.state !== "Z" && (pid > 0 || fields.group === -pid);
  });
}

/** State and process group from /proc/PID/stat (the name in brackets may hold spaces and brackets). */
function procStat(pid: string): { state: string; group: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const [state, , group] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { state: state!, group: Number(group) };
  } catch {
    return undefined; // gone meanwhile
  }
}

/** Sends `signal` to the process group `pid` leads; quiet when it is gone. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** SIGTERM to the group, SIGKILL if its leader still runs after `graceMs`; resolves once the leader is gone. */
export async function stopGroup(pid: number, graceMs = 5_000): Promise<void> {
  signalGroup(pid, "SIGTERM");
  const gone = await pollUntil(() => !alive(pid), `process group ${pid} to end`, { timeoutMs: graceMs, intervalMs: 50 }).then(() => true, () => false);
  if (!gone) signalGroup(pid, "SIGKILL");
}
