// The request body on its way upstream: streamed as it arrives, with backpressure, to the current
// upstream request, and held, while it fits `holdUpTo` (limits.ts REPLAY_MAX_BYTES), so that the
// next key can be sent the same bytes. A plain 'data' loop rather than pipe(), so that the target can
// change mid-body; pipeline() and a Transform per request were a sixth of the proxy's CPU time for a
// small request (bench/).
import type { ClientRequest, IncomingMessage } from "node:http";

export interface BodyRelay {
  /** From now on the body goes to `up`: what was held first, then what is still to come. */
  sendTo(up: ClientRequest): void;
  /**
   * Everything received so far is held: it can be sent again. A method, not a getter: with a getter in
   * the object literal below, each request's whole graph (req, the upstream call, the Exchange) outlived
   * two scavenges and was promoted (bench at 128 MB: 60 → 101 MB after 10,000 requests, no more live
   * data). The accessor pair V8 makes per literal appears to land in old space and hold it all.
   */
  replayable(): boolean;
  /** Holds nothing more: the answer is known. */
  release(): void;
}

export interface BodyOptions {
  /** Bytes held for a replay at most; past them the body is no longer replayable. 0: hold nothing. */
  holdUpTo: number;
  /** A chunked body may grow to this many bytes (a Content-Length body was checked before). */
  limit?: number;
  onBytes(bytes: number): void;
  /** The body grew past `limit`: the upstream request has been destroyed. */
  onTooLarge(): void;
}

export function relayBody(req: IncomingMessage, options: BodyOptions): BodyRelay {
  // While `held` is kept, it is every chunk received: its size is `received`.
  let held: Buffer[] | undefined = options.holdUpTo > 0 ? [] : undefined;
  let received = 0;
  let ended = false;
  let refused = false;
  let target: ClientRequest | undefined;
  let waiting: ClientRequest | undefined;
  const drained = () => {
    waiting = undefined;
    req.resume();
  };

  return {
    sendTo(up) {
      if (target === undefined) {
        // The first target: the body starts to flow, and from here on `target` is always set.
        req.on("data", (chunk: Buffer) => {
          if (refused) return;
          if (options.limit !== undefined && received + chunk.length > options.limit) {
            refused = true;
            held = undefined;
            target!.destroy();
            options.onTooLarge();
            return;
          }
          received += chunk.length;
          options.onBytes(chunk.length);
          if (held) {
            if (received > options.holdUpTo) held = undefined;
            else held.push(chunk);
          }
          if (!target!.write(chunk)) {
            req.pause();
            waiting = target;
            target!.once("drain", drained);
          }
        });
        req.on("end", () => {
          ended = true;
          if (!refused) target!.end();
        });
        req.on("error", (err) => target!.destroy(err));
      } else {
        // The previous target will not drain now: stop waiting for it.
        if (waiting) {
          waiting.off("drain", drained);
          drained();
        }
        for (const chunk of held ?? []) up.write(chunk);
      }
      target = up;
      if (ended) up.end();
    },
    replayable() {
      return held !== undefined;
    },
    release() {
      held = undefined;
    },
  };
}
