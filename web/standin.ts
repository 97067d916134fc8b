// A stand-in for the NextChat server (v2.16), for where its image cannot be had: the Nginx suites run it
// as a process on 127.0.0.1, the engine suite as a container image (engine/images/). It keeps the
// contract the rest of the chain relies on, as design.md ("Web UI") records it from a real NextChat:
// - GET|POST /api/config answers without touching the upstream (the health check);
// - /api/openai/<path> checks the access code (`Authorization: Bearer nk-<code>`) and relays to
//   BASE_URL/<path> with the server key, streaming both ways; HIDE_USER_API_KEY refuses a caller's own
//   key; an upstream it cannot reach becomes HTTP 200 with a JSON error body;
// - any other /api/<x>/<path> fetches `${x-base-url}/<path>` for whoever asks, and attaches the server
//   key when that URL mentions api.openai.com (app/api/proxy.ts): the hole Nginx's /api/ rule closes.
// Other providers' routes (anthropic, google, …) are not modelled: here they all take that last branch.
import { once } from "node:events";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import https from "node:https";
import type { AddressInfo, Socket } from "node:net";

export interface StandinOptions {
  /** NextChat's BASE_URL: the function proxy (or an upstream), with scheme, without `/v1`. */
  baseUrl: string;
  /** NextChat's CODE, split: access codes; none means no code is needed. */
  codes?: string[];
  /** NextChat's OPENAI_API_KEY: sent upstream for callers who gave an access code. */
  apiKey?: string;
  /** NextChat's HIDE_USER_API_KEY: refuse callers who bring their own key. */
  hideUserApiKey?: boolean;
}

/** NextChat's listen address and port: Next.js standalone binds to HOSTNAME, which Docker sets to the container id. */
export interface StandinListen {
  host: string;
  port: number;
}

export const STANDIN_PAGE = "<!doctype html><html><head><title>NextChat</title></head><body>NextChat stand-in</body></html>";

/** Reads the container environment the way NextChat does (CODE, BASE_URL, OPENAI_API_KEY, HIDE_USER_API_KEY, HOSTNAME, PORT). */
export function standinFromEnv(env: NodeJS.ProcessEnv): { options: StandinOptions; listen: StandinListen } {
  const codes = (env.CODE ?? "").split(",").map((c) => c.trim()).filter(Boolean);
  return {
    options: {
      baseUrl: env.BASE_URL || "https://api.openai.com",
      codes,
      ...(env.OPENAI_API_KEY ? { apiKey: env.OPENAI_API_KEY } : {}),
      // NextChat reads it as `!!process.env.HIDE_USER_API_KEY`: any value, even "0", turns it on.
      hideUserApiKey: !!env.HIDE_USER_API_KEY,
    },
    listen: { host: env.HOSTNAME || "0.0.0.0", port: Number(env.PORT || 3000) },
  };
}

export class NextChatStandin {
  readonly server: http.Server;
  private readonly sockets = new Set<Socket>();

  /** `onRequest` sees every request before it is answered (the test fixture records them). */
  constructor(
    private readonly options: StandinOptions,
    onRequest?: (req: IncomingMessage) => void,
  ) {
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
    if (path.startsWith("/api/openai/")) return this.relayOpenai(req, res, path.slice("/api/openai".length));
    const other = /^\/api\/[^/]+\/(.*)$/.exec(url);
    if (other) return this.proxyToBaseUrlHeader(req, res, other[1]!);
    if (path === "/" && req.method === "GET") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "content-length": Buffer.byteLength(STANDIN_PAGE) });
      return void res.end(STANDIN_PAGE);
    }
    json(res, 404, { error: true, msg: `no route ${req.method} ${path}` });
  }

  /** NextChat's auth (app/api/auth.ts): an access code, or the caller's own key unless hidden. */
  private authorize(req: IncomingMessage): { authorization?: string; error?: string } {
    const token = (req.headers.authorization ?? "").replace(/^Bearer /, "").trim();
    const accessCode = token.startsWith("nk-") ? token.slice(3) : "";
    const ownKey = token.startsWith("nk-") ? "" : token;
    const codes = this.options.codes ?? [];
    if (codes.length > 0 && !codes.includes(accessCode) && !ownKey) {
      return { error: accessCode ? "wrong access code" : "empty access code" };
    }
    if (this.options.hideUserApiKey && ownKey) return { error: "you are not allowed to access with your own api key" };
    const key = ownKey || this.options.apiKey;
    return { authorization: key ? `Bearer ${key}` : undefined };
  }

  private relayOpenai(req: IncomingMessage, res: ServerResponse, path: string): void {
    const auth = this.authorize(req);
    if (auth.error) return json(res, 401, { error: true, msg: auth.error });
    const headers: http.OutgoingHttpHeaders = { "content-type": req.headers["content-type"] ?? "application/json" };
    if (auth.authorization) headers.authorization = auth.authorization;
    relay(req, res, this.options.baseUrl.replace(/\/+$/, "") + path, headers, (err) =>
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
