import type { AccountScope } from "../context.js";

/**
 * Function names as the API takes them: a name (`my-function`), a partial ARN
 * (`123456789012:function:my-function`) or a full ARN
 * (`arn:aws:lambda:us-east-1:123456789012:function:my-function`), each with an optional
 * `:qualifier`. The pattern is the model's NamespacedFunctionName (names may contain dots there).
 */
export const FUNCTION_NAME_PATTERN =
  /^(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?$/;

export const LATEST = "$LATEST";

export interface FunctionRef {
  name: string;
  qualifier?: string;
  region?: string;
  accountId?: string;
}

export function parseFunctionName(input: string): FunctionRef | undefined {
  const match = FUNCTION_NAME_PATTERN.exec(input);
  if (!match) return undefined;
  const [, , , region, , account, , name, , qualifier] = match;
  if (name === undefined) return undefined;
  return {
    name,
    ...(qualifier !== undefined ? { qualifier } : {}),
    ...(region !== undefined ? { region: region.slice(0, -1) } : {}),
    ...(account !== undefined ? { accountId: account.slice(0, -1) } : {}),
  };
}

/** The account and region a reference points at: its own when it is an ARN, else the caller's. */
export function scopeOf(ref: FunctionRef, caller: AccountScope): AccountScope {
  return { accountId: ref.accountId ?? caller.accountId, region: ref.region ?? caller.region };
}

export function functionArn(scope: AccountScope, name: string): string {
  return `arn:aws:lambda:${scope.region}:${scope.accountId}:function:${name}`;
}

export function qualifiedArn(scope: AccountScope, name: string, qualifier = LATEST): string {
  return `${functionArn(scope, name)}:${qualifier}`;
}

/** `arn:partition:service:region:account:resource`, as destinations and source ARNs use it. */
export function arnService(arn: string): string | undefined {
  const parts = arn.split(":");
  return parts[0] === "arn" && parts.length >= 6 ? parts[2] : undefined;
}
