import { gzipSync } from "node:zlib";
import type { TimerHandle } from "../../kernel/clock.js";
import type { AccountScope, AwsServiceContext, LambdaForLogs } from "../context.js";
import { MAX_LAMBDA_ASYNC_PAYLOAD_BYTES, SUBSCRIPTION_DISABLE_MS } from "./limits.js";
import type { LogGroup, LogStream, StoredEvent, SubscriptionFilter } from "./store.js";

/**
 * Subscription delivery as AWS does it: asynchronous (after a configurable virtual delay), one
 * batch per (filter, log stream) gathering the matching events of every call in the window,
 * `{"awslogs":{"data": base64(gzip(JSON))}}` handed to Lambda's async queue, split so each
 * payload fits Lambda's async limit. Lambda owns retries of function errors; a destination that
 * cannot take the hand-over (function deleted) disables the filter for 10 minutes, and events
 * in that window are dropped, each drop journaled.
 */

export interface DeliveryEvent {
  id: string;
  timestamp: number;
  message: string;
  extractedFields?: Record<string, string>;
}

interface Batch {
  readonly scope: AccountScope;
  readonly group: LogGroup;
  readonly filter: SubscriptionFilter;
  readonly logStream: string;
  readonly events: DeliveryEvent[];
  timer?: TimerHandle;
}

export interface SubscriptionDelivery {
  /** Buffers the accepted events of one stream that match the group's subscription filters. */
  offer(
    scope: AccountScope,
    group: LogGroup,
    stream: LogStream,
    events: readonly StoredEvent[],
  ): void;
  /** The health-check payload AWS sends a destination when a filter is put. */
  sendControlMessage(scope: AccountScope, filter: SubscriptionFilter): void;
  /** Pending batches, for the state endpoint. */
  pending(): { logGroup: string; logStream: string; filterName: string; events: number }[];
  reset(): void;
}

export const CONTROL_MESSAGE_TEXT =
  "CWL CONTROL MESSAGE: Checking health of destination Lambda function.";

const SOURCE = "aws";
// The envelope around the base64 text: {"awslogs":{"data":"..."}}.
const ENVELOPE_BYTES = Buffer.byteLength('{"awslogs":{"data":""}}');

export function createSubscriptionDelivery(
  ctx: AwsServiceContext,
  options: { delayMs: number },
  lambda: () => LambdaForLogs,
): SubscriptionDelivery {
  const batches = new Map<string, Batch>();

  const journalDropped = (batch: Batch, events: readonly DeliveryEvent[], reason: string) => {
    ctx.journal.append("logs.subscription.dropped", {
      source: SOURCE,
      correlation: { logGroup: batch.group.name, logStream: batch.logStream },
      data: {
        logGroup: batch.group.name,
        logStream: batch.logStream,
        filterName: batch.filter.filterName,
        destinationArn: batch.filter.destinationArn,
        eventIds: events.map((e) => e.id),
        reason,
      },
    });
  };

  const isCurrent = (batch: Batch) =>
    batch.group.subscriptionFilters.get(batch.filter.filterName) !== undefined;

  function flush(key: string) {
    const batch = batches.get(key);
    if (!batch) return;
    batches.delete(key);
    const { filter } = batch;
    if (!isCurrent(batch)) {
      journalDropped(batch, batch.events, "subscription filter deleted");
      return;
    }
    const payloads = splitIntoPayloads(batch, batch.events);
    for (const [index, payload] of payloads.entries()) {
      if (payload.tooLarge) {
        journalDropped(batch, payload.events, "payload exceeds Lambda's asynchronous limit");
        continue;
      }
      const now = ctx.clock.now();
      if (filter.disabledUntil !== undefined && now < filter.disabledUntil) {
        journalDropped(batch, payload.events, "subscription filter disabled");
        continue;
      }
      let requestId: string;
      try {
        ({ requestId } = lambda().invokeAsync(batch.scope, filter.destinationArn, payload.body, {
          logGroup: batch.group.name,
          logStream: batch.logStream,
        }));
      } catch (error) {
        filter.disabledUntil = now + SUBSCRIPTION_DISABLE_MS;
        const reason = error instanceof Error ? error.message : String(error);
        journalDropped(batch, payload.events, `destination rejected the invocation: ${reason}`);
        // The rest of this flush falls in the disabled window.
        for (const rest of payloads.slice(index + 1)) {
          journalDropped(batch, rest.events, "subscription filter disabled");
        }
        return;
      }
      ctx.journal.append("logs.subscription.delivered", {
        source: SOURCE,
        correlation: { logGroup: batch.group.name, logStream: batch.logStream, requestId },
        data: {
          logGroup: batch.group.name,
          logStream: batch.logStream,
          filterName: filter.filterName,
          destinationArn: filter.destinationArn,
          eventIds: payload.events.map((e) => e.id),
          requestId,
        },
      });
    }
  }

  return {
    offer(scope, group, stream, events) {
      if (group.subscriptionFilters.size === 0 || events.length === 0) return;
      // A declared order for the fan-out: filters by name.
      const filters = [...group.subscriptionFilters.values()].sort((a, b) =>
        a.filterName < b.filterName ? -1 : a.filterName > b.filterName ? 1 : 0,
      );
      for (const filter of filters) {
        const matched: DeliveryEvent[] = [];
        const withFields = filter.pattern.kind === "spaceDelimited";
        for (const e of events) {
          const result = filter.pattern.match(e.message);
          if (!result.matched) continue;
          const event: DeliveryEvent = {
            id: e.eventId,
            timestamp: e.timestamp,
            message: e.message,
          };
          if (withFields && Object.keys(result.extractedValues).length > 0) {
            event.extractedFields = { ...result.extractedValues };
          }
          matched.push(event);
        }
        if (matched.length === 0) continue;
        const key = `${scope.accountId}\u0000${scope.region}\u0000${group.name}\u0000${filter.filterName}\u0000${stream.name}`;
        if (filter.disabledUntil !== undefined && ctx.clock.now() < filter.disabledUntil) {
          journalDropped(
            { scope, group, filter, logStream: stream.name, events: [] },
            matched,
            "subscription filter disabled",
          );
          continue;
        }
        let batch = batches.get(key);
        if (batch && batch.filter !== filter) {
          // The filter was replaced under the same name: the old batch goes out as it was.
          batch.timer?.cancel();
          flush(key);
          batch = undefined;
        }
        if (!batch) {
          batch = { scope, group, filter, logStream: stream.name, events: [] };
          batches.set(key, batch);
          batch.timer = ctx.clock.setTimeout(
            () => flush(key),
            options.delayMs,
            `logs subscription ${filter.filterName} ${group.name}/${stream.name}`,
          );
        }
        for (const m of matched) batch.events.push(m);
      }
    },

    sendControlMessage(scope, filter) {
      const json = JSON.stringify({
        messageType: "CONTROL_MESSAGE",
        owner: "CloudwatchLogs",
        logGroup: "",
        logStream: "",
        subscriptionFilters: [],
        logEvents: [{ id: "", timestamp: ctx.clock.now(), message: CONTROL_MESSAGE_TEXT }],
      });
      const { requestId } = lambda().invokeAsync(scope, filter.destinationArn, envelope(json), {
        logGroup: filter.logGroupName,
      });
      ctx.journal.append("logs.subscription.control", {
        source: SOURCE,
        correlation: { logGroup: filter.logGroupName, requestId },
        data: {
          logGroup: filter.logGroupName,
          filterName: filter.filterName,
          destinationArn: filter.destinationArn,
          requestId,
        },
      });
    },

    pending() {
      return [...batches.values()].map((b) => ({
        logGroup: b.group.name,
        logStream: b.logStream,
        filterName: b.filter.filterName,
        events: b.events.length,
      }));
    },

    reset() {
      for (const batch of batches.values()) batch.timer?.cancel();
      batches.clear();
    },
  };
}

