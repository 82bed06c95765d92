import { LATEST } from "../arns.js";
import type { Call, LambdaEnv } from "../env.js";
import {
  constraintViolation,
  functionNotReady,
  invalidClientContext,
  invalidPayload,
  payloadTooLarge,
} from "../errors.js";
import { execute } from "../execution.js";
import { findFunction, invokedArn, locate } from "../functions.js";
import {
  LOG_TAIL_BYTES,
  MAX_ASYNC_PAYLOAD_BYTES,
  MAX_CLIENT_CONTEXT_BYTES,
  MAX_SYNC_PAYLOAD_BYTES,
} from "../limits.js";

export type InvokeType = "RequestResponse" | "Event" | "DryRun";

export interface InvokeInput {
  FunctionName: string;
  Qualifier?: string;
  InvocationType: InvokeType;
  LogType: "None" | "Tail";
  /** X-Amz-Client-Context: base64 of a JSON object. */
  ClientContext?: string;
  Payload: Uint8Array;
}

export interface InvokeOutput {
  StatusCode: 200 | 202 | 204;
  Payload?: string;
  FunctionError?: string;
  LogResult?: string;
  ExecutedVersion?: string;
}

/** The payload limit of an invocation type (6 MB synchronous, 1 MB asynchronous). */
export function payloadLimit(type: InvokeType): number {
  return type === "Event" ? MAX_ASYNC_PAYLOAD_BYTES : MAX_SYNC_PAYLOAD_BYTES;
}

export function payloadTooLargeFor(type: InvokeType) {
  return payloadTooLarge(payloadLimit(type), type === "Event" ? "InvokeAsync" : "InvokeFunction");
}

/** The event as JSON text; an empty body is the empty object, as the runtimes default it. */
export function payloadText(payload: Uint8Array): string {
  const text = Buffer.from(payload).toString("utf8");
  if (text.trim() === "") return "{}";
  try {
    JSON.parse(text);
  } catch (error) {
    throw invalidPayload(error instanceof Error ? error.message : String(error));
  }
  return text;
}

function decodeClientContext(value: string): unknown {
  if (Buffer.byteLength(value) > MAX_CLIENT_CONTEXT_BYTES) {
    throw constraintViolation([
      {
        value,
        member: "clientContext",
        constraint: `Member must have length less than or equal to ${MAX_CLIENT_CONTEXT_BYTES}`,
      },
    ]);
  }
  try {
    const decoded: unknown = JSON.parse(Buffer.from(value, "base64").toString("utf8"));
    if (typeof decoded === "object" && decoded !== null && !Array.isArray(decoded)) return decoded;
  } catch {
    // Reported below.
  }
  throw invalidClientContext();
}

/** X-Amz-Log-Result: base64 of the last 4 KB of the invocation's log. */
function logTail(log: string): string {
  const bytes = Buffer.from(log, "utf8");
  return bytes.subarray(Math.max(0, bytes.length - LOG_TAIL_BYTES)).toString("base64");
}

/**
 * Invoke: RequestResponse runs the function and answers 200 with its result (a function error
 * is still 200, with X-Amz-Function-Error: Unhandled and the error payload); Event queues it
 * (202) under the call's request id; DryRun only checks (204).
 */
export async function invoke(
  env: LambdaEnv,
  call: Call,
  input: InvokeInput,
): Promise<InvokeOutput> {
  if (input.Payload.length > payloadLimit(input.InvocationType)) {
    throw payloadTooLargeFor(input.InvocationType);
  }
  const located = locate(call, input.FunctionName, input.Qualifier);
  // Invoke reports a missing function by its qualified ARN (":$LATEST").
  const fn = findFunction(env, located, { alwaysQualified: true });
  if (fn.state !== "Active") throw functionNotReady(fn.state);
  const invokedFunctionArn = invokedArn(fn, located);
  const payload = payloadText(input.Payload);
  const clientContext =
    input.ClientContext !== undefined ? decodeClientContext(input.ClientContext) : undefined;

  if (input.InvocationType === "DryRun") return { StatusCode: 204 };
  if (input.InvocationType === "Event") {
    env.asyncInvocations.enqueue(
      fn,
      payload,
      {},
      { requestId: call.requestId, invokedFunctionArn },
    );
    return { StatusCode: 202 };
  }
  const result = await execute(env, fn, {
    requestId: call.requestId,
    payload,
    ...(clientContext !== undefined ? { clientContext } : {}),
    invocationType: "RequestResponse",
    attempt: 1,
    correlation: {},
    invokedFunctionArn,
  });
  return {
    StatusCode: 200,
    Payload: result.payload,
    ...(result.outcome !== "success" ? { FunctionError: "Unhandled" } : {}),
    ...(input.LogType === "Tail" ? { LogResult: logTail(result.log) } : {}),
    ExecutedVersion: LATEST,
  };
}
