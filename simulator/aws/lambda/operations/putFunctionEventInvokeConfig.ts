import type { Call, LambdaEnv } from "../env.js";
import { type EventInvokeConfigInput, writeEventInvokeConfig } from "../eventInvokeConfigs.js";

/** PutFunctionEventInvokeConfig replaces the whole configuration (Update merges). */
export function putFunctionEventInvokeConfig(
  env: LambdaEnv,
  call: Call,
  input: EventInvokeConfigInput,
): Record<string, unknown> {
  return writeEventInvokeConfig(env, call, input, () => ({}));
}
