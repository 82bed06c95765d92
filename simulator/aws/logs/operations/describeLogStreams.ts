import type { AccountScope } from "../../context.js";
import { orderByLastEventTimeWithPrefix } from "../errors.js";
import { DEFAULT_DESCRIBE_LIMIT } from "../limits.js";
import { groupNameOf, type LogsRuntime, requireGroup } from "../runtime.js";
import type { InputOf } from "../schemas.js";
import { compareNames, expireGroup, type LogStream } from "../store.js";
import { nameToken, offsetToken, parseNameToken, parseOffsetToken } from "../tokens.js";

export interface LogStreamDescription {
  logStreamName: string;
  creationTime: number;
  firstEventTimestamp?: number;
  lastEventTimestamp?: number;
  lastIngestionTime?: number;
  uploadSequenceToken?: string;
  arn: string;
  storedBytes: number;
}

export function describeLogStreams(
  rt: LogsRuntime,
  scope: AccountScope,
  input: InputOf<"DescribeLogStreams">,
): { logStreams: LogStreamDescription[]; nextToken?: string } {
  const group = requireGroup(rt, scope, groupNameOf(input));
  const byTime = input.orderBy === "LastEventTime";
  const prefix = input.logStreamNamePrefix;
  if (byTime && prefix !== undefined) throw orderByLastEventTimeWithPrefix();
  expireGroup(group, rt.ctx.clock.now());
  const limit = input.limit ?? DEFAULT_DESCRIBE_LIMIT;
  const sign = input.descending ? -1 : 1;

  let streams = [...group.streams.values()];
  if (prefix !== undefined) streams = streams.filter((s) => s.name.startsWith(prefix));
  streams.sort((a, b) => {
    const byEvent = byTime ? (a.lastEventTimestamp ?? 0) - (b.lastEventTimestamp ?? 0) : 0;
    return sign * (byEvent || compareNames(a.name, b.name));
  });

  // By name the position is the last name; by event time (which moves) an offset.
  let start = 0;
  if (input.nextToken !== undefined) {
    if (byTime) start = parseOffsetToken(input.nextToken);
    else {
      const after = parseNameToken(input.nextToken);
      start = streams.findIndex((s) => sign * compareNames(s.name, after) > 0);
      if (start === -1) start = streams.length;
    }
  }
  const page = streams.slice(start, start + limit);
  const last = page[page.length - 1];
  const more = start + limit < streams.length && last !== undefined;
  return {
    logStreams: page.map(describe),
    ...(more ? { nextToken: byTime ? offsetToken(start + limit) : nameToken(last.name) } : {}),
  };
}

export function sequenceToken(stream: LogStream): string {
  return String(stream.uploads).padStart(56, "0");
}

function describe(s: LogStream): LogStreamDescription {
  return {
    logStreamName: s.name,
    creationTime: s.creationTime,
    ...(s.firstEventTimestamp !== undefined ? { firstEventTimestamp: s.firstEventTimestamp } : {}),
    ...(s.lastEventTimestamp !== undefined ? { lastEventTimestamp: s.lastEventTimestamp } : {}),
    ...(s.lastIngestionTime !== undefined ? { lastIngestionTime: s.lastIngestionTime } : {}),
    ...(s.uploads > 0 ? { uploadSequenceToken: sequenceToken(s) } : {}),
    arn: s.arn,
    // Deprecated for streams: "always reported as zero".
    storedBytes: 0,
  };
}
