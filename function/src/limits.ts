// What the proxy may hold, for the memory the function really has, in one place: the Node flags the
// bootstrap starts it with (function/build.ts renders this choice into scf_bootstrap), how many
// connections it accepts, how often it collects what it has relayed, and how long a client that reads
// nothing keeps what it holds. Figures: README sections "function" and "bench".

/** The function's memory in MB: set by the program (infra/function/proxy.ts), read by the bootstrap and the proxy. */
export const MEMORY_ENV = "FUNCTION_MEMORY_MB";

/** The smallest function (SCF's 64 MB): what a proxy started without MEMORY_ENV is sized for. */
export const SMALLEST_MEMORY_MB = 64;

/** From this size up, Node runs with V8's defaults. */
export const ROOMY_FROM_MB = 128;

/**
 * Below ROOMY_FROM_MB. V8 sizes its heap for the machine, not for the function, and would grow past
 * 64 MB before collecting: a small heap, and lite mode (no optimizing compiler, lazy feedback), without
 * which 5,000 idle sockets peak at 50.2 MB rather than 45.7, and slow readers past 57.6 MB (90% of 64).
 * `--expose-gc` lets the proxy collect as it relays (COLLECT_EVERY_BYTES); `--single-threaded-gc`
 * frees the buffers a collection found dead at once, not when a helper thread gets a core (16
 * concurrent 20 MiB uploads, young collections only: 48 to 59 MB without it, 48 to 50 with it).
 * Lite mode has no WebAssembly: `--no-expose-wasm` keeps V8 from warning so on stderr (nodeHttp.ts
 * says why the proxy needs none). Their price: ~6× the CPU per request, and Node's embedded code cache (any V8 flag
 * changes V8's cache tag, so Node compiles its own modules at start-up: ~19 ms).
 */
export const SMALL_MEMORY_FLAGS: readonly string[] = [
  "--max-old-space-size=24",
  "--max-semi-space-size=1",
  "--lite-mode",
  "--no-expose-wasm",
  "--expose-gc",
  "--single-threaded-gc",
];

/**
 * At ROOMY_FROM_MB and above: V8's defaults, which keep Node's code cache (cold start) and optimizing
 * compiler (CPU per request). In a container V8 already sizes its heap to the memory limit (Node reads
 * the cgroup's); elsewhere it sizes it to the machine, the worst case the bench measures.
 */
const ROOMY_FLAGS: readonly string[] = [];

export function nodeFlagsFor(memoryMb: number): readonly string[] {
  return memoryMb < ROOMY_FROM_MB ? SMALL_MEMORY_FLAGS : ROOMY_FLAGS;
}

/**
 * Every socket read is a fresh off-heap buffer, garbage once relayed, freed only when a collection
 * finds its wrapper dead. A client that reads nothing still takes what the kernel accepts before
 * backpressure (up to the socket's send buffer, 4 MiB on Linux, which Node cannot set), and V8 lets
 * up to 32 MB of such buffers wait before it collects on its own. Under SMALL_MEMORY_FLAGS the proxy
 * collects after every COLLECT_EVERY_BYTES relayed, whatever the number of connections: the young
 * generation (~40 µs), and every FULL_COLLECTION_EVERY-th time everything (a few ms), for the buffers
 * still in flight at a young collection, which it moves to the old generation.
 */
const COLLECT_EVERY_BYTES = 1024 * 1024;
export const FULL_COLLECTION_EVERY = 8;

export function collectEveryBytesFor(memoryMb: number): number | undefined {
  return memoryMb < ROOMY_FROM_MB ? COLLECT_EVERY_BYTES : undefined;
}

/**
 * The share of the memory kept free; RSS before the first connection counts: the idle proxy (46 MB, the
 * node binary's pages mostly) and what relaying adds whatever the number of connections (code pages
 * first run, the collection window), 4 MB.
 */
const HEADROOM = 0.1;
const BASE_MB = 50;

/**
 * What one connection adds at worst: a client that reads nothing of an 8 MiB answer, the costliest load
 * measured (a socket read per stage, and the garbage of what the kernel took). Small flags, Node 18: 288
 * KB (Node 20: 220); V8's defaults, which collect when V8 decides: up to 1 MB.
 */
const CONNECTION_WORST_KB = { small: 288, roomy: 1024 } as const;

/**
 * Connections that fit in `memoryMb` with HEADROOM left free, every one of them at its worst (27 at 64
 * MB), each also holding `replayBytes` of request body for a replay (REPLAY_MAX_BYTES, when a provider
 * has keys to fail over to).
 */
export function maxConnectionsFor(memoryMb: number, replayBytes = 0): number {
  const worstKb = (memoryMb < ROOMY_FROM_MB ? CONNECTION_WORST_KB.small : CONNECTION_WORST_KB.roomy) + replayBytes / 1024;
  return Math.max(1, Math.floor(((memoryMb * (1 - HEADROOM) - BASE_MB) * 1024) / worstKb));
}

/**
 * Failing over to the next key replays the request, so its body is held until the answer is known:
 * bodies up to this size (a long conversation's text; not its images). A larger body is relayed as it
 * comes, once, and the log line says it could not be retried. Sized so that every connection of a 64 MB
 * function holding one at once stays under 90% of it (test/reliability/hardening.test.ts).
 */
export const REPLAY_MAX_BYTES = 256 * 1024;

/**
 * An answer that may say its key cannot serve (keys.ts) is read whole before it is relayed, when it is
 * no larger than this: the providers' error bodies are a few hundred bytes.
 */
export const ERROR_PEEK_BYTES = 16 * 1024;

/** A client that reads none of its answer for this long is cut, as Nginx's send_timeout does. */
export const SEND_TIMEOUT_MS = 60_000;
