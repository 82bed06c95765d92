import type {
  AccountScope,
  AwsServiceContext,
  AwsSubservice,
  LambdaForLogs,
  LogEventInput,
  LogsForLambda,
} from "../context.js";
import { createSubscriptionDelivery } from "./delivery.js";
import { createLogsHttpHandler } from "./http.js";
import {
  EVENT_OVERHEAD_BYTES,
  MAX_BATCH_BYTES,
  MAX_BATCH_SPAN_MS,
  MAX_EVENT_BYTES,
  MAX_EVENTS_PER_BATCH,
} from "./limits.js";
import { addStream } from "./operations/createLogStream.js";
import { ingest } from "./operations/putLogEvents.js";
import type { LogsRuntime } from "./runtime.js";
import { LogsStore } from "./store.js";

export interface LogsOptions {
  /** Virtual ms from ingestion to subscription delivery (AWS: "usually less than three minutes"). Default 0. */
  subscriptionDelayMs?: number;
  /** Send a CONTROL_MESSAGE payload to the destination at PutSubscriptionFilter. Default false. */
  controlMessage?: boolean;
  /** One `logs.event.stored` per event (default); false: one `logs.events.stored` per call. */
  journalEachEvent?: boolean;
}

/** CloudWatch Logs (awsJson1_1, `X-Amz-Target: Logs_20140328.*`), state per account and region. */
export function createLogsService(
  ctx: AwsServiceContext,
  options: LogsOptions,
  deps: { lambda(): LambdaForLogs },
): AwsSubservice<LogsForLambda> {
  const delayMs = options.subscriptionDelayMs ?? 0;
  if (!Number.isFinite(delayMs) || delayMs < 0) {
    throw new RangeError(`logs.subscriptionDelayMs must be a finite number >= 0, got ${delayMs}`);
  }
  const store = new LogsStore();
  const delivery = createSubscriptionDelivery(ctx, { delayMs }, () => deps.lambda());
  let seq = 0;
  const rt: LogsRuntime = {
    ctx,
    options: {
      subscriptionDelayMs: delayMs,
      controlMessage: options.controlMessage ?? false,
      journalEachEvent: options.journalEachEvent ?? true,
    },
    store,
    lambda: () => deps.lambda(),
    delivery,
    nextSeq: () => ++seq,
  };

  return {
    handle: createLogsHttpHandler(rt),
    internal: {
      writeFunctionLogs(scope, logGroupName, logStreamName, events) {
        writeFunctionLogs(rt, scope, logGroupName, logStreamName, events);
      },
    },
    reset() {
      delivery.reset();
      store.reset();
    },
    state() {
      return { regions: store.snapshot(), pendingDeliveries: delivery.pending() };
    },
    async dispose() {
      delivery.reset();
    },
  };
}

/**
 * What the Lambda service does with a function's output: creates the group and stream when
 * missing, then sends the lines through the same pipeline as PutLogEvents, in batches that obey
 * its rules (time order, count, size, span). Lines over the event limit are cut, as Lambda does.
 */
function writeFunctionLogs(
  rt: LogsRuntime,
  scope: AccountScope,
  logGroupName: string,
  logStreamName: string,
  events: readonly LogEventInput[],
): void {
  const groups = rt.store.region(scope).groups;
  let group = groups.get(logGroupName);
  if (!group) {
    group = {
      name: logGroupName,
      creationTime: rt.ctx.clock.now(),
      logGroupClass: "STANDARD",
      tags: {},
      streams: new Map(),
      subscriptionFilters: new Map(),
      metricFilters: new Map(),
      storedBytes: 0,
    };
    groups.set(logGroupName, group);
  }
  const stream = group.streams.get(logStreamName) ?? addStream(rt, scope, group, logStreamName);

  const sorted = events
    .filter((e) => e.message.length > 0)
    .map((e) => ({ timestamp: e.timestamp, message: truncate(e.message) }))
    .sort((a, b) => a.timestamp - b.timestamp);
  let batch: LogEventInput[] = [];
  let bytes = 0;
  for (const e of sorted) {
    const size = Buffer.byteLength(e.message) + EVENT_OVERHEAD_BYTES;
    const first = batch[0];
    if (
      first &&
      (batch.length >= MAX_EVENTS_PER_BATCH ||
        bytes + size > MAX_BATCH_BYTES ||
        e.timestamp - first.timestamp > MAX_BATCH_SPAN_MS)
    ) {
      ingest(rt, scope, group, stream, batch);
      batch = [];
      bytes = 0;
    }
    batch.push(e);
    bytes += size;
  }
  if (batch.length > 0) ingest(rt, scope, group, stream, batch);
}

function truncate(message: string): string {
  const max = MAX_EVENT_BYTES - EVENT_OVERHEAD_BYTES;
  if (Buffer.byteLength(message) <= max) return message;
  let cut = Buffer.from(message).subarray(0, max).toString("utf8");
  // A multi-byte character cut in half decodes as U+FFFD, which may not fit.
  while (Buffer.byteLength(cut) > max) cut = cut.slice(0, -1);
  return cut;
}
