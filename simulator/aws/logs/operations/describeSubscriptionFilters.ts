import type { AccountScope } from "../../context.js";
import { DEFAULT_DESCRIBE_LIMIT } from "../limits.js";
import { type LogsRuntime, requireGroup } from "../runtime.js";
import type { InputOf } from "../schemas.js";
import { compareNames } from "../store.js";
import { nameToken, parseNameToken } from "../tokens.js";

export interface SubscriptionFilterDescription {
  filterName: string;
  logGroupName: string;
  filterPattern: string;
  destinationArn: string;
  roleArn?: string;
  distribution: string;
  applyOnTransformedLogs: boolean;
  creationTime: number;
}

export function describeSubscriptionFilters(
  rt: LogsRuntime,
  scope: AccountScope,
  input: InputOf<"DescribeSubscriptionFilters">,
): { subscriptionFilters: SubscriptionFilterDescription[]; nextToken?: string } {
  const group = requireGroup(rt, scope, input.logGroupName);
  const after = input.nextToken === undefined ? undefined : parseNameToken(input.nextToken);
  const limit = input.limit ?? DEFAULT_DESCRIBE_LIMIT;
  const prefix = input.filterNamePrefix;
  const matching = [...group.subscriptionFilters.values()]
    .filter(
      (f) =>
        (prefix === undefined || f.filterName.startsWith(prefix)) &&
        (after === undefined || f.filterName > after),
    )
    .sort((a, b) => compareNames(a.filterName, b.filterName));
  const page = matching.slice(0, limit);
  const last = page[page.length - 1];
  return {
    subscriptionFilters: page.map((f) => ({
      filterName: f.filterName,
      logGroupName: f.logGroupName,
      filterPattern: f.filterPattern,
      destinationArn: f.destinationArn,
      ...(f.roleArn !== undefined ? { roleArn: f.roleArn } : {}),
      distribution: f.distribution,
      applyOnTransformedLogs: f.applyOnTransformedLogs,
      creationTime: f.creationTime,
    })),
    ...(matching.length > limit && last ? { nextToken: nameToken(last.filterName) } : {}),
  };
}
