/**
 * An SCF web function with a public function URL, as a Pulumi dynamic provider (there is no @pulumi/tencentcloud
 * on npm). Each method and the Tencent Cloud API actions (SCF 2018-04-16) it calls:
 *
 *   check   none: validates name, namespace and sizing (scfLimits.ts)
 *   diff    none: replace on functionName, namespace, region, type or runtime; update in place otherwise; the code
 *           is compared by its SHA-256, never by its bytes
 *   create  CreateFunction, GetFunction until Active, PutReservedConcurrencyConfig (with maxInstances),
 *           CreateTrigger (type http, AuthType NONE, extranet), GetFunction until the URL shows in the trigger;
 *           on ResourceInUse.Function, adopt the leftover (createOrAdopt); on failure, DeleteFunction
 *   read    GetFunction, GetReservedConcurrencyConfig
 *   update  UpdateFunctionCode and/or UpdateFunctionConfiguration, each followed by GetFunction until Active;
 *           Put/DeleteReservedConcurrencyConfig when the instance cap or the memory changes
 *   delete  DeleteFunction, then GetFunction until ResourceNotFound.Function (not found at any point means done)
 *
 * The zip is read from `zipPath` at create/update time and checked against `zipSha256`, so state holds the path
 * and the hash rather than the bytes. The environment holds secrets: it is an additional secret output.
 */
import * as pulumi from "@pulumi/pulumi";
import type {
  GetFunctionResponse,
  Variable,
} from "tencentcloud-sdk-nodejs-scf/tencentcloud/services/scf/v20180416/scf_models.js";
import {
  errorCode,
  isNotFound,
  isUnknownInput,
  pollUntil,
  scfApi,
  unlessNotFound,
  type ScfActions,
  type TencentCall,
  type WaitOptions,
} from "./api.js";
import { reservedConcurrencyMem, scfArgProblems } from "./scfLimits.js";

/** SCF's Node.js 18 runtime: the proxy bundle targets Node 18 and its bootstrap runs /var/lang/node18/bin/node. */
export const scfRuntime = "Nodejs18.15";
/** Name of the function-URL trigger this provider creates. */
export const scfUrlTriggerName = "gptsite-url";
/** A web function usually becomes Active within a minute or two; ten is the give-up point. */
export const scfWaitDefaults: WaitOptions = { waitTimeoutMs: 10 * 60_000, pollIntervalMs: 3_000 };

/** What the program passes. */
export interface ScfWebFunctionArgs {
  /** SCF region, e.g. `ap-singapore`. */
  region: pulumi.Input<string>;
  /** SCF namespace; `default` exists in every account. */
  namespace: pulumi.Input<string>;
  functionName: pulumi.Input<string>;
  /** 64, or 128 to 3072 in steps of 128. */
  memoryMb: pulumi.Input<number>;
  /** 1 to 900. */
  timeoutSec: pulumi.Input<number>;
  /** Requests one instance serves at once (1 to 100); each SSE stream holds a whole instance regardless. */
  concurrency: pulumi.Input<number>;
  /** Cap on instances, set as reserved concurrency of maxInstances × memoryMb MB; unset means no cap. */
  maxInstances?: pulumi.Input<number>;
  /** The function's environment; secret values stay secret (additional secret output). */
  environment: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Path of the code zip (index.mjs + scf_bootstrap) on the machine running pulumi. */
  zipPath: pulumi.Input<string>;
  /** Hex SHA-256 of that zip: what diff compares. */
  zipSha256: pulumi.Input<string>;
}

/** The inputs as the provider receives them. */
export interface ScfWebFunctionInputs {
  region: string;
  namespace: string;
  functionName: string;
  type: "HTTP";
  runtime: string;
  memoryMb: number;
  timeoutSec: number;
  concurrency: number;
  maxInstances?: number;
  environment: Record<string, string>;
  zipPath: string;
  zipSha256: string;
}

/** The state the provider returns: the inputs plus what SCF assigned. */
export interface ScfWebFunctionOutputs extends ScfWebFunctionInputs {
  functionId: string;
  triggerName: string;
  /** Public function URL, `https://<appid>-<id>.<region>.tencentscf.com`, without a trailing slash. */
  url: string;
}

