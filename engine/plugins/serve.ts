// Shared by the STAND-IN provider plugins (docker/main.ts, random/main.ts say why they exist).
// Runs a stand-in resource provider plugin on @pulumi/pulumi's own provider server
// (`@pulumi/pulumi/provider` main(): it prints the gRPC port the engine reads and turns check, diff,
// create, read, update and delete into calls on the object given). Two gaps of that server (3.270,
// provider/server.js) are filled here:
// - its `configure` answers without passing the configuration on, so a provider could never learn
//   e.g. `docker:host`: the implementation object is wrapped when the gRPC service is registered;
// - `create` errors become ErrorResourceInitFailed only when they carry `id`: InitError below does, for
//   a resource that exists but did not come up (the engine keeps it in the state, as the bridge does).
import * as grpc from "@grpc/grpc-js";
import { main, type Provider } from "@pulumi/pulumi/provider/index.js";
import { checkInputs, diff, type CheckFailure, type ResourceSchema } from "./schema.js";
import { isObject, reveal, secretStrings, type Json, type JsonObject } from "./values.js";

export interface Context {
  urn: string;
  /** The resource's name in the program (the URN's last part). */
  name: string;
  /** The provider's configuration, secrets revealed: `{ host: "unix:///…" }`. */
  config: JsonObject;
}

export interface ResourceHandler {
  schema: ResourceSchema;
  /** The real provider's DeleteBeforeReplace (set per resource in the bridge's ResourceInfo). */
  deleteBeforeReplace?: boolean;
  /** Work `check` cannot do from the schema alone (autonaming, cross-field rules); `news` as the program sent them. */
  checkMore?(ctx: Context, olds: JsonObject, inputs: JsonObject, news: JsonObject): { inputs: JsonObject; failures: CheckFailure[] };
  create(ctx: Context, inputs: JsonObject): Promise<{ id: string; outs: JsonObject }>;
  /** `undefined`: the resource is gone (refresh drops it from the state). */
  read(ctx: Context, id: string, state: JsonObject): Promise<{ id: string; outs: JsonObject } | undefined>;
  update(ctx: Context, id: string, olds: JsonObject, news: JsonObject): Promise<JsonObject>;
  delete(ctx: Context, id: string, state: JsonObject): Promise<void>;
}

/** A resource that was created but failed to initialize: the engine records it with `reasons`. */
export class InitError extends Error {
  constructor(
    message: string,
    readonly id: string,
    readonly properties: JsonObject,
  ) {
    super(message);
  }
  get reasons(): string[] {
    return [this.message];
  }
}

export interface PluginSpec {
  /** Package name: `docker`, `random`. */
  pkg: string;
  version: string;
  resources: Record<string, ResourceHandler>;
  /** Validates the provider's configuration at Configure; throws to refuse it. */
  configure?(config: JsonObject): void;
}

/** A plugin's main: serves `spec` with the engine's arguments; a failure to start ends the process with status 1. */
export function serve(spec: PluginSpec): void {
  const config: JsonObject = {};
  captureConfigure((received) => {
    const { version: _version, ...rest } = received;
    spec.configure?.(rest);
    Object.assign(config, rest);
  });
  main(provider(spec, config), process.argv.slice(2)).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

function captureConfigure(onConfigure: (config: JsonObject) => void): void {
  const addService = grpc.Server.prototype.addService;
  grpc.Server.prototype.addService = function (service, implementation) {
    const configure = implementation.configure as grpc.handleUnaryCall<ConfigureRequest, unknown> | undefined;
    if (configure) {
      implementation.configure = (call: grpc.ServerUnaryCall<ConfigureRequest, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        try {
          const args = call.request.getArgs()?.toJavaScript() as JsonObject | undefined;
          const revealed = reveal(args ?? {});
          onConfigure(isObject(revealed) ? revealed : {});
        } catch (error) {
          callback({ code: grpc.status.INVALID_ARGUMENT, details: (error as Error).message });
          return;
        }
        configure.call(implementation, call, callback);
      };
    }
    return addService.call(this, service, implementation);
  };
}

interface ConfigureRequest {
  getArgs(): { toJavaScript(): unknown } | undefined;
}

function provider(spec: PluginSpec, config: JsonObject): Provider {
  const handler = (urn: string, op: string): [ResourceHandler, Context] => {
    const type = urnType(urn);
    const found = spec.resources[type];
    if (!found) throw new Error(`unrecognized resource type (${op}): ${type} (the stand-in ${spec.pkg} provider implements ${Object.keys(spec.resources).join(", ")})`);
    return [found, { urn, name: urn.split("::").pop() ?? urn, config }];
  };
  return {
    version: spec.version,
    async check(urn, olds, news) {
      const [h, ctx] = handler(urn, "Check");
      const result = checkInputs(h, ctx, olds as JsonObject, news as JsonObject);
      // The reason names the path; Property stays empty as the bridge leaves it (check_failures.go), so
      // the CLI does not print the value, which may be a secret.
      return { inputs: result.inputs, failures: result.failures.map((f) => ({ property: "", reason: f.reason })) };
    },
    async diff(_id, urn, olds, news) {
      const [h] = handler(urn, "Diff");
      const result = diff(h.schema, olds as JsonObject, news as JsonObject);
      return { changes: result.changed.length > 0, replaces: result.replaces, deleteBeforeReplace: h.deleteBeforeReplace ?? false };
    },
    async create(urn, inputs) {
      const [h, ctx] = handler(urn, "Create");
      return scrubbed(inputs, () => h.create(ctx, inputs as JsonObject));
    },
    async read(id, urn, props) {
      const [h, ctx] = handler(urn, "Read");
      const found = await scrubbed(props, () => h.read(ctx, id, (props ?? {}) as JsonObject));
      return found ? { id: found.id, props: found.outs } : { id: "", props: {} };
    },
    async update(id, urn, olds, news) {
      const [h, ctx] = handler(urn, "Update");
      return { outs: await scrubbed(news, () => h.update(ctx, id, olds as JsonObject, news as JsonObject)) };
    },
    async delete(id, urn, props) {
      const [h, ctx] = handler(urn, "Delete");
      await scrubbed(props, () => h.delete(ctx, id, props as JsonObject));
    },
  };
}

/** The type token of a URN: `urn:pulumi:stack::project::parent$docker:index/container:Container::name`. */
function urnType(urn: string): string {
  const qualified = urn.split("::")[2] ?? "";
  return qualified.split("$").pop() ?? qualified;
}

/** Runs `work`; an error it throws loses every secret string of `values` from its message. */
async function scrubbed<T>(values: unknown, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const secrets = secretStrings(values as Json).filter((s) => s.length >= 4);
    if (error instanceof Error) error.message = scrub(error.message, secrets);
    throw error;
  }
}

export function scrub(text: string, secrets: string[]): string {
  return secrets.reduce((out, s) => out.split(s).join("[secret]"), text);
}
