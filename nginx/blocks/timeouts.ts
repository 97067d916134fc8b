// Timeouts: a reasoning model can think for minutes before its first byte, and the function may
// run for functionTimeoutSec; Nginx must outwait it. Its 60 s default turns slow answers into 504.
import { d, section, type Line } from "../conf.js";
import type { ResolvedSiteOptions } from "../validate.js";

/** server level. */
export function timeouts(o: ResolvedSiteOptions): Line[] {
  const why = `≥ the function's ${o.functionTimeoutSec} s; it counts the silence between two reads, not the whole answer`;
  return section("Timeouts", [], [
    d(`proxy_read_timeout ${o.readTimeoutSec}s`, why),
    d(`proxy_send_timeout ${o.readTimeoutSec}s`, "the same bound while a large body goes up"),
    d("keepalive_timeout 300s", "a client keeps its (TLS) connection between chat turns"),
  ]);
}
