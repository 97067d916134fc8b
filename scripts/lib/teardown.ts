// Stops what was started, in reverse order: the local chain and the test stacks alike.

/**
 * What has been started, stopped in reverse order by run(). Something that finishes starting after
 * run() (a signal arrived mid-start) is stopped as soon as it is added.
 */
export class Teardown {
  private readonly stops: Array<() => Promise<void>> = [];
  private ran = false;

  push(stop: () => Promise<void>): void {
    if (this.ran) void stop();
    else this.stops.push(stop);
  }

  async run(): Promise<void> {
    this.ran = true;
    for (const stop of this.stops.splice(0).reverse()) {
      await stop().catch(() => undefined);
    }
  }
}
