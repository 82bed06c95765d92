import type { Rng } from "../../simulator/kernel/rng.js";
import type { Tier } from "./options.js";

/** One request as the app logs it: a JSON line per request, simulated or real. */
export interface RequestLog {
  level: "info" | "error";
  service: string;
  tier: Tier;
  route: string;
  status: number;
  latency_ms: number;
  error?: string;
  trace_id: string;
  message: string;
  /** ISO 8601 on the simulator clock. */
  timestamp: string;
}

/** 32 lowercase hex digits (a W3C trace-id's width) from the seeded stream. */
export function newTraceId(rng: Rng): string {
  return Buffer.from(rng.bytes(16)).toString("hex");
}

/** The line's fields in a fixed order, so the same request always prints the same bytes. */
export function formatLogLine(log: RequestLog): string {
  const ordered: RequestLog = {
    level: log.level,
    service: log.service,
    tier: log.tier,
    route: log.route,
    status: log.status,
    latency_ms: log.latency_ms,
    ...(log.error === undefined ? {} : { error: log.error }),
    trace_id: log.trace_id,
    message: log.message,
    timestamp: log.timestamp,
  };
  return JSON.stringify(ordered);
}
