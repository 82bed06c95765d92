import type { Call, LambdaEnv } from "../env.js";
import { noPolicy } from "../errors.js";
import { findFunction, locate } from "../functions.js";
import { policyDocument } from "../policy.js";

export interface GetPolicyInput {
  FunctionName: string;
  Qualifier?: string;
}

export function getPolicy(
  env: LambdaEnv,
  call: Call,
  input: GetPolicyInput,
): Record<string, unknown> {
  const fn = findFunction(env, locate(call, input.FunctionName, input.Qualifier));
  if (fn.policy.length === 0) throw noPolicy();
  return { Policy: JSON.stringify(policyDocument(fn.policy)), RevisionId: fn.revisionId };
}
