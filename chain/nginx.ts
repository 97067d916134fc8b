// The system's Nginx run on a rendered site, by `npm run local`, the bench and the test suites: the site
// wrapped by standaloneConf() in a temp prefix, Nginx in the foreground as our child, resolved once it
// accepts on every port. The master leads its own process group, so stop() ends it and its workers
// together and a terminal's Ctrl-C reaches only us: we decide when Nginx stops.
import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants, readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { renderSite, type SiteOptions } from "../nginx/index.js";
import { standaloneConf } from "../nginx/standalone.js";
import { pollUntil } from "./poll.js";
import { freePort } from "./ports.js";
import { signalChild } from "./process.js";

const NGINX_INSTALL = "apt-get install -y nginx (Debian/Ubuntu), brew install nginx (macOS)";

/** Why there is no Nginx to run, with the install line. */
export const NGINX_MISSING = `nginx not found on PATH or in /usr/sbin; install it: ${NGINX_INSTALL}`;

/** `nginx` on PATH, else /usr/sbin or /usr/local/sbin (Debian installs it outside a user's PATH). */
export function findNginx(): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter).filter(Boolean), "/usr/sbin", "/usr/local/sbin"];
  for (const dir of dirs) {
    const candidate = path.join(dir, "nginx");
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface NginxRun {
  /** The nginx binary. */
  binary: string;
  /** The site text (renderSite's output) listening on `ports`, with its access log under `prefix`. */
  site: (prefix: string) => string;
  /** Every port the site listens on (127.0.0.1): resolved once each accepts. */
  ports: readonly number[];
  /** Extra http-level text, e.g. `gzip on;` lines. */
  httpLevel?: string;
  /** Temp directory name prefix (default `gptsite-nginx-`). */
  tempPrefix?: string;
  /** Files written into the prefix before Nginx starts (name → content), e.g. a page the site serves. */
  files?: Readonly<Record<string, string>>;
  /** Called as soon as the master runs, before it accepts: its pid (it leads its group) and the prefix. */
  onSpawn?: (pid: number, prefix: string) => void;
}

export interface NginxProcess {
  readonly pid: number;
  /** The temp directory holding nginx.conf, the pid file, logs and temp files; removed by stop(). */
  readonly prefix: string;
  /** The whole nginx.conf it runs. */
  readonly conf: string;
  /** Resolves when the master has exited (code, or the signal that ended it). */
  readonly exited: Promise<string>;
  errorLog(): string;
  accessLog(): string;
  /** Ends master and workers (SIGTERM, SIGKILL after 5 s) and removes the prefix. Idempotent. */
  stop(): Promise<void>;
}

/** `-p PREFIX -c PREFIX/nginx.conf -e PREFIX/error.log`: nothing outside the prefix is read or written. */
export function nginxArgs(prefix: string): string[] {
  return ["-p", prefix, "-c", path.join(prefix, "nginx.conf"), "-e", path.join(prefix, "error.log")];
}

/** standaloneConf for this process: as root the master would hand workers to `nobody`, who cannot enter our 0700 prefix. */
export function localConf(site: string, prefix: string, httpLevel?: string): string {
  const user = process.getuid?.() === 0 ? "root" : undefined;
  return standaloneConf(site, { prefix, httpLevel, user });
}

const running = new Set<ChildProcess>();
// A caller that dies without stop() must not leave Nginx masters holding ports.
process.once("exit", () => {
  for (const child of running) killGroup(child, "SIGKILL");
});

/** Starts Nginx; rejects with its own error output (e.g. `Address already in use`) if it exits first. */
export async function runNginx(run: NginxRun): Promise<NginxProcess> {
  const prefix = await mkdtemp(path.join(tmpdir(), run.tempPrefix ?? "gptsite-nginx-"));
  try {
    const conf = localConf(run.site(prefix), prefix, run.httpLevel);
    for (const [name, content] of Object.entries(run.files ?? {})) await writeFile(path.join(prefix, name), content);
    await writeFile(path.join(prefix, "nginx.conf"), conf);
    return await launch(run, prefix, conf);
  } catch (err) {
    await rm(prefix, { recursive: true, force: true });
    throw err;
  }
}

async function launch(run: NginxRun, prefix: string, conf: string): Promise<NginxProcess> {
  const child = spawn(run.binary, nginxArgs(prefix), { stdio: ["ignore", "ignore", "pipe"], detached: true });
  running.add(child);
  if (child.pid !== undefined) run.onSpawn?.(child.pid, prefix);
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const spawned = new Promise<void>((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", reject);
  });
  const exited = new Promise<string>((resolve) =>
    child.once("exit", (code, signal) => resolve(signal ? `signal ${signal}` : `exit code ${code}`)),
  );
  void exited.then(() => running.delete(child));
  const fileInPrefix = (name: string) => {
    try {
      return readFileSync(path.join(prefix, name), "utf8");
    } catch {
      return "";
    }
  };

  // The master writes its pid file once it has bound every listener; a failed bind ends it instead.
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  try {
    await spawned;
    await pollUntil(() => gone() || fileInPrefix("nginx.pid") !== "", "nginx to write its pid file");
    for (const port of run.ports) {
      if (!gone()) await waitForPort(port, gone);
    }
    if (gone()) {
      await exited;
      throw new Error(`nginx exited (code ${child.exitCode}, signal ${child.signalCode}) before accepting:\n${stderr}${fileInPrefix("error.log")}`);
    }
  } catch (err) {
    killGroup(child, "SIGKILL");
    if (child.pid !== undefined) await exited;
    throw err;
  }

  let stopping: Promise<void> | undefined;
  return {
    pid: child.pid!,
    prefix,
    conf,
    exited,
    errorLog: () => fileInPrefix("error.log"),
    accessLog: () => fileInPrefix("access.log"),
    stop() {
      stopping ??= (async () => {
        if (!gone()) {
          killGroup(child, "SIGTERM");
          const timer = setTimeout(() => killGroup(child, "SIGKILL"), 5_000);
          await exited;
          clearTimeout(timer);
        }
        await rm(prefix, { recursive: true, force: true });
      })();
      return stopping;
    },
  };
}

/** The master and its workers: the group the detached master leads. */
const killGroup = (child: ChildProcess, signal: NodeJS.Signals) => signalChild(child, true, signal);

/** Until a TCP connect to 127.0.0.1:port succeeds, or `gaveUp()`. */
async function waitForPort(port: number, gaveUp: () => boolean): Promise<void> {
  const connects = () =>
    new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
  await pollUntil(async () => gaveUp() || (await connects()), `nginx to accept on 127.0.0.1:${port}`);
}

/** Site options as renderSite takes them, minus what startNginx fills in (free ports, log path). */
export type FreeSiteOptions = Omit<SiteOptions, "listen" | "accessLog"> & Partial<Pick<SiteOptions, "listen" | "accessLog">>;

export interface NginxInput {
  /** Rendered with renderSite: listen defaults to free ports on 127.0.0.1, accessLog to the prefix. */
  options?: FreeSiteOptions;
  /** With `options`: change the rendered text before it runs (e.g. drop a line for a control test). */
  edit?: (site: string) => string;
  /** Or a ready site text, given the ports and prefix to use (it must listen on ports.http). */
  site?: (ctx: { http: number; https: number; prefix: string }) => string;
  /** With `site`: whether it also listens on ports.https with TLS (for httpsUrl and the wait). */
  https?: boolean;
  /** Extra http-level text, e.g. `gzip on; gzip_types text/event-stream;`. */
  httpLevel?: string;
}

/** runNginx's process, with the URLs and ports the site listens on. */
export interface RunningNginx extends NginxProcess {
  /** `http://127.0.0.1:<port>`: the plain listener (with TLS on, the one that redirects). */
  readonly httpUrl: string;
  readonly httpsUrl?: string;
  readonly httpPort: number;
  readonly httpsPort?: number;
}

/** The system's Nginx (`binary`) on a site that listens on free loopback ports. */
export async function startNginx(binary: string, input: NginxInput): Promise<RunningNginx> {
  // A free port can be taken between our probe and Nginx's bind; then try again with new ones.
  for (let attempt = 1; ; attempt++) {
    const free = { http: await freePort(), https: await freePort() };
    const { site, ports, https } = planSite(input, free);
    try {
      const nginx = await runNginx({ binary, site, ports: https ? [ports.http, ports.https] : [ports.http], httpLevel: input.httpLevel });
      return {
        ...nginx,
        httpUrl: `http://127.0.0.1:${ports.http}`,
        httpsUrl: https ? `https://127.0.0.1:${ports.https}` : undefined,
        httpPort: ports.http,
        httpsPort: https ? ports.https : undefined,
      };
    } catch (err) {
      if (attempt < 5 && /Address already in use/.test(String(err))) continue;
      throw err;
    }
  }
}

/** The site text (given the prefix) and the ports it listens on: the rendered options' own, or `free`. */
export function planSite(input: NginxInput, free: { http: number; https: number }) {
  if (!input.options === !input.site) throw new Error("startNginx/nginxTest: give exactly one of options or site");
  if (input.site) {
    const site = input.site;
    return { site: (prefix: string) => site({ ...free, prefix }), ports: free, https: input.https ?? false };
  }
  const options = input.options!;
  const listen = options.listen ?? { http: free.http, https: options.tls ? free.https : undefined, address: "127.0.0.1" };
  const site = (prefix: string) => {
    const rendered = renderSite({ ...options, listen, accessLog: options.accessLog ?? path.join(prefix, "access.log") });
    return input.edit ? input.edit(rendered) : rendered;
  };
  return { site, ports: { http: listen.http, https: listen.https ?? free.https }, https: listen.https !== undefined };
}
