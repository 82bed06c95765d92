import { LATEST } from "../arns.js";
import { type Call, JOURNAL_SOURCE, type LambdaEnv } from "../env.js";
import { latestCannotBeDeleted } from "../errors.js";
import { findFunction, locate } from "../functions.js";

export interface DeleteFunctionInput {
  FunctionName: string;
  Qualifier?: string;
}

/** Deletes the function; its queued async events are discarded when they come up. */
export async function deleteFunction(
  env: LambdaEnv,
  call: Call,
  input: DeleteFunctionInput,
): Promise<void> {
  const located = locate(call, input.FunctionName, input.Qualifier);
  if (located.qualifier === LATEST) throw latestCannotBeDeleted();
  const fn = findFunction(env, located);
  env.store.remove(fn);
  env.journal.append("lambda.function.deleted", {
    source: JOURNAL_SOURCE,
    correlation: { requestId: call.requestId },
    data: { functionName: fn.name, functionArn: fn.arn },
  });
  await env.existingRuntime()?.retire(fn.arn);
}
