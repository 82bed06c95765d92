import { arnService, LATEST, parseFunctionName, qualifiedArn, scopeOf } from "./arns.js";
import type { Call, LambdaEnv } from "./env.js";
import {
  destinationConfigInvalid,
  destinationIsItself,
  destinationNotFound,
  eventInvokeConfigEmpty,
} from "./errors.js";
import { findFunction, locate } from "./functions.js";
import type { EventInvokeConfig, LambdaFunction } from "./store.js";

/** What Put/Update/Get FunctionEventInvokeConfig share: destination checks and the output shape. */

export interface EventInvokeConfigInput {
  FunctionName: string;
  Qualifier?: string;
  MaximumRetryAttempts?: number;
  MaximumEventAgeInSeconds?: number;
  DestinationConfig?: {
    OnSuccess?: { Destination?: string };
    OnFailure?: { Destination?: string };
  };
}

/** Services a destination may name (the async invocation guide); only Lambda is emulated. */
const DESTINATION_SERVICES = ["lambda", "sqs", "sns", "events", "s3"];

export function checkDestinations(
  env: LambdaEnv,
  fn: LambdaFunction,
  onSuccess: string | undefined,
  onFailure: string | undefined,
): void {
  for (const arn of [onSuccess, onFailure]) {
    if (!arn) continue;
    const service = arnService(arn);
    if (!service || !DESTINATION_SERVICES.includes(service)) {
      throw destinationConfigInvalid(onSuccess, onFailure);
    }
    if (service !== "lambda") continue;
    const ref = parseFunctionName(arn);
    const target = ref ? env.store.find(scopeOf(ref, fn.scope), ref.name) : undefined;
    if (!target) throw destinationNotFound(arn);
    if (target === fn) throw destinationIsItself();
  }
}

export function eventInvokeConfigOutput(fn: LambdaFunction, config: EventInvokeConfig) {
  return {
    // restJson1 timestamps in a body are epoch seconds.
    LastModified: config.lastModified / 1000,
    FunctionArn: qualifiedArn(fn.scope, fn.name, LATEST),
    ...(config.maximumRetryAttempts !== undefined
      ? { MaximumRetryAttempts: config.maximumRetryAttempts }
      : {}),
    ...(config.maximumEventAgeInSeconds !== undefined
      ? { MaximumEventAgeInSeconds: config.maximumEventAgeInSeconds }
      : {}),
    DestinationConfig: {
      OnSuccess: config.onSuccess ? { Destination: config.onSuccess } : {},
      OnFailure: config.onFailure ? { Destination: config.onFailure } : {},
    },
  };
}

/**
 * Put replaces the configuration and Update merges into the current one: both validate, resolve
 * the function and write here. `base` gives what unset members keep (nothing, for Put).
 */
export function writeEventInvokeConfig(
  env: LambdaEnv,
  call: Call,
  input: EventInvokeConfigInput,
  base: (fn: LambdaFunction) => Partial<EventInvokeConfig>,
): Record<string, unknown> {
  if (
    input.MaximumRetryAttempts === undefined &&
    input.MaximumEventAgeInSeconds === undefined &&
    input.DestinationConfig === undefined
  ) {
    throw eventInvokeConfigEmpty();
  }
  const fn = findFunction(env, locate(call, input.FunctionName, input.Qualifier));
  const current = base(fn);
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
