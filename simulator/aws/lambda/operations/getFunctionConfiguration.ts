import type { Call, LambdaEnv } from "../env.js";
import { findFunction, functionConfiguration, locate } from "../functions.js";
import type { GetFunctionInput } from "./getFunction.js";

export function getFunctionConfiguration(
  env: LambdaEnv,
  call: Call,
  input: GetFunctionInput,
): Record<string, unknown> {
  return functionConfiguration(
    findFunction(env, locate(call, input.FunctionName, input.Qualifier)),
  );
}
