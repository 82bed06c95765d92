import { createHash } from "node:crypto";
import type { AccountScope } from "../context.js";
import { functionArn, LATEST, parseFunctionName, qualifiedArn, scopeOf } from "./arns.js";
import type { Call, LambdaEnv } from "./env.js";
import {
  deprecatedRuntime,
  environmentTooLarge,
  functionNotFound,
  layerNotFound,
  qualifierMismatch,
  reservedEnvironmentKeys,
  unsupportedRuntime,
} from "./errors.js";
import {
  DEPRECATED_NODE_RUNTIMES,
  MAX_ENVIRONMENT_BYTES,
  RESERVED_ENVIRONMENT_KEYS,
  SUPPORTED_RUNTIMES,
} from "./limits.js";
import type { LambdaFunction } from "./store.js";

/** Helpers shared by the operations: finding a function, checking configuration, rendering it. */

export interface Located {
  scope: AccountScope;
  name: string;
  qualifier?: string;
}

/**
 * Where a FunctionName (name, partial or full ARN, maybe qualified) and a Qualifier point. Only
 * `$LATEST` exists, so any other qualifier is reported as the function not being found.
 */
export function locate(call: Call, functionName: string, qualifier?: string): Located {
  // The edge has checked the pattern; a name that still does not parse is treated literally.
  const ref = parseFunctionName(functionName) ?? { name: functionName };
  if (ref.qualifier !== undefined && qualifier !== undefined && ref.qualifier !== qualifier) {
    throw qualifierMismatch();
  }
  const q = ref.qualifier ?? qualifier;
  return {
    scope: scopeOf(ref, call.scope),
    name: ref.name,
    ...(q !== undefined ? { qualifier: q } : {}),
  };
}

/**
 * The function a call names, or ResourceNotFoundException with the ARN as AWS words it: the
 * unqualified ARN unless a qualifier was given (or `alwaysQualified`, as Invoke reports it).
 */
export function findFunction(
  env: LambdaEnv,
  located: Located,
  options: { alwaysQualified?: boolean } = {},
): LambdaFunction {
  const { scope, name, qualifier } = located;
  const fn = env.store.find(scope, name);
  if (!fn || (qualifier !== undefined && qualifier !== LATEST)) {
    throw functionNotFound(
      qualifier !== undefined || options.alwaysQualified
        ? qualifiedArn(scope, name, qualifier ?? LATEST)
        : functionArn(scope, name),
    );
  }
  return fn;
}

/** context.invokedFunctionArn: the function's ARN, with the qualifier if the caller gave one. */
export function invokedArn(fn: LambdaFunction, located: Located): string {
  return located.qualifier !== undefined ? `${fn.arn}:${located.qualifier}` : fn.arn;
}

export function checkRuntime(runtime: string): void {
  if ((DEPRECATED_NODE_RUNTIMES as readonly string[]).includes(runtime)) {
    throw deprecatedRuntime(runtime);
  }
  if (!(SUPPORTED_RUNTIMES as readonly string[]).includes(runtime)) {
    throw unsupportedRuntime(runtime);
  }
}

export function checkEnvironment(variables: Record<string, string>): void {
  const reserved = Object.keys(variables).filter((key) =>
    (RESERVED_ENVIRONMENT_KEYS as readonly string[]).includes(key),
  );
  if (reserved.length > 0) throw reservedEnvironmentKeys(reserved);
  // AWS measures the compact JSON of the map, as its error message shows.
  const measured = JSON.stringify(variables);
  if (Buffer.byteLength(measured) > MAX_ENVIRONMENT_BYTES) throw environmentTooLarge(measured);
}

export function checkLayers(layers: string[] | undefined): void {
  const first = layers?.[0];
  if (first !== undefined) throw layerNotFound(first);
}

/** Lambda's LastModified: `2026-01-05T09:00:00.000+0000`. */
function lambdaTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString().replace("Z", "+0000");
}

function runtimeVersionArn(region: string, runtime: string): string {
  const digest = createHash("sha256").update(runtime).digest("hex");
  return `arn:aws:lambda:${region}::runtime:${digest}`;
}

export function logGroupName(fn: LambdaFunction): string {
  return `/aws/lambda/${fn.name}`;
}

/** FunctionConfiguration as CreateFunction, GetFunction and the updates return it. */
export function functionConfiguration(fn: LambdaFunction): Record<string, unknown> {
  return {
    FunctionName: fn.name,
    FunctionArn: fn.arn,
    Runtime: fn.runtime,
    Role: fn.role,
    Handler: fn.handler,
    CodeSize: fn.code.size,
    Description: fn.description,
    Timeout: fn.timeout,
    MemorySize: fn.memorySize,
    LastModified: lambdaTimestamp(fn.lastModified),
    CodeSha256: fn.code.sha256,
    Version: LATEST,
    Environment: { Variables: { ...fn.environment } },
    TracingConfig: { Mode: fn.tracingMode },
    RevisionId: fn.revisionId,
    ...(fn.deadLetterTargetArn !== undefined
      ? { DeadLetterConfig: { TargetArn: fn.deadLetterTargetArn } }
      : {}),
    State: fn.state,
    ...(fn.stateReason !== undefined ? { StateReason: fn.stateReason } : {}),
    ...(fn.stateReasonCode !== undefined ? { StateReasonCode: fn.stateReasonCode } : {}),
    ...(fn.lastUpdateStatus !== undefined ? { LastUpdateStatus: fn.lastUpdateStatus } : {}),
    ...(fn.lastUpdateStatusReason !== undefined
      ? { LastUpdateStatusReason: fn.lastUpdateStatusReason }
      : {}),
    ...(fn.lastUpdateStatusReasonCode !== undefined
      ? { LastUpdateStatusReasonCode: fn.lastUpdateStatusReasonCode }
      : {}),
    PackageType: "Zip",
    Architectures: [...fn.architectures],
    EphemeralStorage: { Size: fn.ephemeralStorageMb },
    SnapStart: { ApplyOn: "None", OptimizationStatus: "Off" },
    RuntimeVersionConfig: { RuntimeVersionArn: runtimeVersionArn(fn.scope.region, fn.runtime) },
    LoggingConfig: { LogFormat: "Text", LogGroup: logGroupName(fn) },
  };
}

/** ListFunctions leaves out the state members (LocalStack's AWS-validated snapshots agree). */
export function listedConfiguration(fn: LambdaFunction): Record<string, unknown> {
  const {
    State: _state,
    StateReason: _reason,
    StateReasonCode: _code,
    LastUpdateStatus: _status,
    LastUpdateStatusReason: _statusReason,
    LastUpdateStatusReasonCode: _statusCode,
    RuntimeVersionConfig: _runtimeVersion,
    ...listed
  } = functionConfiguration(fn);
  return listed;
}

/** Every change to code, configuration or policy gets a new revision id. */
export function touch(env: LambdaEnv, fn: LambdaFunction): void {
  fn.revisionId = env.ids.awsRequestId();
}
