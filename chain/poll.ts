// Waiting for a condition by checking it again and again: for what announces nothing (a pid file, a
// port that accepts, a log line, a process gone). Where there is an event, wait for the event instead.

export interface PollOptions {
  /** Default 10 s. */
  timeoutMs?: number;
  /** Between checks; default 20 ms. */
  intervalMs?: number;
}

/** Resolves once `check` holds; rejects after the timeout with an error naming `what`. */
export async function pollUntil(check: () => boolean | Promise<boolean>, what: string, options: PollOptions | number = {}): Promise<void> {
  const { timeoutMs = 10_000, intervalMs = 20 } = typeof options === "number" ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
