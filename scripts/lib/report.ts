// The smoke report: what `npm run smoke -- --json` prints, and what the table is made from. The
// TypeScript types and the JSON Schema below describe the same shape (test/scripts checks real
// reports against the schema); scripts/README.md documents it.

import { PROVIDERS, type Provider } from "../../contract.js";

/**
 * The hops in chain order. `function`, `web`, `nginx` and `e2e` chat with OpenAI's API; each has a
 * twin per other provider (`function-anthropic`…), run when the stack holds that provider's key (or
 * smoke is given one) and left out of the report otherwise, unless --only names it.
 */
export const HOPS = [
  "function", "function-anthropic", "function-google",
  "web", "web-anthropic", "web-google",
  "nginx", "nginx-anthropic", "nginx-google",
  "dns", "tls",
  "e2e", "e2e-anthropic", "e2e-google",
] as const;
export type HopName = (typeof HOPS)[number];

/** The provider a hop chats with, if it chats. */
export function hopProvider(hop: HopName): Provider | undefined {
  if (hop === "dns" || hop === "tls") return undefined;
  return (hop.split("-")[1] as Provider | undefined) ?? "openai";
}

export type HopStatus = "ok" | "fail" | "skip";

/** How the events of a streamed chat arrived at the client (see stream.ts for the rule). */
export interface StreamTiming {
  /** `data:` events received, `[DONE]` included. */
  events: number;
  /** From sending the request to the first event. */
  firstEventMs: number;
  /** From the first event to the last. */
  spanMs: number;
  /** Largest pause between two consecutive events. */
  largestGapMs: number;
  verdict: "streamed" | "buffered" | "undecided";
}

export interface HopResult {
  hop: HopName;
  status: HopStatus;
  /** Wall time of the hop. */
  ms: number;
  /** One line: what was seen, or why it failed or was skipped. Secrets are masked. */
  detail: string;
  /** Present when the hop streamed a chat. */
  stream?: StreamTiming;
}

export interface BillingReport {
  /** `offered`: a balance came back; `unavailable`: the upstream does not give it to this key; `error`: could not ask. */
  status: "offered" | "unavailable" | "error";
  detail: string;
  endpoints: { path: string; status: number | null; note: string }[];
}

export interface SmokeReport {
  schema: "gptsite-smoke/2";
  /** What was checked; secrets only as whether they were given. */
  target: {
    functionUrl: string | null;
    webUrl: string | null;
    siteUrl: string | null;
    domain: string | null;
    hostIp: string | null;
    /** The providers the stack holds a server key for (its serverKeys output), when known. */
    serverKeys: Provider[] | null;
    proxyToken: boolean;
    accessCode: boolean;
    /** Own keys given (--key, --anthropic-key, --google-key). */
    apiKey: boolean;
    anthropicKey: boolean;
    googleKey: boolean;
  };
  /** The hops that ran (all, or those named by --only), in chain order. */
  hops: HopResult[];
  /** With --billing. */
  billing?: BillingReport;
  summary: { ok: number; fail: number; skip: number };
  /** 0 when no hop failed, 1 when one did (2, bad usage, prints no report). */
  exitCode: 0 | 1;
}

/** The exit status a set of hop results gives. */
export function tally(hops: readonly HopResult[]): Pick<SmokeReport, "summary" | "exitCode"> {
  const summary = { ok: 0, fail: 0, skip: 0 };
  for (const h of hops) summary[h.status] += 1;
  return { summary, exitCode: summary.fail > 0 ? 1 : 0 };
}

const nullableString = { type: ["string", "null"] } as const;
const count = { type: "integer", minimum: 0 } as const;
const ms = { type: "number", minimum: 0 } as const;

/** JSON Schema (draft 2020-12) of SmokeReport. */
export const SMOKE_REPORT_SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "urn:gptsite:smoke-report:2",
  title: "gptsite smoke report",
  type: "object",
  additionalProperties: false,
  required: ["schema", "target", "hops", "summary", "exitCode"],
  properties: {
    schema: { const: "gptsite-smoke/2" },
    target: {
      type: "object",
      additionalProperties: false,
      required: ["functionUrl", "webUrl", "siteUrl", "domain", "hostIp", "serverKeys", "proxyToken", "accessCode", "apiKey", "anthropicKey", "googleKey"],
      properties: {
        functionUrl: nullableString,
        webUrl: nullableString,
        siteUrl: nullableString,
        domain: nullableString,
        hostIp: nullableString,
        serverKeys: { type: ["array", "null"], items: { enum: [...PROVIDERS] }, uniqueItems: true },
        proxyToken: { type: "boolean" },
        accessCode: { type: "boolean" },
        apiKey: { type: "boolean" },
        anthropicKey: { type: "boolean" },
        googleKey: { type: "boolean" },
      },
    },
    hops: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["hop", "status", "ms", "detail"],
        properties: {
          hop: { enum: [...HOPS] },
          status: { enum: ["ok", "fail", "skip"] },
          ms,
          detail: { type: "string", minLength: 1 },
          stream: {
            type: "object",
            additionalProperties: false,
            required: ["events", "firstEventMs", "spanMs", "largestGapMs", "verdict"],
            properties: {
              events: count,
              firstEventMs: ms,
              spanMs: ms,
              largestGapMs: ms,
              verdict: { enum: ["streamed", "buffered", "undecided"] },
            },
          },
        },
      },
    },
    billing: {
      type: "object",
      additionalProperties: false,
      required: ["status", "detail", "endpoints"],
      properties: {
        status: { enum: ["offered", "unavailable", "error"] },
        detail: { type: "string", minLength: 1 },
        endpoints: {
          type: "array",
          items: {
            type: "object",
            additionalProperties: false,
            required: ["path", "status", "note"],
            properties: { path: { type: "string" }, status: { type: ["integer", "null"] }, note: { type: "string" } },
          },
        },
      },
    },
    summary: {
      type: "object",
      additionalProperties: false,
      required: ["ok", "fail", "skip"],
      properties: { ok: count, fail: count, skip: count },
    },
    exitCode: { enum: [0, 1] },
  },
} as const;
