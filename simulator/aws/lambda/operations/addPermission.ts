import { LATEST } from "../arns.js";
import type { Call, LambdaEnv } from "../env.js";
import {
  invalidPrincipal,
  policyForLatest,
  policyTooLarge,
  revisionMismatch,
  statementAlreadyExists,
} from "../errors.js";
import { findFunction, locate, touch } from "../functions.js";
import { MAX_POLICY_BYTES } from "../limits.js";
import { buildStatement, policyDocument, policyPrincipal } from "../policy.js";

export interface AddPermissionInput {
  FunctionName: string;
  StatementId: string;
  Action: string;
  Principal: string;
  SourceArn?: string;
  SourceAccount?: string;
  EventSourceToken?: string;
  Qualifier?: string;
  RevisionId?: string;
  PrincipalOrgID?: string;
  FunctionUrlAuthType?: string;
}

/** AddPermission: one statement in the function's policy; the response holds it as JSON text. */
export function addPermission(
  env: LambdaEnv,
  call: Call,
  input: AddPermissionInput,
): Record<string, unknown> {
  const located = locate(call, input.FunctionName, input.Qualifier);
  if (located.qualifier === LATEST) throw policyForLatest();
  const fn = findFunction(env, located);
  if (input.RevisionId !== undefined && input.RevisionId !== fn.revisionId) {
    throw revisionMismatch("GetPolicy");
  }
  const principal = policyPrincipal(input.Principal);
  if (!principal) throw invalidPrincipal();
  if (fn.policy.some((s) => s.Sid === input.StatementId)) {
    throw statementAlreadyExists(input.StatementId);
  }
  const statement = buildStatement(
    {
      statementId: input.StatementId,
      action: input.Action,
      principal: input.Principal,
      resource: fn.arn,
      ...(input.SourceArn !== undefined ? { sourceArn: input.SourceArn } : {}),
      ...(input.SourceAccount !== undefined ? { sourceAccount: input.SourceAccount } : {}),
      ...(input.EventSourceToken !== undefined ? { eventSourceToken: input.EventSourceToken } : {}),
      ...(input.PrincipalOrgID !== undefined ? { principalOrgId: input.PrincipalOrgID } : {}),
      ...(input.FunctionUrlAuthType !== undefined
        ? { functionUrlAuthType: input.FunctionUrlAuthType }
        : {}),
    },
    principal,
  );
  const size = Buffer.byteLength(JSON.stringify(policyDocument([...fn.policy, statement])));
  if (size > MAX_POLICY_BYTES) throw policyTooLarge(size);
  fn.policy.push(statement);
  touch(env, fn);
  return { Statement: JSON.stringify(statement) };
}
