import type { AccountScope } from "../../context.js";
import { invalidMetricValue, resourceLimitExceeded } from "../errors.js";
import type { FilterPattern } from "../filterPattern/index.js";
import { MAX_METRIC_FILTERS_PER_GROUP, MAX_REGEX_PATTERNS_PER_GROUP } from "../limits.js";
import { type LogsRuntime, requireGroup } from "../runtime.js";
import type { InputOf } from "../schemas.js";
import type { LogGroup, MetricFilter } from "../store.js";
import { compilePattern } from "./filterLogEvents.js";

export function putMetricFilter(
  rt: LogsRuntime,
  scope: AccountScope,
  input: InputOf<"PutMetricFilter">,
): void {
  const group = requireGroup(rt, scope, input.logGroupName);
  const pattern = compilePattern(input.filterPattern);
  const existing = group.metricFilters.get(input.filterName);
  if (!existing && group.metricFilters.size >= MAX_METRIC_FILTERS_PER_GROUP) {
    throw resourceLimitExceeded();
  }
  checkRegexQuota(group, pattern, { metric: input.filterName });
  const transformations = input.metricTransformations.map((t) => {
    // A metric value is a number or a field the pattern names ($name, $.selector).
    if (!t.metricValue.startsWith("$") && !Number.isFinite(Number(t.metricValue))) {
      throw invalidMetricValue(t.metricValue);
    }
    return {
      metricName: t.metricName,
      metricNamespace: t.metricNamespace,
      metricValue: t.metricValue,
      ...(t.defaultValue !== undefined ? { defaultValue: t.defaultValue } : {}),
      ...(t.dimensions !== undefined ? { dimensions: { ...t.dimensions } } : {}),
      ...(t.unit !== undefined ? { unit: t.unit } : {}),
    };
  });
  const filter: MetricFilter = {
    filterName: input.filterName,
    logGroupName: group.name,
    filterPattern: input.filterPattern,
    metricTransformations: transformations,
    applyOnTransformedLogs: input.applyOnTransformedLogs ?? false,
    creationTime: existing?.creationTime ?? rt.ctx.clock.now(),
    pattern,
    matchedEvents: existing?.matchedEvents ?? 0,
    valueSum: existing?.valueSum ?? 0,
  };
  group.metricFilters.set(filter.filterName, filter);
}

/**
 * "A quota of five regular expression patterns per log group", across subscription and metric
 * filters; the filter being replaced does not count against its own update.
 */
export function checkRegexQuota(
  group: LogGroup,
  pattern: FilterPattern,
  replacing: { subscription?: string; metric?: string },
): void {
  if (pattern.regexCount === 0) return;
  let withRegex = 1;
  for (const f of group.subscriptionFilters.values()) {
    if (f.filterName !== replacing.subscription && f.pattern.regexCount > 0) withRegex++;
  }
  for (const f of group.metricFilters.values()) {
    if (f.filterName !== replacing.metric && f.pattern.regexCount > 0) withRegex++;
  }
  if (withRegex > MAX_REGEX_PATTERNS_PER_GROUP) throw resourceLimitExceeded();
}
