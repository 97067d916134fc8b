// Part of the STAND-IN docker provider plugin (the real one cannot be built here: the Go module proxy
// answers 403 for it; see docker/main.ts).
// docker:index/network:Network (`docker_network` of terraform-provider-docker v4.5.0,
// resource_docker_network.go and resource_docker_network_funcs.go). No Update: every input replaces.
// Create sends the IPAM driver ("default") and, below API 1.44, CheckDuplicate as the Go client does, so
// a name already taken is the daemon's conflict. Read: a network no longer there is gone. Delete retries
// while the network "has active endpoints", for at most 30 s, then fails as Terraform's waiter does.
import { setTimeout as sleep } from "node:timers/promises";
import type { ResourceHandler } from "../serve.js";
import { autoname, type ResourceSchema } from "../schema.js";
import { reveal, overlay, type JsonObject } from "../values.js";
import { hasMessage, isNotFound, versionLess, type DockerClient } from "./client.js";
import { dockerClient } from "./host.js";

const schema: ResourceSchema = {
  token: "docker:index/network:Network",
  props: {
    name: { type: { kind: "string" }, forceNew: true },
    driver: { type: { kind: "string" }, forceNew: true, computed: true },
    options: { type: { kind: "map" }, forceNew: true, computed: true },
    internal: { type: { kind: "bool" }, forceNew: true, computed: true },
    attachable: { type: { kind: "bool" }, forceNew: true },
    ingress: { type: { kind: "bool" }, forceNew: true },
    ipv6: { type: { kind: "bool" }, forceNew: true },
    ipamDriver: { type: { kind: "string" }, forceNew: true, default: "default" },
  },
  unimplemented: ["ipamConfigs", "ipamOptions", "labels"],
};

const REMOVE_TIMEOUT_MS = 30_000;

interface Inspected {
  Id: string;
  Name: string;
  Scope: string;
  Driver: string;
  EnableIPv6: boolean;
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  Options: Record<string, string> | null;
  IPAM: { Driver: string; Options: Record<string, string> | null; Config: { Subnet?: string; IPRange?: string; Gateway?: string; AuxiliaryAddresses?: Record<string, string> }[] | null };
}

export const network: ResourceHandler = {
  schema,

  checkMore: (ctx, olds, inputs) => ({ inputs: autoname(ctx.name, olds, inputs), failures: [] }),

  async create(ctx, inputs) {
    const docker = await dockerClient(ctx);
    const plain = reveal(inputs) as JsonObject;
    let id: string;
    try {
      const created = await docker.json<{ Id: string }>("POST", "/networks/create", {
        json: {
          Name: plain.name,
          ...(plain.driver ? { Driver: plain.driver } : {}),
          ...(plain.options ? { Options: plain.options } : {}),
          Internal: plain.internal === true,
          Attachable: plain.attachable === true,
          Ingress: plain.ingress === true,
          ...(plain.ipv6 ? { EnableIPv6: true } : {}),
          IPAM: { Driver: plain.ipamDriver },
          ...(versionLess(docker.apiVersion, "1.44") ? { CheckDuplicate: true } : {}),
        },
      });
      id = created.Id;
    } catch (error) {
      throw new Error(`Unable to create network: ${(error as Error).message}`);
    }
    const outs = await readBack(docker, id, { ...inputs, id });
    if (!outs) throw new Error(`network ${id} disappeared right after it was created`);
    return { id, outs };
  },

  async read(ctx, id, state) {
    const outs = await readBack(await dockerClient(ctx), id, state);
    return outs ? { id, outs } : undefined;
  },

  async update() {
    throw new Error("docker:index/network:Network has no update: every input change replaces it");
  },

  async delete(ctx, id) {
    const docker = await dockerClient(ctx);
    const deadline = Date.now() + REMOVE_TIMEOUT_MS;
    for (;;) {
      try {
        await docker.call("GET", `/networks/${id}`);
      } catch {
        return; // not found: already removed
      }
      try {
        await docker.call("DELETE", `/networks/${id}`);
        return;
      } catch (error) {
        if (!hasMessage(error, "has active endpoints")) throw error;
      }
      if (Date.now() >= deadline) throw new Error("timeout while waiting for state to become 'removed' (last state: 'pending', timeout: 30s)");
      await sleep(2000);
    }
  },
};

async function readBack(docker: DockerClient, id: string, state: JsonObject): Promise<JsonObject | undefined> {
  let n: Inspected;
  try {
    n = await docker.json<Inspected>("GET", `/networks/${id}`);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  const read: JsonObject = {
    id: n.Id,
    name: n.Name,
    driver: n.Driver,
    internal: n.Internal,
    attachable: n.Attachable,
    ingress: n.Ingress,
    ipv6: n.EnableIPv6,
    ipamDriver: n.IPAM.Driver,
    ipamOptions: n.IPAM.Options ?? {},
    scope: n.Scope,
    options: n.Options ?? {},
    ipamConfigs: (n.IPAM.Config ?? []).map((c) => ({ subnet: c.Subnet ?? "", ipRange: c.IPRange ?? "", gateway: c.Gateway ?? "", auxAddress: c.AuxiliaryAddresses ?? {} })),
  };
  return overlay(state, read);
}
