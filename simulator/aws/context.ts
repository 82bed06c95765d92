import type { FaultRegistry } from "../host/faults.js";
import type { Clock } from "../kernel/clock.js";
import type { IdFactory } from "../kernel/ids.js";
import type { Journal } from "../kernel/journal.js";
import type { Rng } from "../kernel/rng.js";
import type { AwsRequestContext } from "./protocol.js";

/** What both AWS services get from the emulator: the one clock, journal and seeded ids. */
export interface AwsServiceContext {
  clock: Clock;
  journal: Journal;
  rng: Rng;
  ids: IdFactory;
  /** The emulator's own http URL once bound: Lambda functions get it as AWS_ENDPOINT_URL. */
  endpoint(): string;
  /** The simulator's faults: Lambda consults the "lambda" ones before each invocation. */
  faults?: FaultRegistry;
}

/** State is kept per account and region, as on AWS. */
export interface AccountScope {
  accountId: string;
  region: string;
}

/** A service's transport entry point: one request, already attributed to an account and region. */
export type AwsHandler = (
  req: import("node:http").IncomingMessage,
  res: import("node:http").ServerResponse,
  ctx: AwsRequestContext,
) => Promise<void>;

export interface LogEventInput {
  timestamp: number;
  message: string;
}

/** What Lambda asks of CloudWatch Logs: a function's console output lands in /aws/lambda/<fn>. */
export interface LogsForLambda {
  /** Creates the group and stream when missing (as the Lambda service does), then ingests. */
  writeFunctionLogs(
    scope: AccountScope,
    logGroupName: string,
    logStreamName: string,
    events: LogEventInput[],
  ): void;
}

/** What CloudWatch Logs asks of Lambda for subscription filters with a Lambda destination. */
export interface LambdaForLogs {
  /** The function an ARN names, if it exists in this account and region. */
  functionExists(scope: AccountScope, functionArn: string): boolean;
  /** Whether the function's resource policy lets `principal` (e.g. logs.amazonaws.com) invoke it for `sourceArn`. */
  allowsInvoke(
    scope: AccountScope,
    functionArn: string,
    principal: string,
    sourceArn: string,
    sourceAccount: string,
  ): boolean;
  /**
   * Queues an asynchronous (Event) invocation, as CloudWatch Logs does: Lambda's async machinery
   * owns retries and the on-failure destination. Throws an AwsError if the function is gone.
   */
  invokeAsync(
    scope: AccountScope,
    functionArn: string,
    payload: string,
    correlation: Record<string, string>,
  ): { requestId: string };
}

export interface AwsSubservice<Internal> {
  handle: AwsHandler;
  internal: Internal;
  reset(): void;
  state(): unknown;
  dispose?(): Promise<void>;
}
