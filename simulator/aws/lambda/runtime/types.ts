/**
 * The boundary between the Lambda API (functions, versions, invocations, retries) and the
 * runtime that executes a function's code in an isolated worker thread on the simulator clock.
 */

/** A deployed function's code, unpacked from its zip. */
export interface FunctionCode {
  /** Paths inside the zip (forward slashes, no leading "/") to their bytes. */
  files: ReadonlyMap<string, Uint8Array>;
  /** A digest of the zip, identifying this code version (CodeSha256, base64). */
  sha256: string;
}

export interface FunctionInstanceConfig {
  functionName: string;
  functionArn: string;
  /** "$LATEST" or a version number. */
  version: string;
  runtime: string;
  /** "file.export", resolved as the Node.js runtime does from the task root. */
  handler: string;
  memorySizeMb: number;
  timeoutSeconds: number;
  /** The function's Environment.Variables; the runtime adds the reserved AWS_* ones. */
  environment: Record<string, string>;
  region: string;
  accountId: string;
  logGroupName: string;
  code: FunctionCode;
}

export interface InvocationRequest {
  requestId: string;
  /** The raw payload (JSON text). */
  payload: string;
  /** Decoded X-Amz-Client-Context, if any. */
  clientContext?: unknown;
  /** The ARN the caller named, qualifier included (context.invokedFunctionArn); default functionArn. */
  invokedFunctionArn?: string;
}

export interface FunctionErrorPayload {
  errorType: string;
  errorMessage: string;
  trace: string[];
}

export interface InvocationOutcome {
  /** The handler's result serialized as JSON text ("null" for undefined), when it succeeded. */
  result?: string;
  /** The error payload AWS returns with X-Amz-Function-Error: Unhandled. */
  error?: FunctionErrorPayload;
  /** Task timed out (virtual time past the timeout, or the real-time watchdog for a stuck loop). */
  timedOut: boolean;
  /** Every log line of the invocation, each ending in "\n": START, the function's output, END, REPORT. */
  logLines: { timestamp: number; message: string }[];
  /** The log stream name of the instance that ran it: "YYYY/MM/DD/[$LATEST]<32 hex>". */
  logStreamName: string;
  /** Virtual milliseconds the invocation took. */
  durationMs: number;
  /** Set on a cold start: virtual milliseconds spent loading the module. */
  initDurationMs?: number;
  /** A new execution environment was created for this invocation. */
  coldStart?: boolean;
}

export interface FunctionRuntime {
  /** Runs one invocation on a warm instance of this configuration, or a new one (cold start). */
  invoke(config: FunctionInstanceConfig, request: InvocationRequest): Promise<InvocationOutcome>;
  /** Drops warm instances of a function (its code or configuration changed, or it was deleted). */
  retire(functionArn: string): Promise<void>;
  /** Terminates every worker. */
  dispose(): Promise<void>;
}
