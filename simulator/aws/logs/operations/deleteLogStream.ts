import type { AccountScope } from "../../context.js";
import { type LogsRuntime, requireGroup, requireStream } from "../runtime.js";
import type { InputOf } from "../schemas.js";

export function deleteLogStream(
  rt: LogsRuntime,
  scope: AccountScope,
  input: InputOf<"DeleteLogStream">,
): void {
  const group = requireGroup(rt, scope, input.logGroupName);
  const stream = requireStream(group, input.logStreamName);
  for (const e of stream.events) group.storedBytes -= e.bytes;
  group.streams.delete(stream.name);
}
