import type { AccountScope, LogEventInput } from "../../context.js";
import {
  batchSpansTooLong,
  logEventsNotChronological,
  logEventTooLarge,
  uploadTooLarge,
} from "../errors.js";
import {
  EVENT_OVERHEAD_BYTES,
  MAX_BATCH_BYTES,
  MAX_BATCH_SPAN_MS,
  MAX_EVENT_AGE_MS,
  MAX_EVENT_BYTES,
  MAX_EVENT_FUTURE_MS,
} from "../limits.js";
import { JOURNAL_SOURCE, type LogsRuntime, requireGroup, requireStream } from "../runtime.js";
import type { InputOf } from "../schemas.js";
import {
  insertEvents,
  type LogGroup,
  type LogStream,
  type MetricFilter,
  retentionCutoff,
  type StoredEvent,
} from "../store.js";
import { sequenceToken } from "./describeLogStreams.js";

export interface RejectedLogEventsInfo {
  tooNewLogEventStartIndex?: number;
  tooOldLogEventEndIndex?: number;
  expiredLogEventEndIndex?: number;
}

export interface PutLogEventsOutput {
  nextSequenceToken: string;
  rejectedLogEventsInfo?: RejectedLogEventsInfo;
}

export function putLogEvents(
  rt: LogsRuntime,
  scope: AccountScope,
  input: InputOf<"PutLogEvents">,
): PutLogEventsOutput {
  const group = requireGroup(rt, scope, input.logGroupName);
  const stream = requireStream(group, input.logStreamName);
  // The sequence token is ignored (API reference): parallel writers to one stream are fine.
  return ingest(rt, scope, group, stream, input.logEvents);
}

/** UTF-8 size of each message; throws the batch errors of PutLogEvents rules 3 to 6. */
export function checkBatch(events: readonly LogEventInput[]): number[] {
  const sizes = new Array<number>(events.length);
  let total = 0;
  let tooLarge = -1;
  let previous = Number.NEGATIVE_INFINITY;
  let unordered = false;
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as LogEventInput;
    const bytes = Buffer.byteLength(e.message, "utf8");
    sizes[i] = bytes;
    total += bytes + EVENT_OVERHEAD_BYTES;
    if (tooLarge < 0 && bytes + EVENT_OVERHEAD_BYTES > MAX_EVENT_BYTES) tooLarge = i;
    if (e.timestamp < previous) unordered = true;
    previous = e.timestamp;
  }
  if (tooLarge >= 0) {
    throw logEventTooLarge((sizes[tooLarge] as number) + EVENT_OVERHEAD_BYTES);
  }
  if (total > MAX_BATCH_BYTES) throw uploadTooLarge(total);
  if (unordered) throw logEventsNotChronological();
  return sizes;
}

type RejectReason = "tooOld" | "expired" | "tooNew";

/**
 * Flattens an id built by concatenation: kept for every stored event, the rope would hold some
 * 800 bytes of string pieces where the 56 digits need 80. `trim` (a no-op on digits) flattens
 * the string and, unlike a discarded conversion, cannot be optimized away.
 */
function flat(id: string): string {
  return id.trim();
}

/**
 * The ingestion pipeline shared by PutLogEvents and Lambda's own logs: batch rules, partial
 * rejection of too old / expired / too new events, storage, journal, metric filters and
 * subscription delivery of the accepted events.
 */
export function ingest(
  rt: LogsRuntime,
  scope: AccountScope,
  group: LogGroup,
  stream: LogStream,
  events: readonly LogEventInput[],
): PutLogEventsOutput {
  const sizes = checkBatch(events);
  const now = rt.ctx.clock.now();
  const n = events.length;

  // Events are in time order, so rejected ones form a prefix (too old, expired) and a suffix.
  const tooOldBefore = now - MAX_EVENT_AGE_MS;
  const expiredBefore = retentionCutoff(group, now);
  const tooNewAfter = now + MAX_EVENT_FUTURE_MS;
  let tooOld = 0;
  while (tooOld < n && (events[tooOld] as LogEventInput).timestamp < tooOldBefore) tooOld++;
  let expired = 0;
  if (expiredBefore !== undefined) {
    while (expired < n && (events[expired] as LogEventInput).timestamp < expiredBefore) expired++;
  }
  let tooNew = n;
  while (tooNew > 0 && (events[tooNew - 1] as LogEventInput).timestamp > tooNewAfter) tooNew--;
  const from = Math.max(tooOld, expired);
  const to = Math.max(from, tooNew);

  // The 24-hour span counts valid events only (API reference, current text).
  if (to > from) {
    const span =
      (events[to - 1] as LogEventInput).timestamp - (events[from] as LogEventInput).timestamp;
    if (span > MAX_BATCH_SPAN_MS) throw batchSpansTooLong();
  }

  const stored: StoredEvent[] = new Array(to - from);
  let bytes = 0;
  for (let i = from; i < to; i++) {
    const e = events[i] as LogEventInput;
    const size = sizes[i] as number;
    bytes += size;
    stored[i - from] = {
      timestamp: e.timestamp,
      message: e.message,
      ingestionTime: now,
      eventId: flat(rt.ctx.ids.cloudWatchEventId(e.timestamp)),
      seq: rt.nextSeq(),
      bytes: size,
    };
  }
  insertEvents(stream, stored);
  group.storedBytes += bytes;
  stream.uploads += 1;
  const first = stored[0];
  const last = stored[stored.length - 1];
  if (first && last) {
    if (stream.firstEventTimestamp === undefined || first.timestamp < stream.firstEventTimestamp)
      stream.firstEventTimestamp = first.timestamp;
    if (stream.lastEventTimestamp === undefined || last.timestamp > stream.lastEventTimestamp)
      stream.lastEventTimestamp = last.timestamp;
    stream.lastIngestionTime = now;
  }

  const rejected: RejectedLogEventsInfo = {};
  if (to < n) rejected.tooNewLogEventStartIndex = to;
  // End indexes name the last rejected event (observed on AWS: one too-old event gives 0).
  if (tooOld > 0) rejected.tooOldLogEventEndIndex = tooOld - 1;
  if (expired > 0) rejected.expiredLogEventEndIndex = expired - 1;

  journalBatch(rt, group, stream, events, stored, { tooOld, expired, from, to });
  for (const filter of group.metricFilters.values()) applyMetricFilter(filter, stored);
  rt.delivery.offer(scope, group, stream, stored);

  return {
    nextSequenceToken: sequenceToken(stream),
    ...(to - from < n ? { rejectedLogEventsInfo: rejected } : {}),
  };
}

