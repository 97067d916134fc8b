// NextChat in Docker for `npm run local`, as the deployed site runs it: the pinned image, the
// environment infra/ gives it (web/nextchat.ts: the proxy token as its key, an access code required,
// HIDE_USER_API_KEY), Nginx in front. The engine is whichever the docker CLI reaches (DOCKER_HOST, or
// its default socket); nothing is pulled: a missing image is a reason to serve the built-in page.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { $ } from "zx";
import type { Provider } from "../../contract.js";
import { NEXTCHAT_HEALTH_PATH, nextChatEnvironment, proxyApiBases } from "../../web/nextchat.js";
import { pollUntil } from "../../chain/poll.js";

export interface WebUiProcess {
  readonly url: string;
  /** Resolves when it ends (unless we stopped it), with how. */
  readonly exited: Promise<string>;
  stop(): Promise<void>;
}

/** Undefined when an engine answers and holds `image`; otherwise why NextChat cannot run. */
export async function dockerUnavailable(image: string): Promise<string | undefined> {
  const found = await $({ quiet: true, nothrow: true, timeout: "15s" })`docker image inspect --format ${"{{.Id}}"} ${image}`;
  if (found.exitCode === 0) return undefined;
  const said = found.stderr.trim().split("\n").at(-1) ?? "";
  if (found.exitCode === 127) return "no docker command";
  if (/no such image/i.test(said)) return `the image ${image} is not here (docker pull ${image})`;
  if (/cannot connect|error during connect|no such file|connection refused|permission denied/i.test(said)) {
    return `no Docker engine answers at ${process.env.DOCKER_HOST || "the default socket"}`;
  }
  return `docker image inspect failed: ${said || `exit status ${found.exitCode}`}`;
}

export interface NextChatRun {
  image: string;
  /** Its port on 127.0.0.1 (the container shares the host's network, so it reaches the proxy there). */
  port: number;
  name: string;
  /** The proxy's URL: NextChat's BASE_URL, and ANTHROPIC_URL and GOOGLE_URL under it. */
  proxyUrl: string;
  proxyToken: string;
  /** The providers the proxy holds keys for: NextChat sends the proxy token for them. */
  keyed: readonly Provider[];
  accessCode: string;
  /** Called once the container exists, so it can be guarded before it is ready. */
  onCreate?: (name: string) => void;
}

export async function runNextChat(run: NextChatRun): Promise<WebUiProcess> {
  const url = `http://127.0.0.1:${run.port}`;
  const env = {
    ...nextChatEnvironment({
      apiBases: proxyApiBases(run.proxyUrl),
      serverApiKeys: Object.fromEntries(run.keyed.map((provider) => [provider, run.proxyToken])),
      accessCodes: [run.accessCode],
      timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    }),
    // The host's network: loopback only, on the port asked for.
    HOSTNAME: "127.0.0.1",
    PORT: String(run.port),
  };
  // `--env NAME` takes the value from the docker command's own environment: no secret in its argv.
  const names = Object.keys(env).flatMap((name) => ["--env", name]);
  const created = await $({ quiet: true, nothrow: true, env: { ...process.env, ...env } })`docker run --detach --rm --name ${run.name} --network host ${names} ${run.image}`;
  if (created.exitCode !== 0) throw new Error(`docker run ${run.image} failed: ${created.stderr.trim().split("\n").at(-1)}`);
  run.onCreate?.(run.name);

  const waiter = spawn("docker", ["wait", run.name], { stdio: ["ignore", "pipe", "ignore"] });
  let status = "";
  waiter.stdout!.on("data", (d: Buffer) => (status += d.toString()));
  const exited = once(waiter, "close").then(() => `NextChat's container ${run.name} ended (exit code ${status.trim() || "unknown"})`);
  let ended = false;
  void exited.then(() => (ended = true));

  const stop = async () => {
    await $({ quiet: true, nothrow: true })`docker rm --force ${run.name}`;
    waiter.kill();
  };
  try {
    await pollUntil(async () => ended || (await answers(`${url}${NEXTCHAT_HEALTH_PATH}`)), `NextChat to answer at ${url}`, 120_000);
    if (ended) throw new Error(await exited);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, exited, stop };
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2_000) })).status === 200;
  } catch {
    return false;
  }
}
