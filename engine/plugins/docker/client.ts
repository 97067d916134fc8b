// Part of the STAND-IN docker provider plugin (the real one cannot be built here: the Go module proxy
// answers 403 for it; see docker/main.ts).
// The Docker Engine API over the provider's `host`, on node:http. A dozen endpoints is all the stand-in
// needs, and node:http speaks to a unix socket directly; dockerode would bring ssh2, docker-modem and
// tar-fs into every plugin start for nothing we use. What the real provider gets from the Go client
// (github.com/docker/docker v28.5.2 `client`) is kept: API version negotiation down to the daemon's
// (`_ping`'s API-Version header, client default 1.51), its "Error response from daemon: …" wording,
// and its refusal of features the negotiated version lacks (client.NewVersionError).
import http from "node:http";

/** The Go client's api.DefaultVersion in docker/docker v28.5.2. */
const CLIENT_API_VERSION = "1.51";

export class DaemonError extends Error {
  constructor(
    readonly status: number,
    readonly daemonMessage: string,
  ) {
    super(`Error response from daemon: ${daemonMessage}`);
  }
}

export interface Reply {
  status: number;
  body: Buffer;
}

export class DockerClient {
  private version: string | undefined;

  private constructor(
    private readonly host: string,
    private readonly socketPath: string,
  ) {}

  /**
   * A client for `host`, checked with `_ping` as the real provider's MakeClient does. Only unix://
   * is served by the stand-in; the real provider also speaks ssh://, tcp:// and npipe://.
   */
  static async connect(host: string): Promise<DockerClient> {
    if (!host.startsWith("unix://")) {
      const scheme = host.split("://")[0] ?? host;
      throw new Error(
        `docker:host ${JSON.stringify(host)}: the ${scheme}:// scheme is not supported by the stand-in docker provider ` +
          "(engine/plugins/docker), which reaches a local daemon over a unix:// socket only. " +
          "Point `host` at a unix socket (e.g. unix:///var/run/docker.sock), or use the real pulumi-resource-docker plugin.",
      );
    }
    const client = new DockerClient(host, host.slice("unix://".length));
    try {
      const ping = await client.raw("GET", "/_ping");
      const daemon = [ping.headers["api-version"]].flat()[0];
      client.version = daemon && versionLess(daemon, CLIENT_API_VERSION) ? daemon : CLIENT_API_VERSION;
    } catch (error) {
      // The Go client's ErrorConnectionFailed wording for a socket nobody listens on.
      const code = (error as NodeJS.ErrnoException).code;
      const reason =
        code === "ENOENT" || code === "ECONNREFUSED"
          ? `Cannot connect to the Docker daemon at ${host}. Is the docker daemon running?`
          : (error as Error).message;
      throw new Error(`Error pinging Docker server, please make sure that ${host} is reachable and has a  '_ping' endpoint. Error: ${reason}`);
    }
    return client;
  }

  get apiVersion(): string {
    return this.version ?? CLIENT_API_VERSION;
  }

  /** client.NewVersionError: `feature` needs API `required`, which the daemon's version lacks. */
  requireVersion(required: string, feature: string): void {
    if (versionLess(this.apiVersion, required)) {
      throw new Error(`${JSON.stringify(feature)} requires API version ${required}, but the Docker daemon API version is ${this.apiVersion}`);
    }
  }

  /** One API call; a status of 400 or more is a DaemonError with the daemon's message. */
  async call(method: string, path: string, options: { query?: Record<string, string | undefined>; json?: unknown; body?: Buffer; contentType?: string } = {}): Promise<Reply> {
    const query = new URLSearchParams(Object.entries(options.query ?? {}).filter((e): e is [string, string] => e[1] !== undefined));
    const url = `/v${this.apiVersion}${path}${query.size > 0 ? `?${query}` : ""}`;
    const body = options.json !== undefined ? Buffer.from(JSON.stringify(options.json)) : options.body;
    const type = options.json !== undefined ? "application/json" : options.contentType;
    const reply = await this.raw(method, url, body, type);
    if (reply.status >= 400) throw new DaemonError(reply.status, daemonMessage(reply.body));
    return { status: reply.status, body: reply.body };
  }

  async json<T>(method: string, path: string, options: Parameters<DockerClient["call"]>[2] = {}): Promise<T> {
    const reply = await this.call(method, path, options);
    return JSON.parse(reply.body.toString("utf8")) as T;
  }

  private raw(method: string, path: string, body?: Buffer, contentType?: string): Promise<Reply & { headers: http.IncomingHttpHeaders }> {
    return new Promise((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders = { host: "docker" };
      if (body) Object.assign(headers, { "content-type": contentType ?? "application/octet-stream", "content-length": body.length });
      const request = http.request({ socketPath: this.socketPath, method, path, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
        response.on("error", reject);
      });
      request.on("error", reject);
      request.end(body);
    });
  }
}

function daemonMessage(body: Buffer): string {
  const text = body.toString("utf8").trim();
  try {
    const parsed = JSON.parse(text) as { message?: string };
    if (typeof parsed.message === "string") return parsed.message;
  } catch {
    // a plain-text error, as the Go client also accepts
  }
  return text;
}

/** docker/docker api/types/versions.LessThan: dotted numeric comparison. */
export function versionLess(a: string, b: string): boolean {
  const x = a.split(".").map(Number);
  const y = b.split(".").map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d < 0;
  }
  return false;
}

/** The Go client's errdefs.IsNotFound for a daemon reply. */
export function isNotFound(error: unknown): boolean {
  return error instanceof DaemonError && error.status === 404;
}

/** The real provider's containsIgnorableErrorMessage. */
export function hasMessage(error: unknown, ...fragments: string[]): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return fragments.some((fragment) => message.includes(fragment));
}

const clients = new Map<string, Promise<DockerClient>>();

/** One client per host for the plugin's life, like the real provider's clientCache. */
export function clientFor(host: string): Promise<DockerClient> {
  let client = clients.get(host);
  if (!client) {
    client = DockerClient.connect(host);
    // A failed ping is retried on the next operation, not cached.
    client.catch(() => clients.delete(host));
    clients.set(host, client);
  }
  return client;
}
