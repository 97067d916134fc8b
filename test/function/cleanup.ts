import { afterEach } from "vitest";

export interface Closable {
  close(): Promise<void>;
}

/**
 * Registers an afterEach that closes, last opened first, every resource handed to the returned
 * function during a test (servers, spawned proxies, temp dirs).
 */
export function closeAfterEach(): <T extends Closable>(resource: T) => T {
  const open: Closable[] = [];
  afterEach(async () => {
    for (const resource of open.splice(0).reverse()) await resource.close();
  });
  return (resource) => {
    open.push(resource);
    return resource;
  };
}
