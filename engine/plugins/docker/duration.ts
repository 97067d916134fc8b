// Part of the STAND-IN docker provider plugin (the real one cannot be built here: the Go module proxy
// answers 403 for it; see docker/main.ts).
// Go's time.ParseDuration and Duration.String, which the real provider uses on the health check's
// durations: it parses "60s" into nanoseconds for the Docker API and, reading the container back,
// stores Duration.String() of what Docker holds: "1m0s". The two spellings differ, so a program that
// writes "60s" sees a change on the next preview; this stand-in keeps that behaviour.

const UNITS: Record<string, number> = { ns: 1, us: 1e3, "µs": 1e3, "μs": 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Nanoseconds, or an error message in Go's words (`time: invalid duration "x"`). */
export function parseDuration(text: string): number | string {
  const invalid = `time: invalid duration ${JSON.stringify(text)}`;
  let rest = text;
  let sign = 1;
  if (rest.startsWith("-") || rest.startsWith("+")) {
    sign = rest.startsWith("-") ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === "0") return 0;
  if (rest === "") return invalid;
  let total = 0;
  while (rest !== "") {
    const match = /^(\d*)(?:\.(\d*))?([^\d.]*)/.exec(rest)!;
    const [all, whole = "", frac = "", unitText = ""] = match;
    if (whole === "" && frac === "") return invalid;
    if (unitText === "") return `time: missing unit in duration ${JSON.stringify(text)}`;
    const unit = UNITS[unitText];
    if (unit === undefined) return `time: unknown unit ${JSON.stringify(unitText)} in duration ${JSON.stringify(text)}`;
    total += Number(`${whole || "0"}.${frac || "0"}`) * unit;
    rest = rest.slice(all.length);
  }
  return sign * Math.round(total);
}

/** Go's Duration.String: "0s", "500ms", "2s", "1m0s", "1h30m0s". */
export function formatDuration(ns: number): string {
  if (ns === 0) return "0s";
  const sign = ns < 0 ? "-" : "";
  let u = Math.abs(ns);
  if (u < 1e9) {
    if (u < 1e3) return `${sign}${u}ns`;
    if (u < 1e6) return `${sign}${fraction(u, 1e3)}µs`;
    return `${sign}${fraction(u, 1e6)}ms`;
  }
  const seconds = fraction(u % 60e9, 1e9);
  u = Math.floor(u / 60e9);
  if (u === 0) return `${sign}${seconds}s`;
  const minutes = u % 60;
  const hours = Math.floor(u / 60);
  return `${sign}${hours > 0 ? `${hours}h` : ""}${minutes}m${seconds}s`;
}

/** `value / unit` with the fraction's trailing zeros dropped, as Go's fmtFrac does. */
function fraction(value: number, unit: number): string {
  const whole = Math.floor(value / unit);
  const digits = String(unit).length - 1;
  const frac = String(value % unit).padStart(digits, "0").replace(/0+$/, "");
  return frac ? `${whole}.${frac}` : `${whole}`;
}
