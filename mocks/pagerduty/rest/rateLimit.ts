/**
 * The REST API's per-key limit (04-Rate-Limits.md): at most `limit` requests in any window of
 * `windowMs`, on the simulator's clock, with the headers PagerDuty sends on every answer:
 * `ratelimit-limit`, `ratelimit-remaining` and `ratelimit-reset` (seconds until a request
 * leaves the window). A refused request is not counted.
 */
import type { RateLimit } from "../rateLimit.js";

export class RestRateLimiter {
  readonly #rate: RateLimit;
  readonly #times = new Map<string, number[]>();

  constructor(rate: RateLimit) {
    this.#rate = rate;
  }

  allows(key: string, nowMs: number): boolean {
    return this.#recent(key, nowMs).length < this.#rate.limit;
  }

  record(key: string, nowMs: number): void {
    const times = this.#recent(key, nowMs);
    times.push(nowMs);
    this.#times.set(key, times);
  }

  headers(key: string, nowMs: number): Record<string, string> {
    const times = this.#recent(key, nowMs);
    const oldest = times[0];
    const resetMs =
      oldest === undefined ? this.#rate.windowMs : oldest + this.#rate.windowMs - nowMs;
    return {
      "ratelimit-limit": String(this.#rate.limit),
      "ratelimit-remaining": String(Math.max(0, this.#rate.limit - times.length)),
      "ratelimit-reset": String(Math.max(1, Math.ceil(resetMs / 1000))),
    };
  }

  reset(): void {
    this.#times.clear();
  }

  #recent(key: string, nowMs: number): number[] {
    const since = nowMs - this.#rate.windowMs;
    const times = (this.#times.get(key) ?? []).filter((t) => t > since);
    this.#times.set(key, times);
    return times;
  }
}
