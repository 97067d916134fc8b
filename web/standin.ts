// A stand-in for the NextChat server (v2.16), for where its image cannot be had: the Nginx suites run it
// as a process on 127.0.0.1, the engine suite as a container image (engine/images/). It keeps the
// contract the rest of the chain relies on, as design.md ("Web UI") records it from a real NextChat and
// as its source (v2.16.1: app/api/auth.ts, openai.ts, anthropic.ts, google.ts) has it:
// - GET|POST /api/config answers without touching the upstream (the health check);
// - /api/openai/<path>, /api/anthropic/<path> and /api/google/<path> check the access code
//   (`Authorization: Bearer nk-<code>`), swap in the provider's server key (or take the caller's own
//   key unless HIDE_USER_API_KEY), and relay to BASE_URL, ANTHROPIC_URL, GOOGLE_URL + <path> with the
//   key in the provider's own header (Authorization, x-api-key, x-goog-api-key), streaming both ways; an
//   upstream it cannot reach becomes HTTP 200 with a JSON error body. Anthropic's route serves only
//   v1/messages and v1/complete; Gemini's keeps only `?alt=sse` of the query;
// - any other /api/<x>/<path> fetches `${x-base-url}/<path>` for whoever asks, and attaches the server
//   key when that URL mentions api.openai.com (app/api/proxy.ts): the hole Nginx's /api/ rule closes.
import { once } from "node:events";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import https from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { PROVIDERS, PROXY_ROUTES, type Provider } from "../contract.js";
import { NEXTCHAT_PROVIDERS, NEXTCHAT_ROUTE_PREFIXES } from "./nextchat.js";

/** Named as NextChat's server config names them (app/config/server.ts). */
export interface StandinOptions {
  /** NextChat's BASE_URL: the function proxy (or an upstream), with scheme, without `/v1`. */
  baseUrl: string;
  /** NextChat's CODE, split: access codes; none means no code is needed. */
  codes?: string[];
  /** NextChat's OPENAI_API_KEY: sent upstream for callers who gave an access code. */
  apiKey?: string;
  /** ANTHROPIC_URL (unset: BASE_URL, then Anthropic's API) and ANTHROPIC_API_KEY. */
  anthropicUrl?: string;
  anthropicApiKey?: string;
  /** GOOGLE_URL (unset: Gemini's API) and GOOGLE_API_KEY. */
  googleUrl?: string;
  googleApiKey?: string;
  /** NextChat's HIDE_USER_API_KEY: refuse callers who bring their own key. */
  hideUserApiKey?: boolean;
}

/** The options holding a provider's URL and key. */
const OPTION_NAMES = {
  openai: { url: "baseUrl", key: "apiKey" },
  anthropic: { url: "anthropicUrl", key: "anthropicApiKey" },
  google: { url: "googleUrl", key: "googleApiKey" },
} as const satisfies Record<Provider, { url: keyof StandinOptions; key: keyof StandinOptions }>;

/** app/constant.ts: Anthropic.ChatPath and ChatPath1, the only paths its route relays. */
const ANTHROPIC_PATHS = new Set(["v1/messages", "v1/complete"]);
/** app/constant.ts Anthropic.Vision: the anthropic-version sent when the caller and ANTHROPIC_API_VERSION give none. */
const ANTHROPIC_VERSION = "2023-06-01";

/** NextChat's listen address and port: Next.js standalone binds to HOSTNAME, which Docker sets to the container id. */
export interface StandinListen {
  host: string;
  port: number;
}

export const STANDIN_PAGE = "<!doctype html><html><head><title>NextChat</title></head><body>NextChat stand-in</body></html>";

