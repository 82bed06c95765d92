import { functionArn } from "../arns.js";
import { type Call, JOURNAL_SOURCE, type LambdaEnv } from "../env.js";
import {
  codeSourceRequired,
  constraintViolation,
  functionAlreadyExists,
  handlerRequired,
  imagesNotSupported,
  runtimeRequired,
  s3BucketNotFound,
} from "../errors.js";
import {
  checkEnvironment,
  checkLayers,
  checkRuntime,
  functionConfiguration,
  locate,
  touch,
} from "../functions.js";
import {
  DEFAULT_EPHEMERAL_STORAGE_MB,
  DEFAULT_MEMORY_MB,
  DEFAULT_TIMEOUT_SECONDS,
  MAX_FUNCTION_NAME_LENGTH,
} from "../limits.js";
import type { LambdaFunction } from "../store.js";
import { type DeploymentPackage, unpackDeploymentPackage } from "../zip.js";

export interface CodeInput {
  /** Base64 of the .zip, as it travels in the JSON body. */
  ZipFile?: string;
  S3Bucket?: string;
  S3Key?: string;
  S3ObjectVersion?: string;
  ImageUri?: string;
}

export interface CreateFunctionInput {
  FunctionName: string;
  Runtime?: string;
  Role: string;
  Handler?: string;
  Code: CodeInput;
  Description?: string;
  Timeout?: number;
  MemorySize?: number;
  Publish?: boolean;
  PackageType?: "Zip" | "Image";
  DeadLetterConfig?: { TargetArn?: string };
  Environment?: { Variables?: Record<string, string> };
  TracingConfig?: { Mode?: "Active" | "PassThrough" };
  Tags?: Record<string, string>;
  Layers?: string[];
  Architectures?: string[];
  EphemeralStorage?: { Size: number };
}

/** The package a Code or UpdateFunctionCode request carries; only .zip uploads exist here. */
export function packageFrom(code: CodeInput): DeploymentPackage {
  if (code.ImageUri !== undefined) throw imagesNotSupported();
  if (code.ZipFile !== undefined)
    return unpackDeploymentPackage(Buffer.from(code.ZipFile, "base64"));
  if (code.S3Bucket !== undefined || code.S3Key !== undefined) throw s3BucketNotFound();
  throw codeSourceRequired();
}

/**
 * CreateFunction: the function starts Pending ("The function is being created.") and turns
 * Active on a 0-delay clock timer, right after the response, so waiters see both states as on AWS.
 */
export function createFunction(
  env: LambdaEnv,
  call: Call,
  input: CreateFunctionInput,
): Record<string, unknown> {
  const { scope, name } = locate(call, input.FunctionName);
  if (name.length > MAX_FUNCTION_NAME_LENGTH) {
    throw constraintViolation([
      {
        value: input.FunctionName,
        member: "functionName",
        constraint: `Member must have length less than or equal to ${MAX_FUNCTION_NAME_LENGTH}`,
      },
    ]);
  }
  if (input.PackageType === "Image") throw imagesNotSupported();
  if (input.Runtime === undefined) throw runtimeRequired();
  checkRuntime(input.Runtime);
  if (input.Handler === undefined) throw handlerRequired();
  const variables = input.Environment?.Variables ?? {};
  checkEnvironment(variables);
  checkLayers(input.Layers);
  if (env.store.find(scope, name)) throw functionAlreadyExists(name);
  const code = packageFrom(input.Code);

  const now = env.clock.now();
  const fn: LambdaFunction = {
    name,
    arn: functionArn(scope, name),
    scope,
    runtime: input.Runtime,
    role: input.Role,
    handler: input.Handler,
    description: input.Description ?? "",
    timeout: input.Timeout ?? DEFAULT_TIMEOUT_SECONDS,
    memorySize: input.MemorySize ?? DEFAULT_MEMORY_MB,
    environment: { ...variables },
    architectures: input.Architectures ?? ["x86_64"],
    ephemeralStorageMb: input.EphemeralStorage?.Size ?? DEFAULT_EPHEMERAL_STORAGE_MB,
    tracingMode: input.TracingConfig?.Mode ?? "PassThrough",
    ...(input.DeadLetterConfig?.TargetArn
      ? { deadLetterTargetArn: input.DeadLetterConfig.TargetArn }
      : {}),
    tags: { ...(input.Tags ?? {}) },
    code,
    lastModified: now,
    revisionId: env.ids.awsRequestId(),
    state: "Pending",
    stateReason: "The function is being created.",
    stateReasonCode: "Creating",
    policy: [],
  };
  env.store.add(fn);
  env.journal.append("lambda.function.created", {
    source: JOURNAL_SOURCE,
    correlation: { requestId: call.requestId },
    data: {
      functionName: fn.name,
      functionArn: fn.arn,
      runtime: fn.runtime,
      handler: fn.handler,
      timeout: fn.timeout,
      memorySize: fn.memorySize,
      codeSha256: fn.code.sha256,
      codeSize: fn.code.size,
    },
  });
  const response = functionConfiguration(fn);
  env.schedule(
    () => {
      if (env.store.find(scope, name) !== fn) return;
      fn.state = "Active";
      delete fn.stateReason;
      delete fn.stateReasonCode;
      fn.lastUpdateStatus = "Successful";
      touch(env, fn);
    },
    0,
    `lambda activate ${name}`,
  );
  return response;
}
