import type { Journal } from "../../simulator/kernel/journal.js";
import type { Rng } from "../../simulator/kernel/rng.js";
import type { CloudWatchAgent } from "./cloudwatchAgent.js";
import { defaultFaultMessage, type FaultBook, type ServiceFault } from "./faults.js";
import { DEFAULT_LATENCY_MS } from "./limits.js";
import { formatLogLine, newTraceId, type RequestLog } from "./logRecord.js";
import type { AppService } from "./options.js";
import type { RequestCounts } from "./requestCounts.js";

const iso = (ms: number) => new Date(ms).toISOString();

/** What one request did: the log line written for it, and the fault that failed it, if any. */
export interface ServedRequest {
  log: RequestLog;
  fault?: ServiceFault;
}

/**
 * Decides and records requests, simulated or real, the same way: the service's faults active at
 * the request's instant, one seeded draw against the newest fault's errorRate, the latency of every
 * active fault added, then one log line to the agent, one count, and for an error one journal entry.
 */
export class RequestLogger {
  readonly #journal: Journal;
  readonly #faults: FaultBook;
  readonly #agents: ReadonlyMap<string, CloudWatchAgent>;
  readonly #counts: RequestCounts;
  /** Told of every request, so the interval that counts it gets journaled. */
  readonly #onRequest: (atMs: number) => void;

  constructor(deps: {
    journal: Journal;
    faults: FaultBook;
    agents: ReadonlyMap<string, CloudWatchAgent>;
    counts: RequestCounts;
    onRequest: (atMs: number) => void;
  }) {
    this.#journal = deps.journal;
    this.#faults = deps.faults;
    this.#agents = deps.agents;
    this.#counts = deps.counts;
    this.#onRequest = deps.onRequest;
  }

  /** A request to `route` of `service` stamped `atMs`; draws route-independent numbers from `rng`. */
  serve(service: AppService, route: string, method: string, atMs: number, rng: Rng): ServedRequest {
    const faults = this.#faults.serviceFaultsAt(service.name, atMs);
    const draw = rng.float();
    let failing: ServiceFault | undefined;
    let latency = baseLatency(service, rng);
    for (const fault of faults) {
      latency += fault.latencyMs;
      if (draw < fault.errorRate) failing = fault; // the newest failing fault names the error
    }
    const traceId = newTraceId(rng);
    const log: RequestLog =
      failing === undefined
        ? {
            level: "info",
            service: service.name,
            tier: service.tier,
            route,
            status: 200,
            latency_ms: latency,
            trace_id: traceId,
            message: `${method} ${route} answered 200 in ${latency} ms`,
            timestamp: iso(atMs),
          }
        : errorLog(service, route, method, failing, latency, traceId, atMs);
    this.#record(service, log, atMs);
    return failing === undefined ? { log } : { log, fault: failing };
  }

  /** `count` failing requests logged at `atMs` on the fault's service, whatever its errorRate. */
  burst(service: AppService, fault: ServiceFault, count: number, atMs: number, rng: Rng): void {
    const routes = service.routes ?? ["/"];
    for (let i = 0; i < count; i++) {
      const route = rng.pick(routes);
      const latency = baseLatency(service, rng) + fault.latencyMs;
      const log = errorLog(service, route, "GET", fault, latency, newTraceId(rng), atMs);
      this.#record(service, log, atMs);
    }
  }

  #record(service: AppService, log: RequestLog, atMs: number): void {
    const failed = log.level === "error";
    this.#counts.record(service.name, atMs, failed);
    if (failed) {
      this.#journal.append("app.error.emitted", {
        source: "app",
        correlation: { service: service.name, traceId: log.trace_id },
        data: {
          traceId: log.trace_id,
          service: service.name,
          tier: service.tier,
          route: log.route,
          status: log.status,
          error: log.error,
          timestamp: log.timestamp,
        },
      });
    }
    this.#agents.get(service.name)?.push(atMs, formatLogLine(log), failed);
    this.#onRequest(atMs);
  }
}

/** The service's base latency, within ±20 % so a chart of it is not a flat line. */
function baseLatency(service: AppService, rng: Rng): number {
  const base = service.traffic?.latencyMs ?? DEFAULT_LATENCY_MS;
  return Math.round(base * (0.8 + 0.4 * rng.float()));
}

function errorLog(
  service: AppService,
  route: string,
  method: string,
  fault: ServiceFault,
  latency: number,
  traceId: string,
  atMs: number,
): RequestLog {
  return {
    level: "error",
    service: service.name,
    tier: service.tier,
    route,
    status: fault.status,
    latency_ms: latency,
    error: fault.error,
    trace_id: traceId,
    message: fault.message ?? `${method} ${route} failed: ${defaultFaultMessage(fault.status)}`,
    timestamp: iso(atMs),
  };
}
