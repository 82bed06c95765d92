// The benchmarks' log dataset: the app's own log format (one JSON object per line), several
// services and tiers, a few per cent errors. One seeded generator, so every peer gets the same
// events. Batch i depends only on the seed and i (its own fork of the generator), so a run can
// make batches one at a time, in any order, without holding the whole dataset.

import { createRng, type Rng } from "../simulator/kernel/rng.js";

export const DATASET_SEED = "watermelon-bench";

/** Mean real time between two events of the app, all services together. */
const EVENT_SPACING_MS = 20;

interface ServiceSpec {
  name: string;
  tier: "gold" | "silver" | "bronze";
  routes: readonly string[];
}

const SERVICES: readonly ServiceSpec[] = [
  { name: "checkout", tier: "gold", routes: ["POST /api/orders", "POST /api/payments"] },
  { name: "cart", tier: "gold", routes: ["GET /api/cart", "PUT /api/cart/items"] },
  { name: "catalog", tier: "silver", routes: ["GET /api/products", "GET /api/products/:id"] },
  { name: "search", tier: "silver", routes: ["GET /api/search"] },
  { name: "accounts", tier: "silver", routes: ["POST /api/login", "GET /api/me"] },
  { name: "recommendations", tier: "bronze", routes: ["GET /api/recommendations"] },
  { name: "newsletter", tier: "bronze", routes: ["POST /api/newsletter"] },
];

const OK_STATUSES = [200, 200, 200, 200, 201, 204, 304] as const;
const CLIENT_ERRORS = [400, 401, 404, 409, 429] as const;
const SERVER_ERRORS = [500, 502, 503, 504] as const;
const ERROR_MESSAGES = [
  "upstream timed out",
  "connection refused by payments-gateway",
  "database pool exhausted",
  "unhandled exception in request handler",
] as const;

/** Share of events that are level "error" (server errors, and a few client ones). */
export const ERROR_SHARE = 0.03;
const WARN_SHARE = 0.05;

export interface LogEvent {
  timestamp: number;
  message: string;
}

export interface LogBatch {
  /** Which stream the app's log agent writes this batch to. */
  stream: string;
  events: LogEvent[];
}

export interface LogDataset {
  readonly streams: readonly string[];
  readonly batchSize: number;
  /** Batch `index` (0-based): the same events for the same (seed, anchor, index). */
  batch(index: number): LogBatch;
}

function hex(rng: Rng, digits: number): string {
  let out = "";
  while (out.length < digits) out += rng.nextUint32().toString(16).padStart(8, "0");
  return out.slice(0, digits);
}

function line(rng: Rng, timestamp: number): string {
  const service = rng.pick(SERVICES);
  const route = rng.pick(service.routes);
  const traceId = hex(rng, 32);
  const roll = rng.float();
  let level: "info" | "warn" | "error";
  let status: number;
  let latency: number;
  let msg: string;
  if (roll < ERROR_SHARE) {
    level = "error";
    // Most errors are server errors; one in five is a client error logged at error level.
    status = rng.int(0, 4) === 0 ? rng.pick(CLIENT_ERRORS) : rng.pick(SERVER_ERRORS);
    latency = rng.int(200, 30_000);
    msg = rng.pick(ERROR_MESSAGES);
  } else if (roll < ERROR_SHARE + WARN_SHARE) {
    level = "warn";
    status = rng.pick(CLIENT_ERRORS);
    latency = rng.int(2, 400);
    msg = "request rejected";
  } else {
    level = "info";
    status = rng.pick(OK_STATUSES);
    latency = rng.int(2, 800);
    msg = "request completed";
  }
  return JSON.stringify({
    time: new Date(timestamp).toISOString(),
    level,
    service: service.name,
    tier: service.tier,
    route,
    status,
    latency,
    traceId,
    msg,
  });
}

/**
 * Events are `EVENT_SPACING_MS` apart on average, starting `spanMs` before `anchor` (the instant
 * the emulators take as now): batch i covers its own window, so batches are in time order, and
 * each stream's batches too. Batches go to the streams in turn.
 */
export function createLogDataset(options: {
  anchor: number;
  batchSize: number;
  /** How far before the anchor the first event is; the last one must not pass the anchor. */
  spanMs: number;
  streams?: number;
  seed?: string;
}): LogDataset {
  const root = createRng(options.seed ?? DATASET_SEED).fork("logs");
  const streamCount = options.streams ?? 4;
  const streams = Array.from(
    { length: streamCount },
    (_, i) => `app/${String(i + 1).padStart(2, "0")}`,
  );
  const windowMs = options.batchSize * EVENT_SPACING_MS;
  const base = options.anchor - options.spanMs;
  return {
    streams,
    batchSize: options.batchSize,
    batch(index) {
      const rng = root.fork(`batch-${index}`);
      const start = base + index * windowMs;
      const offsets = Array.from({ length: options.batchSize }, () => rng.int(0, windowMs - 1));
      offsets.sort((a, b) => a - b);
      const events = offsets.map((offset) => {
        const timestamp = start + offset;
        return { timestamp, message: line(rng, timestamp) };
      });
      return { stream: streams[index % streamCount] as string, events };
    },
  };
}

/** How long `batches` batches of `batchSize` span: the dataset's `spanMs` must cover it. */
export function datasetSpanMs(batches: number, batchSize: number): number {
  return batches * batchSize * EVENT_SPACING_MS;
}

/** What `{ $.level = "error" && $.status >= 500 }` should match, computed directly. */
export function isServerError(message: string): boolean {
  const parsed = JSON.parse(message) as { level?: unknown; status?: unknown };
  return parsed.level === "error" && typeof parsed.status === "number" && parsed.status >= 500;
}
