// Where the engine keeps things under its cache directory (see engine/settings.ts for which one).
import path from "node:path";

export interface DockerdLayout {
  /** Images and containers; kept across engine:down, so a warm engine:up finds its images. */
  dataRoot: string;
  /** What exists only while dockerd runs (socket, pidfile, exec-root); engine:down removes it. */
  runDir: string;
  socket: string;
  pidFile: string;
  execRoot: string;
  configFile: string;
  log: string;
}

export interface EngineLayout {
  cacheDir: string;
  dockerd: DockerdLayout;
  /** Root filesystem tarballs made by debootstrap, one directory per set of inputs. */
  rootfs: string;
  /** PULUMI_HOME per toolchain (plugins installed for the built one must not meet a real installation's). */
  pulumiHome: (toolchainId: string) => string;
  /** The file backend's state. */
  backend: string;
  passphraseFile: string;
}

/** A unix socket path is at most 107 bytes; containerd's sits deepest, under the exec-root. */
const DEEPEST_SOCKET = "exec/containerd/containerd.sock.ttrpc";
const SOCKET_PATH_MAX = 107;

export function engineLayout(cacheDir: string): EngineLayout {
  const docker = path.join(cacheDir, "docker");
  const runDir = path.join(docker, "run");
  const deepest = path.join(runDir, DEEPEST_SOCKET);
  if (Buffer.byteLength(deepest) > SOCKET_PATH_MAX) {
    throw new Error(
      `GPTSITE_ENGINE_CACHE: "${cacheDir}" is too long for dockerd's unix sockets (${deepest} is over ${SOCKET_PATH_MAX} bytes); use a shorter path`,
    );
  }
  return {
    cacheDir,
    dockerd: {
      dataRoot: path.join(docker, "data"),
      runDir,
      socket: path.join(runDir, "docker.sock"),
      pidFile: path.join(runDir, "dockerd.pid"),
      execRoot: path.join(runDir, "exec"),
      configFile: path.join(runDir, "daemon.json"),
      log: path.join(docker, "dockerd.log"),
    },
    rootfs: path.join(cacheDir, "rootfs"),
    pulumiHome: (toolchainId) => path.join(cacheDir, "pulumi-home", toolchainId),
    backend: path.join(cacheDir, "state"),
    passphraseFile: path.join(cacheDir, "pulumi-passphrase"),
  };
}