function envelope(json: string): string {
  // gzip output is a pure function of its input and options: the same events give the same bytes.
  return JSON.stringify({ awslogs: { data: gzipSync(json).toString("base64") } });
}

interface Payload {
  events: DeliveryEvent[];
  body: string;
  tooLarge: boolean;
}

function dataMessage(batch: Batch, eventJson: readonly string[]): string {
  return (
    `{"messageType":"DATA_MESSAGE","owner":${JSON.stringify(batch.scope.accountId)},` +
    `"logGroup":${JSON.stringify(batch.group.name)},"logStream":${JSON.stringify(batch.logStream)},` +
    `"subscriptionFilters":${JSON.stringify([batch.filter.filterName])},` +
    `"logEvents":[${eventJson.join(",")}],"policyLevel":"LOG_GROUP_LEVEL_POLICY"}`
  );
}

/**
 * Cuts a batch into payloads whose decoded JSON stays within the async limit, then checks each
 * compressed payload against it too (incompressible text grows by base64), halving when needed.
 */
function splitIntoPayloads(batch: Batch, events: readonly DeliveryEvent[]): Payload[] {
  const json = events.map((e) => JSON.stringify(e));
  const sizes = json.map((j) => Buffer.byteLength(j) + 1);
  const fixed = Buffer.byteLength(dataMessage(batch, []));
  const payloads: Payload[] = [];

  const emit = (from: number, to: number) => {
    const body = envelope(dataMessage(batch, json.slice(from, to)));
    if (Buffer.byteLength(body) <= MAX_LAMBDA_ASYNC_PAYLOAD_BYTES) {
      payloads.push({ events: events.slice(from, to), body, tooLarge: false });
    } else if (to - from > 1) {
      const mid = (from + to) >>> 1;
      emit(from, mid);
      emit(mid, to);
    } else {
      payloads.push({ events: events.slice(from, to), body: "", tooLarge: true });
    }
  };

  let start = 0;
  let size = fixed + ENVELOPE_BYTES;
  for (let i = 0; i < events.length; i++) {
    const next = sizes[i] as number;
    if (i > start && size + next > MAX_LAMBDA_ASYNC_PAYLOAD_BYTES) {
      emit(start, i);
      start = i;
      size = fixed + ENVELOPE_BYTES;
    }
    size += next;
  }
  if (start < events.length) emit(start, events.length);
  return payloads;
}
