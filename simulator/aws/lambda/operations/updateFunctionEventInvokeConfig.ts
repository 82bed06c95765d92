import { LATEST, qualifiedArn } from "../arns.js";
import type { Call, LambdaEnv } from "../env.js";
import { eventInvokeConfigEmpty, eventInvokeConfigNotFound } from "../errors.js";
import {
  checkDestinations,
  type EventInvokeConfigInput,
  eventInvokeConfigOutput,
} from "../eventInvokeConfigs.js";
import { findFunction, locate } from "../functions.js";
import type { EventInvokeConfig } from "../store.js";

/** UpdateFunctionEventInvokeConfig changes only the members given; the configuration must exist. */
export function updateFunctionEventInvokeConfig(
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
  const current = fn.eventInvokeConfig;
  if (!current) throw eventInvokeConfigNotFound(qualifiedArn(fn.scope, fn.name, LATEST));
  const destinations = input.DestinationConfig;
  const onSuccess = destinations
    ? destinations.OnSuccess?.Destination || undefined
    : current.onSuccess;
  const onFailure = destinations
    ? destinations.OnFailure?.Destination || undefined
    : current.onFailure;
  checkDestinations(env, fn, onSuccess, onFailure);
  const retries = input.MaximumRetryAttempts ?? current.maximumRetryAttempts;
  const age = input.MaximumEventAgeInSeconds ?? current.maximumEventAgeInSeconds;
  const config: EventInvokeConfig = {
    ...(retries !== undefined ? { maximumRetryAttempts: retries } : {}),
    ...(age !== undefined ? { maximumEventAgeInSeconds: age } : {}),
    ...(onSuccess ? { onSuccess } : {}),
    ...(onFailure ? { onFailure } : {}),
    lastModified: env.clock.now(),
  };
  fn.eventInvokeConfig = config;
  return eventInvokeConfigOutput(fn, config);
}
