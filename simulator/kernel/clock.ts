/**
 * The one clock every component asks for time, timers and in-flight bookkeeping.
 *
 * Two implementations share this interface: `createRealClock()` (wall time) and
 * `createVirtualClock()` (time that moves only when the simulator is quiescent).
 * Domain code never calls Date.now, setTimeout or setInterval directly.
 */
export interface TimerHandle {
  readonly id: number;
  /** Virtual or real epoch milliseconds at which the timer is due. */
  readonly due: number;
  readonly label: string;
  cancel(): void;
}

/** Work registered with the clock: the virtual clock does not advance while any is open. */
export type WorkDone = () => void;

export interface Clock {
  readonly kind: "virtual" | "real";
  /** Epoch milliseconds. */
  now(): number;
  date(): Date;
  setTimeout(callback: () => void, delayMs: number, label?: string): TimerHandle;
  setInterval(callback: () => void, intervalMs: number, label?: string): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
  sleep(delayMs: number, label?: string): Promise<void>;

  /** Marks work in flight (an HTTP exchange, a Lambda invocation); call the result when it ends. */
  beginWork(label: string): WorkDone;
  /** Keeps the clock from advancing until `promise` settles. */
  track<T>(label: string, promise: Promise<T>): Promise<T>;
  /** Labels of the work in flight now, in the order it began. */
  inFlight(): string[];
  /** Number of timers not yet fired or cancelled. */
  pendingTimers(): number;

  /** Fires every timer due up to `epochMs` (inclusive), then sets the time to `epochMs`. */
  runUntil(epochMs: number): Promise<void>;
  runFor(durationMs: number): Promise<void>;
  /** Fires timers until none are left (or `maxTimers` have fired, which is an error). */
  runUntilIdle(options?: { maxTimers?: number }): Promise<void>;
  /** Resolves once no work is in flight. */
  whenQuiescent(): Promise<void>;
}

/** Monday 2026-01-05 09:00 UTC: where a scenario starts unless it says otherwise. */
export const DEFAULT_START = Date.UTC(2026, 0, 5, 9, 0, 0);

/** Thrown when the simulator stays busy in real time without finishing any work. */
export class QuiescenceTimeoutError extends Error {
  constructor(
    readonly watchdogMs: number,
    readonly inFlight: string[],
  ) {
    super(
      `the simulator made no progress for ${watchdogMs} ms of real time; still in flight: ${inFlight.join(", ")}`,
    );
    this.name = "QuiescenceTimeoutError";
  }
}

export function assertDelay(delayMs: number, what: string): number {
  if (!Number.isFinite(delayMs))
    throw new RangeError(`${what}: delay must be a finite number, got ${delayMs}`);
  return Math.max(0, delayMs);
}
