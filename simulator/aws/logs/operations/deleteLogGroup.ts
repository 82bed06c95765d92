import type { AccountScope } from "../../context.js";
import { type LogsRuntime, requireGroup } from "../runtime.js";
import type { InputOf } from "../schemas.js";

export function deleteLogGroup(
  rt: LogsRuntime,
  scope: AccountScope,
  input: InputOf<"DeleteLogGroup">,
): void {
  const group = requireGroup(rt, scope, input.logGroupName);
  rt.store.region(scope).groups.delete(group.name);
  // Batches still waiting for delivery see their filter gone and are dropped, not delivered.
  group.subscriptionFilters.clear();
}
