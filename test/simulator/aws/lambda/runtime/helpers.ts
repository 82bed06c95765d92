import { createHash } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach } from "vitest";
import { createFunctionRuntime } from "../../../../../simulator/aws/lambda/runtime/index.js";
import type {
  FunctionCode,
  FunctionInstanceConfig,
  FunctionRuntime,
  InvocationOutcome,
} from "../../../../../simulator/aws/lambda/runtime/types.js";
import type { Clock } from "../../../../../simulator/kernel/clock.js";
import { createVirtualClock } from "../../../../../simulator/kernel/virtualClock.js";

export const START = Date.UTC(2026, 0, 5, 9, 0, 0);
export const ACCOUNT = "123456789012";
export const ENDPOINT = "http://127.0.0.1:4566";

/** Function code as in-memory files (path -> text), with a digest of its content. */
export function code(files: Record<string, string>): FunctionCode {
  const encoder = new TextEncoder();
  const entries = Object.entries(files).sort(([a], [b]) => a.localeCompare(b));
  const hash = createHash("sha256");
  for (const [name, text] of entries) hash.update(`${name}\0${text}\0`);
  return {
    files: new Map(entries.map(([name, text]) => [name, encoder.encode(text)])),
    sha256: hash.digest("base64"),
  };
}

export function functionConfig(
  name: string,
  files: Record<string, string>,
  overrides: Partial<FunctionInstanceConfig> = {},
): FunctionInstanceConfig {
  return {
    functionName: name,
    functionArn: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:${name}`,
    version: "$LATEST",
    runtime: "nodejs20.x",
    handler: "index.handler",
    memorySizeMb: 128,
    timeoutSeconds: 3,
    environment: {},
    region: "eu-west-1",
    accountId: ACCOUNT,
    logGroupName: `/aws/lambda/${name}`,
    code: code(files),
    ...overrides,
  };
}

export interface Harness {
  clock: Clock;
  runtime: FunctionRuntime;
  tempRoot: string;
  /** Invokes with a fresh request id ("req-1", "req-2", ...) and a JSON payload. */
  invoke(
    config: FunctionInstanceConfig,
    event?: unknown,
    requestId?: string,
  ): Promise<InvocationOutcome>;
}

/** A runtime on a virtual clock in its own temporary directory, disposed after the test. */
export function useRuntime(options: { watchdogMs?: number; clock?: Clock } = {}) {
  const harnesses: Harness[] = [];
  afterEach(async () => {
    for (const harness of harnesses.splice(0)) {
      await harness.runtime.dispose();
      await rm(harness.tempRoot, { recursive: true, force: true });
    }
  });
  return async (): Promise<Harness> => {
    const clock = options.clock ?? createVirtualClock({ start: START });
    const tempRoot = await mkdtemp(path.join(tmpdir(), "watermelon-runtime-test-"));
    const runtime = createFunctionRuntime({
      clock,
      watchdogMs: options.watchdogMs,
      endpointUrl: () => ENDPOINT,
      tempRoot,
    });
    let next = 1;
    const harness: Harness = {
      clock,
      runtime,
      tempRoot,
      invoke: (config, event = {}, requestId = `req-${next++}`) =>
        runtime.invoke(config, { requestId, payload: JSON.stringify(event) }),
    };
    harnesses.push(harness);
    return harness;
  };
}

/** The result of a successful invocation, parsed; fails with the error payload otherwise. */
export function resultOf(outcome: InvocationOutcome): unknown {
  if (outcome.error || outcome.result === undefined) {
    throw new Error(`the invocation failed: ${JSON.stringify(outcome.error)}`);
  }
  return JSON.parse(outcome.result);
}

/** Tracks whether a promise has settled yet, without awaiting it. */
export function watch<T>(promise: Promise<T>) {
  const state = { settled: false, value: undefined as T | undefined };
  promise.then(
    (value) => {
      state.settled = true;
      state.value = value;
    },
    () => {
      state.settled = true;
    },
  );
  return state;
}

/** Just the messages of an outcome's log lines. */
export function messages(outcome: InvocationOutcome): string[] {
  return outcome.logLines.map((line) => line.message);
}
