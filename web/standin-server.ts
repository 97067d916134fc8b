// The NextChat stand-in as a container's main program (bundled into the engine's image by
// engine/images/nextchat.ts): configured by NextChat's own environment, stopped by SIGTERM.
import { NextChatStandin, standinFromEnv } from "./standin.js";

const { options, listen } = standinFromEnv(process.env);
const standin = new NextChatStandin(options);
const port = await standin.listen(listen);
console.log(`NextChat stand-in listening on ${listen.host}:${port}`);
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => void standin.close().then(() => process.exit(0)));
}
