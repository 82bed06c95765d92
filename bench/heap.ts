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

/** How often a run's peak memory is sampled. */
export const MEMORY_SAMPLE_MS = 50;

export interface MemoryPeak {
  stop(): { rss: number; heap: number };
}

/** The highest RSS and heap seen while a run goes (garbage included), sampled every MEMORY_SAMPLE_MS. */
export function sampleMemory(): MemoryPeak {
  let rss = 0;
  let heap = 0;
  const take = () => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  };
  take();
  const timer = setInterval(take, MEMORY_SAMPLE_MS);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { rss, heap };
    },
  };
}
