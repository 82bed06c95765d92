import {
  assertDelay,
  type Clock,
  DEFAULT_START,
  QuiescenceTimeoutError,
  type TimerHandle,
} from "./clock.js";
import { type QueuedTimer, TimerQueue } from "./timerQueue.js";
import { WorkRegistry } from "./workRegistry.js";

export interface VirtualClockOptions {
  /** Epoch milliseconds the clock starts at (default Monday 2026-01-05T09:00:00Z). */
  start?: number;
  /** Real milliseconds the simulator may stay busy without finishing any work (default 30 s). */
  watchdogMs?: number;
  /**
   * Fire timers that are already due (delay 0) on their own, as Node fires setTimeout(fn, 0),
   * without anyone driving the clock (default true). Time itself still moves only when driven.
   */
  runDueTimers?: boolean;
}

// Real-time primitives, captured once: the virtual clock itself is the one place that may use them.
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;
const nextMacrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Virtual time: jumps to the next due timer, but only once nothing is in flight, firing timers one
 * at a time in (due, scheduling order). Stepping timer by timer is what makes a timer re-armed
 * by another timer (or by the work it started) fire within the same run.
 */
export function createVirtualClock(options: VirtualClockOptions = {}): Clock {
  let now = options.start ?? DEFAULT_START;
  const watchdogMs = options.watchdogMs ?? 30_000;
  const queue = new TimerQueue();
  const work = new WorkRegistry();
  let nextTimerId = 1;
  let nextOrder = 1;
  let driving = false;
  let autoDrive: Promise<void> | undefined;
  let autoKicked = false;
  let autoError: unknown;
  const runDueTimers = options.runDueTimers ?? true;

  /** Runs the timers due now once the current macrotask is over, unless a drive is under way. */
  function kickDue() {
    if (!runDueTimers || autoKicked || driving) return;
    autoKicked = true;
    setImmediate(() => {
      autoKicked = false;
      if (driving) return;
      const run: Promise<void> = drive(now, Number.POSITIVE_INFINITY)
        .catch((error: unknown) => {
          autoError ??= error;
        })
        .finally(() => {
          if (autoDrive === run) autoDrive = undefined;
        });
      autoDrive = run;
    });
  }

  /** An explicit run waits for an automatic one, and reports what failed in it. */
  async function explicitDrive(until: () => number | undefined, maxTimers: number) {
    while (autoDrive) await autoDrive;
    if (autoError !== undefined) {
      const error = autoError;
      autoError = undefined;
      throw error;
    }
    return drive(until(), maxTimers);
  }

  function schedule(callback: () => void, delayMs: number, label: string, intervalMs?: number) {
    const timer: QueuedTimer = {
      id: nextTimerId++,
      due: now + delayMs,
      order: nextOrder++,
      label,
      callback,
      intervalMs,
      cancelled: false,
    };
    queue.push(timer);
    if (timer.due <= now) kickDue();
    return handleFor(timer);
  }

  function handleFor(timer: QueuedTimer): TimerHandle {
    return {
      id: timer.id,
      get due() {
        return timer.due;
      },
      label: timer.label,
      cancel: () => queue.cancel(timer),
    };
  }

  /**
   * Waits until no work is in flight across two macrotask turns (the second catches work begun
   * by I/O callbacks of the first). Fails with the in-flight labels if nothing finishes in time.
   */
  async function settle(): Promise<void> {
    for (;;) {
      await nextMacrotask();
      if (work.size === 0) {
        await nextMacrotask();
        if (work.size === 0) return;
      }
      while (work.size > 0) {
        const before = work.size;
        let timedOut = false;
        let watchdog: ReturnType<typeof realSetTimeout> | undefined;
        await Promise.race([
          work.nextChange(),
          new Promise<void>((resolve) => {
            watchdog = realSetTimeout(() => {
              timedOut = true;
              resolve();
            }, watchdogMs);
          }),
        ]);
        realClearTimeout(watchdog);
        if (timedOut && work.size >= before) {
          throw new QuiescenceTimeoutError(watchdogMs, work.labels());
        }
      }
    }
  }

  function fire(timer: QueuedTimer): void {
    now = Math.max(now, timer.due);
    if (timer.intervalMs !== undefined) {
      // Re-armed from its due time, not from "now": intervals do not drift.
      timer.due += Math.max(1, timer.intervalMs);
      timer.order = nextOrder++;
      queue.push(timer);
    }
    timer.callback();
  }

  async function drive(until: number | undefined, maxTimers: number): Promise<void> {
    if (driving)
      throw new Error("the virtual clock is already being driven (runUntil/runFor/runUntilIdle)");
    driving = true;
    try {
      let fired = 0;
      for (;;) {
        await settle();
        const next = queue.peek();
        if (!next || (until !== undefined && next.due > until)) break;
        if (fired >= maxTimers) {
          throw new Error(
            `runUntilIdle fired ${maxTimers} timers and timers are still due (next: "${next.label}"): a timer that re-arms itself forever?`,
          );
        }
        queue.pop();
        fired++;
        fire(next);
      }
      if (until !== undefined) now = Math.max(now, until);
    } finally {
      driving = false;
    }
  }

  const clock: Clock = {
    kind: "virtual",
    now: () => now,
    date: () => new Date(now),
    setTimeout: (callback, delayMs, label = "timeout") =>
      schedule(callback, assertDelay(delayMs, label), label),
    setInterval: (callback, intervalMs, label = "interval") => {
      const every = assertDelay(intervalMs, label);
      return schedule(callback, every, label, every);
    },
    clearTimeout: (handle) => handle?.cancel(),
    sleep: (delayMs, label = "sleep") =>
      new Promise((resolve) => {
        schedule(resolve, assertDelay(delayMs, label), label);
      }),
    beginWork: (label) => work.begin(label),
    track: (label, promise) => work.track(label, promise),
    inFlight: () => work.labels(),
    pendingTimers: () => queue.size,
    runUntil: (epochMs) => explicitDrive(() => epochMs, Number.POSITIVE_INFINITY),
    runFor: (durationMs) => {
      const delay = assertDelay(durationMs, "runFor");
      return explicitDrive(() => now + delay, Number.POSITIVE_INFINITY);
    },
    runUntilIdle: (opts) => explicitDrive(() => undefined, opts?.maxTimers ?? 1_000_000),
    whenQuiescent: () => settle(),
  };
  return clock;
}
