// The chain on this machine: upstream (offline or real) ← the built proxy ← the system Nginx with the
// rendered site, and at / a web UI: NextChat in Docker, the built-in chat page, or one given by URL.
// Each piece goes into a Teardown as soon as it runs (and, with its pid, to the Guard as soon as it
// is spawned), so a failure, a signal or a kill half-way stops exactly what was started.
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { renderSite } from "../../nginx/index.js";
import { NGINX_INSTALL, runNginx, type NginxProcess } from "../../nginx/run.js";
import { dockerUnavailable, runNextChat, type WebUiProcess } from "./docker-web.js";
import type { Guard } from "./guard.js";
import { generateSecret, type LocalOptions } from "./local-args.js";
import { startOfflineUpstream } from "./offline.js";
import { bindProblem, portProblem } from "./ports.js";
import { runProxy, type ProxyProcess } from "./proxy.js";
import { mergeTarget, type SmokeTarget } from "./target.js";
import type { Teardown } from "./teardown.js";

/** The built-in chat page (web/chat.html), copied into Nginx's temp prefix under this name. */
const CHAT_PAGE = "chat.html";

/** How the stop lines (the script's and the watchdog's) name each piece. */
const NAMES = {
  proxy: (pid: number) => `the proxy (pid ${pid})`,
  nginx: (pid: number, prefix: string) => `nginx (pid ${pid}) and its temp dir ${prefix}`,
  web: (container: string) => `NextChat (container ${container})`,
};

/** What is at `/`. */
export type WebUi =
  | { kind: "nextchat"; url: string; accessCode: string; codeGenerated: boolean }
  | { kind: "url"; url: string }
  | { kind: "builtin" }
  /** Nothing: no Nginx to serve a page. */
  | { kind: "none" };

export interface LocalChain {
  /** What `--check` smokes. */
  target: SmokeTarget;
  /** The key the proxy holds (made up for the offline upstream): masked in whatever is printed. */
  upstreamKey?: string;
  proxy: ProxyProcess;
  /** Nginx's address, when it runs. */
  siteUrl?: string;
  web: WebUi;
  /** Set when Nginx is not installed: the reason, with the install line. */
  nginxMissing?: string;
  /** Resolves when the proxy, Nginx or NextChat ends (on its own, unless we stopped it), with what happened. */
  died: Promise<string>;
}

export interface LocalHooks {
  /** Progress and the proxy's log lines, for the user. */
  say(line: string): void;
  proxyLog?(line: string): void;
}

export interface LocalPieces {
  stops: Teardown;
  guard: Guard;
  /** The nginx binary (--nginx, or the one found); undefined when there is none. */
  nginx: string | undefined;
}

