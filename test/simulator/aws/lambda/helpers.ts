import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  CreateFunctionCommand,
  type CreateFunctionCommandInput,
  LambdaClient,
  waitUntilFunctionActiveV2,
} from "@aws-sdk/client-lambda";
import { strToU8, zipSync } from "fflate";
import {
  createSimulator,
  type Simulator,
  type SimulatorOptions,
} from "../../../../simulator/cli/api.js";

export const REGION = "us-east-1";
export const ACCOUNT = "000000000000";
export const ROLE = `arn:aws:iam::${ACCOUNT}:role/lambda-role`;
export const CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };

export const arnOf = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;

/** A .zip deployment package built in memory, as a user would zip their handler. */
export function zipOf(files: Record<string, string>): Uint8Array {
  return zipSync(
    Object.fromEntries(Object.entries(files).map(([name, text]) => [name, strToU8(text)])),
  );
}

export const handlers = {
  echo: `exports.handler = async (event, context) => ({ event, requestId: context.awsRequestId, fn: context.functionName });`,
  logs: `exports.handler = async (event) => { console.log("hello from the handler"); return "ok"; };`,
  boom: `exports.handler = async () => { throw new Error("boom"); };`,
  /** Logs the event it gets, so a destination record can be read back from its log group. */
  collector: `exports.handler = async (event) => { console.log("RECORD " + JSON.stringify(event)); return "stored"; };`,
};

export interface Harness {
  sim: Simulator;
  lambda: LambdaClient;
  endpoint: string;
  dispose(): Promise<void>;
}

/** The whole simulator in-process (CA in a temp home), with an SDK v3 Lambda client on it. */
export async function startHarness(options: SimulatorOptions = {}): Promise<Harness> {
  const home = mkdtempSync(path.join(os.tmpdir(), "watermelon-lambda-test-"));
  const sim = createSimulator({ home, ...options });
  await sim.ready;
  const endpoint = sim.endpoints.aws.url;
  const lambda = new LambdaClient({ endpoint, region: REGION, credentials: CREDENTIALS });
  return {
    sim,
    lambda,
    endpoint,
    async dispose() {
      lambda.destroy();
      await sim.dispose();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export function createInput(
  name: string,
  code: string | Record<string, string>,
  extra: Partial<CreateFunctionCommandInput> = {},
): CreateFunctionCommandInput {
  const files = typeof code === "string" ? { "index.js": code } : code;
  return {
    FunctionName: name,
    Runtime: "nodejs22.x",
    Role: ROLE,
    Handler: "index.handler",
    Code: { ZipFile: zipOf(files) },
    ...extra,
  };
}

/**
 * Creates a function and lets it become Active. The SDK waiter polls once a second and usually
 * finds the function still Pending on its first look (its request arrives before the clock is
 * quiescent), so most tests drive the clock instead; `waiter: true` uses the waiter.
 */
export async function createActive(
  h: Harness,
  name: string,
  code: string | Record<string, string>,
  extra: Partial<CreateFunctionCommandInput> = {},
  options: { waiter?: boolean } = {},
) {
  const created = await h.lambda.send(new CreateFunctionCommand(createInput(name, code, extra)));
  if (options.waiter) {
    await waitUntilFunctionActiveV2({ client: h.lambda, maxWaitTime: 30 }, { FunctionName: name });
  } else {
    await h.sim.clock.runFor(0);
  }
  return created;
}

/** What an SDK v3 service error carries besides its message. */
export interface ServiceError extends Error {
  $fault?: "client" | "server";
  $metadata: { httpStatusCode?: number; requestId?: string };
  Type?: string;
}

/** Runs `fn` and returns the error it throws (failing if it does not). */
export async function failure(fn: () => Promise<unknown>): Promise<ServiceError> {
  try {
    await fn();
  } catch (error) {
    return error as ServiceError;
  }
  throw new Error("expected the call to fail");
}

/** The invocation record of Lambda destinations (reference/aws-sim.md §3.4). */
export interface InvocationRecord {
  version: string;
  timestamp: string;
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: string;
    approximateInvokeCount: number;
  };
  requestPayload: unknown;
  responseContext?: { statusCode: number; executedVersion: string; functionError?: string };
  responsePayload?: Record<string, unknown>;
}

export const decode = (payload: Uint8Array | null | undefined) =>
  payload == null ? undefined : Buffer.from(payload).toString("utf8");
