// STAND-IN for the pulumi-resource-docker 5.2.0 plugin, which @pulumi/docker 5.2.0 asks the engine for.
// Why: the real plugin is a Go program (github.com/pulumi/pulumi-docker/provider/v5, bridging
// github.com/kreuzwerker/terraform-provider-docker v4.5.0), and the Go module proxy these machines reach
// answers 403 for both modules at every version, so it cannot be built here.
// What it reproduces, read in those sources (file names in each resource's header): the resource types
// and property names of the real schema; Check refusing unknown arguments and wrong types by path, in
// the bridge's words; ForceNew inputs replacing, the others updating in place; DeleteBeforeReplace for
// containers; autonaming; `host` from the provider, DOCKER_HOST or /var/run/docker.sock, pinged first;
// the Docker API version negotiated down to the daemon's, with the Go client's refusal of newer features
// (a health check `startInterval` needs API 1.44: Docker 25); RemoteImage's local lookup, pull and
// keepLocally; the container's uploads, ports, networks, memory, restart policy, log driver, health check
// and `wait`, and its delete; Read reporting a removed resource as gone, so refresh drops it.
// Only unix:// hosts; inputs of the real schema that are not implemented fail Check by name.
import { serve } from "../serve.js";
import { container } from "./container.js";
import { checkConfig } from "./host.js";
import { network } from "./network.js";
import { remoteImage } from "./remoteImage.js";

serve({
  pkg: "docker",
  version: "5.2.0",
  configure: checkConfig,
  resources: {
    "docker:index/container:Container": container,
    "docker:index/network:Network": network,
    "docker:index/remoteImage:RemoteImage": remoteImage,
  },
});
