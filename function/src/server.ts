// The proxy's request flow. Each request passes, in order: framing → CORS preflight → target → method →
// auth → declared size → relay. Errors of its own go out through `reply`; the status of each comes from
// errors.ts and nowhere else.
import type { ClientRequest, IncomingMessage, OutgoingHttpHeaders, Server, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { Readable } from "node:stream";
import { PROVIDERS, PROXY_ROUTES, RELAYED_METHODS, TRIGGER_METHODS, type Provider, type ProxyRoute } from "../../contract.js";
import { authHeaders, authorizer, type AuthResult, type Credential } from "./auth.js";
import { relayBody, type BodyRelay } from "./body.js";
import type { ProxyConfig } from "./config.js";
import { fromClientError, ProxyError, toProxyError, errorCode, type ProxyErrorCode } from "./errors.js";
import {
  clientResponseHeaders,
  CORS_RESPONSE,
  expectsContinue,
  framingProblem,
  isEventStream,
  preflightHeaders,
  unmetExpectation,
  upstreamRequestHeaders,
} from "./headers.js";
import { keyFailure, keyPool, mayBeKeyFailure, type KeyPool } from "./keys.js";
import { ERROR_PEEK_BYTES, FULL_COLLECTION_EVERY } from "./limits.js";
import { eventLine, requestLine, type ClientFailure, type LogSink, type RequestLog } from "./log.js";
import { http } from "./nodeHttp.js";
import { keyRedacted, plainText } from "./redact.js";
import { loggablePath, maskedPath, resolveTarget } from "./target.js";
import { createUpstream, mayRetry, type Upstream } from "./upstream.js";

const RELAYED = new Set<string>(RELAYED_METHODS);
const ALLOWED = TRIGGER_METHODS.join(", ");
const HEALTH_BODY = JSON.stringify({ status: "ok" });
const HEALTH_HEADERS: Readonly<OutgoingHttpHeaders> = {
  ...CORS_RESPONSE,
  "content-type": "application/json",
  "cache-control": "no-store",
  "content-length": Buffer.byteLength(HEALTH_BODY),
};
// Key positions to try (relay): a single server key, or the caller's own credential (`undefined`).
const FIRST_KEY: readonly number[] = [0];
const OWN_CREDENTIAL: readonly undefined[] = [undefined];

// Above the 60 s an Nginx upstream keep-alive holds an idle connection, so that the proxy never closes
// a connection the hop in front is about to reuse (the same race as upstream.ts, one hop earlier).
const CLIENT_KEEPALIVE_MS = 65_000;

export interface ProxyServer {
  readonly server: Server;
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Stops accepting, lets requests in flight finish (streams included), then closes. */
  shutdown(): Promise<void>;
  /** Closes everything now. */
  close(): Promise<void>;
}

export interface ProxyDeps {
  log: LogSink;
  /** Wall clock for the keep-alive pool (upstream.ts). */
  now?: () => number;
  /** Collects the young generation, or with `full` everything: V8's `gc`, when the flags expose it. */
  collectGarbage?: (full: boolean) => void;
}

/** A route of the table as this proxy serves it, built once at start. */
interface Route {
  readonly provider: Provider;
  readonly table: ProxyRoute;
  readonly upstream: Upstream;
  /** The upstream's Host header value, for headers and messages. */
  readonly host: string;
  readonly authorize: (headers: IncomingMessage["headers"], query: string) => AuthResult;
  readonly keys: readonly string[];
  /** Each key as the auth header that carries it upstream. */
  readonly keyHeaders: ReadonlyArray<Readonly<Record<string, string>>>;
  /** With more than one key: which to try, and which rest. */
  readonly pool: KeyPool | undefined;
}

/** Per-request state shared by the steps below. */
interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly entry: RequestLog;
  /** process.hrtime.bigint() at arrival (see elapsed). */
  readonly started: bigint;
  upstreamReq?: ClientRequest;
  /** First failure seen; what the log line reports. */
  failure?: ProxyErrorCode | ClientFailure;
}

