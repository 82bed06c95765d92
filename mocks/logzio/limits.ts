/**
 * Logz.io listener limits, each named once. Sources: Logz.io's HTTP shipping page
 * (docs.logz.io, docs/shipping/Code/http.md) and its JSON uploads page (logz-docs
 * json-uploads.md), summarised in reference/logzio.md §1.
 */

/** "Max body size is 10 MB (10,485,760 bytes)": larger requests get 413. Measured on the wire. */
export const MAX_REQUEST_BYTES = 10_485_760;

/** "Each log line must be 500,000 bytes or less": longer lines are counted as `oversizedLines`. */
export const MAX_LINE_BYTES = 500_000;

/**
 * Cap on a gunzipped body. Undocumented whether Logz.io limits the decompressed size; a cap keeps
 * a gzip bomb from exhausting memory, and 10x the wire limit admits any realistic bulk.
 */
export const MAX_DECOMPRESSED_BYTES = 10 * MAX_REQUEST_BYTES;

/** The log type when neither the log nor the query names one (http.md: "default: http-bulk"). */
export const DEFAULT_TYPE = "http-bulk";

/*
 * Per-log limits applied after a line is accepted (Logz.io's "invalid logs" page, user-guide
 * invalid_logs.md): a log over one is still indexed, retyped `logzio-invalid-log` and tagged.
 */

/** "Exceeded the maximum of 32700 characters per field" (a key or a string value). */
export const MAX_FIELD_CHARS = 32_700;

/** "Exceeded the maximum of 10 field nesting levels per log message". */
export const MAX_JSON_DEPTH = 10;

/** "Exceeded the maximum of 1000 fields per log message". */
export const MAX_FIELDS = 1_000;

/*
 * What PagerDuty's Events API accepts (reference/pagerduty.md §1): notifications are cut to fit
 * rather than sent and refused with a 400 that no retry would cure.
 */

/** Events API v2: `payload.summary` "maximum of 1024 characters". */
export const PD_SUMMARY_MAX_CHARS = 1024;

/** Events API v2: `dedup_key` "maximum of 255 characters"; v1's `incident_key` likewise. */
export const PD_DEDUP_KEY_MAX_CHARS = 255;

/** Events API v1: a trigger's `description` is at most 1024 characters. */
export const PD_V1_DESCRIPTION_MAX_CHARS = 1024;
