// What the harness says as it goes: one line per step on stderr, with the time it took. stdout is kept
// for the eval-able lines.

export type Say = (line: string) => void;

export const sayOnStderr: Say = (line) => process.stderr.write(`engine: ${line}\n`);

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Runs `work`, saying `what …` before and `what: <outcome> (<time>)` after. */
export async function step<T>(say: Say, what: string, work: () => Promise<T>, outcome: (result: T) => string): Promise<T> {
  const started = Date.now();
  say(`${what} …`);
  const result = await work();
  say(`${what}: ${outcome(result)} (${seconds(Date.now() - started)})`);
  return result;
}
