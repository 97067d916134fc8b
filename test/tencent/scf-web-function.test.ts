// The SCF web-function provider against the Tencent API double, through the real SDK: create, update (code only,
// configuration only, both), read, delete, diff, and the failure paths. Adoption of leftovers, the function URL
// deleted out of band and missing credentials have suites of their own.
import { describe, expect, it } from "vitest";
import {
  scfDescription,
  scfDescriptionProblem,
  scfOwnerTagKey,
  scfUrlTriggerName,
  scfWebFunctionProvider,
  type ScfWebFunctionInputs,
  type ScfWebFunctionOutputs,
} from "../../infra/tencent/index.js";
import { proxyZip, testOwner, useScfDouble } from "./helpers.js";

const fast = { waitTimeoutMs: 10_000, pollIntervalMs: 1 };
const provider = scfWebFunctionProvider(fast);
const scf = useScfDouble();
const inputsFor = (marker: string, overrides: Partial<ScfWebFunctionInputs> = {}) => scf.inputs(marker, overrides);
const live = scf.live;

async function created(marker = "v1", overrides: Partial<ScfWebFunctionInputs> = {}) {
  const inputs = await inputsFor(marker, overrides);
  const result = await provider.create(inputs);
  scf.api.calls.length = 0;
  return { inputs, id: result.id, outs: result.outs as ScfWebFunctionOutputs };
}

describe("create", () => {
  it("creates an Active web function with the wanted sizing, environment, cap and a public URL", async () => {
    const inputs = await inputsFor("v1");
    const { id, outs } = await provider.create(inputs);

    const fn = live()!;
    expect(id).toBe("ap-singapore/default/gptsite-dev-proxy");
    expect(fn).toMatchObject({
      status: "Active",
      type: "HTTP",
      runtime: "Nodejs18.15",
      memorySize: 64,
      timeout: 900,
      maxConcurrency: 2,
      reservedMem: 3 * 64,
      description: scfDescription,
      tags: [{ Key: scfOwnerTagKey, Value: testOwner }],
    });
    expect(fn.environment).toEqual([
      { Key: "OPENAI_API_KEY", Value: "sk-test-1" },
      { Key: "PROXY_TOKEN", Value: "token-1" },
      { Key: "UPSTREAM_URL", Value: "https://api.openai.com" },
    ]);
    expect(fn.zip.equals((await proxyZip("v1")).zip)).toBe(true);
    expect(fn.triggers).toHaveLength(1);
    expect(fn.triggers[0]).toMatchObject({ TriggerName: scfUrlTriggerName, Type: "http" });
    expect(JSON.parse(fn.triggers[0]!.TriggerDesc)).toMatchObject({
      AuthType: "NONE",
      NetConfig: { EnableExtranet: true },
    });

    const { ExtranetUrl: url } = JSON.parse(fn.triggers[0]!.TriggerDesc).NetConfig as { ExtranetUrl: string };
    expect(url).toMatch(/^https:\/\/1300000000-[0-9a-z]{10}\.ap-singapore\.tencentscf\.com$/);
    expect(outs).toEqual({ ...inputs, functionId: fn.functionId, triggerName: scfUrlTriggerName, url });
    expect(scf.api.actions()).toEqual([
      "CreateFunction",
      "GetFunction",
      "GetFunction",
      "GetFunction",
      "PutReservedConcurrencyConfig",
      "CreateTrigger",
      "GetFunction",
    ]);
  });

  it("sends the zip as base64 in Code.ZipFile and no instance cap when maxInstances is unset", async () => {
    const { maxInstances: _cap, ...uncapped } = await inputsFor("v1");
    await provider.create(uncapped);
    const create = scf.api.calls.find((c) => c.action === "CreateFunction")!;
    expect((create.params["Code"] as { ZipFile: string }).ZipFile).toBe((await proxyZip("v1")).zip.toString("base64"));
    expect(scf.api.actions()).not.toContain("PutReservedConcurrencyConfig");
    expect(live()!.reservedMem).toBeUndefined();
  });

  it("describes the function within SCF's description rule, on create and on every configuration update", async () => {
    expect(scfDescriptionProblem(scfDescription, "CreateFunction")).toBeUndefined();
    expect(scfDescriptionProblem(scfDescription, "UpdateFunctionConfiguration")).toBeUndefined();
    const before = await created("v1");
    await provider.update!(before.id, before.outs, { ...before.inputs, timeoutSec: 600 });
    const sent = scf.api.calls.filter((c) => c.action === "UpdateFunctionConfiguration").map((c) => c.params["Description"]);
    expect(sent).toEqual([scfDescription]);
    expect(live()!.description).toBe(scfDescription);
  });

  it("surfaces the platform's reason when the function ends in CreateFailed, and removes it", async () => {
    scf.api.failNextCreate({ ErrorCode: "InternalError.System", ErrorMessage: "Insufficient resources in ap-singapore" });
    const failure = await provider.create(await inputsFor("v1")).catch((err: unknown) => err);
    expect((failure as Error).message).toBe(
      'SCF function "gptsite-dev-proxy" in ap-singapore/default is CreateFailed after CreateFunction: ' +
        "InternalError.System: Insufficient resources in ap-singapore. " +
        "The function was deleted again, so the next deployment starts clean",
    );
    expect(scf.api.actions().at(-1)).toBe("DeleteFunction");
  });

  it("carries the API action, error code and request id of a refused call", async () => {
    const failure = await provider.create(await inputsFor("v1", { namespace: "team" })).catch((err: unknown) => err);
    expect((failure as Error).message).toBe(
      "Tencent Cloud scf CreateFunction failed: ResourceNotFound.Namespace: Namespace team does not exist. " +
        `(RequestId ${scf.api.calls[0]?.requestId})`,
    );
  });

  it("refuses a zip whose hash is not the one the program computed", async () => {
    const inputs = await inputsFor("v1");
    const failure = await provider.create({ ...inputs, zipSha256: "0".repeat(64) }).catch((err: unknown) => err);
    expect((failure as Error).message).toBe(
      `The function zip ${inputs.zipPath} has SHA-256 ${inputs.zipSha256}, not the ${"0".repeat(64)} it was built with (zipSha256)`,
    );
    expect(scf.api.calls).toEqual([]);
  });
});

