// node:http and node:https, loaded with require() rather than import. Node 22's ESM wrapper of
// node:http reads every export, its lazy WebSocket among them, which loads undici and compiles
// undici's WebAssembly parser: ~15 ms of cold start for nothing the proxy uses, and, under
// --lite-mode (no WebAssembly), a crash right after "listening" (ReferenceError: WebAssembly is not
// defined). require() hands over the module object without touching that getter, on Node 18 to 22.
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export const http = require("node:http") as typeof import("node:http");
export const https = require("node:https") as typeof import("node:https");
