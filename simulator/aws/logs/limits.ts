/**
 * CloudWatch Logs limits, each named once. Sources: the Smithy model
 * (specs/aws/cloudwatch-logs-2014-03-28.json), the PutLogEvents API reference, the CloudWatch
 * Logs quotas page (docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch_limits_cwl.html),
 * the subscription filter guide (.../logs/Subscriptions.html) and reference/aws-sim.md.
 */

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

// PutLogEvents (API reference, "The batch of events must satisfy the following constraints").
/** Sum of UTF-8 message bytes plus EVENT_OVERHEAD_BYTES per event. */
export const MAX_BATCH_BYTES = 1_048_576;
/** Counted per event in the batch size (and, as before 2025, in the per-event size). */
export const EVENT_OVERHEAD_BYTES = 26;
/** Model: InputLogEvents length 1..10000. */
export const MAX_EVENTS_PER_BATCH = 10_000;
/** Per event, since the 2025-04-30 model change (was 262,144); message bytes + overhead. */
export const MAX_EVENT_BYTES = 1_048_576;
/** "None of the log events in the batch can be more than 14 days in the past." */
export const MAX_EVENT_AGE_MS = 14 * DAY_MS;
/** "None of the log events in the batch can be more than 2 hours in the future." */
export const MAX_EVENT_FUTURE_MS = 2 * HOUR_MS;
/** "A batch of log events in a single request cannot span more than 24 hours." */
export const MAX_BATCH_SPAN_MS = DAY_MS;

/** Request bodies beyond this are refused before parsing (JSON escaping can grow a 1 MB batch ~6x). */
export const MAX_REQUEST_BODY_BYTES = 8 * 1_048_576;

/** CreateLogGroup: "You can create up to 1,000,000 log groups per Region per account." */
export const MAX_LOG_GROUPS_PER_REGION = 1_000_000;

// Reads (GetLogEvents / FilterLogEvents API reference).
/** "Each page returned can contain up to 1 MB of log events or up to 10,000 log events." */
export const MAX_PAGE_BYTES = 1_048_576;
export const MAX_PAGE_EVENTS = 10_000;
/** FilterLogEvents: "The default is 10,000 events." */
export const DEFAULT_FILTER_LIMIT = 10_000;
/** Model: DescribeLimit 1..50; the Describe* default is 50. */
export const DEFAULT_DESCRIBE_LIMIT = 50;

// Retention (model: Days documentation).
export const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
] as const;

// Filters (quotas page; Subscriptions.html).
/** "You can associate up to two subscription filters with a log group." */
export const MAX_SUBSCRIPTION_FILTERS_PER_GROUP = 2;
/** Quotas page: metric filters, 100 per log group. */
export const MAX_METRIC_FILTERS_PER_GROUP = 100;
/** FilterAndPatternSyntax: "up to 5 filter patterns containing regular expressions for each log group". */
export const MAX_REGEX_PATTERNS_PER_GROUP = 5;
/** Model: FilterLogEvents logStreamNames length 1..100. */
export const MAX_FILTER_STREAM_NAMES = 100;

// Subscription delivery to Lambda (aws-sim.md §2.2; Lambda quotas).
/** Lambda's asynchronous invocation payload limit since the 2025-10-28 model change (was 256 KB). */
export const MAX_LAMBDA_ASYNC_PAYLOAD_BYTES = 1_048_576;
/** Non-retryable destination errors disable the filter "for up to 10 minutes". */
export const SUBSCRIPTION_DISABLE_MS = 10 * MINUTE_MS;