/** Reads the container environment the way NextChat does (CODE, each provider's URL and key, HIDE_USER_API_KEY, HOSTNAME, PORT). */
export function standinFromEnv(env: NodeJS.ProcessEnv): { options: StandinOptions; listen: StandinListen } {
  const codes = (env.CODE ?? "").split(",").map((c) => c.trim()).filter(Boolean);
  const options: StandinOptions = { baseUrl: env.BASE_URL || PROXY_ROUTES.openai.defaultBase, codes };
  for (const provider of PROVIDERS) {
    const { url, key } = OPTION_NAMES[provider];
    const { urlEnv, keyEnv } = NEXTCHAT_PROVIDERS[provider];
    // BASE_URL is read above, with its default.
    if (provider !== "openai" && env[urlEnv]) options[url] = env[urlEnv];
    if (env[keyEnv]) options[key] = env[keyEnv];
  }
  // NextChat reads it as `!!process.env.HIDE_USER_API_KEY`: any value, even "0", turns it on.
  options.hideUserApiKey = !!env.HIDE_USER_API_KEY;
  return { options, listen: { host: env.HOSTNAME || "0.0.0.0", port: Number(env.PORT || 3000) } };
}

export class NextChatStandin {
  readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  /** Where each provider's route relays, without trailing slashes (NextChat's fallbacks, app/config/server.ts). */
  private readonly bases: Readonly<Record<Provider, string>>;

  /** `onRequest` sees every request before it is answered (the test fixture records them). */
  constructor(
    private readonly options: StandinOptions,
    onRequest?: (req: IncomingMessage) => void,
  ) {
    this.bases = {
      openai: base(options.baseUrl),
      anthropic: base(options.anthropicUrl || options.baseUrl || PROXY_ROUTES.anthropic.defaultBase),
      google: base(options.googleUrl || PROXY_ROUTES.google.defaultBase),
    };
    this.server = http.createServer((req, res) => {
      onRequest?.(req);
      this.handle(req, res);
    });
    this.server.on("connection", (socket: Socket) => {
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
  }

  /** Listens and resolves with the port (port 0 picks a free one). */
  async listen({ host, port }: StandinListen): Promise<number> {
    this.server.listen(port, host);
    await once(this.server, "listening");
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? "";
    const path = url.split("?")[0]!;
    if (path === "/api/config" && (req.method === "GET" || req.method === "POST")) {
      return json(res, 200, {
        needCode: (this.options.codes ?? []).length > 0,
        hideUserApiKey: this.options.hideUserApiKey ?? false,
        disableGPT4: false,
        hideBalanceQuery: true,
        disableFastLink: false,
        customModels: "",
        defaultModel: "",
      });
    }
    const provider = PROVIDERS.find((p) => path.startsWith(NEXTCHAT_ROUTE_PREFIXES[p]));
    if (provider) return this.relayProvider(req, res, provider, url.slice(NEXTCHAT_PROVIDERS[provider].route.length));
    const other = /^\/api\/[^/]+\/(.*)$/.exec(url);
    if (other) return this.proxyToBaseUrlHeader(req, res, other[1]!);
    if (path === "/" && req.method === "GET") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-length": Buffer.byteLength(STANDIN_PAGE) });
      return void res.end(STANDIN_PAGE);
    }
    json(res, 404, { error: true, msg: `no route ${req.method} ${path}` });
  }

  /**
   * NextChat's auth (app/api/auth.ts): an access code, or the caller's own key unless hidden. Returns
   * the Authorization the route goes on with: the caller's, or with a code the provider's server key
   * (NextChat leaves the caller's `Bearer nk-…` in place when it has none).
   */
  private authorize(req: IncomingMessage, provider: Provider): { authorization: string; error?: string } {
    const given = req.headers.authorization ?? "";
    const token = given.replace(/^Bearer /, "").trim();
    const accessCode = token.startsWith("nk-") ? token.slice(3) : "";
    const ownKey = token.startsWith("nk-") ? "" : token;
    const codes = this.options.codes ?? [];
    if (codes.length > 0 && !codes.includes(accessCode) && !ownKey) {
      return { authorization: given, error: accessCode ? "wrong access code" : "empty access code" };
    }
    if (this.options.hideUserApiKey && ownKey) return { authorization: given, error: "you are not allowed to access with your own api key" };
    const serverKey = this.options[OPTION_NAMES[provider].key];
    return { authorization: !ownKey && serverKey ? `Bearer ${serverKey}` : given };
  }

  /** app/api/openai.ts, anthropic.ts, google.ts: the route's checks, then the relay with the key in the provider's header. */
  private relayProvider(req: IncomingMessage, res: ServerResponse, provider: Provider, rest: string): void {
    const [path = "", query = ""] = rest.split(/\?(.*)/s);
    if (provider === "anthropic" && !ANTHROPIC_PATHS.has(path.slice(1))) {
      return json(res, 403, { error: true, msg: `you are not allowed to request ${path.slice(1)}` });
    }
    const auth = this.authorize(req, provider);
    if (auth.error) return json(res, 401, { error: true, msg: auth.error });
    const bearer = auth.authorization.replace(/^Bearer /, "").trim();
    const headers: http.OutgoingHttpHeaders = { "content-type": req.headers["content-type"] ?? "application/json" };
    let target = `${this.bases[provider]}${path}`;
    if (provider === "openai") {
      if (auth.authorization) headers.authorization = auth.authorization;
    } else if (provider === "anthropic") {
      headers["x-api-key"] = String(req.headers["x-api-key"] ?? "") || bearer || this.options.anthropicApiKey || "";
      headers["anthropic-version"] = req.headers["anthropic-version"] ?? ANTHROPIC_VERSION;
    } else {
      const key = String(req.headers["x-goog-api-key"] ?? "") || bearer || this.options.googleApiKey;
      if (!key) return json(res, 401, { error: true, message: "missing GOOGLE_API_KEY in server env vars" });
      headers["x-goog-api-key"] = key;
      if (new URLSearchParams(query).get("alt") === "sse") target += "?alt=sse";
    }
    relay(req, res, target, headers, (err) =>
      // NextChat's catch: the failure becomes a 200 whose body says what went wrong.
      json(res, 200, { error: true, msg: `${err.message}` }),
    );
  }

  /** app/api/proxy.ts: no access code, the caller's headers minus x-*, sec-* and a few others. */
  private proxyToBaseUrlHeader(req: IncomingMessage, res: ServerResponse, rest: string): void {
    const baseUrl = String(req.headers["x-base-url"]);
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (name.includes("x-") || name.includes("sec-") || PROXY_SKIPPED_HEADERS.has(name)) continue;
      headers[name] = value;
    }
    if (baseUrl.includes("api.openai.com")) {
      if (!this.options.apiKey) return json(res, 500, { error: "OpenAI API key not configured" });
      headers.authorization = `Bearer ${this.options.apiKey}`;
    }
    relay(req, res, `${baseUrl}/${rest}`, headers, (err) => json(res, 500, { error: true, msg: `${err.message}` }));
  }
}

