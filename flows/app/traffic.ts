import type { Clock, TimerHandle } from "../../simulator/kernel/clock.js";
import type { Journal } from "../../simulator/kernel/journal.js";
import type { Rng } from "../../simulator/kernel/rng.js";
import type { FaultBook } from "./faults.js";
import type { AppService } from "./options.js";
import type { RequestCounts } from "./requestCounts.js";
import type { RequestLogger } from "./requestLog.js";

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Simulated traffic and the per-interval request counts, on one timer at the agent's flush
 * interval boundaries. Each tick generates the requests of the interval that just ended, at
 * seeded instants within it, and evaluates each against the faults active at its instant: a day
 * of traffic costs one timer per interval, not one per request. The timer is armed only while
 * traffic runs or a counted interval waits to be journaled.
 */
export class TrafficScheduler {
  readonly #clock: Clock;
  readonly #journal: Journal;
  /** The services with traffic to simulate. */
  readonly #services: readonly AppService[];
  /** Every service's tier: counted intervals include real requests to any service. */
  readonly #tiers = new Map<string, string>();
  readonly #logger: RequestLogger;
  readonly #counts: RequestCounts;
  readonly #faults: FaultBook;
  readonly #intervalMs: number;
  readonly #rngs = new Map<string, Rng>();
  /** Fractions of a request carried from one interval to the next, so rates hold exactly. */
  readonly #carry = new Map<string, number>();
  #running = false;
  #generatedUpTo = 0;
  #timer: TimerHandle | undefined;
  #closed = false;

  constructor(deps: {
    clock: Clock;
    journal: Journal;
    services: readonly AppService[];
    logger: RequestLogger;
    counts: RequestCounts;
    faults: FaultBook;
    intervalMs: number;
    rng: Rng;
  }) {
    this.#clock = deps.clock;
    this.#journal = deps.journal;
    this.#services = deps.services.filter((s) => (s.traffic?.requestsPerMinute ?? 0) > 0);
    for (const service of deps.services) this.#tiers.set(service.name, service.tier);
    this.#logger = deps.logger;
    this.#counts = deps.counts;
    this.#faults = deps.faults;
    this.#intervalMs = deps.intervalMs;
    // Per service, so adding a service never shifts another one's requests.
    for (const service of this.#services) {
      this.#rngs.set(service.name, deps.rng.fork(service.name));
      this.#carry.set(service.name, 0);
    }
  }

  start(): void {
    if (this.#running || this.#closed) return;
    this.#running = true;
    this.#generatedUpTo = this.#clock.now();
    this.#faults.prune(this.#generatedUpTo);
    this.#arm();
  }

  /** Generates the traffic up to now, so the counts are exact, and stops. */
  stop(): void {
    if (!this.#running) return;
    this.#generate(this.#clock.now());
    this.#running = false;
  }

  /** A request was counted: make sure its interval gets journaled. */
  noteRequest(): void {
    if (!this.#closed) this.#arm();
  }

  /** Stops, and journals the intervals still open, each ending at the latest now. */
  close(): void {
    this.stop();
    this.#closed = true;
    this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#journalCounts(Number.POSITIVE_INFINITY);
  }

  #arm(): void {
    if (this.#timer !== undefined) return;
    const busy = (this.#running && this.#services.length > 0) || this.#counts.hasWindows();
    if (!busy) return;
    const now = this.#clock.now();
    const due = this.#counts.windowStart(now) + this.#intervalMs;
    this.#timer = this.#clock.setTimeout(() => this.#tick(), due - now, "app traffic interval");
  }

  #tick(): void {
    this.#timer = undefined;
    const now = this.#clock.now();
    if (this.#running) this.#generate(now);
    this.#journalCounts(now);
    this.#faults.prune(now);
    this.#arm();
  }

  #generate(untilMs: number): void {
    const from = this.#generatedUpTo;
    this.#generatedUpTo = untilMs;
    const span = untilMs - from;
    if (span <= 0) return;
    for (const service of this.#services) {
      const rng = this.#rngs.get(service.name) as Rng;
      const expected =
        ((service.traffic?.requestsPerMinute ?? 0) * span) / 60_000 +
        (this.#carry.get(service.name) ?? 0);
      const count = Math.floor(expected);
      this.#carry.set(service.name, expected - count);
      const instants = new Float64Array(count);
      for (let i = 0; i < count; i++) instants[i] = from + Math.floor(rng.float() * span);
      instants.sort();
      const routes = service.routes ?? ["/"];
      for (const at of instants) {
        this.#logger.serve(service, rng.pick(routes), "GET", at, rng);
      }
    }
  }

  #journalCounts(beforeMs: number): void {
    const now = this.#clock.now();
    for (const { from, to, service, counts } of this.#counts.takeWindowsBefore(beforeMs)) {
      const tier = this.#tierOf(service);
      this.#journal.append("app.requests.counted", {
        source: "app",
        correlation: { service },
        data: {
          service,
          tier,
          good: counts.good,
          bad: counts.bad,
          from: iso(from),
          to: iso(Math.min(to, Math.max(now, from))),
        },
      });
    }
  }

  #tierOf(name: string): string {
    return this.#tiers.get(name) ?? "unknown";
  }
}