/** Starts the pieces, each registered in `stops` and `guard` as soon as it runs. */
export async function startLocalChain(root: string, options: LocalOptions, hooks: LocalHooks, pieces: LocalPieces): Promise<LocalChain> {
  const { stops, guard } = pieces;
  const ports = { "--http-port": options.httpPort, "--proxy-port": options.proxyPort, "--web-port": options.webPort };
  let upstreamUrl: string;
  let upstreamKey: string | undefined;
  if (options.upstream.kind === "offline") {
    // The proxy holds a made-up key and the offline upstream checks it, as OpenAI would a real one.
    upstreamKey = `sk-offline-${randomBytes(12).toString("hex")}`;
    const upstream = await startOfflineUpstream(upstreamKey);
    stops.push(() => upstream.close(), "the offline upstream");
    upstreamUrl = upstream.url;
    hooks.say(`upstream  ${upstreamUrl}  OFFLINE: canned answers, no OpenAI (OPENAI_API_KEY=sk-… for the real one)`);
  } else {
    upstreamUrl = options.upstream.url;
    upstreamKey = options.upstream.key;
    hooks.say(`upstream  ${upstreamUrl}  ${upstreamKey ? `key from ${options.upstream.keyFrom}, held by the proxy` : "no key: clients send <their key>:<proxy token>"}`);
  }

  const proxy = await runProxy({
    dist: path.join(root, "function", "dist"),
    host: "127.0.0.1",
    port: options.proxyPort,
    env: { UPSTREAM_URL: upstreamUrl, PROXY_TOKEN: options.proxyToken, ...(upstreamKey ? { OPENAI_API_KEY: upstreamKey } : {}) },
    onLog: hooks.proxyLog,
    onSpawn: (pid) => guard.add({ id: "proxy", what: NAMES.proxy(pid), group: pid }),
  }).catch(failedToStart(pieces, "proxy", ports));
  own(pieces, "proxy", NAMES.proxy(proxy.pid), () => proxy.stop());
  hooks.say(`proxy     ${proxy.url}  pid ${proxy.pid}`);

  const { web, process: webProcess } = await startWebUi(options, proxy, pieces, hooks);

  let nginx: NginxProcess | undefined;
  let nginxMissing: string | undefined;
  if (pieces.nginx) {
    const chatPage = web.kind === "builtin" ? await readFile(path.join(root, "web", CHAT_PAGE), "utf8") : undefined;
    const started = await runNginx({
      binary: pieces.nginx,
      tempPrefix: "gptsite-local-",
      ports: [options.httpPort],
      files: chatPage ? { [CHAT_PAGE]: chatPage } : {},
      site: (prefix) =>
        renderSite({
          serverName: "localhost",
          listen: { http: options.httpPort, address: "127.0.0.1" },
          apiUpstream: proxy.url,
          ...("url" in web ? { webUpstream: web.url } : {}),
          ...(chatPage ? { chatPage: path.join(prefix, CHAT_PAGE) } : {}),
          accessLog: path.join(prefix, "access.log"),
        }),
      onSpawn: (pid, prefix) => guard.add({ id: "nginx", what: NAMES.nginx(pid, prefix), group: pid, remove: prefix }),
    }).catch(failedToStart(pieces, "nginx", ports));
    nginx = started;
    const { pid, prefix } = started;
    own(pieces, "nginx", NAMES.nginx(pid, prefix), () => started.stop());
    hooks.say(`nginx     http://127.0.0.1:${options.httpPort}  pid ${pid}, ${pieces.nginx}, config ${path.join(prefix, "nginx.conf")}`);
  } else {
    nginxMissing = `nginx not found on PATH or in /usr/sbin; install it: ${NGINX_INSTALL}`;
    hooks.say(`nginx     MISSING: ${nginxMissing}`);
  }

  const siteUrl = nginx ? `http://127.0.0.1:${options.httpPort}` : undefined;
  return {
    target: mergeTarget({}, {
      functionUrl: proxy.url,
      siteUrl,
      webUrl: "url" in web ? web.url : undefined,
      hostIp: "127.0.0.1",
      proxyToken: options.proxyToken,
      accessCode: web.kind === "nextchat" ? web.accessCode : options.accessCode,
    }),
    ...(upstreamKey ? { upstreamKey } : {}),
    proxy,
    ...(siteUrl ? { siteUrl } : {}),
    web,
    ...(nginxMissing ? { nginxMissing } : {}),
    died: Promise.race([
      proxy.exited.then((how) => `the proxy stopped on its own (${how})`),
      ...(nginx ? [nginx.exited.then((how) => `nginx stopped on its own (${how})`)] : []),
      ...(webProcess ? [webProcess.exited] : []),
    ]),
  };
}

/** Picks what is at `/` and starts NextChat when that is the pick. */
async function startWebUi(options: LocalOptions, proxy: ProxyProcess, pieces: LocalPieces, hooks: LocalHooks): Promise<{ web: WebUi; process?: WebUiProcess }> {
  const choice = options.web;
  if (choice.kind === "url") {
    hooks.say(`web UI    ${choice.url}  behind Nginx's /`);
    return { web: { kind: "url", url: choice.url } };
  }
  if (!pieces.nginx) return { web: { kind: "none" } };
  if (choice.kind === "builtin") {
    hooks.say("web UI    the built-in chat page (web/chat.html) at /");
    return { web: { kind: "builtin" } };
  }
  const why = await dockerUnavailable(options.webImage);
  if (why) {
    if (choice.kind === "nextchat") throw new Error(`--web nextchat: ${why}`);
    hooks.say(`web UI    the built-in chat page (web/chat.html) at /; NextChat would run in Docker, but ${why}`);
    return { web: { kind: "builtin" } };
  }
  const taken = await portProblem({ "--web-port": options.webPort });
  if (taken) throw new Error(taken);
  const accessCode = options.accessCode ?? generateSecret();
  const name = `gptsite-local-web-${process.pid}`;
  const nextChat = await runNextChat({
    image: options.webImage,
    port: options.webPort,
    name,
    proxyUrl: proxy.url,
    proxyToken: options.proxyToken,
    accessCode,
    onCreate: () => pieces.guard.add({ id: "web", what: NAMES.web(name), run: ["docker", "rm", "--force", name] }),
  }).catch(failedToStart(pieces, "web", {}));
  own(pieces, "web", NAMES.web(name), () => nextChat.stop());
  hooks.say(`web UI    ${nextChat.url}  NextChat (${options.webImage}, container ${name}) behind Nginx's /`);
  return { web: { kind: "nextchat", url: nextChat.url, accessCode, codeGenerated: options.accessCode === undefined }, process: nextChat };
}

/** A running piece: `stops` stops it (and names it in the stop line), then the guard forgets it. */
function own(pieces: LocalPieces, id: string, what: string, stop: () => Promise<void>): void {
  pieces.stops.push(async () => {
    await stop();
    pieces.guard.drop(id);
  }, what);
}

/** A piece that failed to start has stopped itself: the guard forgets it, and a port taken meanwhile gets its one sentence. */
function failedToStart(pieces: LocalPieces, id: string, ports: Readonly<Record<string, number>>): (err: Error) => never {
  return (err) => {
    pieces.guard.drop(id);
    throw new Error(bindProblem(err.message, ports) ?? err.message);
  };
}
