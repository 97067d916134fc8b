// The chain on this machine (chain/chain.ts wires it): upstream (offline or real) ← the built proxy ←
// the system Nginx with the rendered site, and at / a web UI: NextChat in Docker, the built-in chat
// page, or one given by URL. Each piece goes into a Teardown as soon as it runs (and, with its pid, to
// the Guard as soon as it is spawned), so a failure, a signal or a kill half-way stops exactly what was started.
import { PROVIDERS, PROXY_ROUTES, type Provider } from "../../contract.js";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { runningUpstream, startChain, testUpstream, type ChainUrls, type Started } from "../../chain/chain.js";
import { NGINX_MISSING, runNginx, type NginxProcess } from "../../chain/nginx.js";
import { routesTo, spawnProxy, type SpawnedProxy } from "../../chain/proxy.js";
import { renderSite } from "../../nginx/index.js";
import { dockerUnavailable, runNextChat, type WebUiProcess } from "./docker-web.js";
import type { Guard } from "./guard.js";
import { generateSecret, OTHER_PROVIDERS, type LocalOptions } from "./local-args.js";
import { offlineKeys, offlineUpstream } from "./offline.js";
import { bindProblem, portProblem } from "./ports.js";
import { mergeTarget, type SmokeTarget } from "./target.js";
import type { Teardown } from "../../chain/teardown.js";

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
  /** The keys the proxy holds (made up for the offline upstream), by provider: masked in whatever is printed. */
  upstreamKeys: Partial<Record<Provider, string>>;
  proxy: SpawnedProxy;
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

/** Starts the pieces (chain/chain.ts wires them), each registered in `stops` and `guard` as soon as it runs. */
export async function startLocalChain(root: string, options: LocalOptions, hooks: LocalHooks, pieces: LocalPieces): Promise<LocalChain> {
  const { guard } = pieces;
  const choice = options.upstream;
  // The proxy holds a made-up key per provider and the offline upstream checks each, as the APIs would real ones.
  const upstreamKeys: Partial<Record<Provider, string>> =
    choice.kind === "offline" ? offlineKeys() : { ...(choice.key ? { openai: choice.key } : {}), ...choice.others };
  if (choice.kind === "url") {
    const held = (provider: Provider, from: string | undefined) =>
      upstreamKeys[provider] ? `key from ${from}, held by the proxy` : "no key: clients send <their key>:<proxy token>";
    hooks.say(`upstream  ${choice.url}  ${held("openai", choice.keyFrom)}`);
    for (const provider of OTHER_PROVIDERS) {
      const { defaultBase, mount, keyEnv } = PROXY_ROUTES[provider];
      hooks.say(`upstream  ${defaultBase}  (${mount}) ${held(provider, keyEnv)}`);
    }
  }

  const chain = await startChain({
    stops: pieces.stops,
    upstream: choice.kind === "offline" ? testUpstream(offlineUpstream(upstreamKeys as Record<Provider, string>), "the offline upstream") : runningUpstream(choice.url),
    proxy: async (upstreamUrl) => {
      if (choice.kind === "offline") {
        hooks.say(`upstream  ${upstreamUrl}  OFFLINE: canned answers for /v1, /anthropic and /google, no real API (OPENAI_API_KEY=sk-… for the real one)`);
      }
      // Offline, every route goes to the one upstream that speaks all three; otherwise /v1 to the given one, the others to their APIs.
      const bases = choice.kind === "offline" ? routesTo(upstreamUrl) : { [PROXY_ROUTES.openai.baseEnv]: upstreamUrl };
      const keys = Object.fromEntries(Object.entries(upstreamKeys).map(([p, key]) => [PROXY_ROUTES[p as Provider].keyEnv, key]));
      const proxy = await spawnProxy({
        dir: path.join(root, "function", "dist"),
        env: { ...bases, PROXY_TOKEN: options.proxyToken, ...keys },
        port: options.proxyPort,
        ownGroup: true,
        ...(hooks.proxyLog ? { onLog: hooks.proxyLog } : {}),
        onSpawn: (pid) => guard.add({ id: "proxy", what: NAMES.proxy(pid), group: pid }),
      }).catch(failedToStart(pieces, "proxy", portsOf(options)));
      hooks.say(`proxy     ${proxy.url}  pid ${proxy.pid}`);
      return { value: proxy, url: proxy.url, ...owned(pieces, "proxy", NAMES.proxy(proxy.pid), () => proxy.close()) };
    },
    web: (apiUrl) => startWebUi(options, apiUrl, keyed(upstreamKeys), pieces, hooks),
    ...(pieces.nginx ? { nginx: (urls: ChainUrls, web: StartedWeb | undefined) => startNginx(root, options, urls, web!.web, pieces, hooks) } : {}),
  });
  const proxy = chain.proxy!;
  const { web, process: webProcess } = chain.web!;
  const nginx = chain.nginx;
  const nginxMissing = pieces.nginx ? undefined : NGINX_MISSING;
  if (nginxMissing) hooks.say(`nginx     MISSING: ${nginxMissing}`);

  const siteUrl = nginx ? `http://127.0.0.1:${options.httpPort}` : undefined;
  return {
    target: mergeTarget({}, {
      functionUrl: proxy.url,
      siteUrl,
      webUrl: "url" in web ? web.url : undefined,
      hostIp: "127.0.0.1",
      proxyToken: options.proxyToken,
      accessCode: web.kind === "nextchat" ? web.accessCode : options.accessCode,
      serverKeys: keyed(upstreamKeys),
    }),
    upstreamKeys,
    proxy,
    ...(siteUrl ? { siteUrl } : {}),
    web,
    ...(nginxMissing ? { nginxMissing } : {}),
    died: Promise.race([
      proxy.exited.then((how) => `the proxy stopped on its own (${exitText(how)})`),
      ...(nginx ? [nginx.exited.then((how) => `nginx stopped on its own (${how})`)] : []),
      ...(webProcess ? [webProcess.exited] : []),
    ]),
  };
}

