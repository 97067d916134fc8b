// Before `npm run local` starts anything: are its ports free on 127.0.0.1? If not, one sentence that
// names the port, what holds it when that is an earlier chain (from its state file: pid, how to stop
// it), and the option that picks another port.
import net from "node:net";
import { runningChains, type ChainState } from "./guard.js";
import { alive } from "./processes.js";

/** Undefined when every port is free, else the sentence about the first one taken. */
export async function portProblem(ports: Readonly<Record<string, number>>): Promise<string | undefined> {
  for (const [option, port] of Object.entries(ports)) {
    const error = await tryListen(port);
    if (!error) continue;
    const fix = `or choose another port with ${option} PORT`;
    if (error === "EACCES") return `not allowed to listen on 127.0.0.1:${port} (ports below 1024 need root); ${fix}`;
    const holder = runningChains().find((c) => Object.values(c.ports).includes(port));
    return `127.0.0.1:${port} (${option}) is already in use ${holder ? byChain(holder) : "by another program: stop it"}, ${fix}`;
  }
  return undefined;
}

/** Names the port in an error Nginx or the proxy gave when binding, if that is what it is. */
export function bindProblem(message: string, ports: Readonly<Record<string, number>>): string | undefined {
  const port = Number(/bind\(\) to [^\s]+:(\d+) failed \(98|EADDRINUSE[^\n]*:(\d+)/.exec(message)?.slice(1).find(Boolean));
  const option = Object.entries(ports).find(([, p]) => p === port)?.[0];
  return option ? `127.0.0.1:${port} (${option}) was taken just now by another program: stop it, or choose another port with ${option} PORT` : undefined;
}

function byChain(chain: ChainState): string {
  const since = `started ${chain.started.slice(11, 19)} UTC`;
  if (alive(chain.pid)) {
    return `by an earlier npm run local (pid ${chain.pid}, ${since}), still running: stop it with Ctrl-C in its terminal or kill ${chain.pid}`;
  }
  const left = chain.pieces.filter((p) => p.group !== undefined && alive(p.group));
  return `by what an earlier npm run local (pid ${chain.pid}, ${since}, now gone) left running: ${left.map((p) => p.what).join(", ")}; stop ${left.length === 1 ? "it" : "them"} with kill ${left.map((p) => p.group).join(" ")}`;
}

function tryListen(port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    server.listen({ port, host: "127.0.0.1", exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}
