import type { AccountScope } from "../../context.js";
import {
  crossAccountLambda,
  destinationNeedsRole,
  firehoseNotReachable,
  invalidDestinationArn,
  kinesisNotReachable,
  lambdaNotInvocable,
  resourceLimitExceeded,
} from "../errors.js";
import { MAX_SUBSCRIPTION_FILTERS_PER_GROUP } from "../limits.js";
import { type LogsRuntime, requireGroup } from "../runtime.js";
import type { InputOf } from "../schemas.js";
import { logGroupArn, type SubscriptionFilter } from "../store.js";
import { compilePattern } from "./filterLogEvents.js";
import { checkRegexQuota } from "./putMetricFilter.js";

/** `arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]` */
const LAMBDA_ARN =
  /^arn:aws[\w-]*:lambda:([a-z0-9-]+):(\d{12}):function:[A-Za-z0-9_-]+(:[\w$-]+)?$/;
const SERVICE_ARN = /^arn:aws[\w-]*:([a-z0-9-]+):[a-z0-9-]*:(\d{12}):/;

export function putSubscriptionFilter(
  rt: LogsRuntime,
  scope: AccountScope,
  input: InputOf<"PutSubscriptionFilter">,
): void {
  const lambdaArn = LAMBDA_ARN.exec(input.destinationArn);
  // Real AWS refuses another account's function before it even looks at the group.
  if (lambdaArn && lambdaArn[2] !== scope.accountId) throw crossAccountLambda();
  const group = requireGroup(rt, scope, input.logGroupName);
  const pattern = compilePattern(input.filterPattern);
  const existing = group.subscriptionFilters.get(input.filterName);
  // Re-putting a name updates it in place, even with the quota reached.
  if (!existing && group.subscriptionFilters.size >= MAX_SUBSCRIPTION_FILTERS_PER_GROUP) {
    throw resourceLimitExceeded();
  }
  checkRegexQuota(group, pattern, { subscription: input.filterName });

  if (!lambdaArn) {
    const vendor = SERVICE_ARN.exec(input.destinationArn)?.[1];
    if (vendor === "kinesis" || vendor === "firehose") {
      if (input.roleArn === undefined) throw destinationNeedsRole(vendor);
      throw vendor === "kinesis" ? kinesisNotReachable() : firehoseNotReachable();
    }
    throw invalidDestinationArn(input.destinationArn);
  }
  const lambda = rt.lambda();
  const sourceArn = `${logGroupArn(scope, group.name)}:*`;
  if (
    !lambda.functionExists(scope, input.destinationArn) ||
    !lambda.allowsInvoke(
      scope,
      input.destinationArn,
      "logs.amazonaws.com",
      sourceArn,
      scope.accountId,
    )
  ) {
    throw lambdaNotInvocable();
  }

  const filter: SubscriptionFilter = {
    filterName: input.filterName,
    logGroupName: group.name,
    filterPattern: input.filterPattern,
    destinationArn: input.destinationArn,
    ...(input.roleArn !== undefined ? { roleArn: input.roleArn } : {}),
    distribution: input.distribution ?? "ByLogStream",
    applyOnTransformedLogs: input.applyOnTransformedLogs ?? false,
    creationTime: existing?.creationTime ?? rt.ctx.clock.now(),
    pattern,
  };
  group.subscriptionFilters.set(filter.filterName, filter);
  if (rt.options.controlMessage) rt.delivery.sendControlMessage(scope, filter);
}