/** Inputs whose change needs a new function; the rest are updated in place. */
const replaceKeys = ["functionName", "namespace", "region", "type", "runtime"] as const;
const configKeys = ["memoryMb", "timeoutSec", "concurrency", "environment"] as const;

/** The provider, with its wait bounds (tests shorten them). */
export function scfWebFunctionProvider(
  wait: WaitOptions = scfWaitDefaults,
): pulumi.dynamic.ResourceProvider<ScfWebFunctionInputs, ScfWebFunctionOutputs> {
  return {
    async check(_olds, news) {
      const problems = Object.values(news).some(isUnknownInput) ? [] : scfArgProblems(news);
      return { inputs: news, failures: problems.map(({ property, reason }) => ({ property, reason })) };
    },

    async diff(_id, olds, news) {
      const replaces = replaceKeys.filter((key) => !sameValue(olds[key], news[key]));
      const updates = [...configKeys, "zipSha256" as const, "maxInstances" as const].filter(
        (key) => !sameValue(olds[key], news[key]),
      );
      return {
        changes: replaces.length + updates.length > 0,
        replaces,
        // Create-before-delete keeps the old URL serving until the new one exists. That needs the new function in
        // another slot (region, namespace or name differs); only a type/runtime change in place must delete first.
        deleteBeforeReplace: replaces.length > 0 && replaces.every((key) => key === "type" || key === "runtime"),
      };
    },

    async create(inputs) {
      const api = scfApi(inputs.region);
      const fn = functionRef(inputs);
      const zipFile = readZip(inputs.zipPath, inputs.zipSha256).toString("base64");
      const created = await createOrAdopt(api, fn, inputs, zipFile, wait);
      try {
        const live = await waitForActive(api, fn, wait, created ? "CreateFunction" : "adopting it");
        await applyReservedConcurrency(api, fn, undefined, inputs.maxInstances, inputs.memoryMb);
        const url = await ensureUrlTrigger(api, fn, wait);
        return {
          id: fn.id,
          outs: { ...inputs, functionId: live.FunctionId ?? "", triggerName: scfUrlTriggerName, url },
        };
      } catch (err) {
        // create must be transactional: a function Pulumi does not record would block every later create.
        throw created ? await withCleanup(api, fn, err) : err;
      }
    },

    async read(id, props) {
      if (!props) return {};
      const api = scfApi(props.region);
      const fn = functionRef(props);
      const live = await unlessNotFound(api("GetFunction", fn.key));
      if (!live) return {};
      const reserved = await api("GetReservedConcurrencyConfig", fn.key);
      const memoryMb = live.MemorySize ?? props.memoryMb;
      const { maxInstances: _previousCap, ...rest } = props;
      const maxInstances = reserved.ReservedMem ? Math.floor(reserved.ReservedMem / memoryMb) : undefined;
      return {
        id,
        props: {
          ...rest,
          ...(maxInstances !== undefined ? { maxInstances } : {}),
          memoryMb,
          timeoutSec: live.Timeout ?? props.timeoutSec,
          concurrency: live.InstanceConcurrencyConfig?.MaxConcurrency ?? props.concurrency,
          environment: fromVariables(live.Environment?.Variables),
          functionId: live.FunctionId ?? props.functionId,
          url: extranetUrl(live, props.triggerName) ?? props.url,
        },
      };
    },

    async update(_id, olds, news) {
      const api = scfApi(news.region);
      const fn = functionRef(news);
      const codeChanged = olds.zipSha256 !== news.zipSha256;
      const configChanged = configKeys.some((key) => !sameValue(olds[key], news[key]));
      // Each apply* ends by waiting for Active, so one wait up front covers both calls.
      if (codeChanged || configChanged) await waitForActive(api, fn, wait, "the last change");
      if (codeChanged) await applyCode(api, fn, readZip(news.zipPath, news.zipSha256).toString("base64"), wait);
      if (configChanged) await applyConfiguration(api, fn, news, wait);
      if (olds.maxInstances !== news.maxInstances || olds.memoryMb !== news.memoryMb) {
        await applyReservedConcurrency(api, fn, olds.maxInstances, news.maxInstances, news.memoryMb);
      }
      return { outs: { ...news, functionId: olds.functionId, triggerName: olds.triggerName, url: olds.url } };
    },

    async delete(_id, props) {
      const api = scfApi(props.region);
      const fn = functionRef(props);
      try {
        await waitUntilSettled(api, fn, wait);
        await api("DeleteFunction", fn.key);
      } catch (err) {
        if (isNotFound(err)) return;
        throw err;
      }
      await waitUntilGone(api, fn, wait);
    },
  };
}

