import type { Call, LambdaEnv } from "../env.js";
import {
  checkEnvironment,
  checkLayers,
  checkRuntime,
  findFunction,
  functionConfiguration,
  locate,
} from "../functions.js";
import { beginUpdate, checkUpdatable } from "../updates.js";

export interface UpdateFunctionConfigurationInput {
  FunctionName: string;
  Role?: string;
  Handler?: string;
  Description?: string;
  Timeout?: number;
  MemorySize?: number;
  Environment?: { Variables?: Record<string, string> };
  Runtime?: string;
  DeadLetterConfig?: { TargetArn?: string };
  TracingConfig?: { Mode?: "Active" | "PassThrough" };
  RevisionId?: string;
  Layers?: string[];
  EphemeralStorage?: { Size: number };
}

export async function updateFunctionConfiguration(
  env: LambdaEnv,
  call: Call,
  input: UpdateFunctionConfigurationInput,
): Promise<Record<string, unknown>> {
  const fn = findFunction(env, locate(call, input.FunctionName));
  checkUpdatable(fn, input.RevisionId);
  if (input.Runtime !== undefined) checkRuntime(input.Runtime);
  const variables = input.Environment ? (input.Environment.Variables ?? {}) : undefined;
  if (variables) checkEnvironment(variables);
  checkLayers(input.Layers);

  const changed: string[] = [];
  const set = <K extends keyof typeof fn>(
    member: string,
    key: K,
    value: (typeof fn)[K] | undefined,
  ) => {
    if (value === undefined) return;
    fn[key] = value;
    changed.push(member);
  };
  set("Role", "role", input.Role);
  set("Handler", "handler", input.Handler);
  set("Description", "description", input.Description);
  set("Timeout", "timeout", input.Timeout);
  set("MemorySize", "memorySize", input.MemorySize);
  set("Environment", "environment", variables ? { ...variables } : undefined);
  set("Runtime", "runtime", input.Runtime);
  set("TracingConfig", "tracingMode", input.TracingConfig?.Mode);
  set("EphemeralStorage", "ephemeralStorageMb", input.EphemeralStorage?.Size);
  if (input.DeadLetterConfig) {
    const target = input.DeadLetterConfig.TargetArn;
    if (target) fn.deadLetterTargetArn = target;
    else delete fn.deadLetterTargetArn;
    changed.push("DeadLetterConfig");
  }
  await beginUpdate(env, call, fn, changed);
  return functionConfiguration(fn);
}
