/**
 * What SCF accepts for a web function, from the API's own documentation (scf_models.d.ts, CreateFunctionRequest):
 * MemorySize 64 or 128–3072 in steps of 128, Timeout 1–900 s, MaxConcurrency 1–100, the function-name and the
 * description rules. Pure, so the component can refuse bad values before any resource exists, the provider's
 * `check` can say the same thing in the engine, and the tests' API double refuses what SCF refuses.
 */

export const scfMemorySizes: readonly number[] = [64, ...Array.from({ length: 24 }, (_, i) => (i + 1) * 128)];
export const scfMaxTimeoutSec = 900;
export const scfMaxConcurrency = 100;
/** 2–60 characters, letters, digits, `-` and `_`, starting with a letter, not ending with `-` or `_`. */
export const scfFunctionNamePattern = /^[A-Za-z][A-Za-z0-9_-]{0,58}[A-Za-z0-9]$/;
/** Namespaces: letters, digits, `-` and `_`, up to 30 characters. */
export const scfNamespacePattern = /^[A-Za-z0-9_-]{1,30}$/;

/**
 * Description: "最大支持 1000 个英文字母、数字、空格、逗号、换行符和英文句号，支持中文" (CreateFunctionRequest) — up
 * to 1000 letters, digits, spaces, commas, newlines, periods and Chinese characters; UpdateFunctionConfiguration's
 * text leaves out newlines. Anything else (parentheses, hyphens, colons…) is InvalidParameterValue.Description.
 * "Chinese" is read as Han characters; commas and periods as the ASCII ones.
 */
const descriptionCharacters = {
  CreateFunction: /^[A-Za-z0-9 ,.\n\p{Script=Han}]*$/u,
  UpdateFunctionConfiguration: /^[A-Za-z0-9 ,.\p{Script=Han}]*$/u,
} as const;
const maxDescriptionLength = 1000;

/** Why SCF refuses `description` in `action`, or undefined when it accepts it. */
export function scfDescriptionProblem(description: string, action: keyof typeof descriptionCharacters): string | undefined {
  const length = [...description].length;
  if (length > maxDescriptionLength) {
    return `Description is ${length} characters long: ${action} takes at most ${maxDescriptionLength}`;
  }
  if (!descriptionCharacters[action].test(description)) {
    const allowed = action === "CreateFunction" ? "spaces, commas, newlines" : "spaces, commas";
    return `Description ${JSON.stringify(description)} has characters ${action} refuses: only letters, digits, ${allowed}, periods and Chinese characters`;
  }
  return undefined;
}

export interface ScfSizing {
  functionName: string;
  namespace: string;
  memoryMb: number;
  timeoutSec: number;
  concurrency: number;
  maxInstances?: number | undefined;
}

/** One rejected value: the argument at fault and why, with the allowed values. */
export interface ScfArgProblem {
  property: keyof ScfSizing;
  reason: string;
}

/** Every problem with a function's name and sizing; empty when SCF will accept them. */
export function scfArgProblems(args: ScfSizing): ScfArgProblem[] {
  const problems: ScfArgProblem[] = [];
  if (!scfFunctionNamePattern.test(args.functionName)) {
    problems.push({
      property: "functionName",
      reason:
        `functionName ${JSON.stringify(args.functionName)} is not a valid SCF function name: ` +
        `2-60 letters, digits, "-" or "_", starting with a letter and not ending with "-" or "_"`,
    });
  }
  if (!scfNamespacePattern.test(args.namespace)) {
    problems.push({
      property: "namespace",
      reason: `namespace ${JSON.stringify(args.namespace)} is not a valid SCF namespace: 1-30 letters, digits, "-" or "_"`,
    });
  }
  if (!scfMemorySizes.includes(args.memoryMb)) {
    problems.push({
      property: "memoryMb",
      reason: `memoryMb ${args.memoryMb} is not a size SCF offers: allowed values are 64 and 128 to 3072 in steps of 128`,
    });
  }
  if (!Number.isInteger(args.timeoutSec) || args.timeoutSec < 1 || args.timeoutSec > scfMaxTimeoutSec) {
    problems.push({
      property: "timeoutSec",
      reason: `timeoutSec ${args.timeoutSec} is out of range: allowed values are whole seconds from 1 to ${scfMaxTimeoutSec}`,
    });
  }
  if (!Number.isInteger(args.concurrency) || args.concurrency < 1 || args.concurrency > scfMaxConcurrency) {
    problems.push({
      property: "concurrency",
      reason: `concurrency ${args.concurrency} is out of range: allowed values are whole numbers from 1 to ${scfMaxConcurrency}`,
    });
  }
  if (args.maxInstances !== undefined && (!Number.isInteger(args.maxInstances) || args.maxInstances < 1)) {
    problems.push({
      property: "maxInstances",
      reason: `maxInstances ${args.maxInstances} is not a whole number of instances of at least 1 (leave it unset for no cap)`,
    });
  }
  return problems;
}

/**
 * The reserved-concurrency quota that caps a function at `maxInstances` instances: SCF counts it in MB of memory
 * (PutReservedConcurrencyConfig.ReservedConcurrencyMem), and every open SSE stream holds a whole instance.
 */
export function reservedConcurrencyMem(maxInstances: number, memoryMb: number): number {
  return maxInstances * memoryMb;
}
