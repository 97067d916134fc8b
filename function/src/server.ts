// The proxy's request flow. Each request passes, in order: framing → CORS preflight → target → method →
// auth → declared size → relay. Errors of its own go out through `reply`; the status of each comes from
// errors.ts and nowhere else.
import type { ClientRequest, IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { pipeline, Transform } from "node:stream";
import { RELAYED_METHODS, TRIGGER_METHODS } from "../../contract.js";
import { authorizer } from "./auth.js";
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
import { FULL_COLLECTION_EVERY } from "./limits.js";
import { eventLine, requestLine, type ClientFailure, type LogSink, type RequestLog } from "./log.js";
import { http } from "./nodeHttp.js";
import { keyRedacted } from "./redact.js";
import { loggablePath, maskedPath, resolveTarget } from "./target.js";
import { createUpstream, mayRetry } from "./upstream.js";

const RELAYED = new Set<string>(RELAYED_METHODS);
const HEALTH_BODY = JSON.stringify({ status: "ok" });

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
  const upstream = createUpstream(config.upstream, {
    timeoutMs: config.upstreamTimeoutMs,
    keepAliveIdleMs: config.keepAliveIdleMs,
    now: deps.now,
  });
  const upstreamName = config.upstream.host;
  const authorize = authorizer(config.auth);
  const serverKey = config.auth.kind === "key" ? config.auth.apiKey : undefined;
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
    guarded(x, () => route(x));
  }

  /** A bug must cost one request, not the instance and every stream it carries. */
  function guarded(x: Exchange, step: () => void): void {
    try {
      step();
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
    if (target.kind === "relay") x.entry.path = target.logPath;
    if (target.kind === "health") {
      res.writeHead(200, { ...CORS_RESPONSE, "content-type": "application/json", "cache-control": "no-store", "content-length": Buffer.byteLength(HEALTH_BODY) });
      res.end(req.method === "HEAD" ? undefined : HEALTH_BODY);
      return;
    }
    if (!RELAYED.has(x.entry.method)) {
      res.setHeader("allow", TRIGGER_METHODS.join(", "));
      return reply(x, new ProxyError("method_not_allowed", `${x.entry.method}; allowed: ${TRIGGER_METHODS.join(", ")}`));
    }
    const auth = authorize(req.headers.authorization);
    if (!auth.ok) return reply(x, auth.error);
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > config.maxBodyBytes) return reply(x, tooLarge(`Content-Length is ${declared}`));
    if (expectsContinue(req)) res.writeContinue();
    relay(x, target.path, auth.authorization);
  }

  function track(req: IncomingMessage, res: ServerResponse): Exchange {
    const x: Exchange = {
      req,
      res,
      started: process.hrtime.bigint(),
      entry: { method: req.method ?? "", path: loggablePath(req.url ?? ""), status: 0, in: 0, out: 0, ttfbMs: null, ms: 0 },
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
      // Refused here or upstream: whatever the caller put in the path is not the log's to keep.
      if (x.entry.status >= 400) x.entry.path = maskedPath(x.entry.path);
      x.entry.ms = elapsed(x);
      if (x.failure) x.entry.error = x.failure;
      deps.log(requestLine(x.entry));
      if (draining) setImmediate(() => server.closeIdleConnections());
    });
    return x;
  }

  function relay(x: Exchange, path: string, authorization: string | undefined): void {
    const { req, res, entry } = x;
    const headers = upstreamRequestHeaders(req.headers, upstreamName, authorization);
    const hasBody = hasRequestBody(req);
    let retries = 0;

    const attempt = (): void => {
      const up = upstream.request({ method: entry.method, path, headers });
      x.upstreamReq = up;
      entry.reused = up.reusedSocket;
      let responseStarted = false;

      up.on("timeout", () => {
        x.failure ??= "upstream_timeout";
        up.destroy(new ProxyError("upstream_timeout", `no byte from ${upstreamName} for ${config.upstreamTimeoutMs} ms (UPSTREAM_TIMEOUT_MS)`));
      });
      up.on("error", (err) => {
        if (res.destroyed) return;
        const code = errorCode(err);
        if (mayRetry({ method: entry.method, hasBody, reusedSocket: up.reusedSocket, errorCode: code, responseStarted, retries })) {
          retries += 1;
          entry.retried = true;
          attempt();
          return;
        }
        fail(x, err);
      });
      up.on("upgrade", (upstreamRes: IncomingMessage, socket: Socket) => {
        socket.destroy();
        fail(x, new ProxyError("upstream_bad_response", `${upstreamName} answered with status ${upstreamRes.statusCode}, switching protocols`));
      });
      up.on("response", (upstreamRes) => {
        responseStarted = true;
        guarded(x, () => respond(x, upstreamRes));
      });

      if (hasBody) sendBody(x, up);
      else up.end();
    };
    attempt();
  }

  /**
   * The request body, streamed with backpressure. A Content-Length body was held to MAX_BODY_BYTES
   * before the relay and Node's parser reads no byte past that length, so it is piped as it is; only
   * a chunked body is checked as it arrives. (The check's Transform and pipeline(), which makes an
   * AbortController per call, were a sixth of the proxy's CPU time for a small request: bench/.)
   */
  function sendBody(x: Exchange, up: ClientRequest): void {
    const { req, entry } = x;
    if (req.headers["transfer-encoding"] === undefined) {
      req.on("data", (chunk: Buffer) => {
        entry.in += chunk.length;
        relayed(chunk.length);
      });
      req.on("error", (err) => up.destroy(err));
      req.pipe(up);
      return;
    }
    const limit = bodyLimit(x);
    req.pipe(limit);
    req.on("error", (err) => limit.destroy(err));
    pipeline(limit, up, (err) => {
      // Upstream failures arrive through up's 'error' above; only the size limit is decided here.
      if (err instanceof ProxyError && err.code === "request_too_large") fail(x, err);
    });
  }

  function bodyLimit(x: Exchange): Transform {
    return new Transform({
      transform(chunk: Buffer, _encoding, done) {
        if (x.entry.in + chunk.length > config.maxBodyBytes) {
          done(tooLarge(`the body grew past ${config.maxBodyBytes} bytes`));
          return;
        }
        x.entry.in += chunk.length;
        relayed(chunk.length);
        done(null, chunk);
      },
    });
  }

  function respond(x: Exchange, upstreamRes: IncomingMessage): void {
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
      fail(x, new ProxyError("upstream_bad_response", `${upstreamName} answered with status ${status}`));
      return;
    }
    const headers = clientResponseHeaders(upstreamRes.headers);
    const body = serverKey === undefined ? upstreamRes : keyRedacted(upstreamRes, headers, serverKey, (err) => fail(x, err));
    if (!body) {
      upstreamRes.destroy();
      const coding = JSON.stringify(upstreamRes.headers["content-encoding"]?.slice(0, 50));
      fail(x, new ProxyError("upstream_bad_response", `an error answer in Content-Encoding ${coding}, which cannot be checked for OPENAI_API_KEY`));
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
    body.on("data", (chunk: Buffer) => {
      if (res.destroyed) return;
      start();
      entry.ttfbMs ??= elapsed(x);
      entry.out += chunk.length;
      relayed(chunk.length);
      if (!res.write(chunk)) {
        body.pause();
        stalled ??= setTimeout(() => {
          x.failure ??= "client_too_slow";
          res.destroy();
        }, config.sendTimeoutMs);
      }
    });
    res.on("drain", () => {
      clearTimeout(stalled);
      stalled = undefined;
      body.resume();
    });
    res.on("close", () => clearTimeout(stalled));
    body.on("end", () => {
      start();
      entry.ttfbMs ??= elapsed(x);
      res.end();
    });
    upstreamRes.on("error", (err) => fail(x, err));
    upstreamRes.on("close", () => {
      if (!upstreamRes.complete) fail(x, new ProxyError("upstream_reset", `${upstreamName} closed the connection mid-answer`));
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

  function fail(x: Exchange, err: unknown): void {
    const e = toProxyError(err, upstreamName);
    x.failure ??= e.code;
    if (x.res.headersSent) cut(x);
    else reply(x, e);
  }

  function reply(x: Exchange, e: ProxyError): void {
    const { req, res } = x;
    if (res.headersSent || res.destroyed) return;
    x.failure ??= e.code;
    const body = JSON.stringify(e.toJSON());
    res.writeHead(e.status, {
      ...CORS_RESPONSE,
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
      // A body we will not read: close rather than read it to the end to keep the connection.
      ...(hasRequestBody(req) && !req.complete ? { connection: "close" } : {}),
    });
    res.end(body);
    x.entry.out = Buffer.byteLength(body);
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
      deps.log(eventLine("listening", { host: address.address, port: address.port, upstream: `${config.upstream.protocol}//${config.upstream.host}${config.upstream.basePath}`, auth: config.auth.kind, memoryMb: config.memoryMb, maxConnections: config.maxConnections }));
      return address;
    },
    shutdown() {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      return closed.then(() => upstream.destroy());
    },
    close() {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      upstream.destroy();
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

function hasRequestBody(req: IncomingMessage): boolean {
  return req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
}

// Milliseconds since the request arrived. process.hrtime, not performance.now(): `performance` loads
// nine perf_hooks modules, compiled from source under the small-memory flags (~1 ms of cold start).
function elapsed(x: Exchange): number {
  return Math.round(Number(process.hrtime.bigint() - x.started) / 1e6);
}
