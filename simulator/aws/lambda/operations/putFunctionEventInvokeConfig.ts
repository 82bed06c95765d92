import type { Call, LambdaEnv } from "../env.js";
import { eventInvokeConfigEmpty } from "../errors.js";
import {
  checkDestinations,
  type EventInvokeConfigInput,
  eventInvokeConfigOutput,
} from "../eventInvokeConfigs.js";
import { findFunction, locate } from "../functions.js";
import type { EventInvokeConfig } from "../store.js";

/** PutFunctionEventInvokeConfig replaces the whole configuration (Update merges). */
export function putFunctionEventInvokeConfig(
  env: LambdaEnv,
  call: Call,
  input: EventInvokeConfigInput,
): Record<string, unknown> {
  if (
    input.MaximumRetryAttempts === undefined &&
    input.MaximumEventAgeInSeconds === undefined &&
    input.DestinationConfig === undefined
  ) {
    throw eventInvokeConfigEmpty();
  }
  const fn = findFunction(env, locate(call, input.FunctionName, input.Qualifier));
  const onSuccess = input.DestinationConfig?.OnSuccess?.Destination || undefined;
  const onFailure = input.DestinationConfig?.OnFailure?.Destination || undefined;
  checkDestinations(env, fn, onSuccess, onFailure);
  const config: EventInvokeConfig = {
    ...(input.MaximumRetryAttempts !== undefined
      ? { maximumRetryAttempts: input.MaximumRetryAttempts }
      : {}),
    ...(input.MaximumEventAgeInSeconds !== undefined
      ? { maximumEventAgeInSeconds: input.MaximumEventAgeInSeconds }
      : {}),
    ...(onSuccess ? { onSuccess } : {}),
    ...(onFailure ? { onFailure } : {}),
    lastModified: env.clock.now(),
  };
  fn.eventInvokeConfig = config;
  return eventInvokeConfigOutput(fn, config);
}
