// Heap measurement helpers shared by the benchmarks: a full collection, and a pause for closing
// servers to let go of what they hold.
import v8 from "node:v8";
import { runInNewContext } from "node:vm";

export type Gc = () => void;

/** Event loop turns a stopped server needs to release its sockets, and with them its store. */
const SETTLE_MS = 20;

/**
 * A stopped server's closing sockets keep its request handler, and so a disposed simulator's
 * store, reachable for a couple of event loop turns: heap baselines wait for them.
 */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}

/** `gc` when node runs with --expose-gc, else exposed at run time; undefined if neither works. */
export function findGc(): Gc | undefined {
  const exposed = (globalThis as { gc?: Gc }).gc;
  if (typeof exposed === "function") return exposed;
  try {
    v8.setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as unknown;
    if (typeof gc === "function") return gc as Gc;
  } catch {
    // fall through
  }
  return undefined;
}
