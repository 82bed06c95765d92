import type { FaultRegistry } from "../../host/faults.js";
import type { Clock } from "../../kernel/clock.js";
import type { IdFactory } from "../../kernel/ids.js";
import type { Journal } from "../../kernel/journal.js";
import type { AccountScope, LogsForLambda } from "../context.js";
import type { AsyncInvocations } from "./asyncInvocations.js";
import type { FunctionRuntime } from "./runtime/types.js";
import type { LambdaStore } from "./store.js";

/** What every operation works with: the store, the clock, the journal and the runtime. */
export interface LambdaEnv {
  readonly clock: Clock;
  readonly journal: Journal;
  readonly ids: IdFactory;
  readonly store: LambdaStore;
  /** Virtual ms before the first async retry; retry n waits n times this. */
  readonly retryBaseMs: number;
  /** The emulator's own URL (Code.Location points back at it). */
  endpoint(): string;
  /** The worker-thread runtime, created on first use. */
  runtime(): FunctionRuntime;
  /** The runtime if it was ever created: retiring instances of a runtime never started is moot. */
  existingRuntime(): FunctionRuntime | undefined;
  logs(): LogsForLambda;
  readonly asyncInvocations: AsyncInvocations;
  /** Lambda faults (error, timeout) consulted before each invocation runs its handler. */
  readonly faults?: FaultRegistry;
  /** A clock timer that reset and dispose cancel. */
  schedule(callback: () => void, delayMs: number, label: string): void;
}

/** One API call: where it lands and the request id AWS gives it. */
export interface Call {
  scope: AccountScope;
  requestId: string;
}

export const JOURNAL_SOURCE = "aws";
