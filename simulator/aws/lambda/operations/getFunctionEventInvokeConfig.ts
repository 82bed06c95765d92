import { LATEST, qualifiedArn } from "../arns.js";
import type { Call, LambdaEnv } from "../env.js";
import { eventInvokeConfigNotFound } from "../errors.js";
import { eventInvokeConfigOutput } from "../eventInvokeConfigs.js";
import { locate } from "../functions.js";
import type { LambdaFunction } from "../store.js";

export interface EventInvokeConfigTarget {
  FunctionName: string;
  Qualifier?: string;
}

/** A missing function and a missing configuration get the same answer, as on AWS. */
export function functionWithEventInvokeConfig(
  env: LambdaEnv,
  call: Call,
  input: EventInvokeConfigTarget,
): LambdaFunction {
  const { scope, name, qualifier } = locate(call, input.FunctionName, input.Qualifier);
  const fn = env.store.find(scope, name);
  if (!fn?.eventInvokeConfig || (qualifier !== undefined && qualifier !== LATEST)) {
    throw eventInvokeConfigNotFound(qualifiedArn(scope, name, qualifier ?? LATEST));
  }
  return fn;
}

export function getFunctionEventInvokeConfig(
  env: LambdaEnv,
  call: Call,
  input: EventInvokeConfigTarget,
): Record<string, unknown> {
  const fn = functionWithEventInvokeConfig(env, call, input);
  return eventInvokeConfigOutput(
    fn,
    fn.eventInvokeConfig as NonNullable<typeof fn.eventInvokeConfig>,
  );
}
