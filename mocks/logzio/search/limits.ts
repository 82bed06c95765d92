/**
 * Search API limits. Source: the /v1/search operation of Logz.io's public API spec
 * (logzio-public-api.swagger2.json) and its Search doc, summarised in reference/logzio.md §4.1.
 */

/** `size` when the request sets none (Elasticsearch's default). */
export const DEFAULT_SIZE = 10;

/** "10,000 results for non-aggregated results". Also Elasticsearch's max_result_window for from+size. */
export const MAX_RESULTS = 10_000;

/** "up to 1,000 results per query for aggregated results". */
export const MAX_RESULTS_WITH_AGGREGATIONS = 1_000;

/** Terms aggregation `size` is capped at 1000. */
export const MAX_TERMS_SIZE = 1_000;

/** Terms aggregation `size` when unset (Elasticsearch's default). */
export const DEFAULT_TERMS_SIZE = 10;

/** "Searches ... return the last 2 calendar days, UTC": the default window, in days. */
export const WINDOW_DAYS = 2;

/** Undocumented; a cap on histogram buckets so a tiny interval cannot exhaust memory (ES: search.max_buckets). */
export const MAX_BUCKETS = 10_000;
