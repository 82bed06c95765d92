import type { Call, LambdaEnv } from "../env.js";
import { findFunction, functionConfiguration, locate } from "../functions.js";
import { beginUpdate, checkUpdatable } from "../updates.js";
import { packageFrom } from "./createFunction.js";

export interface UpdateFunctionCodeInput {
  FunctionName: string;
  ZipFile?: string;
  S3Bucket?: string;
  S3Key?: string;
  S3ObjectVersion?: string;
  ImageUri?: string;
  Publish?: boolean;
  DryRun?: boolean;
  RevisionId?: string;
  Architectures?: string[];
}

export async function updateFunctionCode(
  env: LambdaEnv,
  call: Call,
  input: UpdateFunctionCodeInput,
): Promise<Record<string, unknown>> {
  const fn = findFunction(env, locate(call, input.FunctionName));
  checkUpdatable(fn, input.RevisionId);
  const code = packageFrom(input);
  if (input.DryRun) {
    // Validates and answers with the configuration the code would get, changing nothing.
    return { ...functionConfiguration(fn), CodeSha256: code.sha256, CodeSize: code.size };
  }
  fn.code = code;
  if (input.Architectures) fn.architectures = [...input.Architectures];
  await beginUpdate(env, call, fn, ["Code"]);
  return functionConfiguration(fn);
}
