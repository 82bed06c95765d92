import type { Clock } from "../../simulator/kernel/clock.js";
import type { Journal } from "../../simulator/kernel/journal.js";
import type { Rng } from "../../simulator/kernel/rng.js";
import {
  DEFAULT_FORCE_FLUSH_INTERVAL_MS,
  EVENT_OVERHEAD_BYTES,
  MAX_BATCH_BYTES,
  MAX_BATCH_EVENTS,
} from "./limits.js";

export type Tier = "gold" | "silver" | "bronze";

export interface AppService {
  name: string;
  tier: Tier;
  /** Routes simulated traffic picks from (default ["/"]). */
  routes?: string[];
  traffic?: { requestsPerMinute: number; latencyMs?: number };
}

export interface AgentOptions {
  forceFlushIntervalMs?: number;
  maxBatchEvents?: number;
  maxBatchBytes?: number;
}

export interface AppOptions {
  clock: Clock;
  journal: Journal;
  rng: Rng;
  services: AppService[];
  aws: {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
  /** Default `/watermelon/app/${service.name}`. */
  logGroup?: (service: AppService) => string;
  /** Default "app-1": one stream per group. */
  logStream?: string;
  agent?: AgentOptions;
  /** Verifies `X-PagerDuty-Signature` on webhooks when set. */
  webhookSecret?: string;
}

export interface ResolvedAgentOptions {
  forceFlushIntervalMs: number;
  maxBatchEvents: number;
  maxBatchBytes: number;
}

/** Paths the app serves itself: a service with one of these names would be unreachable. */
const RESERVED_NAMES = new Set(["health", "faults", "webhooks", "status", "support"]);
/** Also a valid rng fork name and URL path segment. */
const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const TIERS: readonly Tier[] = ["gold", "silver", "bronze"];

export const defaultLogGroup = (service: AppService) => `/watermelon/app/${service.name}`;

function fail(field: string, expected: string, got: unknown): never {
  throw new Error(`app options: ${field}: expected ${expected}, got ${JSON.stringify(got)}`);
}

function positiveInt(field: string, value: number | undefined, fallback: number, max?: number) {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1 || (max !== undefined && value > max)) {
    fail(field, `an integer from 1${max === undefined ? "" : ` to ${max}`}`, value);
  }
  return value;
}

/** Checks what the app cannot work without; problems name the option and what was expected. */
export function validateServices(services: AppService[]): void {
  if (!Array.isArray(services) || services.length === 0) {
    fail("services", "a non-empty list of services", services);
  }
  const seen = new Set<string>();
  services.forEach((service, i) => {
    const at = `services[${i}]`;
    if (typeof service.name !== "string" || !SERVICE_NAME.test(service.name)) {
      fail(
        `${at}.name`,
        "letters, digits, '.', '_' or '-', starting with a letter or digit",
        service.name,
      );
    }
    if (RESERVED_NAMES.has(service.name)) {
      fail(`${at}.name`, `a name other than ${[...RESERVED_NAMES].join(", ")}`, service.name);
    }
    if (seen.has(service.name)) fail(`${at}.name`, "a name used once", service.name);
    seen.add(service.name);
    if (!TIERS.includes(service.tier)) fail(`${at}.tier`, TIERS.join(" | "), service.tier);
    if (service.routes !== undefined) {
      if (!Array.isArray(service.routes) || service.routes.length === 0) {
        fail(`${at}.routes`, "a non-empty list of paths", service.routes);
      }
      service.routes.forEach((route, j) => {
        if (typeof route !== "string" || !route.startsWith("/")) {
          fail(`${at}.routes[${j}]`, "a path starting with /", route);
        }
      });
    }
    const traffic = service.traffic;
    if (traffic !== undefined) {
      const rpm = traffic.requestsPerMinute;
      if (typeof rpm !== "number" || !Number.isFinite(rpm) || rpm < 0) {
        fail(`${at}.traffic.requestsPerMinute`, "a number >= 0", rpm);
      }
      const latency = traffic.latencyMs;
      if (latency !== undefined && (!Number.isFinite(latency) || latency < 0)) {
        fail(`${at}.traffic.latencyMs`, "a number >= 0", latency);
      }
    }
  });
}

export function resolveAgentOptions(agent: AgentOptions = {}): ResolvedAgentOptions {
  const resolved = {
    forceFlushIntervalMs: positiveInt(
      "agent.forceFlushIntervalMs",
      agent.forceFlushIntervalMs,
      DEFAULT_FORCE_FLUSH_INTERVAL_MS,
    ),
    maxBatchEvents: positiveInt(
      "agent.maxBatchEvents",
      agent.maxBatchEvents,
      MAX_BATCH_EVENTS,
      MAX_BATCH_EVENTS,
    ),
    maxBatchBytes: positiveInt(
      "agent.maxBatchBytes",
      agent.maxBatchBytes,
      MAX_BATCH_BYTES,
      MAX_BATCH_BYTES,
    ),
  };
  if (resolved.maxBatchBytes <= EVENT_OVERHEAD_BYTES) {
    fail(
      "agent.maxBatchBytes",
      `more than ${EVENT_OVERHEAD_BYTES} (the per-event overhead)`,
      agent.maxBatchBytes,
    );
  }
  return resolved;
}
