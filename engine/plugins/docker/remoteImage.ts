// Part of the STAND-IN docker provider plugin (the real one cannot be built here: the Go module proxy
// answers 403 for it; see docker/main.ts).
// docker:index/remoteImage:RemoteImage (`docker_image` of terraform-provider-docker v4.5.0,
// resource_docker_image.go and resource_docker_image_funcs.go). Create finds the image locally or pulls
// it; the id is the image id followed by the name, `imageId` the image id, `repoDigest` the digest the
// name was pulled by ("" for an image that never came from a registry). Read: an image no longer there
// is gone. Delete removes the image unless `keepLocally`.
import type { ResourceHandler } from "../serve.js";
import { planned, type ResourceSchema } from "../schema.js";
import { reveal, type JsonObject } from "../values.js";
import { dockerClient } from "./host.js";
import { findImage, repoDigest, searchLocalImages } from "./images.js";

const schema: ResourceSchema = {
  token: "docker:index/remoteImage:RemoteImage",
  props: {
    name: { type: { kind: "string" }, required: true, forceNew: true },
    keepLocally: { type: { kind: "bool" } },
    forceRemove: { type: { kind: "bool" } },
    platform: { type: { kind: "string" }, forceNew: true, default: "" },
  },
  unimplemented: ["build", "pullTriggers", "triggers"],
};

export const remoteImage: ResourceHandler = {
  schema,

  async create(ctx, inputs) {
    const docker = await dockerClient(ctx);
    const plain = reveal(inputs) as JsonObject;
    const name = plain.name as string;
    let found;
    try {
      found = await findImage(docker, name, plain.platform as string);
    } catch (error) {
      throw new Error(`Unable to read Docker image into resource: ${(error as Error).message}`);
    }
    const id = found.Id + name;
    return { id, outs: { ...inputs, id, imageId: found.Id, repoDigest: repoDigest(name, found) } };
  },

  async read(ctx, _id, state) {
    const docker = await dockerClient(ctx);
    const name = reveal(state.name) as string;
    const found = await searchLocalImages(docker, name).catch((error: Error) => {
      throw new Error(`resourceDockerImageRead: error looking up local image ${JSON.stringify(name)}: ${error.message}`);
    });
    if (!found) return undefined;
    const id = found.Id + name;
    return { id, outs: { ...state, id, imageId: found.Id, repoDigest: repoDigest(name, found) } };
  },

  async update(ctx, _id, olds, news) {
    const docker = await dockerClient(ctx);
    const plain = reveal(news) as JsonObject;
    try {
      await findImage(docker, plain.name as string, plain.platform as string);
    } catch (error) {
      throw new Error(`Unable to read Docker image into resource: ${(error as Error).message}`);
    }
    return planned(schema, olds, news);
  },

  async delete(ctx, _id, state) {
    const plain = reveal(state) as JsonObject;
    if (plain.keepLocally === true) return;
    const docker = await dockerClient(ctx);
    const name = plain.name as string;
    try {
      if (name === "") throw new Error("empty image name is not allowed");
      const found = await searchLocalImages(docker, name).catch((error: Error) => {
        throw new Error(`removeImage: error looking up local image ${JSON.stringify(name)}: ${error.message}`);
      });
      if (found) await docker.call("DELETE", `/images/${encodeURIComponent(name)}`, { query: { force: String(plain.forceRemove === true) } });
    } catch (error) {
      throw new Error(`Unable to remove Docker image: ${(error as Error).message}`);
    }
  },
};
