// Stops what was started, in reverse order: the local chain and the test stacks alike.

/**
 * What has been started, stopped in reverse order by run(). Something that finishes starting after
 * run() (a signal arrived mid-start) is stopped as soon as it is added.
 */
export class Teardown {
  private readonly stops: Array<{ stop: () => Promise<void>; what?: string }> = [];
  private ran = false;
  /** The names of what run() stopped without an error, in the order stopped. */
  readonly stopped: string[] = [];

  /** `what` names it in run()'s answer, e.g. `nginx (pid 12)`. */
  push(stop: () => Promise<void>, what?: string): void {
    if (this.ran) void stop();
    else this.stops.push({ stop, what });
  }

  async run(): Promise<void> {
    this.ran = true;
    for (const { stop, what } of this.stops.splice(0).reverse()) {
      const ok = await stop().then(() => true, () => false);
      if (ok && what) this.stopped.push(what);
    }
  }
}
