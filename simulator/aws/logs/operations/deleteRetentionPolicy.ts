import type { AccountScope } from "../../context.js";
import { type LogsRuntime, requireGroup } from "../runtime.js";
import type { InputOf } from "../schemas.js";

export function deleteRetentionPolicy(
  rt: LogsRuntime,
  scope: AccountScope,
  input: InputOf<"DeleteRetentionPolicy">,
): void {
  // Events already expired stay gone; from now on nothing expires.
  delete requireGroup(rt, scope, input.logGroupName).retentionInDays;
}