/** The system Nginx on the rendered site, `/v1/` to the proxy and `/` to the web UI (or the built-in page). */
async function startNginx(
  root: string,
  options: LocalOptions,
  urls: ChainUrls,
  web: WebUi,
  pieces: LocalPieces,
  hooks: LocalHooks,
): Promise<Started<NginxProcess>> {
  const binary = pieces.nginx!;
  const chatPage = web.kind === "builtin" ? await readFile(path.join(root, "web", CHAT_PAGE), "utf8") : undefined;
  const nginx = await runNginx({
    binary,
    tempPrefix: "gptsite-local-",
    ports: [options.httpPort],
    files: chatPage ? { [CHAT_PAGE]: chatPage } : {},
    site: (prefix) =>
      renderSite({
        serverName: "localhost",
        listen: { http: options.httpPort, address: "127.0.0.1" },
        apiUpstream: urls.api,
        ...(urls.web ? { webUpstream: urls.web } : {}),
        ...(chatPage ? { chatPage: path.join(prefix, CHAT_PAGE) } : {}),
        accessLog: path.join(prefix, "access.log"),
      }),
    onSpawn: (pid, prefix) => pieces.guard.add({ id: "nginx", what: NAMES.nginx(pid, prefix), group: pid, remove: prefix }),
  }).catch(failedToStart(pieces, "nginx", portsOf(options)));
  hooks.say(`nginx     http://127.0.0.1:${options.httpPort}  pid ${nginx.pid}, ${binary}, config ${path.join(nginx.prefix, "nginx.conf")}`);
  return { value: nginx, ...owned(pieces, "nginx", NAMES.nginx(nginx.pid, nginx.prefix), () => nginx.stop()) };
}

/** The ports the chain binds, by the option that sets each. */
const portsOf = (options: LocalOptions) => ({ "--http-port": options.httpPort, "--proxy-port": options.proxyPort, "--web-port": options.webPort });

/** What is at `/`, and NextChat's container when it runs. */
interface StartedWeb {
  web: WebUi;
  process?: WebUiProcess;
}

/** Picks what is at `/` and starts NextChat when that is the pick. */
async function startWebUi(options: LocalOptions, apiUrl: string, keyedProviders: Provider[], pieces: LocalPieces, hooks: LocalHooks): Promise<Started<StartedWeb>> {
  const page = (web: WebUi): Started<StartedWeb> => ({ value: { web }, ...("url" in web ? { url: web.url } : {}), stop: async () => {} });
  const choice = options.web;
  if (choice.kind === "url") {
    hooks.say(`web UI    ${choice.url}  behind Nginx's /`);
    return page({ kind: "url", url: choice.url });
  }
  if (!pieces.nginx) return page({ kind: "none" });
  if (choice.kind === "builtin") {
    hooks.say("web UI    the built-in chat page (web/chat.html) at /");
    return page({ kind: "builtin" });
  }
  const why = await dockerUnavailable(options.webImage);
  if (why) {
    if (choice.kind === "nextchat") throw new Error(`--web nextchat: ${why}`);
    hooks.say(`web UI    the built-in chat page (web/chat.html) at /; NextChat would run in Docker, but ${why}`);
    return page({ kind: "builtin" });
  }
  const taken = await portProblem({ "--web-port": options.webPort });
  if (taken) throw new Error(taken);
  const accessCode = options.accessCode ?? generateSecret();
  const name = `gptsite-local-web-${process.pid}`;
  const nextChat = await runNextChat({
    image: options.webImage,
    port: options.webPort,
    name,
    proxyUrl: apiUrl,
    proxyToken: options.proxyToken,
    keyed: keyedProviders,
    accessCode,
    onCreate: () => pieces.guard.add({ id: "web", what: NAMES.web(name), run: ["docker", "rm", "--force", name] }),
  }).catch(failedToStart(pieces, "web", {}));
  hooks.say(`web UI    ${nextChat.url}  NextChat (${options.webImage}, container ${name}) behind Nginx's /`);
  const web: WebUi = { kind: "nextchat", url: nextChat.url, accessCode, codeGenerated: options.accessCode === undefined };
  return { value: { web, process: nextChat }, url: nextChat.url, ...owned(pieces, "web", NAMES.web(name), () => nextChat.stop()) };
}

/** How a running piece stops: it is named in the stop line, then the guard forgets it. */
function owned(pieces: LocalPieces, id: string, what: string, stop: () => Promise<void>): Pick<Started<unknown>, "what" | "stop"> {
  return {
    what,
    stop: async () => {
      await stop();
      pieces.guard.drop(id);
    },
  };
}

/** A piece that failed to start has stopped itself: the guard forgets it, and a port taken meanwhile gets its one sentence. */
function failedToStart(pieces: LocalPieces, id: string, ports: Readonly<Record<string, number>>): (err: Error) => never {
  return (err) => {
    pieces.guard.drop(id);
    throw new Error(bindProblem(err.message, ports) ?? err.message);
  };
}

/** `exit code 2` or `signal SIGKILL`: how a process ended, as the stop lines say it. */
function exitText({ code, signal }: { code: number | null; signal: NodeJS.Signals | null }): string {
  return signal ? `signal ${signal}` : `exit code ${code}`;
}

/** The providers of `keys`, in the route table's order. */
const keyed = (keys: Partial<Record<Provider, string>>) => PROVIDERS.filter((provider) => keys[provider] !== undefined);
