/**
 * Defaults and limits the app follows, each named once with where it comes from.
 */

/** The POC's port for the error-on-demand app (`curl -X POST localhost:8075/faults ...`). */
export const DEFAULT_APP_PORT = 8075;

/** CloudWatch agent `force_flush_interval`: "The default value is 5 seconds". */
export const DEFAULT_FORCE_FLUSH_INTERVAL_MS = 5_000;

/** PutLogEvents: at most 10,000 events per call (reference/aws-sim.md §1.3, rule 2). */
export const MAX_BATCH_EVENTS = 10_000;

/** PutLogEvents: messages' UTF-8 bytes plus 26 per event, at most 1,048,576 (§1.3, rule 3). */
export const MAX_BATCH_BYTES = 1_048_576;
export const EVENT_OVERHEAD_BYTES = 26;

/** PutLogEvents: one call cannot span more than 24 hours of timestamps (§1.3, rule 6). */
export const MAX_BATCH_SPAN_MS = 24 * 60 * 60 * 1000;

/**
 * The agent's back-off on throttling and 5xx: 200 ms doubling up to a minute, retried until the
 * events would be too old to be accepted (14 days), as the CloudWatch agent's pusher does.
 */
export const RETRY_BASE_DELAY_MS = 200;
export const RETRY_MAX_DELAY_MS = 60_000;
export const RETRY_MAX_DURATION_MS = 14 * 24 * 60 * 60 * 1000;

/** Base latency of a simulated request when the service declares none. */
export const DEFAULT_LATENCY_MS = 20;

/** The longest burst one `POST /faults` may log at once. */
export const MAX_BURST = 100_000;
