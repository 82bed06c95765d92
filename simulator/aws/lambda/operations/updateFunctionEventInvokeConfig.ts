import { LATEST, qualifiedArn } from "../arns.js";
import type { Call, LambdaEnv } from "../env.js";
import { eventInvokeConfigNotFound } from "../errors.js";
import { type EventInvokeConfigInput, writeEventInvokeConfig } from "../eventInvokeConfigs.js";

/** UpdateFunctionEventInvokeConfig changes only the members given; the configuration must exist. */
export function updateFunctionEventInvokeConfig(
  env: LambdaEnv,
  call: Call,
  input: EventInvokeConfigInput,
): Record<string, unknown> {
  return writeEventInvokeConfig(env, call, input, (fn) => {
    if (!fn.eventInvokeConfig)
      throw eventInvokeConfigNotFound(qualifiedArn(fn.scope, fn.name, LATEST));
    return fn.eventInvokeConfig;
  });
}
