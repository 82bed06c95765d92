import type { AccountScope } from "../context.js";
import { functionArn } from "./arns.js";
import { type DeploymentPackage, unpackDeploymentPackage } from "./zip.js";

/**
 * Lambda state, per account and region as on AWS. Only `$LATEST` exists: there are no published
 * versions or aliases here. Plain data apart from the unpacked code, which `snapshot` turns back
 * into the zip it came from.
 */

export type FunctionState = "Pending" | "Active" | "Inactive" | "Failed";
export type LastUpdateStatus = "InProgress" | "Successful" | "Failed";

export type PolicyPrincipal = "*" | { Service: string } | { AWS: string };

/** One statement of a function's resource-based policy, in the shape GetPolicy returns. */
export interface PolicyStatement {
  Sid: string;
  Effect: "Allow";
  Principal: PolicyPrincipal;
  Action: string;
  Resource: string;
  Condition?: Record<string, Record<string, string>>;
}

export interface EventInvokeConfig {
  maximumRetryAttempts?: number;
  maximumEventAgeInSeconds?: number;
  onSuccess?: string;
  onFailure?: string;
  /** Virtual epoch ms. */
  lastModified: number;
}

export interface LambdaFunction {
  readonly name: string;
  readonly arn: string;
  readonly scope: AccountScope;
  runtime: string;
  role: string;
  handler: string;
  description: string;
  timeout: number;
  memorySize: number;
  environment: Record<string, string>;
  architectures: string[];
  ephemeralStorageMb: number;
  tracingMode: "Active" | "PassThrough";
  deadLetterTargetArn?: string;
  tags: Record<string, string>;
  code: DeploymentPackage;
  /** Virtual epoch ms of the last change to code or configuration. */
  lastModified: number;
  revisionId: string;
  state: FunctionState;
  stateReason?: string;
  stateReasonCode?: string;
  lastUpdateStatus?: LastUpdateStatus;
  lastUpdateStatusReason?: string;
  lastUpdateStatusReasonCode?: string;
  policy: PolicyStatement[];
  eventInvokeConfig?: EventInvokeConfig;
}

/** A function as plain JSON, its package as base64 of the zip. */
export type FunctionSnapshot = Omit<LambdaFunction, "code"> & { zipBase64: string };

const scopeKey = (scope: AccountScope) => `${scope.accountId}/${scope.region}`;

export class LambdaStore {
  readonly #regions = new Map<string, Map<string, LambdaFunction>>();

  #functions(scope: AccountScope): Map<string, LambdaFunction> {
    const key = scopeKey(scope);
    let functions = this.#regions.get(key);
    if (!functions) {
      functions = new Map();
      this.#regions.set(key, functions);
    }
    return functions;
  }

  find(scope: AccountScope, name: string): LambdaFunction | undefined {
    return this.#regions.get(scopeKey(scope))?.get(name);
  }

  add(fn: LambdaFunction): void {
    this.#functions(fn.scope).set(fn.name, fn);
  }

  remove(fn: LambdaFunction): void {
    const functions = this.#regions.get(scopeKey(fn.scope));
    if (functions?.get(fn.name) === fn) functions.delete(fn.name);
  }

  /** Functions of one account and region, in name order (ListFunctions pages over this). */
  list(scope: AccountScope): LambdaFunction[] {
    const functions = [...(this.#regions.get(scopeKey(scope))?.values() ?? [])];
    return functions.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  all(): LambdaFunction[] {
    return [...this.#regions.values()].flatMap((functions) => [...functions.values()]);
  }

  clear(): void {
    this.#regions.clear();
  }

  snapshot(): FunctionSnapshot[] {
    return this.all().map(({ code, ...fn }) => ({
      ...structuredClone(fn),
      zipBase64: Buffer.from(code.zip).toString("base64"),
    }));
  }

  restore(snapshot: FunctionSnapshot[]): void {
    this.clear();
    for (const { zipBase64, ...fn } of snapshot) {
      const code = unpackDeploymentPackage(Buffer.from(zipBase64, "base64"));
      this.add({ ...structuredClone(fn), arn: functionArn(fn.scope, fn.name), code });
    }
  }
}
