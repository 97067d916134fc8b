import net, { type AddressInfo } from "node:net";

/** A port that was free on 127.0.0.1 a moment ago (another process may take it before you bind it). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