export function createProxy(config: ProxyConfig, deps: ProxyDeps): ProxyServer {
  const now = deps.now ?? Date.now;
  const routes = Object.fromEntries(
    PROVIDERS.map((provider): [Provider, Route] => {
      const { upstream: base, keys } = config.routes[provider];
      const table = PROXY_ROUTES[provider];
      const upstream = createUpstream(base, { timeoutMs: config.upstreamTimeoutMs, keepAliveIdleMs: config.keepAliveIdleMs, now });
      return [
        provider,
        {
          provider,
          table,
          upstream,
          host: base.host,
          authorize: authorizer(table, config.token, keys.length > 0),
          keys,
          keyHeaders: keys.map((key) => authHeaders(table, key)),
          pool: keys.length > 1 ? keyPool(keys.length, now) : undefined,
        },
      ];
    }),
  ) as Record<Provider, Route>;
  let draining = false;
  const responding = new WeakMap<Socket, ServerResponse>();
  const relayed = collector(config.collectEveryBytes, deps.collectGarbage);

  // Node 20 answers a request without Host itself, with an empty 400: framingProblem does it in JSON.
  const server = http.createServer({ requireHostHeader: false });
  server.keepAliveTimeout = CLIENT_KEEPALIVE_MS;
  // Over the cap Node closes a new connection at once, without a byte (Nginx in front answers 502 JSON).
  server.maxConnections = config.maxConnections;
  server.on("request", handle);
  // Registered so that Node does not send `100 Continue` before the proxy has checked the request.
  server.on("checkContinue", handle);
  // Any other expectation: Node would answer an empty 417 itself; route() answers it in JSON.
  server.on("checkExpectation", handle);
  server.on("connect", (req: IncomingMessage, socket: Socket) => {
    rawReply(req.method ?? "CONNECT", req.url ?? "", socket, new ProxyError("invalid_request_target", "CONNECT is not relayed"));
  });
  server.on("clientError", (err: Error, socket: Socket) => {
    // As Node's docs advise: a peer that reset, or a socket no longer writable, gets no answer.
    if (errorCode(err) === "ECONNRESET" || !socket.writable) return void socket.destroy();
    // Mid-body parse error after the response began: a status line now would corrupt it.
    if (responding.get(socket)?.headersSent) return void socket.destroy();
    rawReply("-", "-", socket, fromClientError(err));
  });

  function handle(req: IncomingMessage, res: ServerResponse): void {
    // Pipelined behind an answer still being written: Node parses it at once, but it is relayed only
    // when its own answer can start. If the connection closes first (the answer before it said
    // `Connection: close`, or the client left), that turn never comes and nothing of it goes upstream.
    if (!res.socket) return void res.once("socket", () => handle(req, res));
    const x = track(req, res);
    if (draining) res.setHeader("connection", "close");
    guarded(x, route);
  }

  /** A bug must cost one request, not the instance and every stream it carries. */
  function guarded(x: Exchange, step: (x: Exchange) => void): void {
    try {
      step(x);
    } catch (err) {
      process.stderr.write(`gptsite proxy: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      x.upstreamReq?.destroy();
      if (x.res.headersSent) x.res.destroy();
      else reply(x, new ProxyError("internal_error"));
    }
  }

  function route(x: Exchange): void {
    const { req, res } = x;
    const framing = framingProblem(req);
    if (framing !== undefined) return reply(x, new ProxyError("malformed_request", framing));
    const expectation = unmetExpectation(req);
    if (expectation !== undefined) return reply(x, new ProxyError("expectation_failed", expectation));
    if (req.method === "OPTIONS") {
      res.writeHead(204, preflightHeaders(req.headers)).end();
      return;
    }
    const target = resolveTarget(req.url ?? "");
    if (target.kind === "error") return reply(x, target.error);
    if (target.kind === "relay") {
      x.entry.path = target.logPath;
      x.entry.provider = target.provider;
    }
    if (target.kind === "health") {
      res.writeHead(200, HEALTH_HEADERS);
      res.end(req.method === "HEAD" ? undefined : HEALTH_BODY);
      return;
    }
    if (!RELAYED.has(x.entry.method)) {
      res.setHeader("allow", ALLOWED);
      return reply(x, new ProxyError("method_not_allowed", `${x.entry.method}; allowed: ${ALLOWED}`));
    }
    const route = routes[target.provider];
    const auth = route.authorize(req.headers, target.query);
    if (!auth.ok) return reply(x, auth.error);
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > config.maxBodyBytes) return reply(x, tooLarge(`Content-Length is ${declared}`));
    if (expectsContinue(req)) res.writeContinue();
    relay(x, route, target.path + auth.query, auth.credential);
  }

  function track(req: IncomingMessage, res: ServerResponse): Exchange {
    const x: Exchange = {
      req,
      res,
      started: process.hrtime.bigint(),
      // `path`: the target's logPath once resolved (route), else made from the raw target at the end.
      entry: { method: req.method ?? "", provider: undefined, path: "", status: 0, in: 0, out: 0, ttfbMs: null, ms: 0 },
    };
    responding.set(req.socket, res);
    res.on("close", () => {
      responding.delete(req.socket);
      if (!res.writableFinished) {
        // The client left, or the response was cut on purpose: either way the upstream call ends now.
        x.upstreamReq?.destroy();
        x.failure ??= "client_closed";
      }
      x.entry.status = res.headersSent ? res.statusCode : 499;
      if (x.entry.path === "") x.entry.path = loggablePath(req.url ?? "");
      // Refused here or upstream: whatever the caller put in the path is not the log's to keep.
      if (x.entry.status >= 400) x.entry.path = maskedPath(x.entry.path);
      x.entry.ms = elapsed(x);
      if (x.failure) x.entry.error = x.failure;
      deps.log(requestLine(x.entry));
      if (draining) setImmediate(() => server.closeIdleConnections());
    });
    return x;
  }

  /**
   * One attempt per key at most (keys.ts): the answer of a key that cannot serve is read whole (it is
   * small) before anything reaches the client, and the request goes to the next key if its body was
   * held. Any other answer is relayed as it comes.
   */
  function relay(x: Exchange, route: Route, path: string, credential: Credential): void {
    const { req, entry } = x;
    // A server key goes in per attempt, in place: the upstream request copies its headers when made.
    const headers = upstreamRequestHeaders(req.headers, route.host, credential.headers, route.table.defaultHeaders);
    const hasBody = hasRequestBody(req);
    const { pool } = route;
    // Key positions in the order to try them; `undefined`: the caller's own credential, once.
    const order: ReadonlyArray<number | undefined> = credential.kind === "server" ? (pool?.order() ?? FIRST_KEY) : OWN_CREDENTIAL;
    const failover = credential.kind === "server" && pool !== undefined;
    const body: BodyRelay | undefined = hasBody
      ? relayBody(req, {
          holdUpTo: failover ? config.replayMaxBytes : 0,
          limit: req.headers["transfer-encoding"] === undefined ? undefined : config.maxBodyBytes,
          onBytes: (bytes) => {
            entry.in += bytes;
            relayed(bytes);
          },
          onTooLarge: () => fail(x, tooLarge(`the body grew past ${config.maxBodyBytes} bytes`)),
        })
      : undefined;
    let tried = 0;
    let retries = 0;

    const attempt = (): void => {
      const position = order[tried];
      if (position !== undefined) {
        entry.key = position + 1;
        Object.assign(headers, route.keyHeaders[position]);
      }
      const up = route.upstream.request({ method: entry.method, path, headers });
      // An attempt replaced by the next one (a retry, another key) reports nothing more.
      x.upstreamReq = up;
      entry.reused = up.reusedSocket;
      let responseStarted = false;

      up.on("timeout", () => {
        x.failure ??= "upstream_timeout";
        up.destroy(new ProxyError("upstream_timeout", `no byte from ${route.host} for ${config.upstreamTimeoutMs} ms (UPSTREAM_TIMEOUT_MS)`));
      });
      up.on("error", (err) => {
        if (x.res.destroyed || x.upstreamReq !== up) return;
        const code = errorCode(err);
        if (mayRetry({ method: entry.method, hasBody, reusedSocket: up.reusedSocket, errorCode: code, responseStarted, retries })) {
          retries += 1;
          entry.retried = true;
          attempt();
          return;
        }
        fail(x, err, route.host);
      });
      up.on("upgrade", (upstreamRes: IncomingMessage, socket: Socket) => {
        socket.destroy();
        fail(x, new ProxyError("upstream_bad_response", `${route.host} answered with status ${upstreamRes.statusCode}, switching protocols`));
      });
      up.on("response", (upstreamRes: IncomingMessage) => {
        responseStarted = true;
        upstreamRes.on("error", (err) => x.upstreamReq === up && fail(x, err, route.host));
        upstreamRes.on("close", () => {
          if (x.upstreamReq === up && !upstreamRes.complete) fail(x, new ProxyError("upstream_reset", `${route.host} closed the connection mid-answer`));
        });
        guarded(x, () => answered(up, upstreamRes, position));
      });

      if (body) body.sendTo(up);
      else up.end();
    };

    const answered = (up: ClientRequest, upstreamRes: IncomingMessage, position: number | undefined): void => {
      const status = upstreamRes.statusCode ?? 0;
      const secret = position === undefined ? undefined : route.keys[position];
      // Relayed as it comes unless it may say the key failed, and is small enough to be read first.
      const peek = failover && position !== undefined && mayBeKeyFailure(route.provider, status);
      if (!peek || Number(upstreamRes.headers["content-length"] ?? 0) > ERROR_PEEK_BYTES || isEventStream(upstreamRes.headers)) {
        if (position !== undefined) pool?.served(position);
        body?.release();
        respond(x, route, upstreamRes, upstreamRes, secret);
        return;
      }
      readSmall(upstreamRes, ERROR_PEEK_BYTES, (whole) => {
        if (x.upstreamReq !== up || x.res.destroyed) return;
        const text = whole === undefined ? undefined : plainText(whole, upstreamRes.headers["content-encoding"], ERROR_PEEK_BYTES);
        const failure = text === undefined ? undefined : keyFailure(route.provider, status, text);
        if (failure) {
          pool!.rest(position, failure);
          (entry.keyFailures ??= []).push({ key: position + 1, status });
          const next = tried + 1 < order.length;
          if (next && (body === undefined || body.replayable())) {
            tried += 1;
            // Still sending the body to the key that failed: that connection cannot be reused.
            if (!up.writableFinished) up.destroy();
            attempt();
            return;
          }
          entry.retry = next ? "body too large" : "no key left";
        } else {
          pool!.served(position);
        }
        body?.release();
        respond(x, route, upstreamRes, whole === undefined ? upstreamRes : Readable.from([whole], { objectMode: false }), secret);
        if (whole === undefined) upstreamRes.resume();
      });
    };
    attempt();
  }

  /** Relays the upstream's answer (`body`: its bytes, whole when they were read first) to the client. */
  function respond(x: Exchange, route: Route, upstreamRes: IncomingMessage, body: Readable, secret: string | undefined): void {
    const { res, entry } = x;
    // Gone, or already answered by the proxy (a limit hit while the upstream was about to answer).
    if (res.destroyed || res.headersSent) {
      upstreamRes.destroy();
      return;
    }
    // 101 (never asked for: Upgrade is not forwarded) and numbers that are no HTTP status (000, 099, 600).
    // Node skips the interim 1xx (102, 103) itself and waits for the real answer.
    const status = upstreamRes.statusCode ?? 0;
    if (status < 200 || status > 599) {
      upstreamRes.destroy();
      fail(x, new ProxyError("upstream_bad_response", `${route.host} answered with status ${status}`));
      return;
    }
    const headers = clientResponseHeaders(upstreamRes.headers);
    const relayedBody = secret === undefined ? body : keyRedacted(upstreamRes, body, headers, secret, (err) => fail(x, err, route.host));
    if (!relayedBody) {
      upstreamRes.destroy();
      const coding = JSON.stringify(upstreamRes.headers["content-encoding"]?.slice(0, 50));
      fail(x, new ProxyError("upstream_bad_response", `an error answer in Content-Encoding ${coding}, which cannot be checked for ${route.table.keyEnv}`));
      return;
    }
    // The status line leaves with the first body byte (or the end of an empty body), not before: until
    // then a failure (bad framing, a reset) is still answered with a 502 that says so, and logged as
    // one. An event stream's leaves at once, to tell the client its stream has started.
    const start = () => {
      if (!res.headersSent) res.writeHead(status, headers);
    };
    if (isEventStream(upstreamRes.headers)) {
      start();
      res.flushHeaders();
    }
    // Backpressure: a client that reads slowly pauses the upstream; one that reads nothing for the
    // send timeout loses its answer rather than hold its buffers and the upstream call.
    let stalled: NodeJS.Timeout | undefined;
    relayedBody.on("data", (chunk: Buffer) => {
      if (res.destroyed) return;
      start();
      entry.ttfbMs ??= elapsed(x);
      entry.out += chunk.length;
      relayed(chunk.length);
      if (!res.write(chunk)) {
        relayedBody.pause();
        stalled ??= setTimeout(() => {
          x.failure ??= "client_too_slow";
          res.destroy();
        }, config.sendTimeoutMs);
      }
    });
    res.on("drain", () => {
      clearTimeout(stalled);
      stalled = undefined;
      relayedBody.resume();
    });
    res.on("close", () => clearTimeout(stalled));
    relayedBody.on("end", () => {
      start();
      entry.ttfbMs ??= elapsed(x);
      res.end();
    });
  }

  /**
   * The upstream broke off mid-response. The client gets the bytes already relayed, then a destroyed
   * connection: an incomplete message, never a clean end that would pass for a whole answer.
   */
  function cut(x: Exchange): void {
    const { res } = x;
    x.failure ??= "upstream_reset";
    // Gone, or whole already (the proxy's own answer to an earlier failure).
    if (res.destroyed || res.writableEnded) return;
    // end() flushes what is queued, then FIN without the chunked terminator; destroy() would drop
    // the queue. destroySoon = end, then destroy once flushed.
    if (res.socket) res.socket.destroySoon();
    else res.destroy();
  }

  /** `upstreamHost`: for a Node.js error of the upstream call, which upstream (errors.ts toProxyError). */
  function fail(x: Exchange, err: unknown, upstreamHost = ""): void {
    const e = toProxyError(err, upstreamHost);
    x.failure ??= e.code;
    if (x.res.headersSent) cut(x);
    else reply(x, e);
  }

  function reply(x: Exchange, e: ProxyError): void {
    const { req, res } = x;
    if (res.headersSent || res.destroyed) return;
    x.failure ??= e.code;
    const body = JSON.stringify(e.toJSON());
    const length = Buffer.byteLength(body);
    res.writeHead(e.status, {
      ...CORS_RESPONSE,
      "content-type": "application/json",
      "content-length": length,
      // A body we will not read: close rather than read it to the end to keep the connection.
      ...(hasRequestBody(req) && !req.complete ? { connection: "close" } : {}),
    });
    res.end(body);
    x.entry.out = length;
  }

  /** For what Node hands over below the request level (CONNECT, parse errors): write and close. */
  function rawReply(method: string, rawTarget: string, socket: Socket, e: ProxyError): void {
    const body = JSON.stringify(e.toJSON());
    socket.end(
      `HTTP/1.1 ${e.status} ${http.STATUS_CODES[e.status] ?? ""}\r\ncontent-type: application/json\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
    socket.destroySoon();
    deps.log(requestLine({ method, path: maskedPath(loggablePath(rawTarget)), status: e.status, in: 0, out: 0, ttfbMs: null, ms: 0, error: e.code }));
  }

  function tooLarge(what: string): ProxyError {
    return new ProxyError("request_too_large", `${what}; MAX_BODY_BYTES allows ${config.maxBodyBytes}`);
  }

  return {
    server,
    async listen(port, host) {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve();
        });
      });
      const address = server.address() as AddressInfo;
      const upstreams = Object.fromEntries(PROVIDERS.map((p) => [p, `${config.routes[p].upstream.protocol}//${config.routes[p].upstream.host}${config.routes[p].upstream.basePath}`]));
      const keys = Object.fromEntries(PROVIDERS.map((p) => [p, config.routes[p].keys.length]));
      deps.log(eventLine("listening", { host: address.address, port: address.port, upstreams, token: config.token !== undefined, keys, memoryMb: config.memoryMb, maxConnections: config.maxConnections }));
      return address;
    },
    shutdown() {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      return closed.then(() => {
        for (const p of PROVIDERS) routes[p].upstream.destroy();
      });
    },
    close() {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const p of PROVIDERS) routes[p].upstream.destroy();
      return closed;
    },
  };
}