/** A base URL without its trailing slashes. */
const base = (url: string) => url.replace(/\/+$/, "");

const PROXY_SKIPPED_HEADERS = new Set(["connection", "host", "origin", "referer", "cookie", "content-length", "transfer-encoding"]);

/** Sends the request on to `target`, streaming both ways; `failed` answers when it cannot be reached. */
function relay(req: IncomingMessage, res: ServerResponse, target: string, headers: http.OutgoingHttpHeaders, failed: (err: Error) => void): void {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return failed(new Error(`invalid URL ${JSON.stringify(target)}`));
  }
  if (req.headers["content-length"]) headers["content-length"] = req.headers["content-length"];
  else if (req.method !== "GET" && req.method !== "HEAD") headers["transfer-encoding"] = "chunked";
  const client = url.protocol === "https:" ? https : http;
  const upstream = client.request(url, { method: req.method, headers }, (answer) => {
    const out: http.OutgoingHttpHeaders = { ...answer.headers, "x-accel-buffering": "no" };
    delete out["www-authenticate"];
    delete out.connection;
    delete out["keep-alive"];
    res.writeHead(answer.statusCode ?? 502, out);
    res.flushHeaders();
    answer.pipe(res);
  });
  upstream.on("error", (err) => {
    if (!res.headersSent) failed(err);
    else res.destroy(err);
  });
  res.on("close", () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}

function json(res: ServerResponse, status: number, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}
