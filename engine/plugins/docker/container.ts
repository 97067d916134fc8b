// Part of the STAND-IN docker provider plugin (the real one cannot be built here: the Go module proxy
// answers 403 for it; see docker/main.ts).
// docker:index/container:Container, after kreuzwerker/terraform-provider-docker v4.5.0
// internal/provider/resource_docker_container_funcs.go (Create, Read, Update, Delete) and pulumi-docker's
// provider/resources.go (DeleteBeforeReplace: true, autonaming). Create: find the image locally or pull
// it, create the container on the default `bridge` network mode, leave `bridge` and join each of
// networksAdvanced with its aliases, copy every upload in as a one-file tar at "/" before start, start,
// and with `wait` poll the health status each second until healthy or `waitTimeout` seconds pass.
// Read: a container no longer listed is gone; a stopped one reports mustRun false, which the next
// update starts again. Update: restart policy and memory in place (POST /containers/{id}/update).
// Delete: stop (destroyGraceSeconds, default 0), remove with force and the anonymous volumes, wait.
import { readFile } from "node:fs/promises";
import tar from "tar-stream";
import { InitError, type ResourceHandler } from "../serve.js";
import { autoname, planned } from "../schema.js";
import { isObject, reveal, overlay, type Json, type JsonObject } from "../values.js";
import { hasMessage, isNotFound, type DockerClient } from "./client.js";
import { containerSchema } from "./containerSchema.js";
import { formatDuration, parseDuration } from "./duration.js";
import { describeUnhealthy, waitHealthy } from "./health.js";
import { dockerClient } from "./host.js";
import { findImage } from "./images.js";

const MB = 1024 * 1024;

