import type { AccountScope } from "../../context.js";
import { type LogsRuntime, requireGroup } from "../runtime.js";
import type { InputOf } from "../schemas.js";
import { expireGroup } from "../store.js";

export function putRetentionPolicy(
  rt: LogsRuntime,
  scope: AccountScope,
  input: InputOf<"PutRetentionPolicy">,
): void {
  const group = requireGroup(rt, scope, input.logGroupName);
  group.retentionInDays = input.retentionInDays;
  expireGroup(group, rt.ctx.clock.now());
}
