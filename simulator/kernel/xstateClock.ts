import type { Clock, TimerHandle } from "./clock.js";

/** The clock shape xstate v5 accepts in `createActor(machine, { clock })`. */
export interface XStateClock {
  setTimeout(fn: (...args: unknown[]) => void, timeout: number): TimerHandle;
  clearTimeout(id: unknown): void;
}

/**
 * Runs xstate actors on the simulator clock, so `after` delays take virtual time and are fired
 * one by one with every other timer (unlike one big jump of xstate's SimulatedClock, which misses
 * timers re-armed during the jump).
 */
export function toXStateClock(clock: Clock, label = "xstate"): XStateClock {
  return {
    setTimeout: (fn, timeout) => clock.setTimeout(() => fn(), timeout, label),
    clearTimeout: (id) => {
      if (id && typeof (id as TimerHandle).cancel === "function") (id as TimerHandle).cancel();
    },
  };
}