export const container: ResourceHandler = {
  schema: containerSchema,
  deleteBeforeReplace: true,

  checkMore(ctx, olds, inputs) {
    const failures = (["attach", "logs"] as const)
      .filter((key) => inputs[key] === true)
      .map((key) => ({
        property: key,
        reason: `${key}: true is not implemented by this stand-in provider (engine/plugins). Examine values at '${ctx.name}.${key}'.`,
      }));
    return { inputs: autoname(ctx.name, olds, inputs), failures };
  },

  async create(ctx, inputs) {
    const docker = await dockerClient(ctx);
    const plain = reveal(inputs) as JsonObject;
    const image = plain.image as string;
    try {
      await findImage(docker, image, "");
    } catch (error) {
      throw new Error(`Unable to create container with image ${image}: ${(error as Error).message}`);
    }
    for (const part of (plain.command as string[] | undefined) ?? []) {
      if (part === "") throw new Error("values for command may not be empty");
    }
    const id = await createContainer(docker, plain);
    const partial = async (message: string): Promise<never> => {
      throw new InitError(message, id, (await readBack(docker, id, { ...inputs, id })) ?? { ...inputs, id });
    };

    if (Array.isArray(plain.networksAdvanced) && plain.networksAdvanced.length > 0) {
      try {
        await docker.call("POST", "/networks/bridge/disconnect", { json: { Container: id, Force: false } });
      } catch (error) {
        if (!hasMessage(error, "is not connected to the network bridge")) await partial(`Unable to disconnect the default network: ${(error as Error).message}`);
      }
      for (const network of plain.networksAdvanced as JsonObject[]) {
        const endpoint = { Aliases: (network.aliases as string[] | undefined) ?? [], IPAMConfig: {} };
        try {
          await docker.call("POST", `/networks/${encodeURIComponent(network.name as string)}/connect`, { json: { Container: id, EndpointConfig: endpoint } });
        } catch (error) {
          await partial(`Unable to connect to network '${network.name}': ${(error as Error).message}`);
        }
      }
    }

    for (const upload of (plain.uploads as JsonObject[] | undefined) ?? []) {
      const problem = await uploadFile(docker, id, upload);
      if (problem) await partial(problem);
    }

    if (plain.start) {
      try {
        await docker.call("POST", `/containers/${id}/start`);
      } catch (error) {
        await partial(`Unable to start container: ${(error as Error).message}`);
      }
      if (plain.wait) {
        const waited = await waitHealthy(docker, id, plain.waitTimeout as number);
        if (waited === "no-healthcheck") {
          await partial(
            "you have supplied a 'wait' argument, but the container does not have a healthcheck defined. Please remove the 'wait' argument or add a 'healthcheck' attribute",
          );
        }
        if (waited === "timeout") await partial(`container failed to be in healthy state${await describeUnhealthy(docker, id, plain.waitTimeout as number)}`);
      }
    }
    const outs = await readBack(docker, id, { ...inputs, id });
    if (!outs) throw new Error(`container ${id} disappeared right after it was created (rm: ${plain.rm})`);
    return { id, outs };
  },

  async read(ctx, id, state) {
    const docker = await dockerClient(ctx);
    const outs = await readBack(docker, id, state);
    return outs ? { id, outs } : undefined;
  },

  async update(ctx, id, olds, news) {
    const docker = await dockerClient(ctx);
    const before = reveal(olds) as JsonObject;
    const after = reveal(news) as JsonObject;
    if (before.mustRun === false && after.mustRun === true && after.start) {
      try {
        await docker.call("POST", `/containers/${id}/start`);
      } catch (error) {
        throw new Error(`Unable to start container: ${(error as Error).message}`);
      }
    }
    const resources = ["restart", "maxRetryCount", "memory", "memoryReservation"] as const;
    if (resources.some((key) => (before[key] ?? 0) !== (after[key] ?? 0))) {
      try {
        await docker.call("POST", `/containers/${id}/update`, {
          json: {
            RestartPolicy: { Name: after.restart, MaximumRetryCount: after.maxRetryCount ?? 0 },
            CpuShares: 0,
            Memory: ((after.memory as number | undefined) ?? 0) * MB,
            MemoryReservation: ((after.memoryReservation as number | undefined) ?? 0) * MB,
            CpusetCpus: "",
          },
        });
      } catch (error) {
        throw new Error(`Unable to update a container: ${(error as Error).message}`);
      }
    }
    // Terraform's Update does not read the container back: the state is the plan.
    return planned(containerSchema, olds, news);
  },

  async delete(ctx, id, state) {
    const docker = await dockerClient(ctx);
    const plain = reveal(state) as JsonObject;
    if (!plain.attach) {
      const grace = typeof plain.destroyGraceSeconds === "number" && plain.destroyGraceSeconds > 0 ? plain.destroyGraceSeconds : 0;
      try {
        await docker.call("POST", `/containers/${id}/stop`, { query: { t: String(grace) } });
      } catch (error) {
        if (!hasMessage(error, "No such container")) throw new Error(`Error stopping container ${id}: ${(error as Error).message}`);
      }
    }
    try {
      await docker.call("DELETE", `/containers/${id}`, { query: { v: String(plain.removeVolumes !== false), force: "true" } });
    } catch (error) {
      if (!hasMessage(error, "No such container", "is already in progress")) throw new Error(`Error deleting container ${id}: ${(error as Error).message}`);
    }
    try {
      await docker.call("POST", `/containers/${id}/wait`, { query: { condition: plain.rm ? "removed" : "not-running" } });
    } catch (error) {
      if (!hasMessage(error, "No such container", "is already in progress")) throw new Error(`Error waiting for container removal '${id}': ${(error as Error).message}`);
    }
  },
};

