/**
 * Messages between the simulator (main thread) and an execution environment (worker thread).
 * They travel over a private MessagePort, so code inside the function cannot forge them through
 * `worker_threads.parentPort`. The worker imports only types from here: it runs on its own.
 */
import type { FunctionErrorPayload } from "./types.js";

/** What the worker needs before it loads the function's code. */
export interface WorkerBoot {
  taskRoot: string;
  handler: string;
  /** Virtual epoch milliseconds when the environment is created. */
  now: number;
  /** False on a real clock: the worker keeps the real Date (its timers still go through the clock). */
  virtualTime: boolean;
  /** Real milliseconds between heartbeats while the worker has unsettled work. */
  heartbeatMs: number;
  /**
   * Machine-specific paths and the Lambda paths that replace them in logs and traces
   * (temporary task root -> /var/task, this bootstrap -> /var/runtime/index.mjs), longest first.
   */
  aliases: [from: string, to: string][];
}

export interface InvokeMessage {
  kind: "invoke";
  seq: number;
  now: number;
  requestId: string;
  payload: string;
  /** Virtual epoch milliseconds when the invocation times out. */
  deadlineMs: number;
  invokedFunctionArn: string;
  /** The decoded client context, as JSON text. */
  clientContext?: string;
}

export interface TimerFiredMessage {
  kind: "timer";
  seq: number;
  now: number;
  timerId: number;
}

export type MainToWorker = InvokeMessage | TimerFiredMessage;

export type WorkerToMain =
  /** Module loaded (or failed to load: the environment is then unusable). */
  | { kind: "initDone"; error?: FunctionErrorPayload }
  /** One log line, already formatted, ending in "\n". */
  | { kind: "log"; timestamp: number; message: string }
  /** Arms (or re-arms, for refresh) a timer on the simulator clock. */
  | { kind: "timerSet"; timerId: number; delayMs: number; intervalMs?: number }
  | { kind: "timerClear"; timerId: number }
  /** The invocation's response: `result` JSON text, or `error`. */
  | { kind: "result"; requestId: string; result?: string; error?: FunctionErrorPayload }
  /** An uncaught exception or unhandled rejection: the environment must be discarded. */
  | { kind: "fatal"; error: FunctionErrorPayload; exitCode: number }
  /** Every message up to `seq` has been handled and nothing the worker started is pending. */
  | { kind: "settled"; seq: number }
  | { kind: "heartbeat" };

/** Where a Lambda environment keeps its code and its runtime, as traces and logs show them. */
export const LAMBDA_TASK_ROOT = "/var/task";
export const LAMBDA_RUNTIME_ENTRY = "/var/runtime/index.mjs";
