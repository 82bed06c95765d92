import type { AccountScope } from "../../context.js";
import { subscriptionFilterNotFound } from "../errors.js";
import { type LogsRuntime, requireGroup } from "../runtime.js";
import type { InputOf } from "../schemas.js";

export function deleteSubscriptionFilter(
  rt: LogsRuntime,
  scope: AccountScope,
  input: InputOf<"DeleteSubscriptionFilter">,
): void {
  const group = requireGroup(rt, scope, input.logGroupName);
  if (!group.subscriptionFilters.delete(input.filterName)) throw subscriptionFilterNotFound();
}
