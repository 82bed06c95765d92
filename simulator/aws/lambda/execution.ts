import type { LambdaEnv } from "./env.js";
import { JOURNAL_SOURCE } from "./env.js";
import { logGroupName } from "./functions.js";
import { injectedOutcome, invocationPath } from "./injectedFault.js";
import { MAX_RESPONSE_PAYLOAD_BYTES } from "./limits.js";
import type { FunctionErrorPayload, FunctionInstanceConfig } from "./runtime/types.js";
import type { LambdaFunction } from "./store.js";

/** One run of a function: through the runtime, its log lines into CloudWatch Logs, journaled. */

export type InvocationType = "RequestResponse" | "Event";
export type ExecutionOutcome = "success" | "error" | "timeout";

export interface ExecutionRequest {
  requestId: string;
  payload: string;
  clientContext?: unknown;
  invocationType: InvocationType;
  /** 1 for the first attempt; async retries count up. */
  attempt: number;
  /** Ids the caller wants on the journal entry besides the request id. */
  correlation: Record<string, string>;
  /** The ARN the caller named (context.invokedFunctionArn), qualifier included. */
  invokedFunctionArn: string;
}

export interface ExecutionResult {
  outcome: ExecutionOutcome;
  /** The response payload: the handler's result, or the error payload AWS returns. */
  payload: string;
  errorType?: string;
  /** The invocation's whole log, as the lines joined. */
  log: string;
}

/** What AWS answers for a function that ran past its timeout (reference/aws-sim.md §3.3). */
function timeoutPayload(requestId: string, timeoutSeconds: number): FunctionErrorPayload {
  return {
    errorType: "Sandbox.Timedout",
    errorMessage: `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`,
    trace: [],
  };
}

function responseTooLarge(): FunctionErrorPayload {
  return {
    errorType: "Function.ResponseSizeTooLarge",
    errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_PAYLOAD_BYTES} bytes).`,
    trace: [],
  };
}

function instanceConfig(fn: LambdaFunction): FunctionInstanceConfig {
  return {
    functionName: fn.name,
    functionArn: fn.arn,
    version: "$LATEST",
    runtime: fn.runtime,
    handler: fn.handler,
    memorySizeMb: fn.memorySize,
    timeoutSeconds: fn.timeout,
    environment: { ...fn.environment },
    region: fn.scope.region,
    accountId: fn.scope.accountId,
    logGroupName: logGroupName(fn),
    code: { files: fn.code.files, sha256: fn.code.sha256 },
  };
}

/**
 * Runs one attempt. Failures of the runtime itself (not of the function) are thrown: a sync
 * caller sees them as ServiceException, the async machinery as a failed attempt.
 */
export async function execute(
  env: LambdaEnv,
  fn: LambdaFunction,
  request: ExecutionRequest,
): Promise<ExecutionResult> {
  const config = instanceConfig(fn);
  const invocation = {
    requestId: request.requestId,
    payload: request.payload,
    invokedFunctionArn: request.invokedFunctionArn,
    ...(request.clientContext !== undefined ? { clientContext: request.clientContext } : {}),
  };
  // Consulted before anything is awaited, so a timeout fault's timer exists before the caller
  // lets the clock move (a synchronous Invoke lends its request's hold out meanwhile).
  const fault = env.faults?.match("lambda", {
    method: request.invocationType,
    path: invocationPath(fn.name),
    functionName: fn.name,
    correlation: { ...request.correlation, requestId: request.requestId },
  });
  const outcome = fault
    ? await injectedOutcome(env.clock, config, invocation, fault)
    : await env.runtime().invoke(config, invocation);

  let error = outcome.error;
  if (outcome.timedOut) error ??= timeoutPayload(request.requestId, config.timeoutSeconds);
  let payload = error === undefined ? (outcome.result ?? "null") : JSON.stringify(error);
  if (error === undefined && Buffer.byteLength(payload) > MAX_RESPONSE_PAYLOAD_BYTES) {
    error = responseTooLarge();
    payload = JSON.stringify(error);
  }
  const result: ExecutionResult = {
    outcome: outcome.timedOut ? "timeout" : error ? "error" : "success",
    payload,
    ...(error ? { errorType: error.errorType } : {}),
    log: outcome.logLines.map((line) => line.message).join(""),
  };

  if (outcome.logLines.length > 0) {
    env
      .logs()
      .writeFunctionLogs(fn.scope, config.logGroupName, outcome.logStreamName, outcome.logLines);
  }
  env.journal.append("lambda.invoked", {
    source: JOURNAL_SOURCE,
    correlation: { ...request.correlation, requestId: request.requestId },
    data: {
      functionName: fn.name,
      requestId: request.requestId,
      invocationType: request.invocationType,
      attempt: request.attempt,
      coldStart: outcome.coldStart ?? outcome.initDurationMs !== undefined,
      durationMs: outcome.durationMs,
      outcome: result.outcome,
      ...(result.errorType !== undefined ? { errorType: result.errorType } : {}),
      ...(fault ? { fault: fault.id } : {}),
    },
  });
  return result;
}
