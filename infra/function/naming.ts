/**
 * A cloud function name from free text: letters, digits, `-` and `_`, starting with a letter, at most
 * `max` characters. Both SCF and FC 3.0 accept that set.
 */
export function cloudFunctionName(text: string, max = 60): string {
  const cleaned = text.replace(/[^A-Za-z0-9_-]+/g, "-");
  const lettered = /^[A-Za-z]/.test(cleaned) ? cleaned : `f-${cleaned}`;
  return lettered.slice(0, max).replace(/[-_]+$/, "");
}
