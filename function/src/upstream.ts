// The connection to the upstream: one keep-alive Agent for the process, so a conversation's requests
// share one TLS connection instead of paying a handshake each.
import type { ClientRequest, OutgoingHttpHeaders } from "node:http";
import type { Socket } from "node:net";
import type { UpstreamBase } from "./config.js";
import { STALE_SOCKET_CODES } from "./errors.js";
import { http, https } from "./nodeHttp.js";

export interface UpstreamRequest {
  method: string;
  /** Path after the upstream's base path, with query: `/v1/…`. */
  path: string;
  headers: OutgoingHttpHeaders;
}

export interface Upstream {
  request(r: UpstreamRequest): ClientRequest;
  /** Closes pooled connections (shutdown, tests). */
  destroy(): void;
}

export interface UpstreamOptions {
  timeoutMs: number;
  keepAliveIdleMs: number;
  /** Wall clock (ms); a parameter so a test can age the pool without waiting. */
  now?: () => number;
}

export function createUpstream(base: UpstreamBase, options: UpstreamOptions): Upstream {
  const now = options.now ?? Date.now;
  const transport = base.protocol === "https:" ? https : http;
  const agent = new transport.Agent({
    keepAlive: true,
    // Also closes idle pooled sockets on a timer while the process runs (Node lowers it further when
    // the upstream announces `Keep-Alive: timeout=…`).
    timeout: options.keepAliveIdleMs,
    scheduling: "lifo",
  });
  const pooledAt = new WeakMap<Socket, number>();
  const keepSocketAlive = agent.keepSocketAlive.bind(agent);
  agent.keepSocketAlive = (socket: Socket) => {
    pooledAt.set(socket, now());
    return keepSocketAlive(socket);
  };

  // The timer above does not run while a function instance is frozen: check the wall clock before
  // every request. `agentRemove` (documented on http.Agent) takes a destroyed socket out of the pool
  // at once, so the request below cannot be handed the socket just closed. It also takes it out of
  // the array being walked: hence backwards.
  const dropStale = () => {
    const staleBefore = now() - options.keepAliveIdleMs;
    for (const name in agent.freeSockets) {
      const sockets = agent.freeSockets[name]!;
      for (let i = sockets.length - 1; i >= 0; i--) {
        const socket = sockets[i]!;
        if ((pooledAt.get(socket) ?? 0) > staleBefore) continue;
        socket.destroy();
        socket.emit("agentRemove");
      }
    }
  };

  return {
    request({ method, path, headers }) {
      dropStale();
      return transport.request({
        agent,
        protocol: base.protocol,
        hostname: base.hostname,
        port: base.port,
        method,
        path: base.basePath + path,
        headers,
        timeout: options.timeoutMs,
      });
    },
    destroy: () => agent.destroy(),
  };
}

// RFC 9110 §9.2.2: methods whose repetition has no further effect.
const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"]);

/**
 * The keep-alive race: the upstream closes an idle connection just as it is reused, and the request
 * fails before any response byte. Retried once, on a fresh connection, only when replaying is known
 * to be harmless: an idempotent method with no body. A POST is never replayed: its bytes may have
 * been read and acted on (a completion billed); the client gets a 502 and decides (the OpenAI SDKs
 * retry 502s themselves, knowing their own request).
 */
export function mayRetry(attempt: {
  method: string;
  hasBody: boolean;
  reusedSocket: boolean;
  errorCode: string | undefined;
  responseStarted: boolean;
  retries: number;
}): boolean {
  return (
    attempt.retries === 0 &&
    attempt.reusedSocket &&
    !attempt.responseStarted &&
    !attempt.hasBody &&
    IDEMPOTENT.has(attempt.method) &&
    attempt.errorCode !== undefined &&
    STALE_SOCKET_CODES.has(attempt.errorCode)
  );
}