/**
 * A dynamic resource managing one SCF web function and its public URL. Outputs mirror the inputs plus
 * `functionId`, `triggerName` and `url`.
 */
export class ScfWebFunction extends pulumi.dynamic.Resource {
  declare readonly region: pulumi.Output<string>;
  declare readonly namespace: pulumi.Output<string>;
  declare readonly functionName: pulumi.Output<string>;
  declare readonly memoryMb: pulumi.Output<number>;
  declare readonly timeoutSec: pulumi.Output<number>;
  declare readonly concurrency: pulumi.Output<number>;
  declare readonly maxInstances: pulumi.Output<number | undefined>;
  declare readonly environment: pulumi.Output<Record<string, string>>;
  declare readonly zipSha256: pulumi.Output<string>;
  declare readonly functionId: pulumi.Output<string>;
  declare readonly triggerName: pulumi.Output<string>;
  declare readonly url: pulumi.Output<string>;

  constructor(
    name: string,
    args: ScfWebFunctionArgs,
    opts?: pulumi.CustomResourceOptions,
    provider: pulumi.dynamic.ResourceProvider = defaultProvider,
  ) {
    const props = {
      maxInstances: undefined,
      ...args,
      type: "HTTP",
      runtime: scfRuntime,
      functionId: undefined,
      triggerName: undefined,
      url: undefined,
    } satisfies Record<keyof ScfWebFunctionOutputs, unknown>;
    super(
      provider,
      name,
      props,
      pulumi.mergeOptions(opts, { additionalSecretOutputs: ["environment"] }),
      "tencent",
      "ScfWebFunction",
    );
  }
}

const defaultProvider = scfWebFunctionProvider();

interface FunctionRef {
  /** `region/namespace/name`: the resource id. */
  id: string;
  /** For messages: `"name" in region/namespace`. */
  label: string;
  key: { FunctionName: string; Namespace: string };
}

function functionRef(inputs: Pick<ScfWebFunctionInputs, "region" | "namespace" | "functionName">): FunctionRef {
  return {
    id: `${inputs.region}/${inputs.namespace}/${inputs.functionName}`,
    label: `SCF function "${inputs.functionName}" in ${inputs.region}/${inputs.namespace}`,
    key: { FunctionName: inputs.functionName, Namespace: inputs.namespace },
  };
}

/**
 * CreateFunction; when a function of that name already exists outside state (a run stopped between
 * CreateFunction and recording it), adopt it: bring it to the wanted code and configuration, or, if it ended in a
 * failed state, delete it and create it again. Returns whether this call created the function.
 */
async function createOrAdopt(
  api: TencentCall<ScfActions>,
  fn: FunctionRef,
  inputs: ScfWebFunctionInputs,
  zipFile: string,
  wait: WaitOptions,
): Promise<boolean> {
  const create = () =>
    api("CreateFunction", {
      ...fn.key,
      Type: inputs.type,
      Runtime: inputs.runtime,
      Code: { ZipFile: zipFile },
      MemorySize: inputs.memoryMb,
      Timeout: inputs.timeoutSec,
      Environment: { Variables: toVariables(inputs.environment) },
      InstanceConcurrencyConfig: { DynamicEnabled: "FALSE", MaxConcurrency: inputs.concurrency },
      Description: "gptsite OpenAI proxy (managed by Pulumi)",
    });
  try {
    await create();
    return true;
  } catch (err) {
    if (errorCode(err) !== "ResourceInUse.Function") throw err;
  }
  const leftover = await unlessNotFound(waitUntilSettled(api, fn, wait));
  if (leftover && !leftover.Status?.endsWith("Failed")) {
    await applyCode(api, fn, zipFile, wait);
    await applyConfiguration(api, fn, inputs, wait);
    return false;
  }
  if (leftover) await api("DeleteFunction", fn.key);
  await waitUntilGone(api, fn, wait);
  await create();
  return true;
}

