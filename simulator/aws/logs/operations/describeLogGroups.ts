import type { AccountScope } from "../../context.js";
import { prefixAndPatternExclusive } from "../errors.js";
import { DEFAULT_DESCRIBE_LIMIT } from "../limits.js";
import type { LogsRuntime } from "../runtime.js";
import type { InputOf } from "../schemas.js";
import { compareNames, expireGroup, type LogGroup, logGroupArn } from "../store.js";
import { nameToken, parseNameToken } from "../tokens.js";

export interface LogGroupDescription {
  logGroupName: string;
  creationTime: number;
  retentionInDays?: number;
  metricFilterCount?: number;
  arn: string;
  storedBytes?: number;
  kmsKeyId?: string;
  logGroupClass?: string;
  logGroupArn?: string;
}

export function describeLogGroups(
  rt: LogsRuntime,
  scope: AccountScope,
  input: InputOf<"DescribeLogGroups">,
): { logGroups: LogGroupDescription[]; nextToken?: string } {
  const { logGroupNamePrefix: prefix, logGroupNamePattern: pattern } = input;
  if (prefix !== undefined && pattern !== undefined) throw prefixAndPatternExclusive();
  const after = input.nextToken === undefined ? undefined : parseNameToken(input.nextToken);
  const limit = input.limit ?? DEFAULT_DESCRIBE_LIMIT;
  const now = rt.ctx.clock.now();

  // ASCII-sorted by name (API reference).
  const matching = [...rt.store.region(scope).groups.values()]
    .filter(
      (g) =>
        (prefix === undefined || g.name.startsWith(prefix)) &&
        // "a case-sensitive substring search"
        (pattern === undefined || g.name.includes(pattern)) &&
        (input.logGroupClass === undefined || g.logGroupClass === input.logGroupClass) &&
        (after === undefined || g.name > after),
    )
    .sort((a, b) => compareNames(a.name, b.name));
  const page = matching.slice(0, limit);
  const last = page[page.length - 1];
  return {
    logGroups: page.map((g) => describe(scope, g, now, pattern !== undefined)),
    ...(matching.length > limit && last ? { nextToken: nameToken(last.name) } : {}),
  };
}

function describe(scope: AccountScope, g: LogGroup, now: number, brief: boolean) {
  const arn = `${logGroupArn(scope, g.name)}:*`;
  // "If you specify logGroupNamePattern ... only arn, creationTime, and logGroupName are included."
  if (brief) return { logGroupName: g.name, creationTime: g.creationTime, arn };
  expireGroup(g, now);
  return {
    logGroupName: g.name,
    creationTime: g.creationTime,
    ...(g.retentionInDays !== undefined ? { retentionInDays: g.retentionInDays } : {}),
    metricFilterCount: g.metricFilters.size,
    arn,
    storedBytes: g.storedBytes,
    ...(g.kmsKeyId !== undefined ? { kmsKeyId: g.kmsKeyId } : {}),
    logGroupClass: g.logGroupClass,
    logGroupArn: logGroupArn(scope, g.name),
  };
}
