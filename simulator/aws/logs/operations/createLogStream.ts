import type { AccountScope } from "../../context.js";
import { logStreamAlreadyExists } from "../errors.js";
import { type LogsRuntime, requireGroup } from "../runtime.js";
import type { InputOf } from "../schemas.js";
import { type LogGroup, type LogStream, logStreamArn } from "../store.js";

export function createLogStream(
  rt: LogsRuntime,
  scope: AccountScope,
  input: InputOf<"CreateLogStream">,
): void {
  const group = requireGroup(rt, scope, input.logGroupName);
  if (group.streams.has(input.logStreamName)) throw logStreamAlreadyExists();
  addStream(rt, scope, group, input.logStreamName);
}

export function addStream(
  rt: LogsRuntime,
  scope: AccountScope,
  group: LogGroup,
  name: string,
): LogStream {
  const stream: LogStream = {
    name,
    arn: logStreamArn(scope, group.name, name),
    creationTime: rt.ctx.clock.now(),
    events: [],
    uploads: 0,
  };
  group.streams.set(name, stream);
  return stream;
}
