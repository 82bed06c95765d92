/**
 * Webhooks v3 delivery behaviour, each figure named once. Source unless said otherwise:
 * PagerDuty/developer-docs docs/webhooks/02-Behavior.md (the revision that speaks of
 * subscriptions: "retried for up to 48 hours"), summarised in reference/pagerduty.md §3.
 */

/** "PagerDuty expects a 2xx response within 5 seconds for Generic Webhooks". */
export const DELIVERY_TIMEOUT_MS = 5_000;

/**
 * "Webhooks will be periodically retried for up to 48 hours ... After 48 hours, the delivery will
 * be considered a failure and the webhook will be dropped." Counted from the first attempt.
 */
export const RETRY_WINDOW_MS = 48 * 60 * 60 * 1000;

/**
 * The schedule inside the 48 hours is not documented ("periodically"; an earlier revision said
 * "exponential backoff"). Chosen: the first retry one minute after the first attempt, each delay
 * doubling, capped at one hour: retries at 1, 3, 7, 15, 31 and 63 minutes, then hourly.
 */
export const RETRY_FIRST_DELAY_MS = 60_000;
export const RETRY_MAX_DELAY_MS = 60 * 60_000;

/**
 * "After 3 consecutive webhooks are dropped due to delivery failure, whether from permanent errors
 * or temporary errors that exhausted their retries, the extension or subscription will be disabled
 * for 24 hours and any other webhooks in its queue will be dropped."
 */
export const CONSECUTIVE_DROPS_TO_DISABLE = 3;
export const DISABLED_FOR_MS = 24 * 60 * 60 * 1000;

/**
 * "All webhooks with a final size greater than 256 KB are always dropped." Read as KiB, as the
 * same page gives 55 KB as 56320 bytes.
 */
export const MAX_WEBHOOK_BYTES = 256 * 1024;

/** "PagerDuty-Webhook/V3.0" (support.pagerduty.com/docs/webhooks, "Response Headers"). */
export const USER_AGENT = "PagerDuty-Webhook/V3.0";

/** REST offset pagination (developer-docs REST-API/09-Pagination.md; reference §2.1). */
export const DEFAULT_PAGE_LIMIT = 25;
export const MAX_PAGE_LIMIT = 100;
export const MAX_PAGE_END = 10_000;
