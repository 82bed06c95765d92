/**
 * PagerDuty REST API v2 limits and defaults, each named once. Sources: PagerDuty/developer-docs
 * docs/REST-API/04-Rate-Limits.md, 09-Pagination.md, summarised in reference/pagerduty.md §2.1.
 */

/** "limit ... Default: 25" (09-Pagination.md, classic pagination). */
export const DEFAULT_PAGE_LIMIT = 25;

/**
 * "The maximum number of results per page is 100" (09-Pagination.md). A larger `limit` is
 * served as 100 and echoed as 100: the docs call it a maximum, not an error.
 */
export const MAX_PAGE_LIMIT = 100;

/** "offset + limit may not exceed 10,000" for classic pagination (09-Pagination.md). */
export const MAX_OFFSET_PLUS_LIMIT = 10_000;

/** "960 requests per minute" per API key (04-Rate-Limits.md), on the simulator's clock. */
export const RATE_LIMIT_REQUESTS = 960;
export const RATE_LIMIT_WINDOW_MS = 60_000;

/** The host every `self` URL names, as real responses do (pagerduty-cli reads them). */
export const API_ORIGIN = "https://api.pagerduty.com";

/** The media type of version 2 (every operation of the spec lists it as `Accept`). */
export const ACCEPT_V2 = "application/vnd.pagerduty+json;version=2";
