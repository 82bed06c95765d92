import { LATEST } from "../arns.js";
import type { Call, LambdaEnv } from "../env.js";
import { listedConfiguration } from "../functions.js";
import { MAX_LIST_FUNCTIONS_PAGE } from "../limits.js";

export interface ListFunctionsInput {
  MasterRegion?: string;
  FunctionVersion?: "ALL";
  Marker?: string;
  MaxItems?: number;
}

/**
 * ListFunctions pages through the functions in name order, at most 50 a page whatever MaxItems
 * says. The marker is the name the next page starts at (opaque to clients).
 */
export function listFunctions(
  env: LambdaEnv,
  call: Call,
  input: ListFunctionsInput,
): Record<string, unknown> {
  const all = env.store.list(call.scope);
  const marker = input.Marker;
  const start = marker === undefined ? 0 : all.findIndex((fn) => fn.name >= marker);
  const from = start < 0 ? all.length : start;
  const size = Math.min(input.MaxItems ?? MAX_LIST_FUNCTIONS_PAGE, MAX_LIST_FUNCTIONS_PAGE);
  const page = all.slice(from, from + size);
  const next = all[from + size];
  return {
    Functions: page.map((fn) => {
      const listed = listedConfiguration(fn);
      // With FunctionVersion=ALL every version is listed by its qualified ARN; $LATEST is the one.
      return input.FunctionVersion === "ALL"
        ? { ...listed, FunctionArn: `${fn.arn}:${LATEST}` }
        : listed;
    }),
    ...(next ? { NextMarker: next.name } : {}),
  };
}
