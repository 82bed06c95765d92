import type { AccountScope } from "../../context.js";
import { metricFilterNotFound } from "../errors.js";
import { type LogsRuntime, requireGroup } from "../runtime.js";
import type { InputOf } from "../schemas.js";

export function deleteMetricFilter(
  rt: LogsRuntime,
  scope: AccountScope,
  input: InputOf<"DeleteMetricFilter">,
): void {
  const group = requireGroup(rt, scope, input.logGroupName);
  if (!group.metricFilters.delete(input.filterName)) throw metricFilterNotFound();
}
