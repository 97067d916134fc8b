// A provider's server keys: which one to try next, and which answers say a key cannot serve (so the
// request goes to the next key, and the key rests for contract.ts KEY_REST_MS).
import { KEY_REST_MS, type Provider } from "../../contract.js";

export type KeyFailure = keyof typeof KEY_REST_MS;

interface Rule {
  readonly status: number;
  /** Matched against the error body (decoded); absent: the status says it all. */
  readonly body?: RegExp;
  readonly failure: KeyFailure;
}

// Each provider's own words. Not here: Anthropic's 529 overloaded_error and OpenAI's 429 "engine
// overloaded" (the service is busy whatever the key: the official clients retry those themselves),
// and OpenAI's 403 unsupported_country_region_territory (the function's region, not the key).
const RULES: Readonly<Record<Provider, readonly Rule[]>> = {
  openai: [
    { status: 401, failure: "exhaustedOrRevoked" },
    { status: 429, body: /insufficient_quota/, failure: "exhaustedOrRevoked" },
    { status: 429, body: /rate_limit/, failure: "rateLimited" },
  ],
  anthropic: [
    { status: 401, failure: "exhaustedOrRevoked" },
    { status: 403, body: /permission_error/, failure: "exhaustedOrRevoked" },
    { status: 429, body: /rate_limit_error/, failure: "rateLimited" },
    // An account out of credit: 400 invalid_request_error, told apart by its message.
    { status: 400, body: /credit balance is too low/, failure: "exhaustedOrRevoked" },
  ],
  google: [
    { status: 401, failure: "exhaustedOrRevoked" },
    { status: 403, body: /PERMISSION_DENIED/, failure: "exhaustedOrRevoked" },
    // A deleted, expired or wrong key: 400 INVALID_ARGUMENT with reason API_KEY_INVALID.
    { status: 400, body: /API_KEY_INVALID|API key (?:not valid|expired)/, failure: "exhaustedOrRevoked" },
    // Per-minute and per-day quotas alike.
    { status: 429, body: /RESOURCE_EXHAUSTED/, failure: "rateLimited" },
  ],
};

/** Whether an answer with this status may say the key failed (its body is then needed: `keyFailure`). */
export function mayBeKeyFailure(provider: Provider, status: number): boolean {
  // A plain loop, as for every answer on a route with keys to fail over to: some() would make a closure each time.
  const rules = RULES[provider];
  for (let i = 0; i < rules.length; i++) if (rules[i]!.status === status) return true;
  return false;
}

export function keyFailure(provider: Provider, status: number, body: string): KeyFailure | undefined {
  return RULES[provider].find((rule) => rule.status === status && (rule.body === undefined || rule.body.test(body)))?.failure;
}

export interface KeyPool {
  /** Key positions (0-based) in the order to try them now: as listed, resting keys last, soonest back first. */
  order(): number[];
  rest(position: number, failure: KeyFailure): void;
  /** The key served: whatever rest it had is over. */
  served(position: number): void;
}

export function keyPool(size: number, now: () => number): KeyPool {
  const restUntil = new Array<number>(size).fill(0);
  const positions = restUntil.map((_, i) => i);
  return {
    order() {
      const t = now();
      // A plain loop: every() would make a closure per request.
      for (let i = 0; i < size; i++) {
        if (restUntil[i]! <= t) continue;
        const rested = (k: number) => Math.max(restUntil[k]!, t);
        return [...positions].sort((a, b) => rested(a) - rested(b) || a - b);
      }
      return positions;
    },
    rest(position, failure) {
      restUntil[position] = now() + KEY_REST_MS[failure];
    },
    served(position) {
      restUntil[position] = 0;
    },
  };
}
