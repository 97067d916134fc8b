// Once before every suite: function/dist/ built and current. The scripts build it themselves when it
// is stale, and several suites run them at once; one build here keeps them from writing it together.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build, needsBuild } from "../../scripts/lib/build.js";

export default async function setup(): Promise<void> {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
  if (await needsBuild(root)) await build(root);
}
