import type { Call, LambdaEnv } from "../env.js";
import {
  type EventInvokeConfigTarget,
  functionWithEventInvokeConfig,
} from "./getFunctionEventInvokeConfig.js";

export function deleteFunctionEventInvokeConfig(
  env: LambdaEnv,
  call: Call,
  input: EventInvokeConfigTarget,
): void {
  const fn = functionWithEventInvokeConfig(env, call, input);
  delete fn.eventInvokeConfig;
}
