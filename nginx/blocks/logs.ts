// Logs: one line per request with the timings that tell a slow model from a slow hop.
import { block, d, section, type Line } from "../conf.js";
import type { ResolvedSiteOptions } from "../validate.js";

const FORMAT = "gptsite";

/** http level: the format. */
export function logFormat(): Line[] {
  return section(
    "Logs",
    [
      "rt: the whole exchange as the client saw it; urt: the web UI's or the function's part (for a",
      "stream, its full length); uct: connecting to it. No header is logged: they carry keys and codes,",
      "and no query string: some clients put a key there (`?key=`), so the request line loses it.",
    ],
    [
      block("map $request $gptsite_request", [
        d(String.raw`"~^(?<gptsite_head>[^?]*)\?[^ ]*(?<gptsite_rest>.*)$" "$gptsite_head?...$gptsite_rest"`, "the query becomes ..."),
        d("default $request"),
      ]),
      d(
        [
          `log_format ${FORMAT} '$remote_addr [$time_local] "$gptsite_request" $status $body_bytes_sent '`,
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
