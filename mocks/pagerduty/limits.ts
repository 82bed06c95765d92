/**
 * PagerDuty Events API limits, each named once. Sources: PagerDuty/developer-docs
 * docs/events-API-v2/01-Overview.md, 02-Trigger-Events.md, 03-Change-Events.md, 05-Rate-Limits.md
 * and docs/events-API-v1/02-Trigger-Events.md, summarised in reference/pagerduty.md §1.
 */

/**
 * "Events API payloads are limited to 512 KB" (01-Overview.md, "Size Limits"), for v1 and v2
 * alike (prometheus/alertmanager#2178, where PagerDuty announced the enforcement). Read as KiB and
 * measured on the request body; Alertmanager's own cap (512,000 bytes) stays below it.
 */
export const MAX_EVENT_BYTES = 512 * 1024;

/** `routing_key` is "the 32 character Integration Key" (02-Trigger-Events.md); v1's `service_key` too. */
export const ROUTING_KEY_LENGTH = 32;

/** `payload.summary` (v2, change events) and `description` (v1): "maximum ... 1024 characters". */
export const MAX_SUMMARY_CHARS = 1024;

/** `dedup_key` (v2) and `incident_key` (v1): "maximum permitted length ... 255 characters". */
export const MAX_DEDUP_KEY_CHARS = 255;

/**
 * "approximately 120 calls/minute per integration key. The limit is calculated over a 60 second
 * window looking back from the current time" (05-Rate-Limits.md). Over it, v2 answers 429 and v1
 * 403 (events-API-v1/02-Trigger-Events.md), and the event is not ingested.
 */
export const RATE_LIMIT_EVENTS = 120;
export const RATE_LIMIT_WINDOW_MS = 60_000;

/** Change events: "PagerDuty will only keep the last 90 days" (03-Change-Events.md). */
export const CHANGE_EVENT_RETENTION_MS = 90 * 24 * 60 * 60 * 1000;
