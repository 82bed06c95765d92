import type { Call, LambdaEnv } from "../env.js";
import { noPolicy, revisionMismatch, statementNotFound } from "../errors.js";
import { findFunction, locate, touch } from "../functions.js";

export interface RemovePermissionInput {
  FunctionName: string;
  StatementId: string;
  Qualifier?: string;
  RevisionId?: string;
}

export function removePermission(env: LambdaEnv, call: Call, input: RemovePermissionInput): void {
  const fn = findFunction(env, locate(call, input.FunctionName, input.Qualifier));
  if (fn.policy.length === 0) throw noPolicy();
  if (input.RevisionId !== undefined && input.RevisionId !== fn.revisionId) {
    throw revisionMismatch("GetPolicy");
  }
  const index = fn.policy.findIndex((s) => s.Sid === input.StatementId);
  if (index < 0) throw statementNotFound(input.StatementId);
  fn.policy.splice(index, 1);
  touch(env, fn);
}
