// Part of the STAND-IN docker provider plugin (the real one cannot be built here: the Go module proxy
// answers 403 for it; see docker/main.ts).
// docker:index/container:Container as pulumi-docker 5.2.0 declares it (provider/cmd/pulumi-resource-docker/
// schema.json; `docker_container` of kreuzwerker/terraform-provider-docker v4.5.0,
// internal/provider/resource_docker_container.go): the inputs the stand-in implements, with the real
// ForceNew flags, defaults and validators, and the names of the real inputs it refuses.
import { parseDuration } from "./duration.js";
import type { Json, JsonObject } from "../values.js";
import type { Props, ResourceSchema } from "../schema.js";

const pattern = (re: RegExp, source: string) => (value: string) =>
  re.test(value) ? undefined : `'${value}' doesn't match the pattern '${source}'`;

/** validateDurationGeq0 */
const duration = (value: string) => {
  const ns = parseDuration(value);
  if (typeof ns === "string") return `'${value}' is not a valid duration`;
  return ns < 0 ? `'${value}' duration must not be negative` : undefined;
};

const base64 = (value: string) =>
  /^[A-Za-z0-9+/]*={0,2}$/.test(value) && value.length % 4 === 0 ? undefined : `'${value}' is not base64 decodeable`;

const strings = { kind: "list", of: { kind: "string" } } as const;
const stringSet = { kind: "set", of: { kind: "string" } } as const;

const props: Props = {
  name: { type: { kind: "string" }, forceNew: true },
  image: { type: { kind: "string" }, required: true, forceNew: true },
  command: { type: strings, forceNew: true, computed: true },
  envs: { type: stringSet, forceNew: true, computed: true },
  uploads: {
    forceNew: true,
    type: {
      kind: "set",
      of: {
        kind: "object",
        props: {
          file: { type: { kind: "string" }, required: true },
          content: { type: { kind: "string" } },
          contentBase64: { type: { kind: "string", validate: base64 } },
          source: { type: { kind: "string" } },
          sourceHash: { type: { kind: "string" } },
          executable: { type: { kind: "bool" }, default: false },
          permissions: { type: { kind: "string", validate: pattern(/^0[0-7]{3}$/, "^0[0-7]{3}$") } },
        },
      },
    },
  },
  ports: {
    forceNew: true,
    type: {
      kind: "list",
      of: {
        kind: "object",
        props: {
          internal: { type: { kind: "int" }, required: true },
          external: { type: { kind: "int" }, computed: true },
          ip: { type: { kind: "string" }, default: "0.0.0.0" },
          protocol: { type: { kind: "string" }, default: "tcp" },
        },
      },
    },
  },
  networksAdvanced: {
    forceNew: true,
    type: {
      kind: "set",
      of: {
        kind: "object",
        props: { name: { type: { kind: "string" }, required: true }, aliases: { type: stringSet } },
        unimplemented: ["driverOpts", "gwPriority", "ipv4Address", "ipv6Address", "linkLocalIps", "macAddress"],
      },
    },
  },
  networkMode: { type: { kind: "string" }, forceNew: true, default: "bridge" },
  memory: { type: { kind: "int", min: 0 } },
  memoryReservation: { type: { kind: "int", min: 0 }, default: 0 },
  healthcheck: {
    computed: true,
    type: {
      kind: "object",
      props: {
        tests: { type: strings },
        interval: { type: { kind: "string", validate: duration }, default: "0s" },
        timeout: { type: { kind: "string", validate: duration }, default: "0s" },
        startPeriod: { type: { kind: "string", validate: duration }, default: "0s" },
        startInterval: { type: { kind: "string", validate: duration }, default: "0s" },
        retries: { type: { kind: "int", min: 0 }, default: 0 },
      },
    },
  },
  wait: { type: { kind: "bool" }, default: false },
  waitTimeout: { type: { kind: "int" }, default: 60 },
  restart: { type: { kind: "string", validate: pattern(/^(no|on-failure|always|unless-stopped)$/, "^(no|on-failure|always|unless-stopped)$") }, default: "no" },
  maxRetryCount: { type: { kind: "int" } },
  logDriver: { type: { kind: "string" }, forceNew: true, computed: true },
  logOpts: { type: { kind: "map" }, forceNew: true },
  start: { type: { kind: "bool" }, default: true },
  mustRun: { type: { kind: "bool" }, default: true },
  rm: { type: { kind: "bool" }, default: false },
  readOnly: { type: { kind: "bool" }, forceNew: true, default: false },
  tty: { type: { kind: "bool" }, forceNew: true, default: false },
  stdinOpen: { type: { kind: "bool" }, forceNew: true, default: false },
  removeVolumes: { type: { kind: "bool" }, default: true },
  destroyGraceSeconds: { type: { kind: "int" } },
  // attach/logs: only their default (false) is implemented, see checkContainer.
  attach: { type: { kind: "bool" }, default: false },
  logs: { type: { kind: "bool" }, default: false },
  // v4.5.0 reads it but no longer waits on it.
  containerReadRefreshTimeoutMilliseconds: { type: { kind: "int" }, default: 15000 },
};

export const containerSchema: ResourceSchema = {
  token: "docker:index/container:Container",
  props,
  unimplemented: [
    "capabilities", "cgroupParent", "cgroupnsMode", "cpuPeriod", "cpuQuota", "cpuSet", "cpuShares", "cpus",
    "deviceReadBps", "deviceReadIops", "deviceRequests", "deviceWriteBps", "deviceWriteIops", "devices", "dns",
    "dnsOpts", "dnsSearches", "domainname", "entrypoints", "gpus", "groupAdds", "hostname", "hosts", "init",
    "ipcMode", "labels", "memorySwap", "mounts", "pidMode", "platform", "privileged", "publishAllPorts", "runtime",
    "securityOpts", "shmSize", "stopSignal", "stopTimeout", "storageOpts", "sysctls", "tmpfs", "ulimits", "user",
    "usernsMode", "volumes", "workingDir",
  ],
  // suppressIfPortsDidNotChangeForMigrationV0ToV1: ports match by internal port, in any order.
  equal: { ports: samePorts },
};

function samePorts(olds: Json | undefined, news: Json | undefined): boolean {
  const a = (Array.isArray(olds) ? olds : []) as JsonObject[];
  const b = (Array.isArray(news) ? news : []) as JsonObject[];
  if (a.length !== b.length) return false;
  return a.every((old) =>
    b.some(
      (next) =>
        next.internal === old.internal &&
        (next.protocol ?? "tcp") === (old.protocol ?? "tcp") &&
        // an external port the program leaves out is the one Docker picked
        (next.external === undefined || next.external === old.external) &&
        (next.ip ?? "0.0.0.0") === (old.ip ?? "0.0.0.0"),
    ),
  );
}