/** ContainerCreate with the config and host config the real Create builds; returns the id. */
async function createContainer(docker: DockerClient, plain: JsonObject): Promise<string> {
  const ports = (plain.ports as JsonObject[] | undefined) ?? [];
  const exposed: Record<string, object> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const port of ports) {
    const key = `${port.internal}/${port.protocol}`;
    exposed[key] = {};
    (bindings[key] ??= []).push({ HostIp: port.ip as string, HostPort: String(port.external ?? 0) });
  }
  const health = plain.healthcheck as JsonObject | undefined;
  const ns = (value: Json | undefined) => (typeof value === "string" ? (parseDuration(value) as number) : 0);
  const healthcheck = health && {
    Test: (health.tests as string[] | undefined) ?? [],
    Interval: ns(health.interval),
    Timeout: ns(health.timeout),
    StartPeriod: ns(health.startPeriod),
    StartInterval: ns(health.startInterval),
    Retries: health.retries ?? 0,
  };
  try {
    if (healthcheck && healthcheck.StartInterval !== 0) docker.requireVersion("1.44", "specify health-check start interval");
    const created = await docker.json<{ Id: string }>("POST", "/containers/create", {
      query: { name: (plain.name as string | undefined) || undefined },
      json: {
        Image: plain.image,
        Hostname: "",
        Domainname: "",
        Tty: plain.tty,
        OpenStdin: plain.stdinOpen,
        StopSignal: "",
        ...(plain.envs ? { Env: plain.envs } : {}),
        ...(plain.command ? { Cmd: plain.command } : {}),
        ...(ports.length > 0 ? { ExposedPorts: exposed } : {}),
        ...(healthcheck ? { Healthcheck: healthcheck } : {}),
        HostConfig: {
          Privileged: false,
          PublishAllPorts: false,
          RestartPolicy: { Name: plain.restart, MaximumRetryCount: plain.maxRetryCount ?? 0 },
          Runtime: "",
          Mounts: [],
          AutoRemove: plain.rm,
          ReadonlyRootfs: plain.readOnly,
          LogConfig: { Type: plain.logDriver ?? "", ...(plain.logOpts ? { Config: plain.logOpts } : {}) },
          ...(ports.length > 0 ? { PortBindings: bindings } : {}),
          ...(plain.memory ? { Memory: (plain.memory as number) * MB } : {}),
          ...(plain.memoryReservation ? { MemoryReservation: (plain.memoryReservation as number) * MB } : {}),
          NetworkMode: plain.networkMode,
          Init: false,
        },
        NetworkingConfig: {},
      },
    });
    return created.Id;
  } catch (error) {
    throw new Error(`Unable to create container: ${(error as Error).message}`);
  }
}

/** One upload as a one-file tar extracted at "/" (mode: permissions, else 0744 executable, else 0644). */
async function uploadFile(docker: DockerClient, id: string, upload: JsonObject): Promise<string | undefined> {
  const sources = [upload.content, upload.contentBase64, upload.source].filter((v) => typeof v === "string" && v !== "");
  if (sources.length === 0) return "error with upload content: one of 'content', 'content_base64', or 'source' must be set";
  if (sources.length > 1) return "error with upload content: only one of 'content', 'content_base64', or 'source' can be set";
  let data: Buffer;
  if (upload.content) data = Buffer.from(upload.content as string, "utf8");
  else if (upload.contentBase64) data = Buffer.from(upload.contentBase64 as string, "base64");
  else {
    try {
      data = await readFile(upload.source as string);
    } catch (error) {
      return `could not read file: ${(error as Error).message}`;
    }
  }
  const mode = upload.permissions ? parseInt(upload.permissions as string, 8) : upload.executable ? 0o744 : 0o644;
  const pack = tar.pack();
  pack.entry({ name: upload.file as string, mode, size: data.length, mtime: new Date() }, data);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  try {
    await docker.call("PUT", `/containers/${id}/archive`, { query: { path: "/" }, body: Buffer.concat(chunks), contentType: "application/x-tar" });
  } catch (error) {
    return `Unable to upload volume content: ${(error as Error).message}`;
  }
  return undefined;
}

interface Inspected {
  Id: string;
  Name: string;
  Image: string;
  State: { Running: boolean; ExitCode: number };
  Config: {
    Image: string;
    Hostname: string;
    Cmd: string[] | null;
    Entrypoint: string[] | null;
    Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; StartPeriod?: number; StartInterval?: number; Retries?: number };
  };
  HostConfig: {
    RestartPolicy: { Name: string; MaximumRetryCount: number };
    Memory: number;
    MemoryReservation: number;
    LogConfig: { Type: string; Config: Record<string, string> | null };
    NetworkMode: string;
    AutoRemove: boolean;
    ReadonlyRootfs: boolean;
    Init: boolean | null;
  };
  NetworkSettings: {
    Bridge: string;
    Ports: Record<string, { HostIp: string; HostPort: string }[] | null> | null;
    Networks: Record<string, { IPAddress: string; IPPrefixLen: number; Gateway: string; GlobalIPv6Address: string; GlobalIPv6PrefixLen: number; IPv6Gateway: string; MacAddress: string }>;
  };
}

