// How the config areas read the stack config: typed values, defaults applied, every problem collected.
import { CONFIG_KEYS, list, type ConfigKey, type KeySpec, type RawConfig } from "./keys.js";

/**
 * The stack config as the areas read it: each value trimmed, or the key's default, checked against
 * its type. Every problem is collected in `problems`; a value that fails its check reads as the default.
 */
export class ConfigReader {
  readonly problems: string[] = [];

  constructor(private readonly raw: RawConfig) {}

  problem(text: string): void {
    this.problems.push(text);
  }

  text(key: ConfigKey): string {
    const value = this.raw[key];
    return value === undefined ? String(CONFIG_KEYS[key].default) : value.trim();
  }

  /** A whole number from `min` to `max`; `allowed` says so in the message. */
  integer(key: ConfigKey, min: number, max: number, allowed: string): number {
    const value = this.text(key);
    const parsed = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
    if (Number.isNaN(parsed)) {
      this.problem(`${key}: "${value}" is not a whole number. Allowed values are: ${allowed}.`);
      return Number(CONFIG_KEYS[key].default);
    }
    if (parsed < min || parsed > max) this.problem(`${key}: ${parsed} is out of range. Allowed values are: ${allowed}.`);
    return parsed;
  }

  boolean(key: ConfigKey): boolean {
    const value = this.text(key);
    if (value !== "true" && value !== "false") {
      this.problem(`${key}: "${value}" is not a boolean. Allowed values are: true, false.`);
      return (CONFIG_KEYS[key] as KeySpec).default === true;
    }
    return value === "true";
  }

  /** One of `allowed` (`what` names the kind in the message), or undefined after reporting it. */
  oneOf<T extends string>(key: ConfigKey, allowed: readonly T[], what: string): T | undefined {
    const value = this.text(key);
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problem(`${key}: "${value}" is not ${what}. Allowed values are: ${list(allowed)}.`);
    return undefined;
  }

  /** A secret's value, or undefined when empty; a message about it must never quote it. */
  secret(key: ConfigKey): string | undefined {
    return this.text(key) || undefined;
  }
}
