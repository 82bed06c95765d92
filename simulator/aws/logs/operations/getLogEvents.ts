import type { AccountScope } from "../../context.js";
import { EVENT_OVERHEAD_BYTES, MAX_PAGE_BYTES, MAX_PAGE_EVENTS } from "../limits.js";
import { groupNameOf, type LogsRuntime, requireGroup, requireStream } from "../runtime.js";
import type { InputOf } from "../schemas.js";
import { expireEvents, indexAfter, lowerBound, type StoredEvent } from "../store.js";
import { type EventKey, FIRST_KEY, LAST_KEY, parseStreamToken, streamToken } from "../tokens.js";

export interface OutputLogEvent {
  timestamp: number;
  message: string;
  ingestionTime: number;
}

export interface GetLogEventsOutput {
  events: OutputLogEvent[];
  nextForwardToken: string;
  nextBackwardToken: string;
}

const keyOf = (e: StoredEvent): EventKey => ({ timestamp: e.timestamp, seq: e.seq });

/**
 * One page of a stream, oldest first. Without a token: the earliest page when startFromHead,
 * else the latest. Tokens are positions: `f/` reads after an event, `b/` before one; at either
 * end the token passed in comes back unchanged, which is how clients know to stop.
 */
export function getLogEvents(
  rt: LogsRuntime,
  scope: AccountScope,
  input: InputOf<"GetLogEvents">,
): GetLogEventsOutput {
  const group = requireGroup(rt, scope, groupNameOf(input));
  const stream = requireStream(group, input.logStreamName);
  const token = input.nextToken === undefined ? undefined : parseStreamToken(input.nextToken);
  expireEvents(group, stream, rt.ctx.clock.now());
  const events = stream.events;

  // startTime inclusive, endTime exclusive (API reference).
  let lo = input.startTime === undefined ? 0 : lowerBound(events, input.startTime);
  let hi = input.endTime === undefined ? events.length : lowerBound(events, input.endTime);
  const limit = input.limit ?? MAX_PAGE_EVENTS;
  const forward = token ? token.direction === "f" : input.startFromHead === true;
  if (token?.direction === "f")
    lo = Math.max(lo, indexAfter(events, token.key.timestamp, token.key.seq));
  if (token?.direction === "b") {
    hi = Math.min(hi, indexAfter(events, token.key.timestamp, token.key.seq - 1));
  }

  let from = lo;
  let to = lo;
  if (hi > lo) {
    if (forward) {
      let bytes = 0;
      while (to < hi && to - from < limit) {
        const size = (events[to] as StoredEvent).bytes + EVENT_OVERHEAD_BYTES;
        if (to > from && bytes + size > MAX_PAGE_BYTES) break;
        bytes += size;
        to++;
      }
    } else {
      to = hi;
      from = hi;
      let bytes = 0;
      while (from > lo && to - from < limit) {
        const size = (events[from - 1] as StoredEvent).bytes + EVENT_OVERHEAD_BYTES;
        if (from < to && bytes + size > MAX_PAGE_BYTES) break;
        bytes += size;
        from--;
      }
    }
  }

  const page = events.slice(from, to);
  const first = page[0];
  const last = page[page.length - 1];
  const forwardToken =
    last !== undefined
      ? streamToken("f", keyOf(last))
      : token?.direction === "f"
        ? (input.nextToken as string)
        : streamToken("f", from > 0 ? keyOf(events[from - 1] as StoredEvent) : FIRST_KEY);
  const backwardToken =
    first !== undefined
      ? streamToken("b", keyOf(first))
      : token?.direction === "b"
        ? (input.nextToken as string)
        : streamToken("b", to < events.length ? keyOf(events[to] as StoredEvent) : LAST_KEY);
  return {
    events: page.map((e) => ({
      timestamp: e.timestamp,
      message: e.message,
      ingestionTime: e.ingestionTime,
    })),
    nextForwardToken: forwardToken,
    nextBackwardToken: backwardToken,
  };
}
