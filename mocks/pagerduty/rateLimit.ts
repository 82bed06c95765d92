/**
 * PagerDuty's per-integration-key limit: at most `limit` events in any window of `windowMs`
 * "looking back from the current time" (05-Rate-Limits.md). Times come from the caller (the
 * simulator's clock), never the wall. Only accepted events count: one refused with 429 is "not
 * ingested", so a client retrying after the window gets through.
 */
export interface RateLimit {
  /** Events per window per routing key. */
  limit: number;
  windowMs: number;
}

export class RateLimiter {
  readonly #rate: RateLimit;
  readonly #accepted = new Map<string, number[]>();

  constructor(rate: RateLimit) {
    this.#rate = rate;
  }

  /** Whether one more event for `key` at `nowMs` stays within the limit. */
  allows(key: string, nowMs: number): boolean {
    return this.#recent(key, nowMs).length < this.#rate.limit;
  }

  /** Counts an accepted event. */
  record(key: string, nowMs: number): void {
    const times = this.#recent(key, nowMs);
    times.push(nowMs);
    this.#accepted.set(key, times);
  }

  reset(): void {
    this.#accepted.clear();
  }

  #recent(key: string, nowMs: number): number[] {
    const times = this.#accepted.get(key) ?? [];
    const since = nowMs - this.#rate.windowMs;
    let drop = 0;
    while (drop < times.length && (times[drop] as number) <= since) drop++;
    if (drop > 0) times.splice(0, drop);
    return times;
  }
}
