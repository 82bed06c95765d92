import { AwsError, type ConstraintFailure, validationMessage } from "../protocol.js";

export { type ConstraintFailure, NULL_VALUE } from "../protocol.js";

import { MAX_BATCH_BYTES, MAX_EVENT_BYTES } from "./limits.js";

/**
 * One factory per CloudWatch Logs error. Texts quoted from AWS answers where they are known
 * (reference/aws-sim.md §1.2, §1.3, §2.2); the few that are not observed say so.
 * Every client fault is HTTP 400 on awsJson1_1.
 */

const invalidParameter = (message: string) => new AwsError("InvalidParameterException", message);

export const logGroupAlreadyExists = () =>
  new AwsError("ResourceAlreadyExistsException", "The specified log group already exists");

export const logStreamAlreadyExists = () =>
  new AwsError("ResourceAlreadyExistsException", "The specified log stream already exists");

export const logGroupNotFound = () =>
  new AwsError("ResourceNotFoundException", "The specified log group does not exist.");

export const logStreamNotFound = () =>
  new AwsError("ResourceNotFoundException", "The specified log stream does not exist.");

export const subscriptionFilterNotFound = () =>
  new AwsError("ResourceNotFoundException", "The specified subscription filter does not exist.");

/** Not observed; worded as the subscription filter one. */
export const metricFilterNotFound = () =>
  new AwsError("ResourceNotFoundException", "The specified metric filter does not exist.");

/** Not observed; the rule is the CreateLogGroup API reference's. */
export const invalidGroupNamePrefix = () =>
  invalidParameter("Log group names can't start with the string aws/");

export const invalidNextToken = () => invalidParameter("The specified nextToken is invalid.");

export const uploadTooLarge = (bytes: number) =>
  invalidParameter(`Upload too large: ${bytes} bytes exceeds limit of ${MAX_BATCH_BYTES}`);

export const logEventTooLarge = (bytes: number) =>
  invalidParameter(`Log event too large: ${bytes} bytes exceeds limit of ${MAX_EVENT_BYTES}`);

export const logEventsNotChronological = () =>
  invalidParameter("Log events in a single PutLogEvents request must be in chronological order.");

export const batchSpansTooLong = () =>
  invalidParameter(
    "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.",
  );

export const resourceLimitExceeded = () =>
  new AwsError("LimitExceededException", "Resource limit exceeded.");

export const lambdaNotInvocable = () =>
  invalidParameter(
    "Could not execute the lambda function. Make sure you have given CloudWatch Logs permission to execute your function.",
  );

export const crossAccountLambda = () =>
  new AwsError(
    "AccessDeniedException",
    "Cross-account lambda invocation passing is not allowed. You must use DestinationPolicies to create cross account lambda triggers.",
  );

export const destinationNeedsRole = (vendor: string) =>
  invalidParameter(`destinationArn for vendor ${vendor} cannot be used without roleArn`);

/** No Kinesis or Firehose here: the test message AWS sends at PutSubscriptionFilter cannot land. */
export const kinesisNotReachable = () =>
  invalidParameter(
    "Could not deliver test message to specified Kinesis stream. Verify the stream exists",
  );

export const firehoseNotReachable = () =>
  invalidParameter(
    "Could not deliver test message to specified Firehose stream. Check if the given Firehose stream is in ACTIVE state.",
  );

/** Not observed: the text for an ARN that names no supported destination. */
export const invalidDestinationArn = (arn: string) =>
  invalidParameter(`Invalid destinationArn: ${arn}`);

export const prefixAndPatternExclusive = () =>
  invalidParameter(
    "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.",
  );

export const nameAndIdentifierExclusive = () =>
  new AwsError(
    "ValidationException",
    "LogGroup name and LogGroup ARN are mutually exclusive parameters.",
  );

/** Not observed: the docs' wording ("You must include either ... but not both"). */
export const nameOrIdentifierRequired = () =>
  invalidParameter("You must include either logGroupIdentifier or logGroupName, but not both.");

export const orderByLastEventTimeWithPrefix = () =>
  invalidParameter("Cannot order by LastEventTime with a logStreamNamePrefix.");

/** Not observed; the API reference only names the exception. */
export const streamNamesAndPrefixExclusive = () =>
  invalidParameter("logStreamNames and logStreamNamePrefix are mutually exclusive parameters.");

/** moto's text, mirroring the API reference's rule for DescribeMetricFilters. */
export const metricNameNeedsNamespace = () =>
  invalidParameter(
    "If you include the metricName parameter in your request, you must also include the metricNamespace parameter.",
  );

/** Not observed; the API reference states the rule. */
export const filterNamePrefixNeedsGroup = () =>
  invalidParameter(
    "If you include the filterNamePrefix parameter in your request, you must also include the logGroupName parameter.",
  );

/** Not observed: a metric value that is neither a number nor a field of the pattern. */
export const invalidMetricValue = (value: string) =>
  invalidParameter(`Invalid metric value: ${value}`);

export const invalidFilterPattern = (message: string) => invalidParameter(message);

/** AWS's "N validation error(s) detected" template, as InvalidParameterException. */
export function constraintViolation(failures: ConstraintFailure[]): AwsError {
  const text = validationMessage(failures);
  return invalidParameter(text);
}

/** A member of the wrong JSON type: AWS's front end fails deserialization. */
export const serializationError = (message?: string) =>
  new AwsError(
    "com.amazon.coral.service#SerializationException",
    message ?? "",
    400,
    {},
    "Message",
  );

export const unknownOperation = () =>
  new AwsError("com.amazon.coral.service#UnknownOperationException", "", 400);

/** Not observed: what the front end answers a body beyond what it reads. */
export const requestTooLarge = (limit: number) =>
  new AwsError("RequestEntityTooLargeException", `Request body exceeds ${limit} bytes`, 413);
