import type { Fault } from "../../host/faults.js";
import type { Clock } from "../../kernel/clock.js";
import {
  endLine,
  logStreamName,
  reportLine,
  startLine,
  timeoutLine,
  timeoutMessage,
} from "./runtime/logFormat.js";
import type {
  FunctionErrorPayload,
  FunctionInstanceConfig,
  InvocationOutcome,
  InvocationRequest,
} from "./runtime/types.js";

/** The Invoke path of a function: what a Lambda fault's `paths` and `fault.applied` name. */
export function invocationPath(functionName: string): string {
  return `/2015-03-31/functions/${functionName}/invocations`;
}

/**
 * An invocation a Lambda fault answers instead of the handler, shaped as the platform reports a
 * real one: an `error` fault fails at once as an unhandled error thrown by the handler would
 * (errorType default "Error", the Node runtime's for `throw new Error()`), with its "Invoke Error"
 * line; a `timeout` fault lasts the function's Timeout on the clock, then times out with
 * `Sandbox.Timedout` and the "Task timed out" line. No execution environment is used: the handler
 * never runs and no cold start is counted.
 */
export async function injectedOutcome(
  clock: Clock,
  config: FunctionInstanceConfig,
  request: InvocationRequest,
  fault: Fault,
): Promise<InvocationOutcome> {
  const { requestId } = request;
  const startedAt = clock.now();
  const stream = logStreamName(startedAt, config.version, `${config.functionArn}#faults`);
  const lines: InvocationOutcome["logLines"] = [
    { timestamp: startedAt, message: startLine(requestId, config.version) },
  ];
  let error: FunctionErrorPayload;
  let timedOut = false;
  if (fault.spec.kind === "timeout") {
    // A timer, not work in flight: the clock moves on to the deadline as for a sleeping handler.
    await clock.sleep(
      config.timeoutSeconds * 1000,
      `lambda ${config.functionName} ${fault.id} timeout ${requestId}`,
    );
    timedOut = true;
    error = {
      errorType: "Sandbox.Timedout",
      errorMessage: timeoutMessage(requestId, config.timeoutSeconds),
      trace: [],
    };
    lines.push({
      timestamp: clock.now(),
      message: timeoutLine(clock.now(), requestId, config.timeoutSeconds),
    });
  } else {
    const spec = fault.spec.kind === "error" ? fault.spec : { kind: "error" as const };
    error = {
      errorType: spec.errorType ?? "Error",
      errorMessage: spec.errorMessage ?? `Injected fault ${fault.id}`,
      trace: [],
    };
    const logged = JSON.stringify({
      errorType: error.errorType,
      errorMessage: error.errorMessage,
      stack: [],
    });
    lines.push({
      timestamp: startedAt,
      message: `${new Date(startedAt).toISOString()}\t${requestId}\tERROR\tInvoke Error \t${logged}\n`,
    });
  }
  const now = clock.now();
  const durationMs = now - startedAt;
  lines.push({ timestamp: now, message: endLine(requestId) });
  lines.push({
    timestamp: now,
    message: reportLine(requestId, { durationMs, memorySizeMb: config.memorySizeMb }),
  });
  return {
    error,
    timedOut,
    logLines: lines,
    logStreamName: stream,
    durationMs,
    coldStart: false,
  };
}
