import type { AccountScope } from "../../context.js";
import { invalidGroupNamePrefix, logGroupAlreadyExists, resourceLimitExceeded } from "../errors.js";
import { MAX_LOG_GROUPS_PER_REGION } from "../limits.js";
import type { LogsRuntime } from "../runtime.js";
import type { InputOf } from "../schemas.js";

export function createLogGroup(
  rt: LogsRuntime,
  scope: AccountScope,
  input: InputOf<"CreateLogGroup">,
): void {
  // "Log group names can't start with the string aws/" (CreateLogGroup API reference).
  if (input.logGroupName.startsWith("aws/")) throw invalidGroupNamePrefix();
  const groups = rt.store.region(scope).groups;
  if (groups.has(input.logGroupName)) throw logGroupAlreadyExists();
  if (groups.size >= MAX_LOG_GROUPS_PER_REGION) throw resourceLimitExceeded();
  groups.set(input.logGroupName, {
    name: input.logGroupName,
    creationTime: rt.ctx.clock.now(),
    logGroupClass: input.logGroupClass ?? "STANDARD",
    ...(input.kmsKeyId !== undefined ? { kmsKeyId: input.kmsKeyId } : {}),
    tags: { ...input.tags },
    streams: new Map(),
    subscriptionFilters: new Map(),
    metricFilters: new Map(),
    storedBytes: 0,
  });
}
