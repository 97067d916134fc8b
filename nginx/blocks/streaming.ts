// Streaming: a chat answer is an event stream that must leave Nginx chunk by chunk, the moment it
// arrives, and a request body must reach the upstream while the client is still sending it.
import { d, section, type Line } from "../conf.js";

/** server level: every location here proxies a stream or may. */
export function streaming(): Line[] {
  return section(
    "Streaming",
    ["(!) Nginx's defaults buffer both ways: the answer would arrive in one piece at the end."],
    [
      d("proxy_buffering off", "pass each chunk of the answer on at once"),
      d("proxy_cache off", "answers are never stored"),
      d("proxy_request_buffering off", "send the body on as it arrives, never to a temp file first"),
      d("proxy_http_version 1.1", "chunked bodies and keep-alive towards the upstream"),
      d("chunked_transfer_encoding on", "a stream has no Content-Length"),
      d("tcp_nodelay on", "small chunks go out without Nagle's 40 ms wait"),
      d("gzip off", "a compressor holds bytes back: even if http-level gzip_types names text/event-stream"),
    ],
  );
}

/** Headers every proxied location sets (a location with any proxy_set_header inherits none). */
export function hopHeaders(): Line[] {
  return [d('proxy_set_header Connection ""', "instead of Nginx's default `close`: plain HTTP/1.1 upstream")];
}
