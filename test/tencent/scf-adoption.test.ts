// A function of the wanted name already exists when create runs. Ours, left by an interrupted run (created, never
// recorded in state), is adopted; anyone else's (another stack of the same name, or one made by hand) is refused,
// untouched. SCF answers a taken name with ResourceInUse.Function or ResourceInUse.FunctionName: both are handled.
import { describe, expect, it } from "vitest";
import { scfOwnerTagKey, scfWebFunctionProvider } from "../../infra/tencent/index.js";
import { proxyZip, testOwner, useScfDouble } from "./helpers.js";

const fast = { waitTimeoutMs: 10_000, pollIntervalMs: 1 };
const provider = scfWebFunctionProvider(fast);
const scf = useScfDouble();

const strangerOwner = "0th3r57ack000000";
const refusal = (tag: string) =>
  `SCF function "gptsite-dev-proxy" in ap-singapore/default already exists and is not this stack's: ${tag}, ` +
  `this stack's is "${testOwner}". Another stack with the same name, or someone by hand, made it, and pulumi will ` +
  "not take it over. Deploy under another stack name (functions are named <project>-<stack>-proxy) or in another " +
  "functionRegion; or, if nothing uses that function, delete it in the SCF console " +
  `(https://console.cloud.tencent.com/scf/list); or, to adopt it on purpose, tag it ${scfOwnerTagKey} = ` +
  `${testOwner}; then run pulumi up again`;

/**
 * A create that stops after CreateFunction: the function stays Creating past the provider's patience, and the
 * cleanup's DeleteFunction is refused while it does, so the function is left with nothing in state.
 */
async function interruptedCreate(marker: string, owner = testOwner) {
  scf.api.pollsToSettle = 1000;
  const impatient = scfWebFunctionProvider({ waitTimeoutMs: 30, pollIntervalMs: 5 });
  const failure = await impatient.create(await scf.inputs(marker, { owner })).catch((err: unknown) => err);
  expect((failure as Error).message).toMatch(/^Gave up after 0.03 s waiting for .* \(last seen: Creating\)\. Deleting it failed too/);
  // The platform finishes creating it later.
  scf.live()!.pending!.pollsLeft = 1;
  scf.api.pollsToSettle = 2;
  scf.api.calls.length = 0;
}

describe.each(["ResourceInUse.Function", "ResourceInUse.FunctionName"] as const)("when CreateFunction answers %s", (code) => {
  it("adopts the function an interrupted create of this stack left, and deploys the new code to it", async () => {
    scf.api.nameTakenCode = code;
    await interruptedCreate("v0");
    expect(scf.live()).toMatchObject({ status: "Creating", tags: [{ Key: scfOwnerTagKey, Value: testOwner }] });

    const { outs } = await provider.create(await scf.inputs("v1"));
    expect(scf.api.calls[0]).toMatchObject({ action: "CreateFunction", errorCode: code });
    expect(scf.api.actions()).toContain("UpdateFunctionCode");
    expect(scf.api.actions()).toContain("UpdateFunctionConfiguration");
    expect(scf.api.actions()).not.toContain("DeleteFunction");
    expect(scf.live()).toMatchObject({ status: "Active", memorySize: 64 });
    expect(scf.live()!.zip.equals((await proxyZip("v1")).zip)).toBe(true);
    expect(scf.live()!.triggers).toHaveLength(1);
    expect(outs?.url).toMatch(/^https:\/\/1300000000-[0-9a-z]{10}\.ap-singapore\.tencentscf\.com$/);
  });

  it("refuses a function of that name another stack made, naming it and the fix, and leaves it alone", async () => {
    scf.api.nameTakenCode = code;
    await interruptedCreate("theirs", strangerOwner);
    const failure = await provider.create(await scf.inputs("v1")).catch((err: unknown) => err);
    expect((failure as Error).message).toBe(refusal(`its ${scfOwnerTagKey} tag is "${strangerOwner}"`));
    expect(scf.api.actions()).toEqual(["CreateFunction", "GetFunction"]);
    expect(scf.live()!.zip.equals((await proxyZip("theirs")).zip)).toBe(true);
    expect(scf.live()!.tags).toEqual([{ Key: scfOwnerTagKey, Value: strangerOwner }]);
  });
});

it("refuses a function of that name made by hand, which has no owner tag", async () => {
  scf.api.addFunction("ap-singapore", "gptsite-dev-proxy");
  const failure = await provider.create(await scf.inputs("v1")).catch((err: unknown) => err);
  expect((failure as Error).message).toBe(refusal(`it has no ${scfOwnerTagKey} tag`));
  expect(scf.api.actions()).toEqual(["CreateFunction", "GetFunction"]);
});

it("replaces a leftover of this stack that ended in CreateFailed instead of adopting it", async () => {
  await provider.create(await scf.inputs("v0"));
  scf.live()!.status = "CreateFailed";
  scf.api.calls.length = 0;
  await provider.create(await scf.inputs("v1"));
  expect(scf.api.actions().slice(0, 6)).toEqual([
    "CreateFunction",
    "GetFunction",
    "DeleteFunction",
    "GetFunction",
    "GetFunction",
    "GetFunction",
  ]);
  expect(scf.api.calls[6]).toMatchObject({ action: "CreateFunction" });
  expect(scf.api.calls[6]?.errorCode).toBeUndefined();
  expect(scf.live()).toMatchObject({ status: "Active" });
  expect(scf.live()!.zip.equals((await proxyZip("v1")).zip)).toBe(true);
});
