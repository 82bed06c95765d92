import type { AccountScope } from "../../context.js";
import { invalidFilterPattern, streamNamesAndPrefixExclusive } from "../errors.js";
import {
  compileFilterPattern,
  type FilterPattern,
  FilterPatternError,
} from "../filterPattern/index.js";
import { DEFAULT_FILTER_LIMIT, EVENT_OVERHEAD_BYTES, MAX_PAGE_BYTES } from "../limits.js";
import { groupNameOf, type LogsRuntime, requireGroup } from "../runtime.js";
import type { InputOf } from "../schemas.js";
import {
  compareNames,
  expireEvents,
  indexAfter,
  type LogStream,
  lowerBound,
  type StoredEvent,
} from "../store.js";
import { filterToken, parseFilterToken } from "../tokens.js";

export interface FilteredLogEvent {
  logStreamName: string;
  timestamp: number;
  message: string;
  ingestionTime: number;
  eventId: string;
}

export interface FilterLogEventsOutput {
  events: FilteredLogEvent[];
  /** Always empty since 2020, but present: `aws logs tail` reads it. */
  searchedLogStreams: never[];
  nextToken?: string;
}

export function compilePattern(pattern: string | undefined): FilterPattern {
  try {
    return compileFilterPattern(pattern ?? "");
  } catch (error) {
    if (error instanceof FilterPatternError) throw invalidFilterPattern(error.message);
    throw error;
  }
}

/** A read position in one stream: events[index..end) are still to be merged. */
interface Cursor {
  stream: LogStream;
  index: number;
  end: number;
}

/**
 * Matching events of a group, interleaved across streams in (timestamp, ingestion) order. Each
 * stream is a sorted array, so the time range is two binary searches per stream and the streams
 * merge through a small heap; the token is the key of the last event returned.
 */
export function filterLogEvents(
  rt: LogsRuntime,
  scope: AccountScope,
  input: InputOf<"FilterLogEvents">,
): FilterLogEventsOutput {
  const group = requireGroup(rt, scope, groupNameOf(input));
  if (input.logStreamNames !== undefined && input.logStreamNamePrefix !== undefined) {
    throw streamNamesAndPrefixExclusive();
  }
  const pattern = compilePattern(input.filterPattern);
  const after = input.nextToken === undefined ? undefined : parseFilterToken(input.nextToken);
  const limit = input.limit ?? DEFAULT_FILTER_LIMIT;
  const now = rt.ctx.clock.now();

  let streams: LogStream[];
  if (input.logStreamNames !== undefined) {
    const names = [...new Set(input.logStreamNames)].sort(compareNames);
    streams = names.flatMap((name) => group.streams.get(name) ?? []);
  } else {
    const prefix = input.logStreamNamePrefix;
    streams = [...group.streams.values()]
      .filter((s) => prefix === undefined || s.name.startsWith(prefix))
      .sort((a, b) => compareNames(a.name, b.name));
  }

  // startTime and endTime are both inclusive here ("later than this time are not returned").
  const heap: Cursor[] = [];
  for (const stream of streams) {
    expireEvents(group, stream, now);
    const events = stream.events;
    let index = input.startTime === undefined ? 0 : lowerBound(events, input.startTime);
    if (after) index = Math.max(index, indexAfter(events, after.timestamp, after.seq));
    const end =
      input.endTime === undefined
        ? events.length
        : indexAfter(events, input.endTime, Number.MAX_SAFE_INTEGER);
    if (index < end) heapPush(heap, { stream, index, end });
  }

  const out: FilteredLogEvent[] = [];
  let bytes = 0;
  let last: StoredEvent | undefined;
  let more = false;
  const single = heap.length === 1;
  while (heap.length > 0) {
    const cursor = heap[0] as Cursor;
    const event = cursor.stream.events[cursor.index] as StoredEvent;
    if (single) {
      // One stream: no merge needed, scan the array directly.
      const events = cursor.stream.events;
      for (let i = cursor.index; i < cursor.end; i++) {
        const e = events[i] as StoredEvent;
        if (!pattern.match(e.message).matched) continue;
        const size = e.bytes + EVENT_OVERHEAD_BYTES;
        if (out.length >= limit || (out.length > 0 && bytes + size > MAX_PAGE_BYTES)) {
          more = true;
          break;
        }
        bytes += size;
        out.push(output(cursor.stream, e));
        last = e;
      }
      break;
    }
    cursor.index++;
    if (cursor.index < cursor.end) heapSiftDown(heap, 0);
    else heapPop(heap);
    if (!pattern.match(event.message).matched) continue;
    const size = event.bytes + EVENT_OVERHEAD_BYTES;
    if (out.length >= limit || (out.length > 0 && bytes + size > MAX_PAGE_BYTES)) {
      more = true;
      break;
    }
    bytes += size;
    out.push(output(cursor.stream, event));
    last = event;
  }

  return {
    events: out,
    searchedLogStreams: [],
    ...(more && last
      ? { nextToken: filterToken({ timestamp: last.timestamp, seq: last.seq }) }
      : {}),
  };
}

function output(stream: LogStream, e: StoredEvent): FilteredLogEvent {
  return {
    logStreamName: stream.name,
    timestamp: e.timestamp,
    message: e.message,
    ingestionTime: e.ingestionTime,
    eventId: e.eventId,
  };
}

// A binary min-heap of cursors keyed by their next event's (timestamp, seq).

function less(a: Cursor, b: Cursor): boolean {
  const x = a.stream.events[a.index] as StoredEvent;
  const y = b.stream.events[b.index] as StoredEvent;
  return x.timestamp < y.timestamp || (x.timestamp === y.timestamp && x.seq < y.seq);
}

function heapPush(heap: Cursor[], cursor: Cursor): void {
  heap.push(cursor);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!less(heap[i] as Cursor, heap[parent] as Cursor)) break;
    [heap[i], heap[parent]] = [heap[parent] as Cursor, heap[i] as Cursor];
    i = parent;
  }
}

function heapSiftDown(heap: Cursor[], start: number): void {
  let i = start;
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let smallest = i;
    if (l < heap.length && less(heap[l] as Cursor, heap[smallest] as Cursor)) smallest = l;
    if (r < heap.length && less(heap[r] as Cursor, heap[smallest] as Cursor)) smallest = r;
    if (smallest === i) return;
    [heap[i], heap[smallest]] = [heap[smallest] as Cursor, heap[i] as Cursor];
    i = smallest;
  }
}

function heapPop(heap: Cursor[]): void {
  const lastCursor = heap.pop();
  if (heap.length > 0 && lastCursor) {
    heap[0] = lastCursor;
    heapSiftDown(heap, 0);
  }
}