/**
 * resourceDockerContainerRead: `state` updated from the container, or undefined when it is gone. A value
 * read back where the program gave a secret stays a secret.
 */
async function readBack(docker: DockerClient, id: string, state: JsonObject): Promise<JsonObject | undefined> {
  // Listed first, as the real Read does: inspect also fails for reasons other than absence.
  const listed = await docker.json<{ Id: string }[]>("GET", "/containers/json", { query: { all: "true" } });
  if (!listed.some((c) => c.Id === id)) return undefined;
  let c: Inspected;
  try {
    c = await docker.json<Inspected>("GET", `/containers/${id}/json`);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  const plain = reveal(state) as JsonObject;
  const read: JsonObject = {
    id: c.Id,
    bridge: c.NetworkSettings.Bridge,
    networkDatas: Object.entries(c.NetworkSettings.Networks ?? {}).map(([networkName, n]) => ({
      networkName,
      ipAddress: n.IPAddress,
      ipPrefixLength: n.IPPrefixLen,
      gateway: n.Gateway,
      globalIpv6Address: n.GlobalIPv6Address,
      globalIpv6PrefixLength: n.GlobalIPv6PrefixLen,
      ipv6Gateway: n.IPv6Gateway,
      macAddress: n.MacAddress,
    })),
    name: c.Name.replace(/^\/+/, ""),
    rm: c.HostConfig.AutoRemove,
    readOnly: c.HostConfig.ReadonlyRootfs,
    image: typeof plain.image === "string" && plain.image.startsWith("sha256:") ? c.Image : c.Config.Image,
    hostname: c.Config.Hostname,
    command: c.Config.Cmd ?? [],
    entrypoints: c.Config.Entrypoint ?? [],
    restart: c.HostConfig.RestartPolicy.Name,
    maxRetryCount: c.HostConfig.RestartPolicy.MaximumRetryCount,
    init: c.HostConfig.Init ?? false,
    memory: Math.floor(c.HostConfig.Memory / MB),
    memoryReservation: Math.floor(c.HostConfig.MemoryReservation / MB),
    logDriver: c.HostConfig.LogConfig.Type,
    networkMode: c.HostConfig.NetworkMode,
  };
  if (isObject(plain.logOpts)) read.logOpts = c.HostConfig.LogConfig.Config ?? {};
  if ((c.State.Running || plain.mustRun !== false) && Array.isArray(plain.ports) && plain.ports.length > 0) read.ports = flattenPorts(c.NetworkSettings.Ports);
  if (!c.State.Running) {
    read.exitCode = c.State.ExitCode;
    // A stopped container the program wants running: the next update starts it again.
    if (plain.mustRun !== false) read.mustRun = false;
  }
  const h = c.Config.Healthcheck;
  if (h) {
    read.healthcheck = {
      tests: h.Test ?? [],
      interval: formatDuration(h.Interval ?? 0),
      timeout: formatDuration(h.Timeout ?? 0),
      startPeriod: formatDuration(h.StartPeriod ?? 0),
      startInterval: formatDuration(h.StartInterval ?? 0),
      retries: h.Retries ?? 0,
    };
  }
  return overlay(state, read);
}

/** flattenContainerPorts: sorted by port and protocol. */
function flattenPorts(ports: Inspected["NetworkSettings"]["Ports"]): JsonObject[] {
  const keys = Object.keys(ports ?? {}).sort((a, b) => {
    const [pa = 0, qa = ""] = [parseInt(a, 10), a.split("/")[1]];
    const [pb = 0, qb = ""] = [parseInt(b, 10), b.split("/")[1]];
    return pa - pb || (qa < qb ? -1 : qa > qb ? 1 : 0);
  });
  return keys.flatMap((key) =>
    (ports?.[key] ?? []).map((binding) => ({
      internal: parseInt(key, 10),
      external: parseInt(binding.HostPort, 10) || 0,
      ip: binding.HostIp,
      protocol: key.split("/")[1] ?? "tcp",
    })),
  );
}