/** The zip at `path`, refused unless its SHA-256 is the one the program computed (a stale file would deploy old code). */
function readZip(path: string, sha256: string): Buffer {
  const fs = require("node:fs") as typeof import("node:fs");
  const crypto = require("node:crypto") as typeof import("node:crypto");
  let zip: Buffer;
  try {
    zip = fs.readFileSync(path);
  } catch (err) {
    throw new Error(`Cannot read the function zip ${path} (zipPath): ${(err as Error).message}`);
  }
  const actual = crypto.createHash("sha256").update(zip).digest("hex");
  if (actual !== sha256) {
    throw new Error(`The function zip ${path} has SHA-256 ${actual}, not the ${sha256} it was built with (zipSha256)`);
  }
  return zip;
}

async function applyCode(api: TencentCall<ScfActions>, fn: FunctionRef, zipFile: string, wait: WaitOptions) {
  await api("UpdateFunctionCode", { ...fn.key, ZipFile: zipFile });
  await waitForActive(api, fn, wait, "UpdateFunctionCode");
}

async function applyConfiguration(
  api: TencentCall<ScfActions>,
  fn: FunctionRef,
  inputs: ScfWebFunctionInputs,
  wait: WaitOptions,
) {
  await api("UpdateFunctionConfiguration", {
    ...fn.key,
    MemorySize: inputs.memoryMb,
    Timeout: inputs.timeoutSec,
    Environment: { Variables: toVariables(inputs.environment) },
    InstanceConcurrencyConfig: { DynamicEnabled: "FALSE", MaxConcurrency: inputs.concurrency },
  });
  await waitForActive(api, fn, wait, "UpdateFunctionConfiguration");
}

/** Sets, moves or removes the instance cap (reserved concurrency is counted in MB, so memory changes move it). */
async function applyReservedConcurrency(
  api: TencentCall<ScfActions>,
  fn: FunctionRef,
  previous: number | undefined,
  maxInstances: number | undefined,
  memoryMb: number,
) {
  if (maxInstances === undefined) {
    if (previous !== undefined) await api("DeleteReservedConcurrencyConfig", fn.key);
  } else {
    await api("PutReservedConcurrencyConfig", {
      ...fn.key,
      ReservedConcurrencyMem: reservedConcurrencyMem(maxInstances, memoryMb),
    });
  }
}

/** Creates the anonymous, extranet function-URL trigger (or finds it) and waits until its URL is published. */
async function ensureUrlTrigger(api: TencentCall<ScfActions>, fn: FunctionRef, wait: WaitOptions): Promise<string> {
  try {
    await api("CreateTrigger", {
      ...fn.key,
      TriggerName: scfUrlTriggerName,
      Type: "http",
      TriggerDesc: JSON.stringify({ AuthType: "NONE", NetConfig: { EnableIntranet: false, EnableExtranet: true } }),
      Enable: "OPEN",
    });
  } catch (err) {
    if (errorCode(err) !== "ResourceInUse.Trigger" && errorCode(err) !== "ResourceInUse.TriggerName") throw err;
  }
  return watchFunction(api, fn, wait, `the function URL of ${fn.label} (trigger "${scfUrlTriggerName}")`, (live) => {
    throwIfFailed(live, fn, "CreateTrigger");
    return live.Status === "Active" ? extranetUrl(live, scfUrlTriggerName) : undefined;
  });
}

