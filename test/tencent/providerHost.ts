// Pulumi's dynamic-provider host (@pulumi/pulumi/cmd/dynamic-provider), started as the engine starts its
// pulumi-nodejs provider plugin (a process in the program's directory, inheriting the CLI's environment, given the
// engine's address, printing its port), and driven over the engine's gRPC calls: Configure, Check, Create, Read
// (refresh), Diff and Update (up), Delete (destroy, or a provider switched away). Properties cross as protobuf
// Structs, as they do between the engine and the plugin; the serialized provider rides in `__provider`.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { createRequire } from "node:module";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type * as grpcTypes from "@grpc/grpc-js";
import type * as providerPb from "@pulumi/pulumi/proto/provider_pb.js";
import { repositoryRoot } from "./helpers.js";

const require = createRequire(import.meta.url);
const grpc = require("@grpc/grpc-js") as typeof grpcTypes;
const { ResourceProviderClient } = require("@pulumi/pulumi/proto/provider_grpc_pb.js") as {
  ResourceProviderClient: new (address: string, credentials: grpcTypes.ChannelCredentials) => grpcTypes.Client;
};
const pb = require("@pulumi/pulumi/proto/provider_pb.js") as typeof providerPb;
const { Struct } = require("google-protobuf/google/protobuf/struct_pb.js") as {
  Struct: { fromJavaScript(value: Record<string, unknown>): unknown };
};

type Props = Record<string, unknown>;
interface ProtoStruct {
  toJavaScript(): Props;
}

export interface ProviderHost {
  check(urn: string, olds: Props, news: Props): Promise<{ inputs: Props; failures: string[] }>;
  create(urn: string, properties: Props): Promise<{ id: string; properties: Props }>;
  read(id: string, urn: string, properties: Props, inputs: Props): Promise<{ id: string; properties: Props }>;
  diff(id: string, urn: string, olds: Props, news: Props, oldInputs: Props): Promise<{ changes: "none" | "some" | "unknown"; replaces: string[] }>;
  update(id: string, urn: string, olds: Props, news: Props, oldInputs: Props): Promise<Props>;
  delete(id: string, urn: string, properties: Props): Promise<void>;
  close(): Promise<void>;
}

/** Starts the host with exactly `env` (plus PATH and HOME), and configures it as the engine does first. */
export async function startProviderHost(env: Record<string, string>): Promise<ProviderHost> {
  const entry = join(repositoryRoot, "node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js");
  const child: ChildProcess = spawn(process.execPath, [entry, "127.0.0.1:1"], {
    cwd: repositoryRoot,
    env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stderr: string[] = [];
  child.stderr!.on("data", (chunk: Buffer) => stderr.push(chunk.toString("utf8")));
  const [port] = (await once(createInterface({ input: child.stdout! }), "line")) as [string];
  const client = new ResourceProviderClient(`127.0.0.1:${port.trim()}`, grpc.credentials.createInsecure());

  type Unary = (request: unknown, done: (err: grpcTypes.ServiceError | null, response: unknown) => void) => void;
  const call = <Response>(method: string, request: unknown) =>
    new Promise<Response>((resolve, reject) => {
      const rpc = (client as unknown as Record<string, Unary>)[method]!.bind(client);
      rpc(request, (err, response) => (err ? reject(err) : resolve(response as Response)));
    });
  const struct = (value: Props) => Struct.fromJavaScript(value) as never;
  /** Diff and Update carry the same fields: the resource, its stored outputs, the new and the old inputs. */
  const change = <R extends providerPb.DiffRequest | providerPb.UpdateRequest>(
    request: R,
    id: string,
    urn: string,
    olds: Props,
    news: Props,
    oldInputs: Props,
  ): R => {
    request.setId(id).setUrn(urn).setOlds(struct(olds)).setNews(struct(news)).setOldInputs(struct(oldInputs));
    return request;
  };

  const configure = new pb.ConfigureRequest();
  configure.setArgs(struct({}));
  await call("configure", configure);

  return {
    async check(urn, olds, news) {
      const request = new pb.CheckRequest();
      request.setUrn(urn);
      request.setOlds(struct(olds));
      request.setNews(struct(news));
      const response = await call<providerPb.CheckResponse>("check", request);
      return {
        inputs: (response.getInputs() as unknown as ProtoStruct).toJavaScript(),
        failures: response.getFailuresList().map((f) => `${f.getProperty()}: ${f.getReason()}`),
      };
    },
    async create(urn, properties) {
      const request = new pb.CreateRequest();
      request.setUrn(urn);
      request.setProperties(struct(properties));
      const response = await call<providerPb.CreateResponse>("create", request);
      return { id: response.getId(), properties: (response.getProperties() as unknown as ProtoStruct).toJavaScript() };
    },
    async read(id, urn, properties, inputs) {
      const request = new pb.ReadRequest();
      request.setId(id);
      request.setUrn(urn);
      request.setProperties(struct(properties));
      request.setInputs(struct(inputs));
      const response = await call<providerPb.ReadResponse>("read", request);
      return { id: response.getId(), properties: (response.getProperties() as unknown as ProtoStruct).toJavaScript() };
    },
    async diff(id, urn, olds, news, oldInputs) {
      const request = change(new pb.DiffRequest(), id, urn, olds, news, oldInputs);
      const response = await call<providerPb.DiffResponse>("diff", request);
      const changes = { [pb.DiffResponse.DiffChanges.DIFF_NONE]: "none", [pb.DiffResponse.DiffChanges.DIFF_SOME]: "some" } as const;
      return { changes: changes[response.getChanges() as 1 | 2] ?? "unknown", replaces: response.getReplacesList() };
    },
    async update(id, urn, olds, news, oldInputs) {
      const request = change(new pb.UpdateRequest(), id, urn, olds, news, oldInputs);
      const response = await call<providerPb.UpdateResponse>("update", request);
      return (response.getProperties() as unknown as ProtoStruct).toJavaScript();
    },
    async delete(id, urn, properties) {
      const request = new pb.DeleteRequest();
      request.setId(id);
      request.setUrn(urn);
      request.setProperties(struct(properties));
      await call("delete", request);
    },
    async close() {
      client.close();
      child.kill();
      if (child.exitCode === null) await once(child, "exit");
      if (stderr.length > 0 && process.env["DEBUG_PROVIDER_HOST"]) process.stderr.write(stderr.join(""));
    },
  };
}
