import { assertDelay, type Clock, type TimerHandle } from "./clock.js";
import { WorkRegistry } from "./workRegistry.js";

const nextMacrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Wall time, for `watermelon up` and LocalStack runs. Timers are Node's own; the run* methods
 * wait in real time, and in-flight work is tracked the same way as on the virtual clock so that
 * callers can wait for quiescence in either mode.
 */
export interface RealClockOptions {
  /** The instant the clock reads at creation (default: the wall clock's). */
  start?: number;
  /** Simulated milliseconds per wall millisecond (default 1): a classroom run at 60 is a minute a second. */
  speed?: number;
}

export function createRealClock(options: RealClockOptions = {}): Clock {
  const speed = options.speed ?? 1;
  if (!(Number.isFinite(speed) && speed > 0))
    throw new RangeError(`real clock speed must be a finite number > 0, got ${speed}`);
  const wallOrigin = Date.now();
  const origin = options.start ?? wallOrigin;
  const now = () => origin + (Date.now() - wallOrigin) * speed;
  const wall = (simulatedMs: number) => simulatedMs / speed;
  const work = new WorkRegistry();
  const pending = new Map<number, boolean>(); // id -> repeats
  let nextId = 1;

  function schedule(callback: () => void, delayMs: number, label: string, repeat: boolean) {
    const id = nextId++;
    const due = now() + delayMs;
    pending.set(id, repeat);
    const run = () => {
      if (!repeat) pending.delete(id);
      callback();
    };
    const timer = repeat ? setInterval(run, wall(delayMs)) : setTimeout(run, wall(delayMs));
    timer.unref?.();
    const handle: TimerHandle = {
      id,
      due,
      label,
      cancel: () => {
        pending.delete(id);
        if (repeat) clearInterval(timer);
        else clearTimeout(timer);
      },
    };
    return handle;
  }

  async function whenQuiescent(): Promise<void> {
    while (work.size > 0) await work.nextChange();
    await nextMacrotask();
  }

  return {
    kind: "real",
    now,
    date: () => new Date(now()),
    setTimeout: (callback, delayMs, label = "timeout") =>
      schedule(callback, assertDelay(delayMs, label), label, false),
    setInterval: (callback, intervalMs, label = "interval") =>
      schedule(callback, Math.max(1, assertDelay(intervalMs, label)), label, true),
    clearTimeout: (handle) => handle?.cancel(),
    sleep: (delayMs, label = "sleep") =>
      new Promise((resolve) => {
        schedule(resolve, assertDelay(delayMs, label), label, false);
      }),
    beginWork: (label) => work.begin(label),
    track: (label, promise) => work.track(label, promise),
    inFlight: () => work.labels(),
    pendingTimers: () => pending.size,
    runUntil: async (epochMs) => {
      const wait = wall(epochMs - now());
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await whenQuiescent();
    },
    runFor: async (durationMs) => {
      await new Promise((resolve) => setTimeout(resolve, wall(assertDelay(durationMs, "runFor"))));
      await whenQuiescent();
    },
    runUntilIdle: async () => {
      // Intervals never end on their own, so only one-shot timers and work count here.
      for (;;) {
        await whenQuiescent();
        if (![...pending.values()].some((repeats) => !repeats)) return;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    whenQuiescent,
  };
}
