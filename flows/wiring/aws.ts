/**
 * The scenario's AWS side, through the AWS SDK v3 as infrastructure code would: the app's log
 * groups, the shipper function from its zip, the permission for CloudWatch Logs to invoke it, and
 * one subscription filter per log group.
 */
import {
  type CloudWatchLogsClient,
  CreateLogGroupCommand,
  PutSubscriptionFilterCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import {
  AddPermissionCommand,
  CreateFunctionCommand,
  type LambdaClient,
  waitUntilFunctionActiveV2,
} from "@aws-sdk/client-lambda";
import type { Scenario } from "../scenarios/schema.js";
import {
  buildShipperZip,
  SHIPPER_HANDLER,
  SHIPPER_RUNTIME,
  shipperEnvironment,
} from "../shipper/index.js";

export const SHIPPER_FUNCTION = "logzio-shipper";
export const SUBSCRIPTION_FILTER = "logzio";

export interface AwsWiring {
  functionArn: string;
  logGroups: Map<string, string>;
}

export async function wireAws(
  scenario: Scenario,
  options: {
    logs: CloudWatchLogsClient;
    lambda: LambdaClient;
    account: string;
    region: string;
    logGroupOf(service: string): string;
    listenerUrl: string;
    logzioToken: string;
    /** Lets a Pending function turn Active: the virtual clock's next instant, or the SDK waiter. */
    untilActive?: () => Promise<void>;
  },
): Promise<AwsWiring> {
  const { logs, lambda, region, account } = options;
  const logGroups = new Map<string, string>();
  for (const s of scenario.services) {
    const name = options.logGroupOf(s.name);
    await logs.send(new CreateLogGroupCommand({ logGroupName: name })).catch(alreadyExists);
    logGroups.set(s.name, name);
  }

  const { shipper } = scenario;
  const created = await lambda.send(
    new CreateFunctionCommand({
      FunctionName: SHIPPER_FUNCTION,
      Runtime: SHIPPER_RUNTIME,
      Handler: SHIPPER_HANDLER,
      Role: `arn:aws:iam::${account}:role/logzio-shipper`,
      Timeout: Math.round(shipper.timeout / 1000),
      MemorySize: 512,
      Code: { ZipFile: await buildShipperZip() },
      Environment: {
        Variables: shipperEnvironment({
          token: options.logzioToken,
          listenerUrl: options.listenerUrl,
          type: shipper.type,
          format: shipper.format,
          compress: shipper.compress,
          ...(shipper.enrich === undefined ? {} : { enrich: shipper.enrich }),
          ...(shipper.requestTimeout === undefined
            ? {}
            : { requestTimeoutSeconds: Math.round(shipper.requestTimeout / 1000) }),
        }),
      },
    }),
  );
  const functionArn = created.FunctionArn ?? "";
  if (options.untilActive) await options.untilActive();
  else {
    await waitUntilFunctionActiveV2(
      { client: lambda, maxWaitTime: 120, minDelay: 1, maxDelay: 2 },
      { FunctionName: SHIPPER_FUNCTION },
    );
  }

  for (const [, group] of logGroups) {
    await lambda.send(
      new AddPermissionCommand({
        FunctionName: SHIPPER_FUNCTION,
        StatementId: `logs-${group.replace(/[^A-Za-z0-9_-]/g, "_")}`,
        Action: "lambda:InvokeFunction",
        Principal: "logs.amazonaws.com",
        SourceArn: `arn:aws:logs:${region}:${account}:log-group:${group}:*`,
        SourceAccount: account,
      }),
    );
    await logs.send(
      new PutSubscriptionFilterCommand({
        logGroupName: group,
        filterName: SUBSCRIPTION_FILTER,
        filterPattern: shipper.filterPattern,
        destinationArn: functionArn,
      }),
    );
  }
  return { functionArn, logGroups };
}

function alreadyExists(error: unknown): void {
  if ((error as { name?: string }).name !== "ResourceAlreadyExistsException") throw error;
}
