import { STATUS_CODES } from "node:http";
import type { Clock, TimerHandle } from "../../simulator/kernel/clock.js";
import type { Journal } from "../../simulator/kernel/journal.js";

/** Errors injected into one service's requests while the fault lasts. */
export interface ServiceFault {
  id: string;
  target: "service";
  service: string;
  status: number;
  error: string;
  message?: string;
  /** Share of requests that fail, 0..1, drawn per request from the seeded stream. */
  errorRate: number;
  /** Added to every request's logged latency (failing or not). */
  latencyMs: number;
  durationMs?: number;
  startedAt: number;
  endsAt?: number;
  /** Set once the fault is over; requests stamped before it still saw the fault. */
  endedAt?: number;
}

/** The app's webhook receiver answering `status`, or dropping the connection when `down`. */
export interface WebhookFault {
  id: string;
  target: "webhooks";
  status?: number;
  down: boolean;
  durationMs?: number;
  startedAt: number;
  endsAt?: number;
  endedAt?: number;
}

export type Fault = ServiceFault | WebhookFault;

export type ServiceFaultInput = Omit<
  ServiceFault,
  "id" | "target" | "startedAt" | "endsAt" | "endedAt"
>;
export type WebhookFaultInput = Omit<
  WebhookFault,
  "id" | "target" | "startedAt" | "endsAt" | "endedAt"
>;

const iso = (ms: number) => new Date(ms).toISOString();

/** The body `POST /faults` and `GET /faults` answer with: times as ISO on the simulator clock. */
export function faultView(fault: Fault): Record<string, unknown> {
  const times = {
    startedAt: iso(fault.startedAt),
    endsAt: fault.endsAt === undefined ? null : iso(fault.endsAt),
  };
  if (fault.target === "webhooks") {
    const { id, status, down, durationMs } = fault;
    return { id, target: "webhooks", status: down ? null : status, down, durationMs, ...times };
  }
  const { id, service, status, error, message, errorRate, latencyMs, durationMs } = fault;
  return { id, service, status, error, message, errorRate, latencyMs, durationMs, ...times };
}

export function defaultFaultMessage(status: number): string {
  return `${status} ${STATUS_CODES[status] ?? "Error"}`;
}

/**
 * Every fault started, active or over. Ended faults stay until `prune` says no request stamped
 * inside their window can still be generated, so simulated traffic, which is generated after the
 * fact for a whole flush interval, sees a fault for exactly the instants it was active.
 */
export class FaultBook {
  readonly #clock: Clock;
  readonly #journal: Journal;
  readonly #faults = new Map<string, Fault>();
  readonly #timers = new Map<string, TimerHandle>();
  #counter = 0;

  constructor(clock: Clock, journal: Journal) {
    this.#clock = clock;
    this.#journal = journal;
  }

  startServiceFault(input: ServiceFaultInput): ServiceFault {
    const fault: ServiceFault = {
      id: this.#nextId(),
      target: "service",
      ...input,
      ...this.#window(input),
    };
    this.#faults.set(fault.id, fault);
    this.#journal.append("app.fault.started", {
      source: "app",
      correlation: { service: fault.service, fault: fault.id },
      data: {
        faultId: fault.id,
        service: fault.service,
        status: fault.status,
        error: fault.error,
        errorRate: fault.errorRate,
        latencyMs: fault.latencyMs,
        startedAt: iso(fault.startedAt),
        ...(fault.endsAt === undefined ? {} : { endsAt: iso(fault.endsAt) }),
      },
    });
    this.#armExpiry(fault);
    return fault;
  }

  startWebhookFault(input: WebhookFaultInput): WebhookFault {
    const fault: WebhookFault = {
      id: this.#nextId(),
      target: "webhooks",
      ...input,
      ...this.#window(input),
    };
    this.#faults.set(fault.id, fault);
    this.#journal.append("app.fault.started", {
      source: "app",
      correlation: { service: "webhooks", fault: fault.id },
      data: {
        faultId: fault.id,
        target: "webhooks",
        status: fault.down ? null : (fault.status ?? null),
        error: fault.down ? "ConnectionDropped" : defaultFaultMessage(fault.status ?? 503),
        errorRate: 1,
        latencyMs: 0,
        startedAt: iso(fault.startedAt),
        ...(fault.endsAt === undefined ? {} : { endsAt: iso(fault.endsAt) }),
      },
    });
    this.#armExpiry(fault);
    return fault;
  }

  /** Ends an active fault; false when there is none with that id. */
  end(id: string, reason: "expired" | "deleted"): boolean {
    const fault = this.#faults.get(id);
    if (fault === undefined || fault.endedAt !== undefined) return false;
    fault.endedAt = this.#clock.now();
    this.#clock.clearTimeout(this.#timers.get(id));
    this.#timers.delete(id);
    const subject =
      fault.target === "service" ? { service: fault.service } : { target: "webhooks" as const };
    this.#journal.append("app.fault.ended", {
      source: "app",
      correlation: {
        service: fault.target === "service" ? fault.service : "webhooks",
        fault: fault.id,
      },
      data: { faultId: fault.id, ...subject, reason },
    });
    return true;
  }

  /** Faults not yet over, oldest first. */
  active(): Fault[] {
    return [...this.#faults.values()].filter((f) => f.endedAt === undefined);
  }

  /** The service's faults active at `atMs` (now or earlier), oldest first. */
  serviceFaultsAt(service: string, atMs: number): ServiceFault[] {
    const found: ServiceFault[] = [];
    for (const fault of this.#faults.values()) {
      if (fault.target !== "service" || fault.service !== service) continue;
      if (fault.startedAt <= atMs && (fault.endedAt === undefined || atMs < fault.endedAt)) {
        found.push(fault);
      }
    }
    return found;
  }

  /** The newest webhook fault active now. */
  webhookFault(): WebhookFault | undefined {
    let found: WebhookFault | undefined;
    for (const fault of this.#faults.values()) {
      if (fault.target === "webhooks" && fault.endedAt === undefined) found = fault;
    }
    return found;
  }

  /** Forgets faults that ended at or before `beforeMs`. */
  prune(beforeMs: number): void {
    for (const [id, fault] of this.#faults) {
      if (fault.endedAt !== undefined && fault.endedAt <= beforeMs) this.#faults.delete(id);
    }
  }

  /** Cancels expiry timers: nothing is journaled for faults still active at close. */
  close(): void {
    for (const timer of this.#timers.values()) this.#clock.clearTimeout(timer);
    this.#timers.clear();
  }

  #nextId(): string {
    this.#counter += 1;
    return `fault-${this.#counter}`;
  }

  #window(input: { durationMs?: number }): { startedAt: number; endsAt?: number } {
    const startedAt = this.#clock.now();
    return input.durationMs === undefined
      ? { startedAt }
      : { startedAt, endsAt: startedAt + input.durationMs };
  }

  #armExpiry(fault: Fault): void {
    if (fault.durationMs === undefined) return;
    const timer = this.#clock.setTimeout(
      () => {
        this.#timers.delete(fault.id);
        this.end(fault.id, "expired");
      },
      fault.durationMs,
      `app fault ${fault.id} expires`,
    );
    this.#timers.set(fault.id, timer);
  }
}
