// What connections may hold, in one place: how many the proxy accepts for the memory it has, and how
// long a client that reads nothing keeps what it holds. Figures measured with the bootstrap's Node
// flags (function/build.ts), README section "function".
//
// Node's streams keep one connection's buffering to about one socket read per stage whatever the
// client does (its write queue, the upstream answer's buffer, the upstream socket's; a read is up to
// 64 KiB, or 16 KiB of TLS plaintext), so what varies is how many connections there are:
// an idle one costs about 5 KB, a stream about 65 KB, a client that reads nothing of a large answer
// about 256 KB (the worst measured, over a TLS upstream).

/** The memory the defaults are sized for: the smallest function (SCF's 64 MB). */
export const FUNCTION_MEMORY_MB = 64;
/** RSS of the idle proxy (46 MB), and the share of the memory kept free. */
const IDLE_MB = 46;
const HEADROOM = 0.1;
/** What one connection may hold at worst. */
const CONNECTION_WORST_KB = 256;

/** Connections that fit in `memoryMb` with every one of them at its worst (46 for 64 MB). */
export function maxConnectionsFor(memoryMb: number): number {
  return Math.max(1, Math.floor(((memoryMb * (1 - HEADROOM) - IDLE_MB) * 1024) / CONNECTION_WORST_KB));
}

/** A client that reads none of its answer for this long is cut, as Nginx's send_timeout does. */
export const SEND_TIMEOUT_MS = 60_000;
