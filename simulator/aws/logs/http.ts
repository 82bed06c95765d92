import type { AccountScope, AwsHandler } from "../context.js";
import {
  AwsError,
  BodyTooLargeError,
  readBody,
  sendAwsJsonError,
  sendJsonBody,
} from "../protocol.js";
import { requestTooLarge, serializationError, unknownOperation } from "./errors.js";
import { MAX_REQUEST_BODY_BYTES } from "./limits.js";
import { createLogGroup } from "./operations/createLogGroup.js";
import { createLogStream } from "./operations/createLogStream.js";
import { deleteLogGroup } from "./operations/deleteLogGroup.js";
import { deleteLogStream } from "./operations/deleteLogStream.js";
import { deleteMetricFilter } from "./operations/deleteMetricFilter.js";
import { deleteRetentionPolicy } from "./operations/deleteRetentionPolicy.js";
import { deleteSubscriptionFilter } from "./operations/deleteSubscriptionFilter.js";
import { describeLogGroups } from "./operations/describeLogGroups.js";
import { describeLogStreams } from "./operations/describeLogStreams.js";
import { describeMetricFilters } from "./operations/describeMetricFilters.js";
import { describeSubscriptionFilters } from "./operations/describeSubscriptionFilters.js";
import { filterLogEvents } from "./operations/filterLogEvents.js";
import { getLogEvents } from "./operations/getLogEvents.js";
import { putLogEvents } from "./operations/putLogEvents.js";
import { putMetricFilter } from "./operations/putMetricFilter.js";
import { putRetentionPolicy } from "./operations/putRetentionPolicy.js";
import { putSubscriptionFilter } from "./operations/putSubscriptionFilter.js";
import { testMetricFilter } from "./operations/testMetricFilter.js";
import type { LogsRuntime } from "./runtime.js";
import { type InputOf, isOperationName, type OperationName, parseInput } from "./schemas.js";

export const TARGET_PREFIX = "Logs_20140328.";

type Operation<Op extends OperationName> = (
  rt: LogsRuntime,
  scope: AccountScope,
  input: InputOf<Op>,
) => unknown;

/** awsJson1_1 operation names to their domain functions. */
const operations: { [Op in OperationName]: Operation<Op> } = {
  CreateLogGroup: createLogGroup,
  DeleteLogGroup: deleteLogGroup,
  DescribeLogGroups: describeLogGroups,
  CreateLogStream: createLogStream,
  DeleteLogStream: deleteLogStream,
  DescribeLogStreams: describeLogStreams,
  PutLogEvents: putLogEvents,
  GetLogEvents: getLogEvents,
  FilterLogEvents: filterLogEvents,
  PutRetentionPolicy: putRetentionPolicy,
  DeleteRetentionPolicy: deleteRetentionPolicy,
  PutSubscriptionFilter: putSubscriptionFilter,
  DescribeSubscriptionFilters: describeSubscriptionFilters,
  DeleteSubscriptionFilter: deleteSubscriptionFilter,
  PutMetricFilter: putMetricFilter,
  DescribeMetricFilters: describeMetricFilters,
  DeleteMetricFilter: deleteMetricFilter,
  TestMetricFilter: (_rt, _scope, input) => testMetricFilter(input),
};

const JSON_HEADERS = { "content-type": "application/x-amz-json-1.1" };

function decode(body: Buffer): unknown {
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch {
    throw serializationError();
  }
  if (Array.isArray(value)) throw serializationError("Start of list found where not expected");
  if (typeof value !== "object" || value === null) throw serializationError();
  return value;
}

/** The awsJson1_1 transport: body, JSON, target routing, validation at the edge, response. */
export function createLogsHttpHandler(rt: LogsRuntime): AwsHandler {
  return async (req, res, ctx) => {
    const target = String(req.headers["x-amz-target"] ?? "");
    const name = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : "";
    try {
      let body: Buffer;
      try {
        body = await readBody(req, MAX_REQUEST_BODY_BYTES);
      } catch (error) {
        if (error instanceof BodyTooLargeError) throw requestTooLarge(error.limit);
        throw error;
      }
      if (!isOperationName(name)) throw unknownOperation();
      const input = parseInput(name, decode(body));
      const scope: AccountScope = { accountId: ctx.accountId, region: ctx.region };
      const operation = operations[name] as Operation<typeof name>;
      const output = operation(rt, scope, input as never) ?? {};
      sendJsonBody(res, 200, output, { ...JSON_HEADERS, "x-amzn-requestid": ctx.requestId });
    } catch (error) {
      if (!(error instanceof AwsError) || res.headersSent) throw error;
      sendAwsJsonError(res, ctx, error);
    }
  };
}
