import type { AccountScope } from "../context.js";
import { arnService, LATEST, parseFunctionName, scopeOf } from "./arns.js";
import { JOURNAL_SOURCE, type LambdaEnv } from "./env.js";
import { type ExecutionResult, execute } from "./execution.js";
import {
  DEFAULT_MAXIMUM_EVENT_AGE_SECONDS,
  DEFAULT_MAXIMUM_RETRY_ATTEMPTS,
  PENDING_REQUEUE_MS,
} from "./limits.js";
import type { LambdaFunction } from "./store.js";

/**
 * Lambda's asynchronous invocation, as the async error-handling guide describes it (reference/
 * aws-sim.md §3.4): an event is queued and run as soon as possible; a function error or timeout
 * is retried MaximumRetryAttempts times (default 2), retry n waiting n x retryBaseMs (1 then 2
 * minutes); an event older than MaximumEventAgeInSeconds is not run again. Then the invocation
 * record goes to the on-failure destination: another function here is invoked asynchronously
 * with it; anything else (SQS, SNS, EventBridge, S3 are not emulated), or no destination, is
 * journaled as `lambda.invocation.dead_lettered` with the record.
 */

type Condition = "Success" | "RetriesExhausted" | "EventAgeExceeded";

interface QueuedEvent {
  requestId: string;
  scope: AccountScope;
  functionName: string;
  /** The function the event was queued for: a function deleted and re-created is another one. */
  target: LambdaFunction;
  payload: string;
  correlation: Record<string, string>;
  invokedFunctionArn: string;
  enqueuedAt: number;
  /** Attempts made so far. */
  attempts: number;
  last?: ExecutionResult;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export class AsyncInvocations {
  readonly #env: LambdaEnv;
  #queued = 0;
  #stopped = false;

  constructor(env: LambdaEnv) {
    this.#env = env;
  }

  /** Events queued or waiting for a retry. */
  get pending(): number {
    return this.#queued;
  }

  /** The service is shutting down: attempts still running conclude without a word. */
  stop(): void {
    this.#stopped = true;
  }

  /** Forgets the count after reset: the timers themselves are cancelled by the service. */
  clear(): void {
    this.#queued = 0;
  }

  /** Queues an Event invocation; returns its request id, which every retry keeps. */
  enqueue(
    fn: LambdaFunction,
    payload: string,
    correlation: Record<string, string>,
    options: { requestId?: string; invokedFunctionArn?: string } = {},
  ): string {
    const requestId = options.requestId ?? this.#env.ids.awsRequestId();
    const event: QueuedEvent = {
      requestId,
      scope: fn.scope,
      functionName: fn.name,
      target: fn,
      payload,
      correlation: { ...correlation },
      invokedFunctionArn: options.invokedFunctionArn ?? fn.arn,
      enqueuedAt: this.#env.clock.now(),
      attempts: 0,
    };
    this.#queued += 1;
    this.#schedule(event, 0, `lambda async ${fn.name} ${requestId}`);
    return requestId;
  }

  #schedule(event: QueuedEvent, delayMs: number, label: string): void {
    this.#env.schedule(
      () => {
        // #attempt handles every failure of the function and the runtime; anything else is a
        // bug that should surface as an unhandled rejection, not vanish inside a timer.
        void this.#attempt(event);
      },
      delayMs,
      label,
    );
  }

  #settle(): void {
    this.#queued = Math.max(0, this.#queued - 1);
  }

  async #attempt(event: QueuedEvent): Promise<void> {
    const env = this.#env;
    const fn = env.store.find(event.scope, event.functionName);
    if (fn !== event.target) {
      // AWS discards the queued events of a deleted function.
      this.#settle();
      env.journal.append("lambda.invocation.dead_lettered", {
        source: JOURNAL_SOURCE,
        correlation: { ...event.correlation, requestId: event.requestId },
        data: {
          functionName: event.functionName,
          requestId: event.requestId,
          reason: "FunctionNotFound",
          approximateInvokeCount: event.attempts,
        },
      });
      return;
    }
    if (fn.state === "Pending") {
      this.#schedule(
        event,
        PENDING_REQUEUE_MS,
        `lambda async ${fn.name} ${event.requestId} pending`,
      );
      return;
    }
    const maxRetries = fn.eventInvokeConfig?.maximumRetryAttempts ?? DEFAULT_MAXIMUM_RETRY_ATTEMPTS;
    const maxAgeMs =
      (fn.eventInvokeConfig?.maximumEventAgeInSeconds ?? DEFAULT_MAXIMUM_EVENT_AGE_SECONDS) * 1000;
    if (env.clock.now() - event.enqueuedAt > maxAgeMs) {
      this.#settle();
      this.#conclude(fn, event, "EventAgeExceeded");
      return;
    }

    event.attempts += 1;
    let result: ExecutionResult;
    try {
      result = await execute(env, fn, {
        requestId: event.requestId,
        payload: event.payload,
        invocationType: "Event",
        attempt: event.attempts,
        correlation: event.correlation,
        invokedFunctionArn: event.invokedFunctionArn,
      });
    } catch (error) {
      // The runtime failed rather than the function: count it as a failed attempt.
      const message = error instanceof Error ? error.message : String(error);
      result = {
        outcome: "error",
        payload: JSON.stringify({ errorType: "ServiceException", errorMessage: message }),
        errorType: "ServiceException",
        log: "",
      };
    }
    // Stopping kills the workers, which fails the attempts in flight: that is not the function's doing.
    if (this.#stopped) return;
    event.last = result;

    if (result.outcome === "success") {
      this.#settle();
      this.#conclude(fn, event, "Success");
      return;
    }
    if (event.attempts <= maxRetries) {
      const delayMs = event.attempts * env.retryBaseMs;
      env.journal.append("lambda.invocation.retry_scheduled", {
        source: JOURNAL_SOURCE,
        correlation: { ...event.correlation, requestId: event.requestId },
        data: {
          functionName: fn.name,
          requestId: event.requestId,
          attempt: event.attempts + 1,
          delayMs,
          previousOutcome: result.outcome,
          ...(result.errorType !== undefined ? { errorType: result.errorType } : {}),
        },
      });
      this.#schedule(
        event,
        delayMs,
        `lambda async ${fn.name} ${event.requestId} retry ${event.attempts}`,
      );
      return;
    }
    this.#settle();
    this.#conclude(fn, event, "RetriesExhausted");
  }

  /** The invocation record of the destination guide (LocalStack's AWS-validated snapshot). */
  #record(fn: LambdaFunction, event: QueuedEvent, condition: Condition) {
    const last = event.last;
    return {
      version: "1.0",
      timestamp: this.#env.clock.date().toISOString(),
      requestContext: {
        requestId: event.requestId,
        functionArn: `${fn.arn}:${LATEST}`,
        condition,
        approximateInvokeCount: event.attempts,
      },
      requestPayload: parseJson(event.payload),
      ...(last
        ? {
            responseContext: {
              statusCode: 200,
              executedVersion: LATEST,
              ...(last.outcome === "success" ? {} : { functionError: "Unhandled" }),
            },
            responsePayload: parseJson(last.payload),
          }
        : {}),
    };
  }

  #conclude(fn: LambdaFunction, event: QueuedEvent, condition: Condition): void {
    const env = this.#env;
    const destination =
      condition === "Success" ? fn.eventInvokeConfig?.onSuccess : fn.eventInvokeConfig?.onFailure;
    if (condition === "Success" && !destination) return;
    const record = this.#record(fn, event, condition);
    const correlation = { ...event.correlation, requestId: event.requestId };
    const base = { functionName: fn.name, requestId: event.requestId, condition };
    const service = destination ? arnService(destination) : undefined;

    if (destination && service === "lambda") {
      const ref = parseFunctionName(destination);
      const target = ref ? env.store.find(scopeOf(ref, fn.scope), ref.name) : undefined;
      if (target) {
        const destinationRequestId = this.enqueue(
          target,
          JSON.stringify(record),
          { ...event.correlation, sourceRequestId: event.requestId },
          { invokedFunctionArn: destination },
        );
        env.journal.append("lambda.destination.delivered", {
          source: JOURNAL_SOURCE,
          correlation,
          data: {
            ...base,
            destinationArn: destination,
            destinationType: "lambda",
            destinationRequestId,
          },
        });
        return;
      }
    }
    if (condition === "Success" && destination) {
      // A success record for a service not emulated here: kept in the journal, nowhere else.
      env.journal.append("lambda.destination.delivered", {
        source: JOURNAL_SOURCE,
        correlation,
        data: { ...base, destinationArn: destination, destinationType: service, record },
      });
      return;
    }
    env.journal.append("lambda.invocation.dead_lettered", {
      source: JOURNAL_SOURCE,
      correlation,
      data: {
        ...base,
        ...(destination ? { destinationArn: destination, destinationType: service } : {}),
        ...(destination && service === "lambda" ? { reason: "DestinationNotFound" } : {}),
        ...(fn.deadLetterTargetArn !== undefined
          ? { deadLetterTargetArn: fn.deadLetterTargetArn }
          : {}),
        record,
      },
    });
  }
}
