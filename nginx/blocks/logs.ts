// Logs: one line per request with the timings that tell a slow model from a slow hop.
import { SHOWN_SEGMENT } from "../../function/src/target.js";
import { block, d, section, type Line } from "../conf.js";
import type { ResolvedSiteOptions } from "../validate.js";

const FORMAT = "gptsite";
/** Whole segments only: the look-ahead stops a long segment from showing its first characters. */
const SHOWN_PATH = `(?:/${SHOWN_SEGMENT}(?=[/? ]|$))*`;

/** http level: the format. */
export function logFormat(): Line[] {
  return section(
    "Logs",
    [
      "rt: the whole exchange as the client saw it; urt: the web UI's or the function's part (for a",
      "stream, its full length); uct: connecting to it. No header is logged: they carry keys and codes,",
      "and no query string: some clients put a key there (`?key=`), so the request line loses it.",
      "A refused request (4xx, 5xx) is logged only up to the first path segment that could hold a",
      "secret (the proxy's rule, function/src/target.ts: 16+ characters, or any but [A-Za-z0-9._~-]),",
      "then /*: `/sk-…/v2/models` and `/v1/models;key=…` carry one, and no map can mask segment by segment.",
    ],
    [
      block("map $request $gptsite_request", [
        d(String.raw`"~^(?<gptsite_head>[^?]*)\?[^ ]*(?<gptsite_rest>.*)$" "$gptsite_head?...$gptsite_rest"`, "the query becomes ..."),
        d("default $request"),
      ]),
      block("map $request $gptsite_refused_request", [
        d(`"~^(?<gptsite_method>[A-Z]+) (?<gptsite_path>${SHOWN_PATH})(?:\\?[^ ]*)?(?<gptsite_version> HTTP/[0-9.]+)?$" "$gptsite_method $gptsite_path$gptsite_version"`, "every segment shown: the query dropped"),
        d(`"~^(?<gptsite_method2>[A-Z]+) (?<gptsite_path2>${SHOWN_PATH})[^ ]*(?<gptsite_version2> HTTP/[0-9.]+)?$" "$gptsite_method2 $gptsite_path2/*$gptsite_version2"`, "the rest from the first segment that is not"),
        d('default "-"', "no request line to speak of"),
      ]),
      block("map $status $gptsite_logged_request", [d('"~^[45]" $gptsite_refused_request'), d("default $gptsite_request")]),
      d(
        [
          `log_format ${FORMAT} '$remote_addr [$time_local] "$gptsite_logged_request" $status $body_bytes_sent '`,
          `    'rt=$request_time urt=$upstream_response_time uct=$upstream_connect_time "$http_user_agent"'`,
        ].join("\n"),
      ),
    ],
  );
}

/** server level: where the lines go. */
export function accessLog(o: ResolvedSiteOptions): Line[] {
  return section("Logs", [], [accessLogLine(o)]);
}

export function accessLogLine(o: ResolvedSiteOptions): Line {
  return o.accessLog === "off"
    ? d("access_log off", "the accessLog option turned it off")
    : d(`access_log ${o.accessLog} ${FORMAT}`, `format "${FORMAT}" at the top; the stock image sends /var/log/nginx to stdout`);
}