describe("update", () => {
  it("updates only the code when only the zip changed", async () => {
    const before = await created("v1");
    const news = await inputsFor("v2");
    const { outs } = await provider.update!(before.id, before.outs, news);
    expect(scf.api.actions()).toEqual(["GetFunction", "UpdateFunctionCode", "GetFunction", "GetFunction", "GetFunction"]);
    expect(live()!.zip.equals((await proxyZip("v2")).zip)).toBe(true);
    expect(outs).toEqual({ ...news, functionId: before.outs.functionId, triggerName: scfUrlTriggerName, url: before.outs.url });
  });

  it("updates only the configuration when sizing or environment changed", async () => {
    const before = await created("v1");
    const news = { ...before.inputs, memoryMb: 128, environment: { ...before.inputs.environment, PROXY_TOKEN: "token-2" } };
    await provider.update!(before.id, before.outs, news);
    expect(scf.api.actions()).toEqual([
      "GetFunction",
      "UpdateFunctionConfiguration",
      "GetFunction",
      "GetFunction",
      "GetFunction",
      "PutReservedConcurrencyConfig",
    ]);
    expect(live()).toMatchObject({ memorySize: 128, reservedMem: 3 * 128, status: "Active" });
    expect(live()!.environment).toContainEqual({ Key: "PROXY_TOKEN", Value: "token-2" });
    expect(live()!.zip.equals((await proxyZip("v1")).zip)).toBe(true);
  });

  it("updates code, then configuration, each waited for, when both changed", async () => {
    const before = await created("v1");
    const news = await inputsFor("v2", { timeoutSec: 600, concurrency: 4 });
    await provider.update!(before.id, before.outs, news);
    const actions = scf.api.actions();
    expect(actions.filter((a) => a.startsWith("Update"))).toEqual(["UpdateFunctionCode", "UpdateFunctionConfiguration"]);
    // The configuration call waits for the code update to settle, which the double refuses otherwise.
    expect(scf.api.calls.every((c) => c.errorCode === undefined)).toBe(true);
    expect(live()).toMatchObject({ timeout: 600, maxConcurrency: 4, status: "Active" });
    expect(live()!.zip.equals((await proxyZip("v2")).zip)).toBe(true);
  });

  it("removes the instance cap when maxInstances is unset", async () => {
    const before = await created("v1");
    const { maxInstances: _cap, ...news } = before.inputs;
    await provider.update!(before.id, before.outs, news);
    expect(scf.api.actions()).toEqual(["DeleteReservedConcurrencyConfig"]);
    expect(live()!.reservedMem).toBeUndefined();
  });

  it("gives up after its bound with the status it last saw", async () => {
    const before = await created("v1");
    scf.api.holdUpdates();
    const impatient = scfWebFunctionProvider({ waitTimeoutMs: 50, pollIntervalMs: 5 });
    const failure = await impatient.update!(before.id, before.outs, await inputsFor("v2")).catch((err: unknown) => err);
    expect((failure as Error).message).toBe(
      'Gave up after 0.05 s waiting for SCF function "gptsite-dev-proxy" in ap-singapore/default ' +
        "to become Active after UpdateFunctionCode (last seen: Updating)",
    );
  });
});