function journalBatch(
  rt: LogsRuntime,
  group: LogGroup,
  stream: LogStream,
  events: readonly LogEventInput[],
  stored: readonly StoredEvent[],
  cut: { tooOld: number; expired: number; from: number; to: number },
): void {
  const journal = rt.ctx.journal;
  const where = { logGroup: group.name, logStream: stream.name };
  const reasonOf = (i: number): RejectReason =>
    i < cut.tooOld ? "tooOld" : i < cut.from ? "expired" : "tooNew";
  const rejectedIndexes: number[] = [];
  for (let i = 0; i < events.length; i++) if (i < cut.from || i >= cut.to) rejectedIndexes.push(i);

  if (rt.options.journalEachEvent) {
    for (const e of stored) {
      journal.append("logs.event.stored", {
        source: JOURNAL_SOURCE,
        correlation: { eventId: e.eventId },
        data: { ...where, eventId: e.eventId, timestamp: e.timestamp, message: e.message },
      });
    }
    for (const i of rejectedIndexes) {
      const e = events[i] as LogEventInput;
      journal.append("logs.event.rejected", {
        source: JOURNAL_SOURCE,
        correlation: where,
        data: {
          ...where,
          index: i,
          timestamp: e.timestamp,
          message: e.message,
          reason: reasonOf(i),
        },
      });
    }
    return;
  }
  // One entry per call: large ingests (benchmarks) would otherwise be dominated by the journal.
  if (stored.length > 0) {
    journal.append("logs.events.stored", {
      source: JOURNAL_SOURCE,
      correlation: where,
      data: {
        ...where,
        count: stored.length,
        firstEventId: (stored[0] as StoredEvent).eventId,
        lastEventId: (stored[stored.length - 1] as StoredEvent).eventId,
      },
    });
  }
  if (rejectedIndexes.length > 0) {
    const counts: Record<RejectReason, number> = { tooOld: 0, expired: 0, tooNew: 0 };
    for (const i of rejectedIndexes) counts[reasonOf(i)]++;
    journal.append("logs.events.rejected", {
      source: JOURNAL_SOURCE,
      correlation: where,
      data: { ...where, count: rejectedIndexes.length, ...counts },
    });
  }
}

/** Counts what a metric filter would publish; there is no CloudWatch metrics service here. */
function applyMetricFilter(filter: MetricFilter, events: readonly StoredEvent[]): void {
  const transformation = filter.metricTransformations[0];
  if (!transformation) return;
  for (const e of events) {
    const result = filter.pattern.match(e.message);
    if (!result.matched) continue;
    filter.matchedEvents++;
    const value = metricValue(transformation.metricValue, e.message, result.extractedValues);
    if (value !== undefined) filter.valueSum += value;
  }
}

function metricValue(
  spec: string,
  message: string,
  extracted: Record<string, string>,
): number | undefined {
  if (!spec.startsWith("$")) return Number.isFinite(Number(spec)) ? Number(spec) : undefined;
  if (spec.startsWith("$.")) {
    try {
      let current: unknown = JSON.parse(message);
      for (const part of spec.slice(2).split(".")) {
        if (typeof current !== "object" || current === null) return undefined;
        current = (current as Record<string, unknown>)[part];
      }
      return typeof current === "number" ? current : undefined;
    } catch {
      return undefined;
    }
  }
  const raw = extracted[spec.slice(1)];
  return raw !== undefined && Number.isFinite(Number(raw)) ? Number(raw) : undefined;
}
