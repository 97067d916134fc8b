// The function URL changed outside Pulumi: its trigger deleted in the SCF console, switched off, or made private.
// `pulumi refresh` (read) must report that there is no usable URL, so that the next `pulumi up` (diff, update)
// puts the trigger back; the same path under Pulumi's own provider host is in under-pulumi.test.ts.
import { describe, expect, it } from "vitest";
import {
  scfApi,
  scfUrlTriggerName,
  scfWebFunctionProvider,
  type ScfWebFunctionOutputs,
} from "../../infra/tencent/index.js";
import { useScfDouble } from "./helpers.js";

const provider = scfWebFunctionProvider({ waitTimeoutMs: 10_000, pollIntervalMs: 1 });
const scf = useScfDouble();
const functionUrl = /^https:\/\/1300000000-[0-9a-z]{10}\.ap-singapore\.tencentscf\.com$/;

async function deployed() {
  const inputs = await scf.inputs("v1");
  const { id, outs } = await provider.create(inputs);
  scf.api.calls.length = 0;
  return { id, inputs, outs: outs as ScfWebFunctionOutputs };
}

/** refresh, then up: read, then diff and update against what read reported. */
async function refreshThenUp({ id, inputs, outs }: Awaited<ReturnType<typeof deployed>>) {
  const refreshed = (await provider.read!(id, outs)).props as ScfWebFunctionOutputs;
  const diff = await provider.diff!(id, refreshed, inputs);
  scf.api.calls.length = 0;
  const updated = (await provider.update!(id, refreshed, inputs)).outs as ScfWebFunctionOutputs;
  return { refreshed, diff, updated };
}

it("recreates the trigger deleted in the console: read reports no URL, diff asks for an update, update adds it", async () => {
  const before = await deployed();
  const byHand = scfApi("ap-singapore", { action: "delete", resource: "the trigger", providerKey: "functionProvider" });
  await byHand("DeleteTrigger", { FunctionName: "gptsite-dev-proxy", Namespace: "default", TriggerName: scfUrlTriggerName, Type: "http" });
  expect(scf.live()!.triggers).toEqual([]);

  const { refreshed, diff, updated } = await refreshThenUp(before);
  expect(refreshed).toEqual({ ...before.outs, url: "" });
  expect(diff).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
  expect(scf.api.actions()).toEqual(["GetFunction", "CreateTrigger", "GetFunction"]);
  expect(updated.url).toMatch(functionUrl);
  expect(updated.url).not.toBe(before.outs.url);
  expect(updated).toEqual({ ...before.outs, url: updated.url });
  expect(scf.live()!.triggers).toEqual([expect.objectContaining({ TriggerName: scfUrlTriggerName, Type: "http", Enable: 1 })]);
  expect((await provider.read!(before.id, updated)).props).toEqual(updated);
});

describe.each([
  ["switched off", (trigger: { Enable: number }) => (trigger.Enable = 0)],
  ["put behind CAM authentication", (trigger: { TriggerDesc: string }) => (trigger.TriggerDesc = trigger.TriggerDesc.replace('"NONE"', '"CAM"'))],
  ["closed to the internet", (trigger: { TriggerDesc: string }) => (trigger.TriggerDesc = trigger.TriggerDesc.replace('"EnableExtranet":true', '"EnableExtranet":false'))],
])("a trigger %s in the console", (_how, change) => {
  it("counts as no URL, and update replaces it with a working one", async () => {
    const before = await deployed();
    change(scf.live()!.triggers[0]!);
    const { refreshed, updated } = await refreshThenUp(before);
    expect(refreshed.url).toBe("");
    expect(scf.api.actions()).toEqual(["GetFunction", "DeleteTrigger", "CreateTrigger", "GetFunction"]);
    expect(updated.url).toMatch(functionUrl);
    const [trigger] = scf.live()!.triggers;
    expect(trigger?.Enable).toBe(1);
    expect(JSON.parse(trigger!.TriggerDesc)).toEqual({
      AuthType: "NONE",
      NetConfig: { EnableIntranet: false, EnableExtranet: true, ExtranetUrl: updated.url },
    });
  });
});

it("leaves a working URL alone", async () => {
  const before = await deployed();
  const { refreshed, diff } = await refreshThenUp(before);
  expect(refreshed).toEqual(before.outs);
  expect(diff.changes).toBe(false);
  expect(scf.api.actions()).toEqual([]);
});