/** The public URL in the function's http trigger (TriggerDesc is a JSON string with NetConfig.ExtranetUrl). */
function extranetUrl(live: GetFunctionResponse, triggerName: string): string | undefined {
  for (const trigger of live.Triggers ?? []) {
    if (trigger.Type !== "http" || trigger.TriggerName !== triggerName) continue;
    try {
      const url = (JSON.parse(trigger.TriggerDesc ?? "{}") as { NetConfig?: { ExtranetUrl?: string } }).NetConfig
        ?.ExtranetUrl;
      if (url) return url.replace(/\/+$/, "");
    } catch {
      // Not JSON: not a function-URL trigger description.
    }
  }
  return undefined;
}

/**
 * Polls GetFunction until `done` returns a value (or throws), within the wait bound; on giving up, says what it
 * waited for and the status it last saw.
 */
function watchFunction<T>(
  api: TencentCall<ScfActions>,
  fn: FunctionRef,
  wait: WaitOptions,
  waitingFor: string,
  done: (live: GetFunctionResponse) => T | undefined,
): Promise<T> {
  let status = "nothing yet";
  return pollUntil(
    wait,
    () => `${waitingFor} (last seen: ${status})`,
    async () => {
      const live = await api("GetFunction", fn.key);
      status = describeStatus(live);
      return done(live);
    },
  );
}

function waitForActive(api: TencentCall<ScfActions>, fn: FunctionRef, wait: WaitOptions, after: string) {
  return watchFunction(api, fn, wait, `${fn.label} to become Active after ${after}`, (live) => {
    throwIfFailed(live, fn, after);
    return live.Status === "Active" ? live : undefined;
  });
}

/** Waits until no operation is in progress (Active or a *Failed state), so DeleteFunction is accepted. */
function waitUntilSettled(api: TencentCall<ScfActions>, fn: FunctionRef, wait: WaitOptions) {
  return watchFunction(api, fn, wait, `${fn.label} to finish its current operation`, (live) =>
    live.Status === "Active" || live.Status?.endsWith("Failed") ? live : undefined,
  );
}

function waitUntilGone(api: TencentCall<ScfActions>, fn: FunctionRef, wait: WaitOptions) {
  let status = "nothing yet";
  return pollUntil(
    wait,
    () => `${fn.label} to be deleted (last seen: ${status})`,
    async () => {
      const live = await unlessNotFound(api("GetFunction", fn.key));
      if (!live) return true;
      status = describeStatus(live);
      return undefined;
    },
  );
}

/** Throws the platform's own reasons when an operation ended in CreateFailed, UpdateFailed, … */
function throwIfFailed(live: GetFunctionResponse, fn: FunctionRef, after: string) {
  if (!live.Status?.endsWith("Failed")) return;
  const reasons = (live.StatusReasons ?? []).map((r) => `${r.ErrorCode}: ${r.ErrorMessage}`);
  const detail = reasons.length > 0 ? reasons.join("; ") : live.StatusDesc || "no reason given";
  throw new Error(`${fn.label} is ${live.Status} after ${after}: ${detail}`);
}

function describeStatus(live: GetFunctionResponse): string {
  return `${live.Status ?? "in an unknown state"}${live.StatusDesc ? ` (${live.StatusDesc})` : ""}`;
}

/** Deletes a function this create made before rethrowing, and says whether that worked. */
async function withCleanup(api: TencentCall<ScfActions>, fn: FunctionRef, err: unknown): Promise<Error> {
  const cause = err instanceof Error ? err : new Error(String(err));
  try {
    await api("DeleteFunction", fn.key);
    cause.message += `. The function was deleted again, so the next deployment starts clean`;
  } catch (cleanup) {
    if (!isNotFound(cleanup)) {
      cause.message +=
        `. Deleting it failed too (${(cleanup as Error).message}); ` +
        `the next deployment adopts it, or delete it in the SCF console`;
    }
  }
  return cause;
}

function toVariables(environment: Record<string, string>): Variable[] {
  return Object.entries(environment)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([Key, Value]) => ({ Key, Value }));
}

function fromVariables(variables: Variable[] | undefined): Record<string, string> {
  return Object.fromEntries((variables ?? []).map((v) => [v.Key ?? "", v.Value ?? ""]));
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, canonical(v)]),
    );
  }
  return value;
}
