/**
 * Lambda limits and defaults, each named once. Sources: the Smithy model
 * (specs/aws/lambda-2015-03-31.json), the Lambda quotas page
 * (docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html), the asynchronous invocation
 * guide (.../lambda/latest/dg/invocation-async-error-handling.html), LocalStack's
 * LAMBDA_LIMITS_* defaults and reference/aws-sim.md §3.
 */

const MB = 1_048_576;

// Function configuration (model: CreateFunctionRequest, FunctionConfiguration).
/** "The amount of time (in seconds) that Lambda allows a function to run before stopping it. The default is 3 seconds." */
export const DEFAULT_TIMEOUT_SECONDS = 3;
/** Quotas page: "Function timeout: 900 seconds (15 minutes)"; the model itself only says >= 1. */
export const MAX_TIMEOUT_SECONDS = 900;
/** Model: MemorySize range 128..10240, default 128. */
export const DEFAULT_MEMORY_MB = 128;
export const MIN_MEMORY_MB = 128;
export const MAX_MEMORY_MB = 10_240;
/** Model: EphemeralStorageSize 512..10240, default 512. */
export const DEFAULT_EPHEMERAL_STORAGE_MB = 512;
/** The function name inside FunctionName (the model allows 140 for ARNs; names are 1..64). */
export const MAX_FUNCTION_NAME_LENGTH = 64;
/** Quotas page: "Function environment variables: 4 KB, for all environment variables combined". */
export const MAX_ENVIRONMENT_BYTES = 4096;

// Deployment packages (quotas page; LocalStack LAMBDA_LIMITS_CODE_SIZE_* and CREATE_FUNCTION_REQUEST_SIZE).
/** "50 MB (zipped, when uploaded through the Lambda API or SDKs)". */
export const MAX_ZIPPED_CODE_BYTES = 52_428_800;
/** "250 MB" unzipped, including layers. */
export const MAX_UNZIPPED_CODE_BYTES = 262_144_000;
/** The largest CreateFunction/UpdateFunctionCode request AWS reads (base64 of 50 MB plus JSON). */
export const MAX_CODE_REQUEST_BYTES = 70_167_211;
/** No documented limit for the other JSON operations; generous, and stops a runaway body. */
export const MAX_JSON_REQUEST_BYTES = 6 * MB;

// Invocation (quotas page "Invocation payload (request and response)"; aws-sim.md §0.5).
/** "6 MB each for request and response (synchronous)". */
export const MAX_SYNC_PAYLOAD_BYTES = 6 * MB;
/** "1 MB for asynchronous invocations" since the 2025-10-28 model change (was 256 KB). */
export const MAX_ASYNC_PAYLOAD_BYTES = MB;
/** The response limit AWS names in Function.ResponseSizeTooLarge (6 MB plus 100 bytes of framing). */
export const MAX_RESPONSE_PAYLOAD_BYTES = 6_291_556;
/** X-Amz-Log-Result: "the last 4 KB of the execution log". */
export const LOG_TAIL_BYTES = 4096;
/** API reference, Invoke ClientContext: "up to 3,583 bytes of base64-encoded data". */
export const MAX_CLIENT_CONTEXT_BYTES = 3583;

// Asynchronous invocation (invocation-async-error-handling.html; model: FunctionEventInvokeConfig).
/** "Lambda retries the function two more times" by default; model MaximumRetryAttempts 0..2. */
export const DEFAULT_MAXIMUM_RETRY_ATTEMPTS = 2;
export const MAX_RETRY_ATTEMPTS = 2;
/** "Lambda keeps events in the queue for up to 6 hours"; model MaximumEventAgeInSeconds 60..21600. */
export const DEFAULT_MAXIMUM_EVENT_AGE_SECONDS = 21_600;
export const MIN_EVENT_AGE_SECONDS = 60;
export const MAX_EVENT_AGE_SECONDS = 21_600;
/**
 * "waiting one minute before the first retry and two minutes before the second": retry n waits
 * n times this base, as LocalStack's LAMBDA_RETRY_BASE_DELAY (default 60 s) does.
 */
export const DEFAULT_RETRY_BASE_MS = 60_000;
/** An event that finds its function still Pending waits this long before it is looked at again. */
export const PENDING_REQUEUE_MS = 1000;

// Resource policy (quotas page: "Function resource-based policy: 20 KB").
export const MAX_POLICY_BYTES = 20_480;
/** Model: StatementId length 1..100. */
export const MAX_STATEMENT_ID_LENGTH = 100;

// Listing (API reference, ListFunctions: "Lambda returns up to 50 functions per call").
export const MAX_LIST_FUNCTIONS_PAGE = 50;

/** Runtimes whose functions this emulator runs: the Node.js ones AWS still lets you create. */
export const SUPPORTED_RUNTIMES = ["nodejs20.x", "nodejs22.x", "nodejs24.x"] as const;
/**
 * Node.js runtimes AWS no longer accepts for creating or updating functions (Lambda runtimes
 * page, "Deprecated runtimes"); the error recommends the newest one.
 */
export const DEPRECATED_NODE_RUNTIMES = [
  "nodejs",
  "nodejs4.3",
  "nodejs4.3-edge",
  "nodejs6.10",
  "nodejs8.10",
  "nodejs10.x",
  "nodejs12.x",
  "nodejs14.x",
  "nodejs16.x",
  "nodejs18.x",
] as const;
export const RECOMMENDED_NODE_RUNTIME = "nodejs24.x";

/**
 * Environment variables Lambda sets itself and refuses in Environment.Variables (Lambda guide,
 * "Defined runtime environment variables": the reserved ones).
 */
export const RESERVED_ENVIRONMENT_KEYS = [
  "_HANDLER",
  "_X_AMZN_TRACE_ID",
  "AWS_DEFAULT_REGION",
  "AWS_REGION",
  "AWS_EXECUTION_ENV",
  "AWS_LAMBDA_FUNCTION_NAME",
  "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
  "AWS_LAMBDA_FUNCTION_VERSION",
  "AWS_LAMBDA_INITIALIZATION_TYPE",
  "AWS_LAMBDA_LOG_GROUP_NAME",
  "AWS_LAMBDA_LOG_STREAM_NAME",
  "AWS_ACCESS_KEY",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_LAMBDA_RUNTIME_API",
  "LAMBDA_TASK_ROOT",
  "LAMBDA_RUNTIME_DIR",
] as const;