/**
 * Counts the bytes relayed (both ways) and collects after every `everyBytes`: what the kernel takes
 * before backpressure has passed through a fresh buffer per read, garbage that would otherwise wait
 * for V8 (limits.ts COLLECT_EVERY_BYTES).
 */
function collector(everyBytes: number | undefined, collect: ((full: boolean) => void) | undefined): (bytes: number) => void {
  if (everyBytes === undefined || collect === undefined) return () => {};
  let since = 0;
  let collections = 0;
  return (bytes) => {
    since += bytes;
    if (since < everyBytes) return;
    since %= everyBytes;
    collections += 1;
    collect(collections % FULL_COLLECTION_EVERY === 0);
  };
}

/**
 * Reads an answer whole while it stays within `max` bytes: `done` gets its bytes, or, past `max`,
 * undefined, with what was read put back and the answer paused (resume it once it has a reader).
 */
function readSmall(answer: IncomingMessage, max: number, done: (whole: Buffer | undefined) => void): void {
  const parts: Buffer[] = [];
  let size = 0;
  const onData = (chunk: Buffer) => {
    parts.push(chunk);
    size += chunk.length;
    if (size <= max) return;
    answer.off("data", onData).off("end", onEnd);
    answer.pause();
    answer.unshift(Buffer.concat(parts));
    done(undefined);
  };
  const onEnd = () => done(Buffer.concat(parts));
  answer.on("data", onData).on("end", onEnd);
}

function hasRequestBody(req: IncomingMessage): boolean {
  return req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
}

// Milliseconds since the request arrived. process.hrtime, not performance.now(): `performance` loads
// nine perf_hooks modules, compiled from source under the small-memory flags (~1 ms of cold start).
function elapsed(x: Exchange): number {
  return Math.round(Number(process.hrtime.bigint() - x.started) / 1e6);
}
