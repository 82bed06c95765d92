import type { TimerHandle } from "../../kernel/clock.js";
import type {
  AccountScope,
  AwsServiceContext,
  AwsSubservice,
  LambdaForLogs,
  LogsForLambda,
} from "../context.js";
import { LATEST, parseFunctionName, scopeOf } from "./arns.js";
import { AsyncInvocations } from "./asyncInvocations.js";
import type { LambdaEnv } from "./env.js";
import { findFunction, invokedArn, locate } from "./functions.js";
import { createLambdaHandler } from "./http.js";
import { DEFAULT_RETRY_BASE_MS } from "./limits.js";
import { payloadLimit, payloadText, payloadTooLargeFor } from "./operations/invoke.js";
import { allowsInvoke } from "./policy.js";
import { createFunctionRuntime } from "./runtime/index.js";
import type { FunctionRuntime } from "./runtime/types.js";
import { LambdaStore } from "./store.js";

export interface LambdaOptions {
  /**
   * Virtual ms before the first retry of a failed asynchronous invocation; retry n waits n times
   * this (default 60_000: AWS's one then two minutes). LocalStack's LAMBDA_RETRY_BASE_DELAY.
   */
  retryBaseMs?: number;
  /** Real ms a function may spin in synchronous code before its worker is stopped as timed out. */
  watchdogMs?: number;
  /** Where function code is unpacked for its workers (default: the OS temp directory). */
  tempRoot?: string;
}

/**
 * The Lambda API (restJson1, `/2015-03-31/functions/...`): functions from .zip packages, run by
 * the worker-thread runtime on the simulator clock; synchronous and asynchronous invocation with
 * AWS's retries and destinations; resource policies that CloudWatch Logs checks.
 */
export function createLambdaService(
  ctx: AwsServiceContext,
  options: LambdaOptions,
  deps: { logs(): LogsForLambda },
): AwsSubservice<LambdaForLogs> {
  const retryBaseMs = options.retryBaseMs ?? DEFAULT_RETRY_BASE_MS;
  if (!Number.isFinite(retryBaseMs) || retryBaseMs < 0) {
    throw new RangeError(`lambda.retryBaseMs must be a finite number >= 0, got ${retryBaseMs}`);
  }
  const store = new LambdaStore();
  const timers = new Set<TimerHandle>();
  let runtime: FunctionRuntime | undefined;

  const env: LambdaEnv = {
    clock: ctx.clock,
    journal: ctx.journal,
    ids: ctx.ids,
    store,
    retryBaseMs,
    endpoint: ctx.endpoint,
    runtime() {
      if (runtime) return runtime;
      const created: FunctionRuntime = createFunctionRuntime({
        clock: ctx.clock,
        endpointUrl: ctx.endpoint,
        ...(options.watchdogMs !== undefined ? { watchdogMs: options.watchdogMs } : {}),
        ...(options.tempRoot !== undefined ? { tempRoot: options.tempRoot } : {}),
      });
      runtime = created;
      return created;
    },
    existingRuntime: () => runtime,
    logs: deps.logs,
    ...(ctx.faults ? { faults: ctx.faults } : {}),
    get asyncInvocations() {
      return asyncInvocations;
    },
    schedule(callback, delayMs, label) {
      const handle = ctx.clock.setTimeout(
        () => {
          timers.delete(handle);
          callback();
        },
        delayMs,
        label,
      );
      timers.add(handle);
    },
  };
  const asyncInvocations = new AsyncInvocations(env);

  const cancelTimers = () => {
    for (const handle of timers) ctx.clock.clearTimeout(handle);
    timers.clear();
    asyncInvocations.clear();
  };

  /** The function a Logs subscription names by ARN, in the subscription's account and region. */
  const functionAt = (scope: AccountScope, arn: string) => {
    const ref = parseFunctionName(arn);
    // Only $LATEST exists: an ARN naming a version or alias names nothing here.
    if (!ref || (ref.qualifier !== undefined && ref.qualifier !== LATEST)) return undefined;
    return store.find(scopeOf(ref, scope), ref.name);
  };

  const internal: LambdaForLogs = {
    functionExists: (scope, arn) => functionAt(scope, arn) !== undefined,
    allowsInvoke: (scope, arn, principal, sourceArn, sourceAccount) => {
      const fn = functionAt(scope, arn);
      return fn ? allowsInvoke(fn.policy, { principal, sourceArn, sourceAccount }) : false;
    },
    invokeAsync: (scope, arn, payload, correlation) => {
      const call = { scope, requestId: ctx.ids.awsRequestId() };
      // Throws ResourceNotFoundException as Invoke words it. A Pending function still takes the
      // event: it waits in the queue until the function is Active.
      const located = locate(call, arn);
      const fn = findFunction(env, located, { alwaysQualified: true });
      const bytes = Buffer.from(payload, "utf8");
      if (bytes.length > payloadLimit("Event")) throw payloadTooLargeFor("Event");
      asyncInvocations.enqueue(fn, payloadText(bytes), correlation, {
        requestId: call.requestId,
        invokedFunctionArn: invokedArn(fn, located),
      });
      return { requestId: call.requestId };
    },
  };

  return {
    handle: createLambdaHandler(env),
    internal,
    reset() {
      cancelTimers();
      for (const fn of store.all()) void runtime?.retire(fn.arn).catch(() => {});
      store.clear();
    },
    state() {
      return {
        functions: store.all().map((fn) => ({
          accountId: fn.scope.accountId,
          region: fn.scope.region,
          functionName: fn.name,
          functionArn: fn.arn,
          runtime: fn.runtime,
          handler: fn.handler,
          state: fn.state,
          lastUpdateStatus: fn.lastUpdateStatus,
          codeSha256: fn.code.sha256,
          policyStatements: fn.policy.map((s) => s.Sid),
          eventInvokeConfig: fn.eventInvokeConfig,
        })),
        asyncInvocationsPending: asyncInvocations.pending,
      };
    },
    async dispose() {
      cancelTimers();
      asyncInvocations.stop();
      const running = runtime;
      runtime = undefined;
      await running?.dispose();
    },
  };
}
