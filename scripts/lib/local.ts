// The chain on this machine: upstream (offline or real) ← the built proxy ← the system Nginx with the
// rendered site. Each piece goes into a Teardown as soon as it runs, so a failure or a signal
// half-way stops exactly what was started.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { renderSite } from "../../nginx/index.js";
import { findNginx, NGINX_INSTALL, runNginx, type NginxProcess } from "../../nginx/run.js";
import { nginxFrom, type LocalOptions } from "./local-args.js";
import { startOfflineUpstream } from "./offline.js";
import { runProxy, type ProxyProcess } from "./proxy.js";
import { mergeTarget, type SmokeTarget } from "./target.js";
import type { Teardown } from "./teardown.js";

export interface LocalChain {
  /** What `--check` smokes. */
  target: SmokeTarget;
  /** The key the proxy holds (made up for the offline upstream): masked in whatever is printed. */
  upstreamKey?: string;
  proxy: ProxyProcess;
  /** Set when Nginx is not installed: the reason, with the install line. */
  nginxMissing?: string;
  /** Resolves when the proxy or Nginx ends (on its own, unless we stopped it), with what happened. */
  died: Promise<string>;
}

export interface LocalHooks {
  /** Progress and the proxy's log lines, for the user. */
  say(line: string): void;
  proxyLog?(line: string): void;
}

/** Starts the pieces, each registered in `stops` as soon as it runs. */
export async function startLocalChain(root: string, options: LocalOptions, hooks: LocalHooks, stops: Teardown): Promise<LocalChain> {
  let upstreamUrl: string;
  let upstreamKey: string | undefined;
  if (options.upstream.kind === "offline") {
    // The proxy holds a made-up key and the offline upstream checks it, as OpenAI would a real one.
    upstreamKey = `sk-offline-${randomBytes(12).toString("hex")}`;
    const upstream = await startOfflineUpstream(upstreamKey);
    stops.push(() => upstream.close());
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
  });
  stops.push(() => proxy.stop());
  hooks.say(`proxy     ${proxy.url}  pid ${proxy.pid}`);

  const binary = nginxFrom(options.nginx, findNginx());
  let nginx: NginxProcess | undefined;
  let nginxMissing: string | undefined;
  if (binary) {
    nginx = await runNginx({
      binary,
      tempPrefix: "gptsite-local-",
      ports: [options.httpPort],
      site: (prefix) =>
        renderSite({
          serverName: "localhost",
          listen: { http: options.httpPort, address: "127.0.0.1" },
          apiUpstream: proxy.url,
          ...(options.web ? { webUpstream: options.web } : {}),
          accessLog: path.join(prefix, "access.log"),
        }),
    });
    stops.push(() => nginx!.stop());
    hooks.say(`nginx     http://127.0.0.1:${options.httpPort}  pid ${nginx.pid}, ${binary}, config ${path.join(nginx.prefix, "nginx.conf")}`);
  } else {
    nginxMissing = `nginx not found ${options.nginx ? `at ${options.nginx}` : "on PATH or in /usr/sbin"}; install it: ${NGINX_INSTALL}`;
    hooks.say(`nginx     MISSING: ${nginxMissing}`);
  }
  if (options.web) hooks.say(`web UI    ${options.web}  behind Nginx's /`);

  const died = Promise.race([
    proxy.exited.then((how) => `the proxy stopped on its own (${how})`),
    ...(nginx ? [nginx.exited.then((how) => `nginx stopped on its own (${how})`)] : []),
  ]);
  return {
    target: mergeTarget({}, {
      functionUrl: proxy.url,
      ...(nginx ? { siteUrl: `http://127.0.0.1:${options.httpPort}` } : {}),
      ...(options.web ? { webUrl: options.web } : {}),
      hostIp: "127.0.0.1",
      proxyToken: options.proxyToken,
      ...(options.accessCode ? { accessCode: options.accessCode } : {}),
    }),
    ...(upstreamKey ? { upstreamKey } : {}),
    proxy,
    ...(nginxMissing ? { nginxMissing } : {}),
    died,
  };
}
