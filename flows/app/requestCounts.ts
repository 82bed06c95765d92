/** Good and bad requests of one service. */
export interface GoodBad {
  good: number;
  bad: number;
}

/**
 * Requests counted per service, in total (error budgets) and per flush-interval window (the
 * `app.requests.counted` journal entries), windows keyed by their start on the clock.
 */
export class RequestCounts {
  readonly #intervalMs: number;
  readonly #services: readonly string[];
  readonly #total = new Map<string, GoodBad>();
  readonly #windows = new Map<number, Map<string, GoodBad>>();

  constructor(services: readonly string[], intervalMs: number) {
    this.#services = services;
    this.#intervalMs = intervalMs;
    for (const name of services) this.#total.set(name, { good: 0, bad: 0 });
  }

  windowStart(atMs: number): number {
    return Math.floor(atMs / this.#intervalMs) * this.#intervalMs;
  }

  record(service: string, atMs: number, failed: boolean): void {
    const total = this.#total.get(service);
    if (total === undefined) throw new Error(`no counts for service ${service}`);
    const start = this.windowStart(atMs);
    let window = this.#windows.get(start);
    if (window === undefined) {
      window = new Map();
      this.#windows.set(start, window);
    }
    let counts = window.get(service);
    if (counts === undefined) {
      counts = { good: 0, bad: 0 };
      window.set(service, counts);
    }
    if (failed) {
      total.bad += 1;
      counts.bad += 1;
    } else {
      total.good += 1;
      counts.good += 1;
    }
  }

  hasWindows(): boolean {
    return this.#windows.size > 0;
  }

  /**
   * Removes and returns the windows that start before `beforeMs`, oldest first, each with its
   * services in declaration order (so the journal does not depend on which request came first).
   */
  takeWindowsBefore(
    beforeMs: number,
  ): { from: number; to: number; service: string; counts: GoodBad }[] {
    const starts = [...this.#windows.keys()].filter((s) => s < beforeMs).sort((a, b) => a - b);
    const out: { from: number; to: number; service: string; counts: GoodBad }[] = [];
    for (const start of starts) {
      const window = this.#windows.get(start) as Map<string, GoodBad>;
      this.#windows.delete(start);
      for (const service of this.#services) {
        const counts = window.get(service);
        if (counts !== undefined) {
          out.push({ from: start, to: start + this.#intervalMs, service, counts });
        }
      }
    }
    return out;
  }

  totals(): Record<string, GoodBad> {
    const out: Record<string, GoodBad> = {};
    for (const [service, counts] of this.#total) out[service] = { ...counts };
    return out;
  }
}
