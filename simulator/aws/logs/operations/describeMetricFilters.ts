import type { AccountScope } from "../../context.js";
import { filterNamePrefixNeedsGroup, metricNameNeedsNamespace } from "../errors.js";
import { DEFAULT_DESCRIBE_LIMIT } from "../limits.js";
import { type LogsRuntime, requireGroup } from "../runtime.js";
import type { InputOf } from "../schemas.js";
import { compareNames, type MetricFilter, type MetricTransformation } from "../store.js";
import { nameToken, parseNameToken } from "../tokens.js";

export interface MetricFilterDescription {
  filterName: string;
  filterPattern: string;
  metricTransformations: MetricTransformation[];
  creationTime: number;
  logGroupName: string;
  applyOnTransformedLogs: boolean;
}

export function describeMetricFilters(
  rt: LogsRuntime,
  scope: AccountScope,
  input: InputOf<"DescribeMetricFilters">,
): { metricFilters: MetricFilterDescription[]; nextToken?: string } {
  if ((input.metricName === undefined) !== (input.metricNamespace === undefined)) {
    throw metricNameNeedsNamespace();
  }
  if (input.filterNamePrefix !== undefined && input.logGroupName === undefined) {
    throw filterNamePrefixNeedsGroup();
  }
  let filters: MetricFilter[];
  if (input.logGroupName !== undefined) {
    filters = [...requireGroup(rt, scope, input.logGroupName).metricFilters.values()];
  } else {
    filters = [...rt.store.region(scope).groups.values()].flatMap((g) => [
      ...g.metricFilters.values(),
    ]);
  }
  const prefix = input.filterNamePrefix;
  const after = input.nextToken === undefined ? undefined : parseNameToken(input.nextToken);
  // Across groups the same filter name may repeat: order and page by (name, group).
  const keyOf = (f: MetricFilter) => `${f.filterName}\u0000${f.logGroupName}`;
  const matching = filters
    .filter(
      (f) =>
        (prefix === undefined || f.filterName.startsWith(prefix)) &&
        (input.metricName === undefined ||
          f.metricTransformations.some(
            (t) => t.metricName === input.metricName && t.metricNamespace === input.metricNamespace,
          )) &&
        (after === undefined || keyOf(f) > after),
    )
    .sort((a, b) => compareNames(keyOf(a), keyOf(b)));
  const limit = input.limit ?? DEFAULT_DESCRIBE_LIMIT;
  const page = matching.slice(0, limit);
  const last = page[page.length - 1];
  return {
    metricFilters: page.map((f) => ({
      filterName: f.filterName,
      filterPattern: f.filterPattern,
      metricTransformations: f.metricTransformations.map((t) => ({ ...t })),
      creationTime: f.creationTime,
      logGroupName: f.logGroupName,
      applyOnTransformedLogs: f.applyOnTransformedLogs,
    })),
    ...(matching.length > limit && last ? { nextToken: nameToken(keyOf(last)) } : {}),
  };
}
