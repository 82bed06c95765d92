import type { Call, LambdaEnv } from "../env.js";
import { findFunction, functionConfiguration, locate } from "../functions.js";

export interface GetFunctionInput {
  FunctionName: string;
  Qualifier?: string;
}

/** Where GetFunction's Code.Location lets a client download the package back (emulator route). */
function codeLocation(env: LambdaEnv, functionArn: string): string {
  return `${env.endpoint()}/2015-03-31/functions/${encodeURIComponent(functionArn)}/code`;
}

export function getFunction(
  env: LambdaEnv,
  call: Call,
  input: GetFunctionInput,
): Record<string, unknown> {
  const fn = findFunction(env, locate(call, input.FunctionName, input.Qualifier));
  return {
    Configuration: functionConfiguration(fn),
    Code: { RepositoryType: "S3", Location: codeLocation(env, fn.arn) },
    ...(Object.keys(fn.tags).length > 0 ? { Tags: { ...fn.tags } } : {}),
  };
}

/** The emulator-only download behind Code.Location: the zip as uploaded. */
export function getFunctionCodeZip(
  env: LambdaEnv,
  call: Call,
  input: GetFunctionInput,
): Uint8Array {
  return findFunction(env, locate(call, input.FunctionName, input.Qualifier)).code.zip;
}