describe("read", () => {
  it("reports what is live, including changes made outside Pulumi", async () => {
    const before = await created("v1");
    const fn = live()!;
    fn.memorySize = 256;
    fn.environment = [{ Key: "PROXY_TOKEN", Value: "changed-in-console" }];
    fn.reservedMem = 512;
    const { id, props } = await provider.read!(before.id, before.outs);
    expect(id).toBe(before.id);
    expect(props).toEqual({
      ...before.outs,
      memoryMb: 256,
      maxInstances: 2,
      environment: { PROXY_TOKEN: "changed-in-console" },
    });
    expect(scf.api.actions()).toEqual(["GetFunction", "GetReservedConcurrencyConfig"]);
  });

  it("reports a deleted function as gone", async () => {
    const before = await created("v1");
    scf.api.functions.clear();
    expect(await provider.read!(before.id, before.outs)).toEqual({});
  });
});

describe("delete", () => {
  it("deletes the function and waits until SCF no longer knows it", async () => {
    const before = await created("v1");
    await provider.delete!(before.id, before.outs);
    expect(live()).toBeUndefined();
    expect(scf.api.actions()).toEqual(["GetFunction", "DeleteFunction", "GetFunction", "GetFunction", "GetFunction"]);
    expect(scf.api.calls.at(-1)?.errorCode).toBe("ResourceNotFound.Function");
  });

  it("succeeds for a function that is already gone", async () => {
    const before = await created("v1");
    await provider.delete!(before.id, before.outs);
    scf.api.calls.length = 0;
    await provider.delete!(before.id, before.outs);
    expect(scf.api.actions()).toEqual(["GetFunction"]);
    expect(scf.api.calls[0]?.errorCode).toBe("ResourceNotFound.Function");
  });
});

describe("diff", () => {
  async function diff(change: Partial<ScfWebFunctionInputs>) {
    const olds = { ...(await inputsFor("v1")), functionId: "lam-1", triggerName: scfUrlTriggerName, url: "https://x" };
    const news = { ...(await inputsFor("v1")), ...change };
    return provider.diff!("id", olds, news);
  }

  it("reports no change for the same inputs, wherever the zip was staged", async () => {
    expect(await diff({ zipPath: "/elsewhere/function.zip" })).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it("replaces on a region change, creating the new function before deleting the old", async () => {
    expect(await diff({ region: "na-siliconvalley" })).toEqual({
      changes: true,
      replaces: ["region"],
      deleteBeforeReplace: false,
    });
  });

  it("replaces on a name or namespace change", async () => {
    expect((await diff({ functionName: "other" })).replaces).toEqual(["functionName"]);
    expect((await diff({ namespace: "team" })).replaces).toEqual(["namespace"]);
  });

  it("ignores the owner id, a tag SCF sets at creation only", async () => {
    expect(await diff({ owner: "another-owner-id" })).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  it("asks for an update when a refresh found no function URL", async () => {
    const olds = { ...(await inputsFor("v1")), functionId: "lam-1", triggerName: scfUrlTriggerName, url: "" };
    expect(await provider.diff!("id", olds, await inputsFor("v1"))).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
  });

  it("deletes first when a type change would reuse the same name", async () => {
    expect(await diff({ type: "Event" as "HTTP" })).toEqual({ changes: true, replaces: ["type"], deleteBeforeReplace: true });
  });

  it("updates in place for code, sizing, environment and cap changes", async () => {
    for (const change of [
      { zipSha256: "f".repeat(64) },
      { memoryMb: 128 },
      { timeoutSec: 60 },
      { concurrency: 3 },
      { maxInstances: 5 },
      { environment: { PROXY_TOKEN: "other" } },
    ]) {
      expect(await diff(change)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    }
  });
});

describe("check", () => {
  it("returns SCF's limits as failures naming the property and the allowed values", async () => {
    const inputs = await inputsFor("v1", { memoryMb: 100, timeoutSec: 901, concurrency: 0, functionName: "9lives" });
    const { failures } = await provider.check!(inputs, inputs);
    expect(failures).toEqual([
      {
        property: "functionName",
        reason:
          'functionName "9lives" is not a valid SCF function name: 2-60 letters, digits, "-" or "_", ' +
          'starting with a letter and not ending with "-" or "_"',
      },
      {
        property: "memoryMb",
        reason: "memoryMb 100 is not a size SCF offers: allowed values are 64 and 128 to 3072 in steps of 128",
      },
      { property: "timeoutSec", reason: "timeoutSec 901 is out of range: allowed values are whole seconds from 1 to 900" },
      { property: "concurrency", reason: "concurrency 0 is out of range: allowed values are whole numbers from 1 to 100" },
    ]);
  });

  it("still checks the sizing while the owner id is unknown, as in a new stack's first preview", async () => {
    const inputs = await inputsFor("v1", { memoryMb: 100, owner: "04da6b54-80e4-46f7-96ec-b56ff0331ba9" });
    expect((await provider.check!(inputs, inputs)).failures?.map((f) => f.property)).toEqual(["memoryMb"]);
  });

  it("accepts 64 MB, 900 s and concurrency 2", async () => {
    const inputs = await inputsFor("v1");
    expect(await provider.check!(inputs, inputs)).toEqual({ inputs, failures: [] });
  });
});
