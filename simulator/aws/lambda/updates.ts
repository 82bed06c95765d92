import { type Call, JOURNAL_SOURCE, type LambdaEnv } from "./env.js";
import { functionNotReady, revisionMismatch, updateInProgress } from "./errors.js";
import { touch } from "./functions.js";
import type { LambdaFunction } from "./store.js";

/**
 * What UpdateFunctionCode and UpdateFunctionConfiguration share: Lambda takes one change at a
 * time (409 while Pending or while an update is InProgress), the change is InProgress in the
 * response and Successful on a 0-delay clock timer (so function-updated-v2 waiters succeed), and
 * warm instances built from the old code or configuration are retired.
 */

export function checkUpdatable(fn: LambdaFunction, revisionId: string | undefined): void {
  if (fn.state !== "Active") throw functionNotReady(fn.state);
  if (fn.lastUpdateStatus === "InProgress") throw updateInProgress(fn.arn);
  if (revisionId !== undefined && revisionId !== fn.revisionId) {
    throw revisionMismatch("GetFunction/GetAlias");
  }
}

export async function beginUpdate(
  env: LambdaEnv,
  call: Call,
  fn: LambdaFunction,
  changed: string[],
): Promise<void> {
  fn.lastModified = env.clock.now();
  fn.lastUpdateStatus = "InProgress";
  fn.lastUpdateStatusReason = "The function is being created.";
  fn.lastUpdateStatusReasonCode = "Creating";
  touch(env, fn);
  env.journal.append("lambda.function.updated", {
    source: JOURNAL_SOURCE,
    correlation: { requestId: call.requestId },
    data: {
      functionName: fn.name,
      functionArn: fn.arn,
      changed,
      codeSha256: fn.code.sha256,
      timeout: fn.timeout,
      memorySize: fn.memorySize,
      handler: fn.handler,
      runtime: fn.runtime,
    },
  });
  env.schedule(
    () => {
      if (env.store.find(fn.scope, fn.name) !== fn) return;
      fn.lastUpdateStatus = "Successful";
      delete fn.lastUpdateStatusReason;
      delete fn.lastUpdateStatusReasonCode;
      touch(env, fn);
    },
    0,
    `lambda update ${fn.name}`,
  );
  await env.existingRuntime()?.retire(fn.arn);
}
